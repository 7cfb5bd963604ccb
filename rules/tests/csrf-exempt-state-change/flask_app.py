from flask import Flask, jsonify, request
from flask_login import LoginManager, login_required
from flask_wtf.csrf import CSRFProtect

app = Flask(__name__)
app.config["SECRET_KEY"] = app.config.get("ENV_SECRET")
login_manager = LoginManager(app)
csrf = CSRFProtect(app)


@app.post("/account/email")  # ruleid: csrf-exempt-state-change
@csrf.exempt
@login_required
def change_email():
    return jsonify({"email": request.form["email"]})


@app.post("/account/name")  # ok: csrf-exempt-state-change
@login_required
def change_name():
    return jsonify({"name": request.form["name"]})


@app.get("/account/export")  # ok: csrf-exempt-state-change
@csrf.exempt
@login_required
def export_account():
    return jsonify({"rows": []})
