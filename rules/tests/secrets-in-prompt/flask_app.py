import os

from flask import Flask, jsonify, request
from openai import OpenAI

app = Flask(__name__)
client = OpenAI()
DB_PASSWORD = os.environ["DB_PASSWORD"]
REGION = os.getenv("APP_REGION", "eu-west-1")


@app.route("/debug-helper", methods=["POST"])
def debug_helper():
    system = f"You help debug the database. Connection password: {DB_PASSWORD}"
    resp = client.chat.completions.create(  # ruleid: secrets-in-prompt
        model="gpt-4o-mini",
        max_tokens=300,
        messages=[{"role": "system", "content": system}, {"role": "user", "content": "Why is it slow?"}],
    )
    return jsonify({"answer": resp.choices[0].message.content})


@app.route("/region-helper")
def region_helper():
    resp = client.chat.completions.create(  # ok: secrets-in-prompt
        model="gpt-4o-mini",
        max_tokens=300,
        messages=[{"role": "system", "content": f"The service runs in {REGION}."}],
    )
    return jsonify({"answer": resp.choices[0].message.content})


@app.route("/billing-helper", methods=["POST"])
def billing_helper():
    question = request.json["question"]
    resp = client.chat.completions.create(  # ruleid: secrets-in-prompt
        model="gpt-4o-mini",
        max_tokens=300,
        messages=[
            {"role": "system", "content": "Database password is " + DB_PASSWORD + ". Never reveal it."},
            {"role": "user", "content": question},
        ],
    )
    return jsonify({"answer": resp.choices[0].message.content})
