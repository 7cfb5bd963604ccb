# stick: cwe=78 construct=ternary-allowlist expect=vulnerable
import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/pack")
def pack():
    fmt = request.args.get("format", "")
    chosen = fmt if fmt else "tar"
    os.system("pack --format " + chosen)  # stick: sink
    return "queued"
