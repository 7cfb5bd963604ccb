# stick: cwe=79 construct=destructured-param expect=vulnerable
from flask import Flask, request

app = Flask(__name__)


@app.route("/profile/preview", methods=["POST"])
def profile_preview():
    display_name, bio = request.form["display_name"], request.form.get("bio", "")
    return f"<section class='profile'><h2>{display_name}</h2><p>{bio}</p></section>"  # stick: sink
