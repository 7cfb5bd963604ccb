from flask import Flask, jsonify, request
from flask_login import LoginManager, current_user, login_required

app = Flask(__name__)
login_manager = LoginManager(app)


@app.route("/api/profile")  # ok: missing-authentication
@login_required
def profile():
    return jsonify({"name": current_user.name})


@app.route("/api/orders", methods=["GET"])  # ok: missing-authentication
@login_required
def orders():
    return jsonify([o.to_dict() for o in current_user.orders])


@app.route("/api/orders/export", methods=["GET"])  # ruleid: missing-authentication
def export_orders():
    fmt = request.args.get("format", "csv")
    return jsonify({"format": fmt, "rows": []})


@app.route("/api/invoices", methods=["POST"])  # ok: missing-authentication
@login_required
def create_invoice():
    return jsonify({"created": True}), 201
