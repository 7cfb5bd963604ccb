# stick: cwe=502 construct=safe-option expect=vulnerable
import yaml
from flask import Flask, request

app = Flask(__name__)


@app.route("/pipelines/validate", methods=["POST"])
def validate_pipeline():
    spec = yaml.load(request.get_data(as_text=True), Loader=yaml.Loader)  # stick: sink
    return {"stages": len(spec.get("stages", []))}
