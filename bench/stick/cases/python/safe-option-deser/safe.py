# stick: cwe=502 construct=safe-option expect=safe
import yaml
from flask import Flask, request

app = Flask(__name__)


@app.route("/pipelines/validate", methods=["POST"])
def validate_pipeline():
    spec = yaml.load(request.get_data(as_text=True), Loader=yaml.SafeLoader)
    return {"stages": len(spec.get("stages", []))}
