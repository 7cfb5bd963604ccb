import ast

import rules_store

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/calc")
def calc():
    expression = request.args.get("expr", "1+1")
    value = eval(expression)  # ruleid: code-injection
    return jsonify({"value": value})


@app.route("/calc/safe")
def calc_safe():
    expression = request.args.get("expr", "[]")
    value = ast.literal_eval(expression)  # ok: code-injection
    return jsonify({"value": value})


@app.route("/hook", methods=["POST"])
def hook():
    source = request.form["code"]
    exec(compile(source, "<hook>", "exec"))  # ruleid: code-injection
    return "done"


def run_plugin(plugin_source):
    # Never called from an entry point: not reported.
    exec(plugin_source)  # ok: code-injection


@app.route("/rules/apply", methods=["POST"])
def apply_rule():
    # The rule text comes from the rules store: its origin cannot be traced,
    # so this is "likely".
    rule = rules_store.load(request.form["rule_id"])
    exec(rule.body)  # ruleid: code-injection
    return "applied"


def version():
    return eval("1 + 2")  # ok: code-injection
