# stick: cwe=943 construct=direct expect=safe
from flask import Flask, abort, request
from pymongo import MongoClient

app = Flask(__name__)
accounts = MongoClient("mongodb://localhost:27017")["bank"]["accounts"]


@app.route("/accounts/lookup", methods=["POST"])
def lookup():
    criteria = {"owner": str(request.get_json().get("owner", ""))}
    account = accounts.find_one(criteria, {"_id": 0, "owner": 1, "iban": 1})
    if account is None:
        abort(404)
    return account
