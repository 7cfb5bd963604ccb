from flask import Flask, make_response

app = Flask(__name__)
app.config["SESSION_COOKIE_SECURE"] = False  # ruleid: insecure-cookie
app.config["SESSION_COOKIE_HTTPONLY"] = True  # ok: insecure-cookie


@app.route("/remember")
def remember():
    resp = make_response("ok")
    resp.set_cookie("remember_me", "1", secure=False, httponly=True)  # ruleid: insecure-cookie
    resp.set_cookie("prefs", "dark", secure=True, httponly=True, samesite="Lax")  # ok: insecure-cookie
    return resp
