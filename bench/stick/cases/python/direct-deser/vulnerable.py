# stick: cwe=502 construct=direct expect=vulnerable
import base64
import pickle

from flask import Flask, request

app = Flask(__name__)


@app.route("/cart/restore", methods=["POST"])
def restore_cart():
    blob = base64.b64decode(request.form["cart"])
    cart = pickle.loads(blob)  # stick: sink
    return {"items": len(cart)}
