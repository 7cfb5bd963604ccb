"""Tools the assistant may call."""

import json
from datetime import datetime, timezone

from langchain_core.tools import tool
from langchain_core.utils.function_calling import convert_to_openai_tool

from .extensions import db
from .models import Ticket
from .webhooks import notify_ticket_closed


@tool
def get_ticket_status(ticket_id: int) -> str:
    """Return the current status, priority and assignee of a ticket."""
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None:
        return f"ticket {ticket_id} not found"
    return f"ticket {ticket_id}: status={ticket.status} priority={ticket.priority} assignee={ticket.assignee_id}"


@tool
def close_ticket(ticket_id: int, resolution: str) -> str:
    """Close a support ticket once the customer's problem is solved. `resolution` summarises the fix."""
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None:
        return f"ticket {ticket_id} not found"
    if ticket.status == "closed":
        return f"ticket {ticket_id} is already closed"

    ticket.status = "closed"
    ticket.resolution = resolution
    ticket.closed_at = datetime.now(timezone.utc)
    db.session.commit()
    notify_ticket_closed(ticket)
    return f"ticket {ticket_id} closed"


ASSISTANT_TOOLS = [get_ticket_status, close_ticket]
OPENAI_TOOLS = [convert_to_openai_tool(t) for t in ASSISTANT_TOOLS]
_BY_NAME = {t.name: t for t in ASSISTANT_TOOLS}


def run_tool_call(name: str, arguments: str) -> str:
    selected = _BY_NAME.get(name)
    if selected is None:
        return f"unknown tool {name}"
    try:
        args = json.loads(arguments or "{}")
    except json.JSONDecodeError:
        return "tool arguments were not valid JSON"
    return selected.invoke(args)
