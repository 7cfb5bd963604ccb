# stick: cwe=89 construct=closure-query expect=safe
import sqlite3

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/reports/sales")
def sales_report():
    region = request.args.get("region", "emea")
    period = "2026-Q4"

    def build_query():
        return f"SELECT product, SUM(amount) FROM sales WHERE region = ? AND period = '{period}' GROUP BY product"

    conn = sqlite3.connect("sales.db")
    return jsonify(conn.execute(build_query(), (region,)).fetchall())
