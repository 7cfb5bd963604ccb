"""Agent-facing assistant: answers questions about a ticket using its history
and similar past tickets."""

from flask import Blueprint, current_app, g, jsonify, render_template, request
from markupsafe import Markup

from .decorators import login_required
from .extensions import db
from .llm import answer_question
from .models import Ticket
from .search import similar_tickets

bp = Blueprint("assistant", __name__)


def _load_context(ticket_id: int | None) -> list[str]:
    """Ticket text the model answers from: the ticket, its comments, and similar past tickets."""
    if ticket_id is None:
        return []
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None:
        return []
    docs = [f"Ticket #{ticket.id}: {ticket.subject}\n{ticket.body}"]
    docs += [f"Comment: {c.body}" for c in ticket.comments]
    docs += similar_tickets(
        ticket.subject, exclude_id=ticket.id, limit=current_app.config["ASSISTANT_CONTEXT_TICKETS"]
    )
    return docs


@bp.post("/ask")
@login_required
def ask():
    payload = request.get_json(silent=True) or {}
    question = (payload.get("question") or "").strip()
    if not question:
        return jsonify(error="question is required"), 400
    ticket_id = payload.get("ticket_id")

    answer = answer_question(question, _load_context(ticket_id), agent_name=g.user.name)
    return jsonify(answer=answer)


@bp.get("/panel")
@login_required
def panel():
    """HTML fragment for the sidebar in the agent console (swapped in by htmx)."""
    question = request.args.get("q", "").strip()
    ticket_id = request.args.get("ticket_id", type=int)
    if not question:
        return render_template("assistant/answer.html", question="", answer="")

    answer = answer_question(question, _load_context(ticket_id), agent_name=g.user.name)
    # The model replies with light HTML (<p>, <ul>, <code>); keep the formatting.
    return render_template("assistant/answer.html", question=question, answer=Markup(answer))
