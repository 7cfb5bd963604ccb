# stick: cwe=79 construct=destructured-param expect=safe
from flask import Flask, request
from markupsafe import escape

app = Flask(__name__)


@app.route("/profile/preview", methods=["POST"])
def profile_preview():
    display_name, bio = escape(request.form["display_name"]), escape(request.form.get("bio", ""))
    return f"<section class='profile'><h2>{display_name}</h2><p>{bio}</p></section>"
