# stick: cwe=95 construct=direct expect=safe
import ast

from flask import Flask, request

app = Flask(__name__)


@app.route("/settings/import", methods=["POST"])
def import_settings():
    text = request.form.get("settings", "{}")
    settings = ast.literal_eval(text)
    return {"keys": sorted(settings)}
