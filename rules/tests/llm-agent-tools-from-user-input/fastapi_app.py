from anthropic import Anthropic
from fastapi import FastAPI

app = FastAPI()
claude = Anthropic()

TOOLS = [
    {
        "name": "refund_order",
        "description": "Refund an order by id",
        "input_schema": {"type": "object", "properties": {"order_id": {"type": "string"}}},
    }
]


@app.post("/assistant")
def assistant(message: str):
    msg = claude.messages.create(  # ruleid: llm-agent-tools-from-user-input
        model="claude-sonnet-4-5",
        max_tokens=500,
        tools=TOOLS,
        messages=[{"role": "user", "content": message}],
    )
    return {"reply": msg.content[0].text}


@app.post("/faq")
def faq(message: str):
    msg = claude.messages.create(  # ok: llm-agent-tools-from-user-input
        model="claude-sonnet-4-5",
        max_tokens=500,
        messages=[{"role": "user", "content": message}],
    )
    return {"reply": msg.content[0].text}
