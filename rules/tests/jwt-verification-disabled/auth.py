import os

import jwt

SECRET = os.environ["JWT_SECRET"]


def current_user_id(token):
    claims = jwt.decode(token, options={"verify_signature": False})  # ruleid: jwt-verification-disabled
    return claims["sub"]


def current_user_id_verified(token):
    claims = jwt.decode(token, SECRET, algorithms=["HS256"])  # ok: jwt-verification-disabled
    return claims["sub"]
