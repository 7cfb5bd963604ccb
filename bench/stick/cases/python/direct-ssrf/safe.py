# stick: cwe=918 construct=direct expect=safe
from urllib.parse import quote

import requests
from flask import Flask, request

app = Flask(__name__)


@app.route("/preview")
def preview():
    user = request.args.get("user", "")
    page = requests.get(f"https://api.github.com/users/{quote(user, safe='')}", timeout=5)
    return {"status": page.status_code, "length": len(page.content)}
