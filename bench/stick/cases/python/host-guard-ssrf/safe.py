# stick: cwe=918 construct=host-guard expect=safe
from urllib.parse import urlparse

import requests
from flask import Flask, abort, request

app = Flask(__name__)


@app.route("/avatars/import", methods=["POST"])
def import_avatar():
    url = request.form.get("url", "")
    if urlparse(url).scheme != "https" or urlparse(url).hostname != "cdn.example.com":
        abort(400)
    image = requests.get(url, timeout=5)
    return {"bytes": len(image.content)}
