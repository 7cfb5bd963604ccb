from urllib.parse import urlparse

import requests
from flask import Flask, request

app = Flask(__name__)

PARTNER_HOSTS = {"api.partner.example", "files.partner.example"}


def partner_get(url):
    if urlparse(url).hostname not in PARTNER_HOSTS:
        raise ValueError("host not allowed")
    return requests.get(url, timeout=5)  # ok: server-side-request-forgery


def partner_get_logged(url):
    if urlparse(url).hostname not in PARTNER_HOSTS:
        app.logger.warning("unexpected partner host")
    return requests.get(url, timeout=5)  # ruleid: server-side-request-forgery


@app.route("/partner/file")
def partner_file():
    return partner_get(request.args["url"]).content


@app.route("/partner/feed")
def partner_feed():
    return partner_get_logged(request.args["url"]).content
