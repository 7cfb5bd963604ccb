from flask import Flask, jsonify, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from openai import OpenAI

app = Flask(__name__)
limiter = Limiter(get_remote_address)
client = OpenAI()


def complete(prompt):
    resp = client.chat.completions.create(model="gpt-4o-mini", max_tokens=300, messages=[{"role": "user", "content": prompt}])
    return resp.choices[0].message.content


@app.route("/summarise", methods=["POST"])  # ruleid: llm-endpoint-no-rate-limit
def summarise():
    return jsonify({"summary": complete("Summarise our refund policy.")})


@app.route("/translate", methods=["POST"])  # ok: llm-endpoint-no-rate-limit
@limiter.limit("10/minute")
def translate():
    return jsonify({"text": complete("Translate 'good morning' to French.")})


@app.route("/health")  # ok: llm-endpoint-no-rate-limit
def health():
    return "ok"
