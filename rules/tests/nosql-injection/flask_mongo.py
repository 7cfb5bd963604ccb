from flask import Flask, jsonify, request
from pymongo import MongoClient

app = Flask(__name__)
client = MongoClient("mongodb://mongo.internal:27017")
users = client.app.users


@app.route("/users/search", methods=["POST"])
def search_users():
    criteria = request.get_json()
    found = users.find(criteria)  # ruleid: nosql-injection
    return jsonify([u["name"] for u in found])


@app.route("/users/by-age")
def users_by_age():
    age = request.args["age"]
    found = users.find({"$where": "this.age > " + age})  # ruleid: nosql-injection
    return jsonify([u["name"] for u in found])


@app.route("/users/by-name")
def users_by_name():
    name = request.args["name"]
    found = users.find_one({"name": str(name)})  # ok: nosql-injection
    return jsonify({"name": found["name"] if found else None})
