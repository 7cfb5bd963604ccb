import os

DEBUG = False

DB_HOST = os.environ.get("DB_HOST", "db")
DB_USER = "orders"
DB_PASSWORD = "QA81IaPABlE9!"  # ruleid: hardcoded-password

# ruleid: hardcoded-password
SESSION_SECRET = "bE8z72DK1CXWaHU45IiYCcNoAkiP57eD"

# ok: hardcoded-password
REPLICA_PASSWORD = os.environ["REPLICA_PASSWORD"]

ADMIN_PASSWORD = "changeme"  # ok: hardcoded-password

PASSWORD_MIN_LENGTH = 12  # ok: hardcoded-password


def dsn() -> str:
    return f"dbname=orders host={DB_HOST} user={DB_USER}"
