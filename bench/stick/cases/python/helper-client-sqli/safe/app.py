# stick: cwe=89 construct=helper-client expect=safe
from flask import Flask, jsonify, request

from db import get_connection

app = Flask(__name__)


@app.route("/contacts")
def contacts():
    company = request.args.get("company", "")
    conn = get_connection()
    with conn.cursor() as cur:
        cur.execute("SELECT id, name, email FROM contacts WHERE company = %s", (company,))
        return jsonify(cur.fetchall())
