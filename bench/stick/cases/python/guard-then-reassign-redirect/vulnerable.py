# stick: cwe=601 construct=guard-then-reassign expect=vulnerable
from flask import Flask, abort, redirect, request

app = Flask(__name__)
LANDING_PAGES = {"/welcome", "/pricing", "/docs"}


@app.route("/go")
def go():
    target = request.args.get("to", "/welcome")
    if target not in LANDING_PAGES:
        abort(400)
    target = request.args.get("fallback", target)
    return redirect(target)  # stick: sink
