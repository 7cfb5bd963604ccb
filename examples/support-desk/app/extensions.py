"""Shared clients: the SQLAlchemy handle and the Redis connection."""

import redis
from flask import Flask, current_app
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


def init_redis(app: Flask) -> None:
    app.extensions["redis"] = redis.Redis.from_url(app.config["REDIS_URL"], decode_responses=True)


def get_cache() -> redis.Redis:
    """Redis holds login sessions and a few short-lived dashboard counters."""
    return current_app.extensions["redis"]
