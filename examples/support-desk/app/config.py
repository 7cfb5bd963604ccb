"""Configuration, read from the environment (see docker-compose.yml)."""

import os

from sqlalchemy.engine import URL


def _database_url() -> URL:
    # Built from the standard libpq variables so the same settings work for psql.
    return URL.create(
        "postgresql+psycopg",
        username=os.environ.get("PGUSER", "support"),
        password=os.environ.get("PGPASSWORD"),
        host=os.environ.get("PGHOST", "localhost"),
        port=int(os.environ.get("PGPORT", "5432")),
        database=os.environ.get("PGDATABASE", "support"),
    )


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")

    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_size": 5}

    REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
    SESSION_TTL_SECONDS = 8 * 60 * 60  # one working shift

    OPENAI_MODEL = os.environ.get("OPENAI_MODEL", "gpt-4o-mini")
    ASSISTANT_CONTEXT_TICKETS = 5

    # Where ticket events are POSTed (the team's Slack relay in production).
    WEBHOOK_URL = os.environ.get("SUPPORT_WEBHOOK_URL")

    ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024

    @classmethod
    def validate(cls) -> None:
        missing = [name for name in ("SECRET_KEY",) if not getattr(cls, name)]
        if missing:
            raise RuntimeError(f"missing required settings: {', '.join(missing)}")
