# stick: cwe=89 construct=direct expect=safe
import sqlite3

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/orders/<order_id>")
def order(order_id):
    customer = request.args.get("customer", "")
    conn = sqlite3.connect("shop.db")
    row = conn.execute(
        "SELECT id, total FROM orders WHERE id = ? AND customer = ?", (order_id, customer)
    ).fetchone()
    return jsonify(row)
