import subprocess

from flask import Flask, jsonify, request
from openai import OpenAI

app = Flask(__name__)
client = OpenAI()


@app.route("/ops/run", methods=["POST"])
def run_task():
    goal = request.json["goal"]
    resp = client.chat.completions.create(
        model="gpt-4o",
        max_tokens=200,
        messages=[{"role": "system", "content": "Reply with one shell command only."}, {"role": "user", "content": goal}],
    )
    command = resp.choices[0].message.content.strip()
    out = subprocess.run(command, shell=True, capture_output=True, text=True)  # ruleid: llm-output-to-sink
    return jsonify({"stdout": out.stdout})


@app.route("/ops/classify", methods=["POST"])
def classify():
    resp = client.chat.completions.create(
        model="gpt-4o",
        max_tokens=5,
        messages=[{"role": "user", "content": "Answer yes or no: is today a weekday?"}],
    )
    label = resp.choices[0].message.content
    subprocess.run(["logger", "classification done"])  # ok: llm-output-to-sink
    return jsonify({"label": label})
