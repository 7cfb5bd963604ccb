# stick: cwe=943 construct=whole-object expect=safe
from flask import Flask, jsonify, request
from pymongo import MongoClient

app = Flask(__name__)
orders = MongoClient("mongodb://localhost:27017")["shop"]["orders"]


@app.route("/orders/filter", methods=["POST"])
def filter_orders():
    body = request.get_json()
    query = {"status": str(body.get("status", "open")), "customer": str(body.get("customer", ""))}
    found = orders.find(query, {"_id": 0}).limit(100)
    return jsonify(list(found))
