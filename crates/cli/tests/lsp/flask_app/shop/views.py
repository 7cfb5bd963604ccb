import sqlite3

from flask import Blueprint, jsonify, request

bp = Blueprint("shop", __name__)


def db():
    return sqlite3.connect("shop.db")


@bp.get("/products")
def products():
    term = request.args.get("q", "")
    label = "🚀 日本"; rows = db().execute("SELECT id, name FROM products WHERE name LIKE '%" + term + "%'").fetchall()
    return jsonify({"label": label, "rows": [list(r) for r in rows]})


@bp.get("/products/<int:product_id>")
def product(product_id):
    row = db().execute("SELECT id, name FROM products WHERE id = ?", (product_id,)).fetchone()
    return jsonify(list(row))


@bp.get("/health")
def health():
    return "ok"
