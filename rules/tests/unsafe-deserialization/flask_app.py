import base64
import pickle

import yaml
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
    return pickle.loads(raw)  # ruleid: unsafe-deserialization
