from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/api/quotes", methods=["POST"])  # ruleid: unauthenticated-entry-point
def create_quote():
    return jsonify({"amount": request.json.get("amount", 0)})


@app.route("/api/quotes/<int:quote_id>")  # ruleid: unauthenticated-entry-point
def get_quote(quote_id):
    return jsonify({"id": quote_id, "amount": 0})


# A health check is public by purpose.
@app.route("/healthz")  # ok: unauthenticated-entry-point
def healthz():
    return jsonify({"ok": True})


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8080)  # ok: unauthenticated-entry-point
