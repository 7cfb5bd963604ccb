# stick: cwe=89 construct=direct expect=vulnerable
import sqlite3

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/orders/<order_id>")
def order(order_id):
    customer = request.args.get("customer", "")
    conn = sqlite3.connect("shop.db")
    row = conn.execute(  # stick: sink
        "SELECT id, total FROM orders WHERE id = " + order_id + " AND customer = '" + customer + "'"
    ).fetchone()
    return jsonify(row)
