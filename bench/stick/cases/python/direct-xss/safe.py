# stick: cwe=79 construct=direct expect=safe
from flask import Flask, request
from markupsafe import escape

app = Flask(__name__)


@app.route("/greet")
def greet():
    name = escape(request.args.get("name", "guest"))
    return f"<html><body><h1>Welcome back, {name}!</h1></body></html>"
