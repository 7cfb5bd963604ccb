"""OpenAI chat calls for the assistant."""

import json
import logging

from flask import current_app
from openai import OpenAI

from .tools import OPENAI_TOOLS, run_tool_call

log = logging.getLogger(__name__)

SYSTEM_PROMPT = """You are the support assistant for the Helpline support desk.
Answer the support agent's question using only the ticket history provided.
If the history does not contain the answer, say so. Format answers as short HTML
(<p>, <ul>, <li>, <code>). When the customer's problem is clearly solved you may
close the ticket with the close_ticket tool."""

_client: OpenAI | None = None


def client() -> OpenAI:
    # Reads OPENAI_API_KEY from the environment.
    global _client
    if _client is None:
        _client = OpenAI()
    return _client


def build_messages(question: str, context_docs: list[str], agent_name: str) -> list[dict]:
    system = SYSTEM_PROMPT + f"\n\nYou are helping {agent_name}. Their question: " + question
    history = "\n\n---\n\n".join(context_docs) or "(no ticket selected)"
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": f"Ticket history:\n{history}\n\nQuestion: {question}"},
    ]


def _complete(messages: list[dict]):
    return client().chat.completions.create(
        model=current_app.config["OPENAI_MODEL"],
        messages=messages,
        tools=OPENAI_TOOLS,
        temperature=0.2,
    )


def answer_question(question: str, context_docs: list[str], agent_name: str) -> str:
    messages = build_messages(question, context_docs, agent_name)
    response = _complete(messages)
    message = response.choices[0].message

    # One round of tool use: run what the model asked for, then let it finish the answer.
    if message.tool_calls:
        messages.append(message.model_dump(exclude_none=True))
        for call in message.tool_calls:
            result = run_tool_call(call.function.name, call.function.arguments)
            log.info("assistant tool %s -> %s", call.function.name, result)
            messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
        message = _complete(messages).choices[0].message

    return message.content or ""
