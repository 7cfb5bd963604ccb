import os

from flask import Flask, request, send_file, send_from_directory
from werkzeug.utils import secure_filename

app = Flask(__name__)
UPLOAD_DIR = "/srv/uploads"


@app.route("/download")
def download():
    name = request.args["file"]
    return send_file(os.path.join(UPLOAD_DIR, name))  # ruleid: path-traversal


@app.route("/files/<path:filename>")
def files(filename):
    return send_from_directory(UPLOAD_DIR, filename)  # ruleid: path-traversal


@app.route("/upload", methods=["POST"])
def upload():
    f = request.files["doc"]
    target = os.path.join(UPLOAD_DIR, request.form["folder"], "doc.bin")
    with open(target, "wb") as out:  # ruleid: path-traversal
        out.write(f.read())
    return "stored"


@app.route("/avatar", methods=["POST"])
def avatar():
    f = request.files["avatar"]
    f.save(os.path.join(UPLOAD_DIR, "avatars", f.filename))  # ruleid: path-traversal
    return "saved"


@app.route("/avatar/safe", methods=["POST"])
def avatar_safe():
    f = request.files["avatar"]
    f.save(os.path.join(UPLOAD_DIR, "avatars", secure_filename(f.filename)))  # ok: path-traversal
    return "saved"


@app.route("/upload/safe", methods=["POST"])
def upload_safe():
    f = request.files["doc"]
    target = os.path.join(UPLOAD_DIR, secure_filename(f.filename))
    with open(target, "wb") as out:  # ok: path-traversal
        out.write(f.read())
    return "stored"


@app.route("/readme")
def readme():
    with open(os.path.join(UPLOAD_DIR, "README.txt")) as fh:  # ok: path-traversal
        return fh.read()
