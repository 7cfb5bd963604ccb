"""Authentication helpers shared by the blueprints.

Agents log in with email and password (see auth.py) and get an opaque bearer
token; the token maps to the user id in Redis until it expires.
"""

from functools import wraps

from flask import abort, g, request

from .extensions import db, get_cache
from .models import User

SESSION_PREFIX = "session:"


def bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    return token


def _load_user() -> User | None:
    token = bearer_token()
    if token is None:
        return None
    user_id = get_cache().get(SESSION_PREFIX + token)
    if user_id is None:
        return None
    return db.session.get(User, int(user_id))


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        user = _load_user()
        if user is None:
            abort(401)
        g.user = user
        return view(*args, **kwargs)

    return wrapper


def admin_required(view):
    """Use below @login_required."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if getattr(g, "user", None) is None or g.user.role != "admin":
            abort(403)
        return view(*args, **kwargs)

    return wrapper
