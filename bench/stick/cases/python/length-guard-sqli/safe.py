# stick: cwe=89 construct=length-guard expect=safe
import re
import sqlite3

from flask import Flask, abort, jsonify, request

app = Flask(__name__)


@app.route("/users/by-handle")
def user_by_handle():
    handle = request.args.get("handle", "")
    if not re.fullmatch(r"[a-z0-9_]{1,32}", handle):
        abort(400)
    conn = sqlite3.connect("social.db")
    return jsonify(conn.execute(f"SELECT id, bio FROM users WHERE handle = '{handle}'").fetchall())
