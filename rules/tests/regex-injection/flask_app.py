import re

from flask import Flask, jsonify, request

app = Flask(__name__)
NAMES = ["alice", "bob", "carol"]


@app.route("/filter")
def filter_names():
    pattern = request.args["pattern"]
    rx = re.compile(pattern)  # ruleid: regex-injection
    return jsonify([n for n in NAMES if rx.search(n)])


@app.route("/filter/safe")
def filter_names_safe():
    pattern = re.escape(request.args["pattern"])
    rx = re.compile(pattern)  # ok: regex-injection
    return jsonify([n for n in NAMES if rx.search(n)])


@app.route("/digits")
def digits():
    return jsonify(re.findall(r"\d+", request.args["text"]))  # ok: regex-injection
