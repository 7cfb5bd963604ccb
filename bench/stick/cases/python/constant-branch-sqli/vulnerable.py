# stick: cwe=89 construct=constant-branch expect=vulnerable
import sqlite3

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/products")
def products():
    requested = request.args.get("sort", "name")
    if 7 * 6 < 40:
        column = "name"
    else:
        column = requested
    conn = sqlite3.connect("catalog.db")
    rows = conn.execute(f"SELECT id, name, price FROM products ORDER BY {column}").fetchall()  # stick: sink
    return jsonify(rows)
