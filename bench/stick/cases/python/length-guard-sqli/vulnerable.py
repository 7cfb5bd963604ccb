# stick: cwe=89 construct=length-guard expect=vulnerable
import re
import sqlite3

from flask import Flask, abort, jsonify, request

app = Flask(__name__)


@app.route("/users/by-handle")
def user_by_handle():
    handle = request.args.get("handle", "")
    if len(handle) > 32:
        abort(400)
    conn = sqlite3.connect("social.db")
    return jsonify(conn.execute(f"SELECT id, bio FROM users WHERE handle = '{handle}'").fetchall())  # stick: sink
