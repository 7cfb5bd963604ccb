# stick: cwe=78 construct=ternary-allowlist expect=safe
import os

from flask import Flask, request

app = Flask(__name__)
ARCHIVES = ("tar", "zip")


@app.route("/pack")
def pack():
    fmt = request.args.get("format", "")
    chosen = fmt if fmt in ARCHIVES else "tar"
    os.system("pack --format " + chosen)
    return "queued"
