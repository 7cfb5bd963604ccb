import ldap
from ldap.filter import escape_filter_chars
from flask import Flask, jsonify, request

app = Flask(__name__)
conn = ldap.initialize("ldaps://ldap.corp.example.com")
BASE_DN = "ou=people,dc=example,dc=com"


@app.route("/directory")
def directory():
    uid = request.args["uid"]
    results = conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, "(uid=" + uid + ")")  # ruleid: ldap-injection
    return jsonify([dn for dn, _ in results])


@app.route("/directory/safe")
def directory_safe():
    uid = escape_filter_chars(request.args["uid"])
    results = conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, "(uid=" + uid + ")")  # ok: ldap-injection
    return jsonify([dn for dn, _ in results])
