from urllib.parse import urlparse

from flask import Flask, redirect, request, url_for

app = Flask(__name__)
ALLOWED_NEXT = {"/dashboard", "/settings", "/orders"}


@app.route("/login/done")
def after_login():
    target = request.args.get("next", "/")
    return redirect(target)  # ruleid: open-redirect


@app.route("/login/done-safe")
def after_login_safe():
    target = request.args.get("next", "/dashboard")
    if target not in ALLOWED_NEXT:
        target = "/dashboard"
        return redirect(target)
    return redirect(target)  # ok: open-redirect


@app.route("/home")
def home():
    return redirect(url_for("after_login"))  # ok: open-redirect


# A path whose first segment is literal stays on this site; a lone "/" does
# not ("/" + "/evil.example" is "//evil.example").
@app.route("/orders/view")
def view_order():
    return redirect(f"/orders/{request.args['id']}")  # ok: open-redirect


@app.route("/continue")
def continue_to():
    return redirect("/" + request.args["path"])  # ruleid: open-redirect
