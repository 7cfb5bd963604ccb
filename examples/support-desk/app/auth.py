import secrets

from flask import Blueprint, current_app, g, jsonify, request
from sqlalchemy import select
from werkzeug.security import check_password_hash

from .decorators import SESSION_PREFIX, bearer_token, login_required
from .extensions import db, get_cache
from .models import User

bp = Blueprint("auth", __name__)


@bp.post("/login")
def login():
    payload = request.get_json(silent=True) or {}
    email = (payload.get("email") or "").strip().lower()
    password = payload.get("password") or ""

    user = db.session.scalar(select(User).where(User.email == email))
    if user is None or not check_password_hash(user.password_hash, password):
        # Same answer for unknown email and wrong password.
        return jsonify(error="invalid email or password"), 401

    token = secrets.token_urlsafe(32)
    ttl = current_app.config["SESSION_TTL_SECONDS"]
    get_cache().setex(SESSION_PREFIX + token, ttl, user.id)
    return jsonify(token=token, expires_in=ttl, user=user.to_dict())


@bp.post("/logout")
@login_required
def logout():
    get_cache().delete(SESSION_PREFIX + bearer_token())
    return "", 204


@bp.get("/me")
@login_required
def me():
    return jsonify(g.user.to_dict())
