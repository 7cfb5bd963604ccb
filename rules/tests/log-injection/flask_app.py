import logging

from flask import Flask, request

app = Flask(__name__)
logger = logging.getLogger(__name__)


@app.route("/login", methods=["POST"])
def login():
    username = request.form["username"]
    logger.warning("failed login for %s", username)  # ruleid: log-injection
    logger.info("login attempt received")  # ok: log-injection
    return "denied", 401


@app.route("/search")
def search():
    term = request.args.get("q", "")
    logging.info("search term: " + term.replace("\n", " ").replace("\r", " "))  # ruleid: log-injection
    logging.info("search length: %d", len(term))  # ok: log-injection
    return "ok"
