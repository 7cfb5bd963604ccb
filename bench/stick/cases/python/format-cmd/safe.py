# stick: cwe=78 construct=str-format expect=safe
import os
import shlex

from flask import Flask, request

app = Flask(__name__)


@app.route("/backups", methods=["POST"])
def create_backup():
    label = request.form.get("label", "nightly")
    command = "tar czf /var/backups/{}.tar.gz /srv/data".format(shlex.quote(label))
    status = os.system(command)
    return {"status": status}
