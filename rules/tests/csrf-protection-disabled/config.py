import os


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    WTF_CSRF_ENABLED = False  # ruleid: csrf-protection-disabled


class ProductionConfig(Config):
    WTF_CSRF_TIME_LIMIT = 3600  # ok: csrf-protection-disabled
