# stick: cwe=943 construct=whole-object expect=vulnerable
from flask import Flask, jsonify, request
from pymongo import MongoClient

app = Flask(__name__)
orders = MongoClient("mongodb://localhost:27017")["shop"]["orders"]


@app.route("/orders/filter", methods=["POST"])
def filter_orders():
    query = request.get_json()
    found = orders.find(query, {"_id": 0}).limit(100)  # stick: sink
    return jsonify(list(found))
