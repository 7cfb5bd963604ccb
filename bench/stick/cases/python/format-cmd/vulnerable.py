# stick: cwe=78 construct=str-format expect=vulnerable
import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/backups", methods=["POST"])
def create_backup():
    label = request.form.get("label", "nightly")
    command = "tar czf /var/backups/{}.tar.gz /srv/data".format(label)
    status = os.system(command)  # stick: sink
    return {"status": status}
