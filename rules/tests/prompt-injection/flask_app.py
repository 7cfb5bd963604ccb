from flask import Flask, jsonify, request
from openai import OpenAI

app = Flask(__name__)
client = OpenAI()
SYSTEM = "You are a support assistant for Acme. Answer briefly."


@app.route("/ask", methods=["POST"])
def ask():
    question = request.json["question"]
    messages = [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": f"Customer asks: {question}"},
    ]
    resp = client.chat.completions.create(model="gpt-4o-mini", messages=messages, max_tokens=400)  # ruleid: prompt-injection
    return jsonify({"answer": resp.choices[0].message.content})


@app.route("/daily-tip")
def daily_tip():
    resp = client.chat.completions.create(  # ok: prompt-injection
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "Give one short tip about password managers."}],
        max_tokens=100,
    )
    return jsonify({"tip": resp.choices[0].message.content})
