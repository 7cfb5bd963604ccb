# stick: cwe=89 construct=ctor-field expect=vulnerable
import sqlite3

from flask import Flask, jsonify, request

app = Flask(__name__)


class TicketSearch:
    def __init__(self, req):
        self.req = req
        self.table = "tickets"

    def run(self, conn):
        term = self.req.args.get("q", "")
        return conn.execute(f"SELECT id, title FROM {self.table} WHERE title LIKE '%{term}%'").fetchall()  # stick: sink


@app.route("/tickets/search")
def search_tickets():
    conn = sqlite3.connect("helpdesk.db")
    return jsonify(TicketSearch(request).run(conn))
