# stick: cwe=78 construct=factory-handler expect=safe
import subprocess

from flask import Flask, request

app = Flask(__name__)


def make_lookup_view(record_type):
    def lookup():
        domain = request.args.get("domain", "example.com")
        out = subprocess.check_output(["dig", "+short", record_type, domain], text=True)
        return {"records": out.split()}

    return lookup


app.add_url_rule("/dns/mx", "dns_mx", view_func=make_lookup_view("MX"))
