from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/api/quotes", methods=["POST"])  # ruleid: unauthenticated-entry-point
def create_quote():
    return jsonify({"amount": request.json.get("amount", 0)})


@app.route("/api/status")  # ruleid: unauthenticated-entry-point
def status():
    return jsonify({"ok": True})


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8080)  # ok: unauthenticated-entry-point
