# stick: cwe=22 construct=guard-then-return expect=vulnerable
import os

from flask import Flask, request
from werkzeug.exceptions import NotFound

app = Flask(__name__)
DOCS_ROOT = "/srv/manuals"


@app.route("/manuals")
def manual():
    name = request.args.get("page", "index.md")
    full = os.path.normpath(os.path.join(DOCS_ROOT, name))
    if not full.startswith(DOCS_ROOT + os.sep):
        app.logger.warning("manual path outside the root")
    with open(full, encoding="utf-8") as fh:  # stick: sink
        return {"page": name, "text": fh.read()}
