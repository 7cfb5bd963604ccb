from flask import Flask, render_template, render_template_string, request
from jinja2 import Environment

app = Flask(__name__)
env = Environment()


@app.route("/greet")
def greet():
    name = request.args.get("name", "guest")
    template = "<h1>Hello " + name + "</h1>"
    return render_template_string(template)  # ruleid: template-injection


@app.route("/greet/safe")
def greet_safe():
    name = request.args.get("name", "guest")
    return render_template_string("<h1>Hello {{ name }}</h1>", name=name)  # ok: template-injection


@app.route("/preview", methods=["POST"])
def preview():
    body = request.form["template"]
    return env.from_string(body).render()  # ruleid: template-injection


@app.route("/page")
def page():
    return render_template("page.html", title=request.args.get("title"))  # ok: template-injection
