from flask import Flask, jsonify, request
from lxml import etree

app = Flask(__name__)
catalog = etree.parse("/srv/catalog.xml")


@app.route("/books")
def books():
    author = request.args["author"]
    nodes = catalog.xpath("//book[author='" + author + "']/title/text()")  # ruleid: xpath-injection
    return jsonify([str(n) for n in nodes])


@app.route("/books/safe")
def books_safe():
    author = request.args["author"]
    nodes = catalog.xpath("//book[author=$name]/title/text()", name=author)  # ok: xpath-injection
    return jsonify([str(n) for n in nodes])
