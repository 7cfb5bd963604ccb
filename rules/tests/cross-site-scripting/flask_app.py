from markupsafe import Markup, escape
from flask import Flask, request

app = Flask(__name__)


@app.route("/banner")
def banner():
    msg = request.args.get("msg", "")
    return Markup("<div class='banner'>" + msg + "</div>")  # ruleid: cross-site-scripting


@app.route("/banner/safe")
def banner_safe():
    msg = request.args.get("msg", "")
    return Markup("<div class='banner'>" + str(escape(msg)) + "</div>")  # ok: cross-site-scripting


@app.route("/hello")
def hello():
    name = request.args.get("name", "world")
    return f"<h1>Hello {name}</h1>"  # ruleid: cross-site-scripting


@app.route("/hello/safe")
def hello_safe():
    name = request.args.get("name", "world")
    return f"<h1>Hello {escape(name)}</h1>"  # ok: cross-site-scripting


@app.route("/hello/plain")
def hello_plain():
    return request.args.get("name", "world")  # ok: cross-site-scripting
