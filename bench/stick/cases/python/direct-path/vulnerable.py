# stick: cwe=22 construct=direct expect=vulnerable
import os

from flask import Flask, send_file

app = Flask(__name__)
INVOICE_DIR = "/srv/billing/invoices"


@app.route("/invoices/<path:name>")
def invoice(name):
    return send_file(os.path.join(INVOICE_DIR, name), mimetype="application/pdf")  # stick: sink
