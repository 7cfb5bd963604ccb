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
