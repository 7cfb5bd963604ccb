# stick: cwe=78 construct=branch-tested expect=vulnerable
import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/ping")
def ping():
    if not request.args["host"]:
        app.logger.info("no host")
    os.system("ping -c 1 " + request.args["host"])  # stick: sink
    return "sent"
