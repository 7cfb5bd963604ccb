import csv
import io
from datetime import datetime, timedelta, timezone
from urllib.parse import urlparse

import requests
from flask import Blueprint, Response, current_app, g, jsonify, request
from sqlalchemy import select

from .decorators import login_required
from .extensions import db
from .models import Attachment, Comment, Ticket
from .search import search_tickets

bp = Blueprint("tickets", __name__)

PRIORITIES = {"low", "normal", "high", "urgent"}


@bp.get("")
@login_required
def list_tickets():
    status = request.args.get("status", "open")
    page = request.args.get("page", 1, type=int)
    query = select(Ticket).where(Ticket.status == status).order_by(Ticket.created_at.desc())
    result = db.paginate(query, page=page, per_page=25, error_out=False)
    return jsonify(items=[t.to_dict() for t in result.items], total=result.total, page=page)


@bp.get("/search")
@login_required
def search():
    term = request.args.get("q", "").strip()
    if len(term) < 3:
        return jsonify(error="search term must be at least 3 characters"), 400
    status = request.args.get("status")
    return jsonify(items=search_tickets(term, status=status))


@bp.post("")
@login_required
def create_ticket():
    payload = request.get_json(silent=True) or {}
    missing = [k for k in ("customer_email", "subject", "body") if not payload.get(k)]
    if missing:
        return jsonify(error=f"missing fields: {', '.join(missing)}"), 400
    priority = payload.get("priority", "normal")
    if priority not in PRIORITIES:
        return jsonify(error="unknown priority"), 400

    ticket = Ticket(
        customer_email=payload["customer_email"],
        subject=payload["subject"][:200],
        body=payload["body"],
        priority=priority,
        assignee_id=g.user.id,
    )
    db.session.add(ticket)
    db.session.commit()
    return jsonify(ticket.to_dict()), 201


@bp.get("/<int:ticket_id>")
@login_required
def get_ticket(ticket_id: int):
    ticket = db.get_or_404(Ticket, ticket_id)
    data = ticket.to_dict()
    data["body"] = ticket.body
    data["comments"] = [
        {"id": c.id, "author_id": c.author_id, "body": c.body, "created_at": c.created_at.isoformat()}
        for c in ticket.comments
    ]
    return jsonify(data)


@bp.post("/<int:ticket_id>/comments")
@login_required
def add_comment(ticket_id: int):
    ticket = db.get_or_404(Ticket, ticket_id)
    body = ((request.get_json(silent=True) or {}).get("body") or "").strip()
    if not body:
        return jsonify(error="comment body is required"), 400
    comment = Comment(ticket_id=ticket.id, author_id=g.user.id, body=body)
    db.session.add(comment)
    db.session.commit()
    return jsonify(id=comment.id), 201


@bp.post("/<int:ticket_id>/attachments/fetch")
@login_required
def fetch_attachment(ticket_id: int):
    """Download a file the customer linked to (screenshot, log bundle) and keep a copy on the ticket."""
    ticket = db.get_or_404(Ticket, ticket_id)
    url = (request.get_json(silent=True) or {}).get("url", "")
    if not url.startswith(("http://", "https://")):
        return jsonify(error="url must start with http:// or https://"), 400

    max_bytes = current_app.config["ATTACHMENT_MAX_BYTES"]
    resp = requests.get(url, timeout=10, stream=True)
    resp.raise_for_status()
    data = resp.raw.read(max_bytes + 1, decode_content=True)
    if len(data) > max_bytes:
        return jsonify(error="attachment is too large"), 413

    filename = urlparse(url).path.rsplit("/", 1)[-1] or "attachment"
    attachment = Attachment(
        ticket_id=ticket.id,
        filename=filename[:255],
        content_type=resp.headers.get("Content-Type", "application/octet-stream")[:100],
        size=len(data),
        data=data,
    )
    db.session.add(attachment)
    db.session.commit()
    return jsonify(id=attachment.id, filename=attachment.filename, size=attachment.size), 201


# Pulled by the nightly reporting job as CSV.
@bp.get("/export")
def export_tickets():
    days = request.args.get("days", 1, type=int)
    since = datetime.now(timezone.utc) - timedelta(days=min(days, 31))
    tickets = db.session.scalars(
        select(Ticket).where(Ticket.created_at >= since).order_by(Ticket.id)
    )

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "created_at", "customer_email", "subject", "status", "priority", "closed_at"])
    for t in tickets:
        writer.writerow(
            [t.id, t.created_at.isoformat(), t.customer_email, t.subject, t.status, t.priority, t.closed_at]
        )
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=tickets.csv"},
    )
