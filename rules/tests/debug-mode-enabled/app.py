import os

from flask import Flask

app = Flask(__name__)
app.config["DEBUG"] = True  # ruleid: debug-mode-enabled


@app.route("/")
def index():
    return "hello"


if __name__ == "__main__":
    app.run(debug=True)  # ruleid: debug-mode-enabled
    app.run(debug=os.environ.get("FLASK_DEBUG") == "1")  # ok: debug-mode-enabled
