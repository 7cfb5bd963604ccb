import os

import jwt

SECRET = os.environ["JWT_SECRET"]


def read_claims(token):
    return jwt.decode(token, SECRET, algorithms=["HS256", "none"])  # ruleid: jwt-none-algorithm


def issue_debug_token(user_id):
    return jwt.encode({"sub": user_id}, None, algorithm="none")  # ruleid: jwt-none-algorithm


def read_claims_safe(token):
    return jwt.decode(token, SECRET, algorithms=["HS256"])  # ok: jwt-none-algorithm
