# stick: cwe=22 construct=guard-other-var expect=vulnerable
import re

from flask import Flask, abort, request, send_file

app = Flask(__name__)
SAFE_NAME = re.compile(r"[A-Za-z0-9_-]{1,40}")


@app.route("/reports/download")
def download_report():
    team = request.args.get("team", "")
    report = request.args.get("report", "")
    if not SAFE_NAME.fullmatch(team):
        abort(400)
    return send_file(f"/srv/reports/{team}/{report}.pdf")  # stick: sink
