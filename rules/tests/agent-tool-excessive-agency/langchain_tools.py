import requests
from langchain_core.tools import tool


@tool  # ruleid: agent-tool-excessive-agency
def post_to_webhook(url: str, body: str) -> str:
    """Send data to any webhook."""
    return requests.post(url, data=body, timeout=10).text


@tool  # ok: agent-tool-excessive-agency
def lookup_city(name: str) -> str:
    """Look up a city in the local table."""
    return {"paris": "France", "rome": "Italy"}.get(name.lower(), "unknown")
