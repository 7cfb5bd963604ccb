import os

DEBUG = False
SECRET_KEY = "django-insecure-9f8a7b6c5d4e3f2a1b0c"  # ruleid: hardcoded-signing-key
ALLOWED_HOSTS = ["shop.example.com"]
SESSION_SECRET = os.environ.get("SESSION_SECRET")  # ok: hardcoded-signing-key
