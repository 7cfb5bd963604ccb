from fastapi import FastAPI
from openai import OpenAI

app = FastAPI()
client = OpenAI()

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "refund_order",
            "description": "Refund an order by id",
            "parameters": {"type": "object", "properties": {"order_id": {"type": "string"}}},
        },
    }
]


@app.post("/assistant")
def assistant(message: str):
    resp = client.chat.completions.create(  # ruleid: llm-agent-tools-from-user-input
        model="gpt-4o",
        max_tokens=500,
        tools=TOOLS,
        messages=[{"role": "user", "content": message}],
    )
    return {"reply": resp.choices[0].message.content}


@app.post("/faq")
def faq(message: str):
    resp = client.chat.completions.create(  # ok: llm-agent-tools-from-user-input
        model="gpt-4o",
        max_tokens=500,
        messages=[{"role": "user", "content": message}],
    )
    return {"reply": resp.choices[0].message.content}
