# stick: cwe=79 construct=loop-html expect=safe
from flask import Flask, request
from markupsafe import escape

app = Flask(__name__)


@app.route("/tags")
def tag_cloud():
    html = "<ul class='tags'>"
    for tag in request.args.getlist("tag"):
        html += "<li>" + escape(tag) + "</li>"
    html += "</ul>"
    return html
