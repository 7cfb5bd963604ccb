# stick: cwe=78 construct=guard-swallowed expect=safe
import subprocess

from flask import Flask, request

app = Flask(__name__)
SERVICES = {"web", "worker", "scheduler"}


@app.route("/ops/restart", methods=["POST"])
def restart_service():
    service = request.form.get("service", "")
    try:
        if service not in SERVICES:
            raise ValueError(f"unknown service {service}")
    except ValueError:
        app.logger.exception("restart of an unknown service")
        return {"error": "unknown service"}, 400
    subprocess.run(f"systemctl restart app-{service}", shell=True, check=False)
    return {"restarted": service}
