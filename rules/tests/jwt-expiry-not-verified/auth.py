import os

import jwt

SECRET = os.environ["JWT_SECRET"]


def session_claims(token):
    return jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_exp": False})  # ruleid: jwt-expiry-not-verified


def session_claims_safe(token):
    return jwt.decode(token, SECRET, algorithms=["HS256"], options={"require": ["exp"]})  # ok: jwt-expiry-not-verified
