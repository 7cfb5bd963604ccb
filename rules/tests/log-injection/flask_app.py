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


PLANS = ("free", "team")


@app.route("/plan", methods=["POST"])
def choose_plan():
    plan = request.form.get("plan", "")
    # A value shown only when an allow-list holds it: the server's own
    # constants, or the plans its configuration lists.
    logger.info("plan chosen: %s", plan if plan in PLANS else "other")  # ok: log-injection
    offered = app.config.get("OFFERED_PLANS", [])
    shown = plan if plan in offered else "other"
    logger.info("plan offered: %s", shown)  # ok: log-injection
    logger.info("plan kept: %s", plan in offered and plan)  # ok: log-injection
    # A test that proves nothing of the value, or a list the client sent.
    asked = plan if plan else "none"
    logger.info("plan asked: %s", asked)  # ruleid: log-injection
    sent = request.form.getlist("plans")
    logger.info("plan listed: %s", plan if plan in sent else "other")  # ruleid: log-injection
    return "ok"


class WebhookHandler:
    """What a service the handler was given returns is its own: a verified
    event, not the raw body it was handed."""

    def __init__(self, webhooks):
        self.webhooks = webhooks

    def handle(self):
        event = self.webhooks.construct_event(request.data, request.headers["X-Signature"])
        logger.info("handling webhook %s", event.type)  # ok: log-injection
        logger.info("raw webhook %s", request.data)  # ruleid: log-injection
        return "", 200


handler = WebhookHandler(None)
app.add_url_rule("/webhooks", "webhooks", handler.handle, methods=["POST"])
