# stick: cwe=1336 construct=direct expect=safe
from flask import Flask, render_template_string, request

app = Flask(__name__)


@app.route("/cards/preview")
def card_preview():
    recipient = request.args.get("to", "friend")
    return render_template_string("<div class='card'>Happy birthday, {{ recipient }}!</div>", recipient=recipient)
