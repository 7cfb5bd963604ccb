import os

import jwt
from flask import Flask

app = Flask(__name__)
app.config["SECRET_KEY"] = "change-me-please-0192"  # ruleid: hardcoded-signing-key
app.config["JWT_SECRET_KEY"] = os.environ["JWT_SECRET_KEY"]  # ok: hardcoded-signing-key


def issue(user_id):
    return jwt.encode({"sub": user_id}, "s3cr3t-signing-key", algorithm="HS256")  # ruleid: hardcoded-signing-key


def issue_safe(user_id):
    return jwt.encode({"sub": user_id}, os.environ["JWT_SECRET_KEY"], algorithm="HS256")  # ok: hardcoded-signing-key
