# stick: cwe=601 construct=guard-then-return expect=vulnerable
from urllib.parse import urlparse

from flask import Flask, redirect, request, session, url_for

app = Flask(__name__)
TRUSTED_HOSTS = {"shop.example.com", "help.example.com"}


@app.route("/logout")
def logout():
    session.clear()
    target = request.args.get("continue", "https://shop.example.com/")
    if urlparse(target).hostname not in TRUSTED_HOSTS:
        app.logger.info("logout continues to an external host")
    return redirect(target)  # stick: sink
