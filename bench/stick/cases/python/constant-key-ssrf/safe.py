# stick: cwe=918 construct=constant-key expect=safe
import requests
from flask import Flask, request

app = Flask(__name__)


@app.route("/integrations/check", methods=["POST"])
def check_integration():
    endpoints = {
        "status": "https://status.example.com/api/health",
        "callback": request.form.get("callback_url", ""),
    }
    reply = requests.get(endpoints["status"], timeout=3)
    return {"reachable": reply.ok}
