# stick: cwe=601 construct=guard-then-reassign expect=safe
from flask import Flask, abort, redirect, request

app = Flask(__name__)
LANDING_PAGES = {"/welcome", "/pricing", "/docs"}


@app.route("/go")
def go():
    target = request.args.get("fallback", request.args.get("to", "/welcome"))
    if target not in LANDING_PAGES:
        abort(400)
    return redirect(target)
