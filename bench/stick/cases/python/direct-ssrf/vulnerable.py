# stick: cwe=918 construct=direct expect=vulnerable
import requests
from flask import Flask, request

app = Flask(__name__)


@app.route("/preview")
def preview():
    url = request.args.get("url", "")
    page = requests.get(url, timeout=5)  # stick: sink
    return {"status": page.status_code, "length": len(page.content)}
