import requests
import httpx
from flask import Flask, jsonify, request

from webhooks import deliver

app = Flask(__name__)


@app.route("/preview")
def preview():
    url = request.args["url"]
    resp = requests.get(url, timeout=5)  # ruleid: server-side-request-forgery
    return resp.text[:200]


@app.route("/avatar")
def avatar():
    user = request.args["user"]
    r = httpx.get(f"https://{user}.avatars.example.com/img.png")  # ruleid: server-side-request-forgery
    return r.content


@app.route("/rates")
def rates():
    r = requests.get("https://api.exchange.example.com/v1/rates", timeout=5)  # ok: server-side-request-forgery
    return jsonify(r.json())


@app.route("/hooks/test", methods=["POST"])
def test_hook():
    deliver(request.json["callback"], {"ping": True})
    return "sent"
