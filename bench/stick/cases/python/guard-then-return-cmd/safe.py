# stick: cwe=78 construct=guard-then-return expect=safe
import subprocess

from flask import Flask, abort, request

app = Flask(__name__)
ALLOWED_FORMATS = {"png", "jpeg", "webp"}


@app.route("/images/<int:image_id>/convert")
def convert(image_id):
    fmt = request.args.get("format", "png")
    if fmt not in ALLOWED_FORMATS:
        abort(400)
    subprocess.run(f"convert /srv/images/{image_id}.orig /srv/images/{image_id}.{fmt}", shell=True, check=True)
    return {"converted": image_id, "format": fmt}
