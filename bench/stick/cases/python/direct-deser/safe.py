# stick: cwe=502 construct=direct expect=safe
import base64
import json

from flask import Flask, request

app = Flask(__name__)


@app.route("/cart/restore", methods=["POST"])
def restore_cart():
    blob = base64.b64decode(request.form["cart"])
    cart = json.loads(blob)
    return {"items": len(cart)}
