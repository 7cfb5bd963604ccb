"""Support desk API: application factory."""

import logging

from flask import Flask

from .config import Config
from .extensions import db, init_redis


def create_app(config_object: type[Config] = Config) -> Flask:
    app = Flask(__name__)
    app.config.from_object(config_object)
    config_object.validate()

    logging.basicConfig(level=app.config["LOG_LEVEL"])

    db.init_app(app)
    init_redis(app)

    # Imported here so the blueprints can use the extensions without circular imports.
    from .admin import bp as admin_bp
    from .assistant import bp as assistant_bp
    from .auth import bp as auth_bp
    from .tickets import bp as tickets_bp

    app.register_blueprint(auth_bp, url_prefix="/api/auth")
    app.register_blueprint(tickets_bp, url_prefix="/api/tickets")
    app.register_blueprint(assistant_bp, url_prefix="/api/assistant")
    app.register_blueprint(admin_bp, url_prefix="/api/admin")

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app
