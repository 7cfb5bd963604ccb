# stick: cwe=95 construct=direct expect=vulnerable
from flask import Flask, request

app = Flask(__name__)


@app.route("/settings/import", methods=["POST"])
def import_settings():
    text = request.form.get("settings", "{}")
    settings = eval(text)  # stick: sink
    return {"keys": sorted(settings)}
