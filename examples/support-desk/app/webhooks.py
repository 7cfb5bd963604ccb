"""Outbound ticket events (the team relays these into Slack)."""

import logging

import requests
from flask import current_app

log = logging.getLogger(__name__)


def notify_ticket_closed(ticket) -> None:
    url = current_app.config.get("WEBHOOK_URL")
    if not url:
        return
    payload = {
        "event": "ticket.closed",
        "ticket": {
            "id": ticket.id,
            "subject": ticket.subject,
            "resolution": ticket.resolution,
            "closed_at": ticket.closed_at.isoformat() if ticket.closed_at else None,
        },
    }
    try:
        resp = requests.post(url, json=payload, timeout=5)
        resp.raise_for_status()
    except requests.RequestException:
        # Delivery is best effort; the ticket is already closed.
        log.warning("webhook delivery failed for ticket %s", ticket.id, exc_info=True)
