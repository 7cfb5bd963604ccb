import base64
import pickle

import yaml

import cache
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/session/restore", methods=["POST"])
def restore_session():
    blob = base64.b64decode(request.form["state"])
    state = pickle.loads(blob)  # ruleid: unsafe-deserialization
    return jsonify(state)


@app.route("/config", methods=["POST"])
def upload_config():
    text = request.get_data(as_text=True)
    config = yaml.load(text, Loader=yaml.Loader)  # ruleid: unsafe-deserialization
    return jsonify(config)


@app.route("/config/safe", methods=["POST"])
def upload_config_safe():
    text = request.get_data(as_text=True)
    config = yaml.load(text, Loader=yaml.SafeLoader)  # ok: unsafe-deserialization
    other = yaml.safe_load(text)  # ok: unsafe-deserialization
    return jsonify({"a": config, "b": other})


def load_cache(raw):
    # Never called from an entry point: not reported.
    return pickle.loads(raw)  # ok: unsafe-deserialization


@app.route("/reports/<int:report_id>")
def cached_report(report_id):
    # Bytes from the cache service: their origin cannot be traced, so this
    # is "likely".
    raw = cache.get_bytes(f"report:{report_id}")
    return jsonify(pickle.loads(raw))  # ruleid: unsafe-deserialization
