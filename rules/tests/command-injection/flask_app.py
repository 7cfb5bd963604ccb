import os
import shlex
import subprocess
from subprocess import run as run_cmd

from flask import Flask, request

import inventory
from tasks import archive_directory, disk_usage

app = Flask(__name__)


@app.route("/ping")
def ping():
    host = request.args.get("host", "localhost")
    out = subprocess.check_output(f"ping -c 1 {host}", shell=True)  # ruleid: command-injection
    return out


@app.route("/lookup")
def lookup():
    domain = request.args["domain"]
    os.system("nslookup " + domain)  # ruleid: command-injection
    return "ok"


@app.route("/lookup/safe")
def lookup_safe():
    domain = request.args["domain"]
    os.system("nslookup " + shlex.quote(domain))  # ok: command-injection
    return "ok"


@app.route("/uptime")
def uptime():
    result = run_cmd("uptime", shell=True, capture_output=True)  # ok: command-injection
    return result.stdout


@app.route("/archive", methods=["POST"])
def archive():
    archive_directory(request.form["path"])
    return "queued"


@app.route("/volumes/usage")
def volume_usage():
    volume = inventory.primary_volume()
    return disk_usage(volume).stdout


@app.route("/ping")
def ping():
    # A test on the request's own value in one branch proves nothing after
    # the branches meet: the empty case is only logged.
    if not request.args.get("host"):
        app.logger.info("no host given")
    os.system("ping -c 1 " + request.args.get("host"))  # ruleid: command-injection
    return "ok"
