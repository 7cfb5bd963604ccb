from flask import Blueprint, Flask, jsonify
from flask_jwt_extended import JWTManager, jwt_required

app = Flask(__name__)
jwt = JWTManager(app)
api = Blueprint("api", __name__)


@api.get("/me")
@jwt_required()
def me():
    return jsonify({"ok": True})


@api.get("/admin/users")  # ruleid: admin-route-unauthenticated
def admin_list_users():
    return jsonify([])


@api.post("/admin/users/<int:user_id>/disable")  # ok: admin-route-unauthenticated
@jwt_required()
def admin_disable_user(user_id):
    return jsonify({"disabled": user_id})


@api.get("/internal/debug-stats")  # ruleid: admin-route-unauthenticated
def debug_stats():
    return jsonify({"threads": 4})


app.register_blueprint(api, url_prefix="/api")
