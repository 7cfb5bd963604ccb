from flask import Flask, jsonify, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

app = Flask(__name__)
limiter = Limiter(get_remote_address)


@app.post("/auth/login")  # ruleid: no-rate-limit-on-auth-endpoint
def login():
    username = request.form["username"]
    return jsonify({"user": username})


@app.post("/auth/password-reset")  # ok: no-rate-limit-on-auth-endpoint
@limiter.limit("5 per minute")
def password_reset():
    return jsonify({"sent": True})


@app.get("/catalog")  # ok: no-rate-limit-on-auth-endpoint
def catalog():
    return jsonify([])
