# stick: cwe=79 construct=loop-html expect=vulnerable
from flask import Flask, request

app = Flask(__name__)


@app.route("/tags")
def tag_cloud():
    html = "<ul class='tags'>"
    for tag in request.args.getlist("tag"):
        html += "<li>" + tag + "</li>"
    html += "</ul>"
    return html  # stick: sink
