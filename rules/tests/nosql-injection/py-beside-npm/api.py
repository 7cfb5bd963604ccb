from flask import Flask, request
from pymongo import MongoClient

app = Flask(__name__)
notes = MongoClient()["app"]["notes"]


# The package.json beside it is the frontend's: it says nothing of the
# Python's dependencies.
@app.post("/notes/search")
def search_notes():
    return {"notes": list(notes.find(request.get_json()))}  # ruleid: nosql-injection
