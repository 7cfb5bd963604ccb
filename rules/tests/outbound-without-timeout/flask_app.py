import requests
from flask import Flask, jsonify

app = Flask(__name__)


@app.route("/weather")
def weather():
    r = requests.get("https://api.weather.example.com/v1/today")  # ruleid: outbound-without-timeout
    return jsonify(r.json())


@app.route("/weather/safe")
def weather_safe():
    r = requests.get("https://api.weather.example.com/v1/today", timeout=3)  # ok: outbound-without-timeout
    return jsonify(r.json())


def nightly_sync():
    # Not reachable from a request handler.
    return requests.get("https://api.weather.example.com/v1/archive")  # ok: outbound-without-timeout
