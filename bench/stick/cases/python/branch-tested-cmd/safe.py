# stick: cwe=78 construct=branch-tested expect=safe
import os

from flask import Flask, abort, request

app = Flask(__name__)
HOSTS = ("db", "cache")


@app.route("/ping")
def ping():
    if request.args["host"] not in HOSTS:
        abort(400)
    os.system("ping -c 1 " + request.args["host"])
    return "sent"
