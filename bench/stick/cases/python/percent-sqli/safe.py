# stick: cwe=89 construct=percent-format expect=safe
import psycopg2
from flask import Flask, jsonify, request

app = Flask(__name__)
conn = psycopg2.connect("dbname=library")


@app.route("/books")
def books():
    author = request.args.get("author", "")
    cur = conn.cursor()
    cur.execute("SELECT isbn, title FROM books WHERE author = %s ORDER BY title", (author,))
    return jsonify(cur.fetchall())
