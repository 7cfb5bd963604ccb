# stick: cwe=78 construct=direct expect=vulnerable
import subprocess

from flask import Flask, request

app = Flask(__name__)


@app.route("/diagnostics/ping")
def ping():
    host = request.args.get("host", "localhost")
    result = subprocess.run(f"ping -c 1 {host}", shell=True, capture_output=True, text=True)  # stick: sink
    return {"ok": result.returncode == 0, "output": result.stdout}
