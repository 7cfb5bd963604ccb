# stick: cwe=78 construct=join expect=vulnerable
import subprocess

from flask import Flask, request

app = Flask(__name__)


@app.route("/logs/search")
def search_logs():
    pattern = request.args.get("pattern", "ERROR")
    argv = ["grep", "-n", pattern, "/var/log/app/current.log"]
    out = subprocess.run(" ".join(argv), shell=True, capture_output=True, text=True)  # stick: sink
    return {"matches": out.stdout.splitlines()[:50]}
