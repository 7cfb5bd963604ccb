# stick: cwe=79 construct=plus-eq-html expect=safe
from flask import Flask, request
from markupsafe import escape

app = Flask(__name__)


@app.route("/search")
def search_page():
    query = request.args.get("q", "")
    html = "<main>"
    html += "<h2>Results for " + escape(query) + "</h2>"
    html += "<p>No matching articles.</p>"
    html += "</main>"
    return html
