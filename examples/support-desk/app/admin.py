import json

from flask import Blueprint, jsonify, request
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from .decorators import admin_required, login_required
from .extensions import db, get_cache
from .models import Ticket, User

bp = Blueprint("admin", __name__)

ROLES = ("agent", "lead", "admin")
STATS_CACHE_KEY = "admin:stats"


@bp.get("/users")
@login_required
@admin_required
def list_users():
    users = db.session.scalars(select(User).order_by(User.email))
    return jsonify(items=[u.to_dict() for u in users])


@bp.post("/users")
@login_required
@admin_required
def create_user():
    payload = request.get_json(silent=True) or {}
    email = (payload.get("email") or "").strip().lower()
    password = payload.get("password") or ""
    role = payload.get("role", "agent")
    if not email or len(password) < 12:
        return jsonify(error="email and a password of at least 12 characters are required"), 400
    if role not in ROLES:
        return jsonify(error=f"role must be one of {', '.join(ROLES)}"), 400

    user = User(
        email=email,
        name=payload.get("name") or email,
        password_hash=generate_password_hash(password),
        role=role,
    )
    db.session.add(user)
    db.session.commit()
    return jsonify(user.to_dict()), 201


@bp.post("/users/<int:user_id>/role")
@login_required
@admin_required
def set_role(user_id: int):
    role = (request.get_json(silent=True) or {}).get("role")
    if role not in ROLES:
        return jsonify(error=f"role must be one of {', '.join(ROLES)}"), 400
    user = db.get_or_404(User, user_id)
    user.role = role
    db.session.commit()
    return jsonify(user.to_dict())


@bp.get("/stats")
@login_required
@admin_required
def stats():
    cache = get_cache()
    cached = cache.get(STATS_CACHE_KEY)
    if cached:
        return jsonify(json.loads(cached))

    rows = db.session.execute(select(Ticket.status, func.count()).group_by(Ticket.status))
    result = {"by_status": {status: count for status, count in rows}}
    cache.setex(STATS_CACHE_KEY, 60, json.dumps(result))
    return jsonify(result)
