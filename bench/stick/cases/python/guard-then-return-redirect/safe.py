# stick: cwe=601 construct=guard-then-return expect=safe
from urllib.parse import urlparse

from flask import Flask, redirect, request, session, url_for

app = Flask(__name__)
TRUSTED_HOSTS = {"shop.example.com", "help.example.com"}


@app.route("/logout")
def logout():
    session.clear()
    target = request.args.get("continue", "https://shop.example.com/")
    if urlparse(target).hostname not in TRUSTED_HOSTS:
        return redirect(url_for("logout"))
    return redirect(target)
