#!/usr/bin/env python3
"""Inputs for bench/scale.sh: route apps, a long file, many YAML documents.

    scale_gen.py routes-flask DIR N     N Flask routes (100 per blueprint file)
    scale_gen.py routes-fastapi DIR N   N FastAPI routes (100 per router file)
    scale_gen.py routes-express DIR N   N Express routes (100 per router file)
    scale_gen.py lines DIR N            one Python file of N lines (functions of 10 lines)
    scale_gen.py yaml DIR FILES DOCS    FILES YAML files of DOCS Kubernetes documents each
    scale_gen.py yaml-aliases DIR DOCS  one YAML file of DOCS small documents, each an
                                        alias chain expanding to 729 nodes (issue 10 item 5)

Every app is a plausible service: routes read request data, query a
database through a helper module (so flows are linked across files), some
call a shell or fetch a URL, and the routers are mounted under a prefix.
"""
import os
import subprocess
import sys

PER_FILE = 100

# The database helper module the Python routes call (flows cross files).
PY_DB = (
    "import sqlite3\n\n\n"
    "def query(sql, args):\n"
    "    conn = sqlite3.connect('app.db')\n"
    "    return conn.execute(sql, args).fetchall()\n\n\n"
    "def raw(sql):\n"
    "    conn = sqlite3.connect('app.db')\n"
    "    return conn.execute(sql).fetchall()\n"
)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def flask(root, n):
    files = (n + PER_FILE - 1) // PER_FILE
    app = ["from flask import Flask", "app = Flask(__name__)"]
    write(f"{root}/app/db.py", PY_DB)
    for f in range(files):
        body = ["import os", "import requests", "from flask import Blueprint, request, jsonify", "from app.db import query, raw", "", f"bp = Blueprint('b{f}', __name__)", ""]
        for i in range(f * PER_FILE, min(n, (f + 1) * PER_FILE)):
            body.append(f"@bp.route('/items{i}/<int:item_id>', methods=['GET', 'POST'])")
            body.append(f"def item{i}(item_id):")
            if i % 10 == 0:
                body.append(f"    raw(\"SELECT * FROM t{i} WHERE name = '\" + request.args['name'] + \"'\")")
            elif i % 10 == 1:
                body.append("    os.system('echo ' + request.args['x'])")
            elif i % 10 == 2:
                body.append("    requests.get(request.args['url'])")
            body.append(f"    rows = query('SELECT * FROM t{i} WHERE id = ?', (item_id,))")
            body.append("    return jsonify(rows)")
            body.append("")
        write(f"{root}/app/views/v{f}.py", "\n".join(body) + "\n")
        app.insert(1, f"from app.views.v{f} import bp as bp{f}")
        app.append(f"app.register_blueprint(bp{f}, url_prefix='/api/v{f}')")
    write(f"{root}/app/__init__.py", "")
    write(f"{root}/app/views/__init__.py", "")
    write(f"{root}/app/main.py", "\n".join(app) + "\n")
    write(f"{root}/requirements.txt", "flask==3.0.0\nrequests==2.32.0\n")


def fastapi(root, n):
    files = (n + PER_FILE - 1) // PER_FILE
    app = ["from fastapi import FastAPI", "app = FastAPI()"]
    write(f"{root}/svc/db.py", PY_DB)
    for f in range(files):
        body = ["import subprocess", "import httpx", "from fastapi import APIRouter", "from svc.db import query, raw", "", "router = APIRouter()", ""]
        for i in range(f * PER_FILE, min(n, (f + 1) * PER_FILE)):
            verb = ("get", "post", "put", "delete")[i % 4]
            body.append(f"@router.{verb}('/items{i}/{{item_id}}')")
            body.append(f"async def item{i}(item_id: int, name: str = ''):")
            if i % 10 == 0:
                body.append(f"    raw(f\"SELECT * FROM t{i} WHERE name = '{{name}}'\")")
            elif i % 10 == 1:
                body.append("    subprocess.run(name, shell=True)")
            elif i % 10 == 2:
                body.append("    httpx.get(name)")
            body.append(f"    return query('SELECT * FROM t{i} WHERE id = ?', (item_id,))")
            body.append("")
        write(f"{root}/svc/routes/r{f}.py", "\n".join(body) + "\n")
        app.insert(1, f"from svc.routes.r{f} import router as r{f}")
        app.append(f"app.include_router(r{f}, prefix='/api/v{f}')")
    write(f"{root}/svc/__init__.py", "")
    write(f"{root}/svc/routes/__init__.py", "")
    write(f"{root}/svc/main.py", "\n".join(app) + "\n")
    write(f"{root}/requirements.txt", "fastapi==0.110.0\nhttpx==0.27.0\n")


def express(root, n):
    files = (n + PER_FILE - 1) // PER_FILE
    app = ["const express = require('express');", "const app = express();", "app.use(express.json());"]
    write(f"{root}/src/db.js", "const { Pool } = require('pg');\nconst pool = new Pool();\n\nasync function query(sql, args) {\n  return pool.query(sql, args);\n}\n\nasync function raw(sql) {\n  return pool.query(sql);\n}\n\nmodule.exports = { query, raw };\n")
    for f in range(files):
        body = ["const express = require('express');", "const { exec } = require('child_process');", "const axios = require('axios');", "const { query, raw } = require('../db');", "", "const router = express.Router();", ""]
        for i in range(f * PER_FILE, min(n, (f + 1) * PER_FILE)):
            verb = ("get", "post", "put", "delete")[i % 4]
            body.append(f"router.{verb}('/items{i}/:id', async (req, res) => {{")
            if i % 10 == 0:
                body.append(f"  await raw(\"SELECT * FROM t{i} WHERE name = '\" + req.query.name + \"'\");")
            elif i % 10 == 1:
                body.append("  exec('echo ' + req.body.x);")
            elif i % 10 == 2:
                body.append("  await axios.get(req.query.url);")
            body.append(f"  const rows = await query('SELECT * FROM t{i} WHERE id = $1', [req.params.id]);")
            body.append("  res.json(rows);")
            body.append("});")
            body.append("")
        body.append("module.exports = router;")
        write(f"{root}/src/routes/r{f}.js", "\n".join(body) + "\n")
        app.append(f"app.use('/api/v{f}', require('./routes/r{f}'));")
    app.append("app.listen(3000);")
    write(f"{root}/src/app.js", "\n".join(app) + "\n")
    write(f"{root}/package.json", '{"name": "svc", "version": "1.0.0", "dependencies": {"express": "4.19.2", "pg": "8.11.0", "axios": "1.7.0"}}\n')


def lines(root, n):
    out = ["import os", "import sqlite3", "from flask import Flask, request", "", "app = Flask(__name__)", ""]
    i = 0
    while len(out) + 10 <= n:
        out += [
            f"@app.route('/f{i}')",
            f"def f{i}():",
            "    name = request.args.get('name', '')",
            f"    total = {i} + len(name)",
            "    conn = sqlite3.connect('db')",
            f"    rows = conn.execute('SELECT * FROM t WHERE id = ?', (total,))",
            "    if total > 3:",
            "        os.system('echo ' + name)" if i % 50 == 0 else "        total = total - 1",
            "    return str(rows)",
            "",
        ]
        i += 1
    while len(out) < n:
        out.append("")
    write(f"{root}/big.py", "\n".join(out) + "\n")


def yaml(root, files, docs):
    for f in range(files):
        out = []
        for d in range(docs):
            name = f"svc{f}-{d}"
            if d % 2 == 0:
                out.append(f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/acme/{name}:1.0.{d}\n          securityContext:\n            runAsNonRoot: true\n")
            else:
                out.append(f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  type: ClusterIP\n  selector:\n    app: {name}\n  ports:\n    - port: 80\n      targetPort: 8080\n")
        write(f"{root}/deploy/m{f}.yaml", "---\n".join(out))


def yaml_aliases(root, docs):
    doc = (
        "a: &a [x, x, x, x, x, x, x, x, x]\n"
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    )
    write(f"{root}/deploy/chains.yaml", "---\n".join([doc] * docs))


if __name__ == "__main__":
    kind, root = sys.argv[1], sys.argv[2]
    args = [int(a) for a in sys.argv[3:]]
    {"routes-flask": flask, "routes-fastapi": fastapi, "routes-express": express,
     "lines": lines, "yaml": yaml, "yaml-aliases": yaml_aliases}[kind](root, *args)
    # A repository of its own: breakwater finds the model root upward,
    # stopping at the repository root, and bench/work/ is git-ignored in
    # breakwater's own repository (its files would not be scanned).
    subprocess.run(["git", "init", "-q", root], check=True)
