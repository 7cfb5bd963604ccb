from anthropic import Anthropic
from flask import Flask, jsonify, request
from openai import OpenAI

app = Flask(__name__)
client = OpenAI()
claude = Anthropic()


@app.route("/chat", methods=["POST"])
def chat():
    resp = client.chat.completions.create(  # ruleid: llm-unbounded-consumption
        model="gpt-4o",
        messages=[{"role": "user", "content": "Write a haiku about queues."}],
    )
    return jsonify({"reply": resp.choices[0].message.content})


@app.route("/chat/bounded", methods=["POST"])
def chat_bounded():
    resp = client.chat.completions.create(  # ok: llm-unbounded-consumption
        model="gpt-4o",
        max_completion_tokens=256,
        messages=[{"role": "user", "content": "Write a haiku about queues."}],
    )
    return jsonify({"reply": resp.choices[0].message.content})


@app.route("/claude", methods=["POST"])
def claude_chat():
    msg = claude.messages.create(model="claude-sonnet-4-5", max_tokens=300, messages=[{"role": "user", "content": "Hi"}])  # ok: llm-unbounded-consumption
    return jsonify({"reply": msg.content[0].text})
