# stick: cwe=79 construct=direct expect=vulnerable
from flask import Flask, request

app = Flask(__name__)


@app.route("/greet")
def greet():
    name = request.args.get("name", "guest")
    return f"<html><body><h1>Welcome back, {name}!</h1></body></html>"  # stick: sink
