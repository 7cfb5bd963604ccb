import os

from sqlalchemy import create_engine

# ruleid: hardcoded-connection-string
REPORTING_URL = "postgresql://reporting:wdfPsS1zwJhdnlSI@db.prod.internal:5432/orders"

# ok: hardcoded-connection-string
PRIMARY_URL = f"postgresql://orders:{os.environ['DB_PASSWORD']}@db.prod.internal:5432/orders"

LOCAL_URL = "postgresql://orders:${DB_PASSWORD}@localhost:5432/orders"  # ok: hardcoded-connection-string


def engines():
    return create_engine(PRIMARY_URL), create_engine(REPORTING_URL)
