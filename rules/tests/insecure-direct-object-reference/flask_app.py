from flask import Flask, abort, jsonify
from flask_login import current_user, login_required
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
db = SQLAlchemy(app)


class Invoice(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    owner_id = db.Column(db.Integer)
    total = db.Column(db.Integer)


@app.get("/invoices/<int:invoice_id>")  # ruleid: insecure-direct-object-reference
@login_required
def get_invoice(invoice_id):
    invoice = Invoice.query.get_or_404(invoice_id)
    return jsonify({"id": invoice.id, "total": invoice.total})


@app.get("/v2/invoices/<int:invoice_id>")  # ok: insecure-direct-object-reference
@login_required
def get_invoice_owned(invoice_id):
    invoice = Invoice.query.filter_by(id=invoice_id, owner_id=current_user.id).first()
    if invoice is None:
        abort(404)
    return jsonify({"id": invoice.id, "total": invoice.total})


def admin_required(view):
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@app.get("/backoffice/invoices/<int:invoice_id>")  # ok: insecure-direct-object-reference
@login_required
@admin_required
def backoffice_invoice(invoice_id):
    invoice = Invoice.query.get_or_404(invoice_id)
    return jsonify({"id": invoice.id, "owner": invoice.owner_id})
