from urllib.parse import urljoin, urlparse

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


# The project's own check, named for what it validates.
def is_safe_url(target):
    ref = urlparse(request.host_url)
    test = urlparse(urljoin(request.host_url, target))
    return test.scheme in ("http", "https") and ref.netloc == test.netloc


@app.route("/login/next")
def login_next():
    target = request.args.get("next", "/")
    if not is_safe_url(target):
        return redirect("/")
    return redirect(target)  # ok: open-redirect


@app.route("/login/next-unchecked")
def login_next_unchecked():
    target = request.args.get("next", "/")
    is_safe_url(target)
    return redirect(target)  # ruleid: open-redirect
