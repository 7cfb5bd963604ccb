# stick: cwe=78 construct=constant-switch expect=vulnerable
import subprocess

from flask import Flask, request

app = Flask(__name__)
REPORT_MODE = "custom"


@app.route("/reports/line-count")
def line_count():
    pattern = request.args.get("pattern", "")
    match REPORT_MODE:
        case "summary":
            command = "wc -l /var/log/app/current.log"
        case _:
            command = f"grep -c '{pattern}' /var/log/app/current.log"
    out = subprocess.check_output(command, shell=True, text=True)  # stick: sink
    return {"lines": int(out.strip() or 0)}
