# stick: cwe=22 construct=pop-index expect=safe
import os

from flask import Flask, request

app = Flask(__name__)
THEMES_DIR = "/srv/app/themes"


@app.route("/theme.css")
def theme_css():
    choices = [request.args.get("theme", "light"), "light"]
    choices.pop(0)
    with open(os.path.join(THEMES_DIR, choices[0] + ".css"), encoding="utf-8") as fh:
        return fh.read(), 200, {"Content-Type": "text/css"}
