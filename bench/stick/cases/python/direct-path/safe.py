# stick: cwe=22 construct=direct expect=safe
import os

from flask import Flask, send_file
from werkzeug.utils import secure_filename

app = Flask(__name__)
INVOICE_DIR = "/srv/billing/invoices"


@app.route("/invoices/<path:name>")
def invoice(name):
    return send_file(os.path.join(INVOICE_DIR, secure_filename(name)), mimetype="application/pdf")
