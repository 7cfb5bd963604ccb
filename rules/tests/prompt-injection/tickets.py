from flask import Blueprint, jsonify, request

from support_bot import draft_reply, weekly_summary

bp = Blueprint("tickets", __name__)


@bp.post("/tickets/reply")
def reply():
    ticket = request.get_json()
    return jsonify({"draft": draft_reply(ticket["body"])})


@bp.get("/tickets/summary")
def summary():
    return jsonify({"summary": weekly_summary()})
