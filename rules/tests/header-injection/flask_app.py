from urllib.parse import quote

from flask import Flask, make_response, request

app = Flask(__name__)


@app.route("/export")
def export():
    filename = request.args.get("name", "report.csv")
    resp = make_response("id,total\n1,10\n")
    resp.headers["Content-Disposition"] = "attachment; filename=" + filename  # ruleid: header-injection
    return resp


@app.route("/export/safe")
def export_safe():
    filename = quote(request.args.get("name", "report.csv"))
    resp = make_response("id,total\n1,10\n")
    resp.headers["Content-Disposition"] = "attachment; filename=" + filename  # ok: header-injection
    return resp


@app.route("/theme")
def theme():
    resp = make_response("ok")
    resp.set_cookie("theme", request.args["theme"])  # ruleid: header-injection
    resp.set_cookie("lang", "en")  # ok: header-injection
    return resp
