from flask import Flask, jsonify
from flask_cors import CORS
from flask_login import LoginManager, login_required

app = Flask(__name__)
login_manager = LoginManager(app)
CORS(app)  # ruleid: cors-any-origin


@app.route("/api/account")
@login_required
def account():
    return jsonify({"ok": True})


public = Flask("public")
CORS(public, origins=["https://www.example.com"])  # ok: cors-any-origin
