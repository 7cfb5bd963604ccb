# stick: cwe=918 construct=host-guard expect=vulnerable
from urllib.parse import urlparse

import requests
from flask import Flask, abort, request

app = Flask(__name__)


@app.route("/avatars/import", methods=["POST"])
def import_avatar():
    url = request.form.get("url", "")
    if "cdn.example.com" not in url:
        abort(400)
    image = requests.get(url, timeout=5)  # stick: sink
    return {"bytes": len(image.content)}
