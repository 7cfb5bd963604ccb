import sqlite3

from flask import Flask, jsonify, request

import settings_client
from repository import archive_orders, count_orders, find_orders_by_status

app = Flask(__name__)
DB_PATH = "/var/lib/shop/shop.db"


def get_conn():
    return sqlite3.connect(DB_PATH)


@app.route("/products")
def list_products():
    name = request.args.get("name", "")
    conn = get_conn()
    cur = conn.cursor()
    query = f"SELECT id, name, price FROM products WHERE name LIKE '%{name}%'"
    cur.execute(query)  # ruleid: sql-injection
    return jsonify(cur.fetchall())


@app.route("/products/safe")
def list_products_safe():
    name = request.args.get("name", "")
    cur = get_conn().cursor()
    # ok: sql-injection
    cur.execute("SELECT id, name, price FROM products WHERE name LIKE ?", (f"%{name}%",))
    return jsonify(cur.fetchall())


@app.route("/products/page")
def page():
    limit = int(request.args.get("limit", "20"))
    cur = get_conn().cursor()
    cur.execute("SELECT id, name FROM products LIMIT " + str(limit))  # ok: sql-injection
    return jsonify(cur.fetchall())


@app.route("/orders")
def orders():
    status = request.args["status"]
    return jsonify(find_orders_by_status(status))


@app.route("/orders/count")
def orders_count():
    return jsonify(count_orders("shipped"))


@app.route("/orders/archive", methods=["POST"])
def orders_archive():
    cutoff = settings_client.fetch("orders.archive_cutoff")
    archive_orders(get_conn(), cutoff)
    return jsonify({"archived": True})
