import logging

from flask import Flask, jsonify, request
from flask_login import login_required

app = Flask(__name__)
audit = logging.getLogger("audit")


@app.delete("/projects/<int:project_id>")  # ruleid: state-change-without-audit
@login_required
def delete_project(project_id):
    return jsonify({"deleted": project_id})


@app.delete("/teams/<int:team_id>")  # ok: state-change-without-audit
@login_required
def delete_team(team_id):
    audit.info("team %s deleted", team_id)
    return jsonify({"deleted": team_id})


@app.get("/projects")  # ok: state-change-without-audit
@login_required
def list_projects():
    return jsonify([])
