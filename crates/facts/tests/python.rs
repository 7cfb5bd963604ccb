//! Python extractor tests: focused cases plus snapshots of small sample apps.

use bw_facts::flowspec::FlowSpec;
use bw_facts::{Fact, FileFacts, FlowState, Subject};
use std::path::{Path, PathBuf};

fn extract(path: &str, src: &str) -> FileFacts {
    bw_facts::extract(path, bw_files::Lang::Python, src, &FlowSpec::builtin()).expect("parses")
}

fn sinks<'a>(ff: &'a FileFacts, kind: &str) -> Vec<&'a Fact> {
    ff.facts
        .iter()
        .filter(|f| f.subject == Subject::Sink && f.kind == kind)
        .collect()
}

fn state(f: &Fact) -> FlowState {
    f.flow
        .as_ref()
        .map(|fl| fl.state)
        .unwrap_or(FlowState::Safe)
}

fn line(f: &Fact) -> u32 {
    f.evidence.location.start_line
}

#[test]
fn alias_resolution() {
    let src = r#"
from subprocess import run as r
import requests as rq
from flask import request

def view():
    q = request.args.get("q")
    r(q, shell=True)
    rq.get(q)
"#;
    let ff = extract("app/views.py", src);
    let exec = sinks(&ff, "exec");
    assert_eq!(exec.len(), 1);
    assert_eq!(exec[0].str("callee"), Some("subprocess.run"));
    assert!(exec[0].flag("shell"));
    assert_eq!(state(exec[0]), FlowState::Tainted);
    let ssrf = sinks(&ff, "ssrf");
    assert_eq!(ssrf[0].str("callee"), Some("requests.get"));
    let src = ssrf[0].flow.as_ref().unwrap().source.as_ref().unwrap();
    assert_eq!(src.kind, "request");
    assert_eq!(src.label, "request.args.get(\"q\")");
}

#[test]
fn relative_import_resolves_module_and_call_sites() {
    let src = "from .db import run_query\nfrom .. import models\n\ndef handler(x):\n    return run_query(x)\n";
    let ff = extract("app/api/views.py", src);
    let imp = ff.imports.iter().find(|i| i.local == "run_query").unwrap();
    assert_eq!(imp.module, "app.api.db");
    assert_eq!(imp.name.as_deref(), Some("run_query"));
    let m = ff.imports.iter().find(|i| i.local == "models").unwrap();
    assert_eq!(m.module, "app");
    let f = &ff.functions[0];
    assert_eq!(f.export_name, "app.api.views.handler");
    assert_eq!(f.calls[0].callee, "app.api.db.run_query");
    assert_eq!(f.calls[0].args[0].state, FlowState::FromParams);
    assert_eq!(f.calls[0].args[0].params, vec![0]);
    assert_eq!(f.returns_params, vec![0]);
}

#[test]
fn taint_through_fstring_format_join_and_containers() {
    let src = r#"
from flask import request

def view(cur):
    name = request.form["name"]
    a = f"SELECT * FROM users WHERE name = '{name}'"
    cur.execute(a)
    b = "SELECT * FROM users WHERE name = '{}'".format(name)
    cur.execute(b)
    c = " ".join(["SELECT", name])
    cur.execute(c)
    d = {"q": name}
    cur.execute(d["q"])
    parts = [name, "x"]
    for p in parts:
        cur.execute(p)
    e = "SELECT %s" % name
    cur.execute(e)
    f, g = name, "const"
    cur.execute(f)
    cur.execute(g)
"#;
    let ff = extract("app.py", src);
    let sql = sinks(&ff, "sql");
    let lines: Vec<u32> = sql.iter().map(|f| line(f)).collect();
    assert_eq!(lines, vec![7, 9, 11, 13, 16, 18, 20], "{sql:#?}");
    assert!(sql.iter().all(|f| state(f) == FlowState::Tainted));
    // steps recorded through assignments
    let steps = &sql[0].flow.as_ref().unwrap().steps;
    assert!(
        steps.iter().any(|s| s.label == "assigned to `a`"),
        "{steps:?}"
    );
}

#[test]
fn sanitisers_stop_taint() {
    let src = r#"
import os, shlex, html
from flask import request
from markupsafe import Markup
from werkzeug.utils import secure_filename

ALLOWED = {"asc", "desc"}

def view(cur):
    n = int(request.args["n"])
    cur.execute("SELECT * FROM t LIMIT " + str(n))
    os.system("ls " + shlex.quote(request.args["dir"]))
    Markup(html.escape(request.args["msg"]))
    open(os.path.join("/srv", secure_filename(request.args["f"])))
    order = request.args["order"]
    if order not in ALLOWED:
        return "bad"
    cur.execute("SELECT * FROM t ORDER BY " + order)
    os.system("echo " + html.escape(request.args["x"]))
"#;
    let ff = extract("app.py", src);
    assert!(sinks(&ff, "sql").is_empty(), "{:#?}", sinks(&ff, "sql"));
    assert!(sinks(&ff, "html").is_empty());
    assert!(sinks(&ff, "path").is_empty());
    // html.escape does not protect a shell command
    let exec = sinks(&ff, "exec");
    assert_eq!(exec.len(), 1);
    assert_eq!(line(exec[0]), 19);
}

#[test]
fn yaml_safe_loader_is_not_a_sink() {
    let src = r#"
import yaml, pickle
from flask import request

def view():
    body = request.get_data()
    a = yaml.load(body, Loader=yaml.SafeLoader)
    b = yaml.safe_load(body)
    c = yaml.load(body)
    d = pickle.loads(body)
"#;
    let ff = extract("app.py", src);
    let des = sinks(&ff, "deserialize");
    let lines: Vec<u32> = des.iter().map(|f| line(f)).collect();
    assert_eq!(lines, vec![9, 10]);
}

#[test]
fn params_of_plain_functions_are_from_params_and_constants_are_safe() {
    let src = r#"
import subprocess

def run(cmd, flag):
    subprocess.run(["git", cmd])
    subprocess.run("git status", shell=True)
    subprocess.run(f"git {flag}", shell=True)
"#;
    let ff = extract("tools.py", src);
    let exec = sinks(&ff, "exec");
    assert_eq!(exec.len(), 2);
    assert_eq!(state(exec[0]), FlowState::FromParams);
    assert_eq!(exec[0].flow.as_ref().unwrap().params, vec![0]);
    assert!(!exec[0].flag("shell"));
    assert!(exec[1].flag("shell"));
    assert_eq!(exec[1].flow.as_ref().unwrap().params, vec![1]);
}

#[test]
fn deep_nesting_does_not_crash() {
    let src = format!(
        "import os\nx = {}1{}\nos.system(x)\ny = {}\n",
        "[".repeat(5000),
        "]".repeat(5000),
        "(".repeat(5000)
    );
    let ff = extract("deep.py", &src);
    assert!(ff.partial);
    let src = format!(
        "def f(a):\n    return {}a{}\n",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    let _ = extract("deep2.py", &src);
    let src = format!("x = {}\n", vec!["a"; 5000].join(" + "));
    let _ = extract("deep3.py", &src);
}

#[test]
fn invalid_syntax_is_partial_and_still_extracts() {
    let src = r#"
import os
from flask import Flask, request

app = Flask(__name__)

def broken(:
    pass

@app.route("/run")
def run():
    os.system(request.args["cmd"])
"#;
    let ff = extract("app.py", src);
    assert!(ff.partial);
    assert!(
        ff.facts
            .iter()
            .any(|f| f.subject == Subject::Entry && f.str("route") == Some("/run"))
    );
    assert_eq!(sinks(&ff, "exec").len(), 1);
}

#[test]
fn fastapi_params_and_depends_auth() {
    let src = r#"
from fastapi import APIRouter, Depends, Request
from .auth import get_current_user
from .db import get_db

router = APIRouter(prefix="/items", dependencies=[Depends(verify_api_key)])

@router.get("/{item_id}")
def read(item_id: int, q: str, db=Depends(get_db), user=Depends(get_current_user)):
    db.execute(f"SELECT * FROM items WHERE name = '{q}'")
    return db.get(Item, item_id)
"#;
    let ff = extract("app/items.py", src);
    let e = ff
        .facts
        .iter()
        .find(|f| f.subject == Subject::Entry)
        .unwrap();
    assert_eq!(e.str("framework"), Some("fastapi"));
    assert_eq!(e.str("route"), Some("/items/{item_id}"));
    assert_eq!(e.str("router"), Some("router"));
    assert_eq!(e.list("auth"), ["get_current_user"]);
    assert_eq!(e.list("path_params"), ["item_id"]);
    assert_eq!(e.str("body_model"), None);
    // Router-wide dependencies are auth middleware on that router.
    let m = ff
        .facts
        .iter()
        .find(|f| f.subject == Subject::Middleware)
        .unwrap();
    assert_eq!(m.kind, "auth");
    assert_eq!(m.str("name"), Some("verify_api_key"));
    assert_eq!(m.str("router"), Some("router"));
    assert_eq!(state(sinks(&ff, "sql")[0]), FlowState::Tainted);
}

#[test]
fn every_fact_of_every_fixture_satisfies_the_vocabulary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in ["rules/tests", "fixtures/python"] {
        collect(&root.join(dir), &mut files);
    }
    assert!(!files.is_empty());
    let spec = FlowSpec::builtin();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let rel = f.strip_prefix(&root).unwrap().to_string_lossy().to_string();
        let ff = bw_facts::extract(&rel, bw_files::Lang::Python, &text, &spec).unwrap();
        for fact in &ff.facts {
            if let Err(e) = bw_facts::vocab::check_fact(fact) {
                panic!("{rel}:{}: {e}", fact.evidence.location.start_line);
            }
        }
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|e| e == "py") {
            out.push(p);
        }
    }
}

fn snapshot_app(app: &str) -> Vec<FileFacts> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    collect(&root.join("fixtures/python").join(app), &mut files);
    let spec = FlowSpec::builtin();
    files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            let rel = f
                .strip_prefix(root.join("fixtures/python").join(app))
                .unwrap()
                .to_string_lossy()
                .to_string();
            bw_facts::extract(&rel, bw_files::Lang::Python, &text, &spec).unwrap()
        })
        .collect()
}

#[test]
fn snapshot_flask_app() {
    insta::assert_json_snapshot!(snapshot_app("flask_app"));
}

#[test]
fn snapshot_fastapi_app() {
    insta::assert_json_snapshot!(snapshot_app("fastapi_app"));
}

#[test]
fn snapshot_django_app() {
    insta::assert_json_snapshot!(snapshot_app("django_app"));
}

fn find<'a>(ff: &'a FileFacts, subject: Subject, kind: &str) -> Vec<&'a Fact> {
    ff.facts
        .iter()
        .filter(|f| f.subject == subject && f.kind == kind)
        .collect()
}

#[test]
fn tools_mcp_and_agents() {
    let src = r#"
import os
import subprocess
from mcp.server.fastmcp import FastMCP
from langchain.tools import Tool

mcp = FastMCP("ops")

@mcp.tool()
def run(cmd: str) -> str:
    return subprocess.check_output(cmd, shell=True).decode()

@mcp.tool(name="remove")
def rm(path: str) -> str:
    if confirm(f"remove {path}?"):
        os.remove(path)
    return "ok"

@mcp.resource("docs://{name}")
def doc(name: str) -> str:
    return open(f"/srv/docs/{name}").read()

def search(q):
    return q

tools = [Tool(name="search", func=search, description="Search the wiki")]
"#;
    let ff = extract("server.py", src);
    let tools = find(&ff, Subject::Entry, "mcp-tool");
    assert_eq!(tools.len(), 2);
    assert_eq!(tools[0].str("route"), Some("run"));
    assert_eq!(tools[0].list("writes"), ["exec"]);
    assert!(!tools[0].flag("confirmation"));
    assert_eq!(line(tools[0]), 9, "evidence is the decorator line");
    assert_eq!(tools[1].str("route"), Some("remove"));
    assert_eq!(tools[1].list("writes"), ["file-write"]);
    assert!(tools[1].flag("confirmation"));
    let res = find(&ff, Subject::Entry, "mcp-resource");
    assert_eq!(res[0].str("route"), Some("docs://{name}"));
    let agent = find(&ff, Subject::Entry, "agent-tool");
    assert_eq!(agent[0].str("route"), Some("search"));
    assert_eq!(agent[0].str("handler"), Some("search"));
    // tool parameters are tool input
    let exec = sinks(&ff, "exec");
    let src = exec[0].flow.as_ref().unwrap().source.as_ref().unwrap();
    assert_eq!(src.kind, "tool-input");
    assert_eq!(sinks(&ff, "path").len(), 2);
}

#[test]
fn starlette_routes_mounts_and_middleware() {
    let src = r#"
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.responses import RedirectResponse
from starlette.routing import Mount, Route

async def go(request):
    return RedirectResponse(request.query_params["to"])

routes = [Route("/go", go), Mount("/api", routes=[Route("/items/{id}", go, methods=["POST"])])]
app = Starlette(routes=routes, middleware=[Middleware(AuthenticationMiddleware, backend=None)])
"#;
    let ff = extract("app.py", src);
    let entries = find(&ff, Subject::Entry, "http");
    let routes: Vec<_> = entries
        .iter()
        .map(|e| (e.str("method"), e.str("route"), e.str("router")))
        .collect();
    assert_eq!(
        routes,
        vec![
            (Some("GET"), Some("/go"), Some("routes")),
            (Some("POST"), Some("/api/items/{id}"), Some("routes"))
        ]
    );
    assert_eq!(state(sinks(&ff, "redirect")[0]), FlowState::Tainted);
    let mw = find(&ff, Subject::Middleware, "auth");
    assert_eq!(mw[0].str("router"), Some("app"));
    let mount = find(&ff, Subject::Mount, "prefix");
    assert_eq!(mount[0].str("parent"), Some("app"));
    assert_eq!(mount[0].str("child"), Some("routes"));
}

#[test]
fn django_views_and_urls() {
    let views = r#"
from django.contrib.auth.decorators import login_required
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.shortcuts import get_object_or_404
from .models import Order

@csrf_exempt
@require_POST
def webhook(request):
    return None

@login_required
def order(request, order_id):
    return get_object_or_404(Order, pk=order_id)
"#;
    let ff = extract("shop/views.py", views);
    let e = find(&ff, Subject::Entry, "http");
    assert_eq!(e[0].str("method"), Some("POST"));
    assert!(e[0].flag("csrf_exempt"));
    assert!(e[0].flag("state_changing"));
    assert_eq!(e[0].str("router"), Some("webhook"));
    assert_eq!(e[1].list("auth"), ["login_required"]);
    assert!(e[1].flag("id_param_lookup"));
    assert_eq!(e[1].list("path_params"), ["order_id"]);
    let urls = r#"
from django.urls import include, path
from . import views

urlpatterns = [
    path("orders/<int:order_id>/", views.order),
    path("hooks/", include("shop.hooks.urls")),
]
"#;
    let ff = extract("shop/urls.py", urls);
    let m = find(&ff, Subject::Mount, "prefix");
    assert_eq!(m[0].str("child"), Some("shop.views.order"));
    assert_eq!(m[0].str("parent"), Some("shop.urls"));
    assert_eq!(m[0].str("prefix"), Some("orders/<int:order_id>/"));
    assert_eq!(m[1].str("child"), Some("shop.hooks.urls"));
}

#[test]
fn llm_calls_and_their_limits() {
    let src = r#"
from openai import AzureOpenAI
from langchain_openai import ChatOpenAI

client = AzureOpenAI()
llm = ChatOpenAI(model="gpt-4o", max_tokens=100).bind_tools([])

def ask(q):
    client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": q}], tools=[])
    return llm.invoke(q).content
"#;
    let ff = extract("llm.py", src);
    let az = find(&ff, Subject::Llm, "azure-openai");
    assert_eq!(az[0].str("model"), Some("gpt-4o-mini"));
    assert!(!az[0].flag("max_tokens"));
    assert!(az[0].flag("tools"));
    let lc = find(&ff, Subject::Llm, "langchain");
    assert_eq!(lc[0].str("model"), Some("gpt-4o"));
    assert!(lc[0].flag("max_tokens"));
    assert!(lc[0].flag("tools"));
    assert_eq!(
        ff.functions[0]
            .returns_source
            .as_ref()
            .map(|s| s.kind.as_str()),
        Some("llm-output")
    );
}

#[test]
fn settings_only_with_their_context() {
    let src = r#"
import hashlib, random
import requests
from flask import Flask

app = Flask(__name__)
app.secret_key = "dev"

def checksum(blob):
    return hashlib.md5(blob).hexdigest()

def hash_password(password):
    return hashlib.sha1(password.encode()).hexdigest()

def shuffle_cards(cards):
    pick = random.choice(cards)
    reset_token = random.randint(0, 10**6)
    return pick, reset_token

def fetch():
    return requests.get("https://example.com", verify=False)
"#;
    let ff = extract("app.py", src);
    let hashes = find(&ff, Subject::Setting, "weak-hash");
    assert_eq!(hashes.len(), 1);
    assert_eq!(hashes[0].str("context"), Some("password"));
    let rnd = find(&ff, Subject::Setting, "weak-random");
    assert_eq!(rnd.len(), 1);
    assert_eq!(rnd[0].str("context"), Some("token"));
    assert_eq!(find(&ff, Subject::Setting, "secret-key-weak").len(), 1);
    assert_eq!(find(&ff, Subject::Setting, "tls-verify-disabled").len(), 1);
}

#[test]
fn stores_and_outbound() {
    let src = r#"
import psycopg2
import requests
from sqlalchemy import create_engine

engine = create_engine("mysql+pymysql://app:pw@db.example.com/shop")
conn = psycopg2.connect(host="pg.internal", dbname="app")

def sync():
    requests.post("http://billing.example.com/sync", json={}, timeout=5)
    requests.get("http://localhost:8080/health")
"#;
    let ff = extract("jobs.py", src);
    let mysql = find(&ff, Subject::Store, "mysql");
    assert_eq!(mysql[0].str("host"), Some("db.example.com"));
    assert_eq!(mysql[0].str("library"), Some("sqlalchemy"));
    assert_eq!(
        find(&ff, Subject::Store, "postgres")[0].str("host"),
        Some("pg.internal")
    );
    let out = find(&ff, Subject::Outbound, "http");
    assert_eq!(out[0].str("host"), Some("billing.example.com"));
    assert_eq!(out[0].props.get("tls"), Some(&bw_facts::Prop::Bool(false)));
    assert!(out[0].flag("timeout"));
    assert_eq!(out[1].props.get("tls"), None);
    assert!(!out[1].flag("timeout"));
}

#[test]
fn fastapi_dependency_parameters_read_the_request() {
    let src = r#"
import logging
from fastapi import Header

log = logging.getLogger(__name__)

def get_tenant(x_tenant: str = Header(...)):
    log.info("tenant %s", x_tenant)
    return x_tenant

def plain(x):
    log.info("value %s", x)
"#;
    let ff = extract("deps.py", src);
    let logs = sinks(&ff, "log");
    assert_eq!(state(logs[0]), FlowState::Tainted);
    assert_eq!(state(logs[1]), FlowState::FromParams);
}

#[test]
fn validation_guards_clean_the_checked_variable() {
    let src = r#"
import os
import re
from flask import abort, request

NAME = re.compile(r"[a-z0-9_-]{1,32}")

def view():
    a = request.args["a"]
    if not re.fullmatch(r"[a-z]+", a):
        abort(400)
    os.system("echo " + a)
    b = request.args["b"]
    if NAME.fullmatch(b):
        os.system("echo " + b)
    os.system("echo " + b)
    c = request.args["c"]
    if not c.isdigit():
        raise ValueError("bad")
    os.system("echo " + c)
    d = request.args["d"]
    if not d.isdigit():
        print("bad")
    os.system("echo " + d)
"#;
    let ff = extract("app.py", src);
    let lines: Vec<u32> = sinks(&ff, "exec").iter().map(|f| line(f)).collect();
    assert_eq!(lines, vec![16, 24]);
}

#[test]
fn rate_limits_from_decorators_dependencies_and_classes() {
    let src = r#"
from fastapi import Depends, FastAPI
from fastapi_limiter.depends import RateLimiter

app = FastAPI()

@app.post("/login", dependencies=[Depends(RateLimiter(times=5, seconds=60))])
def login(username: str):
    return {}
"#;
    let ff = extract("main.py", src);
    let e = find(&ff, Subject::Entry, "http");
    assert_eq!(e[0].list("rate_limit"), ["RateLimiter"]);
    assert!(e[0].list("auth").is_empty());
    let src = r#"
from rest_framework.views import APIView
from rest_framework.throttling import AnonRateThrottle

class LoginView(APIView):
    throttle_classes = [AnonRateThrottle]

    def post(self, request):
        return None
"#;
    let ff = extract("accounts/views.py", src);
    let e = find(&ff, Subject::Entry, "http");
    assert_eq!(e[0].str("framework"), Some("drf"));
    assert_eq!(e[0].str("method"), Some("POST"));
    assert_eq!(e[0].list("rate_limit"), ["throttle_classes"]);
}

#[test]
fn django_helpers_taking_request_are_not_views() {
    let src = r#"
from django.http import HttpRequest

def get_client_ip(request):
    return request.META.get("REMOTE_ADDR")
"#;
    let ff = extract("shop/utils.py", src);
    assert!(find(&ff, Subject::Entry, "http").is_empty());
    assert_eq!(
        ff.functions[0]
            .returns_source
            .as_ref()
            .map(|s| s.kind.as_str()),
        Some("request")
    );
}

#[test]
fn prompt_messages_are_judged_one_by_one() {
    let src = r#"
import os
from flask import request
from openai import OpenAI

client = OpenAI()
KEY = os.environ["BILLING_API_KEY"]

def ask():
    client.chat.completions.create(
        model="gpt-4o",
        messages=[
            {"role": "system", "content": f"Use key {KEY} for billing lookups."},
            {"role": "user", "content": request.json["q"]},
        ],
    )
"#;
    let ff = extract("app.py", src);
    let kinds: Vec<String> = sinks(&ff, "prompt")
        .iter()
        .map(|f| {
            f.flow
                .as_ref()
                .unwrap()
                .source
                .as_ref()
                .unwrap()
                .kind
                .clone()
        })
        .collect();
    assert_eq!(kinds, vec!["secret", "request"]);
}

#[test]
fn mutated_and_unicode_inputs_do_not_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    collect(&root.join("rules/tests"), &mut files);
    let spec = FlowSpec::builtin();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let junk = [
        "(", ")", "[", "]", "{", "}", ":", "\"", "'", "f\"", "\n", "    ", "é", "日本", "\\", "#",
        "@", "=", ".",
    ];
    for f in files.iter().take(40) {
        let text = std::fs::read_to_string(f).unwrap();
        for _ in 0..5 {
            let mut t = text.clone();
            for _ in 0..8 {
                let mut at = (next() as usize) % (t.len() + 1);
                while !t.is_char_boundary(at) {
                    at -= 1;
                }
                let piece = junk[(next() as usize) % junk.len()];
                t.insert_str(at, piece);
            }
            let _ = bw_facts::extract("m.py", bw_files::Lang::Python, &t, &spec);
        }
    }
    let src = "import os\nfrom flask import request\ncafé = request.args['é']\nos.system(café)\n日本 = café.日本.x()\n";
    let ff = bw_facts::extract("ü/ñ.py", bw_files::Lang::Python, src, &spec).unwrap();
    assert_eq!(sinks(&ff, "exec").len(), 1);
}

#[test]
fn containers_filled_after_creation_carry_taint() {
    let src = r#"
import os
from flask import request

def view(cur):
    parts = []
    parts.append(request.args["a"])
    cur.execute(" AND ".join(parts))
    filters = {}
    filters["name"] = request.args["n"]
    cur.execute("SELECT * FROM t WHERE name = '%s'" % filters["name"])
    safe = list()
    safe.append("x")
    more = dict()
    more.update(q=request.args["q"])
    cur.execute(more["q"])
    cur.execute(" ".join(safe))
    os.environ.update({"A": request.args["a"]})
    cur.execute(os.path.join("a", "b"))
"#;
    let ff = extract("app.py", src);
    let lines: Vec<u32> = sinks(&ff, "sql").iter().map(|f| line(f)).collect();
    assert_eq!(lines, vec![8, 11, 16]);
}

#[test]
fn openai_agents_function_tools() {
    let src = r#"
import subprocess
from agents import Agent, function_tool

@function_tool
def run_report(name: str) -> str:
    return subprocess.run(["report", name], capture_output=True, text=True).stdout

agent = Agent(name="ops", tools=[run_report])
"#;
    let ff = extract("agent.py", src);
    let t = find(&ff, Subject::Entry, "agent-tool");
    assert_eq!(t[0].str("framework"), Some("openai"));
    assert_eq!(t[0].str("route"), Some("run_report"));
    assert_eq!(t[0].list("writes"), ["exec"]);
    assert_eq!(state(sinks(&ff, "exec")[0]), FlowState::Tainted);
}

#[test]
fn flask_method_views() {
    let src = r#"
from flask import Flask, request
from flask.views import MethodView

app = Flask(__name__)

class UserAPI(MethodView):
    decorators = []

    def get(self, user_id):
        return db.execute(f"SELECT * FROM users WHERE id = {user_id}")

    def delete(self, user_id):
        return ""

app.add_url_rule("/users/<int:user_id>", view_func=UserAPI.as_view("users"))
"#;
    let ff = extract("app.py", src);
    let e = find(&ff, Subject::Entry, "http");
    assert_eq!(e.len(), 2);
    assert_eq!(e[0].str("router"), Some("UserAPI"));
    assert_eq!(e[0].str("handler"), Some("UserAPI.get"));
    assert_eq!(e[1].str("method"), Some("DELETE"));
    let m = find(&ff, Subject::Mount, "prefix");
    assert_eq!(m[0].str("child"), Some("app.UserAPI"));
    assert_eq!(m[0].str("prefix"), Some("/users/<int:user_id>"));
    // The route converts `user_id` to an int: no injection.
    assert!(sinks(&ff, "sql").is_empty());
}

#[test]
fn flask_restful_resources_and_class_decorators() {
    let src = r#"
from flask import Flask
from flask_login import login_required
from flask_restful import Api, Resource

app = Flask(__name__)
api = Api(app)

class Invoice(Resource):
    method_decorators = [login_required]

    def get(self, invoice_id):
        return {}

api.add_resource(Invoice, "/invoices/<int:invoice_id>")
"#;
    let ff = extract("app.py", src);
    let e = find(&ff, Subject::Entry, "http");
    assert_eq!(e[0].list("auth"), ["login_required"]);
    assert_eq!(e[0].list("path_params"), ["invoice_id"]);
    let m = find(&ff, Subject::Mount, "prefix");
    assert_eq!(m[0].str("parent"), Some("app"));
    assert_eq!(m[0].str("child"), Some("api"));
    assert_eq!(m[1].str("parent"), Some("api"));
    assert_eq!(m[1].str("child"), Some("app.Invoice"));
}

#[test]
fn flask_before_request_auth_hook_is_middleware() {
    let src = r#"
from flask import Blueprint, abort
from flask_login import current_user

admin = Blueprint("admin", __name__)

@admin.before_request
def guard():
    if not current_user.is_authenticated:
        abort(401)

@admin.before_request
def add_timing():
    pass
"#;
    let ff = extract("admin.py", src);
    let mw = find(&ff, Subject::Middleware, "auth");
    assert_eq!(mw.len(), 1);
    assert_eq!(mw[0].str("router"), Some("admin"));
    assert_eq!(mw[0].str("name"), Some("guard"));
}

#[test]
fn django_settings_middleware() {
    let src = r#"
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
]
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = True
"#;
    let ff = extract("proj/settings.py", src);
    let kinds: Vec<(&str, Option<&str>)> = ff
        .facts
        .iter()
        .filter(|f| f.subject == Subject::Middleware)
        .map(|f| (f.kind.as_str(), f.str("name")))
        .collect();
    assert!(
        kinds.contains(&("auth", Some("LoginRequiredMiddleware"))),
        "{kinds:?}"
    );
    assert!(kinds.contains(&("csrf", Some("CsrfViewMiddleware"))));
    assert!(kinds.contains(&("session", Some("SessionMiddleware"))));
    assert_eq!(kinds.iter().filter(|k| k.0 == "auth").count(), 1);
    assert_eq!(
        find(&ff, Subject::Setting, "cors-credentials-wildcard").len(),
        1
    );
    assert!(find(&ff, Subject::Setting, "csrf-disabled").is_empty());
}

#[test]
fn running_a_langchain_tool_is_not_a_prompt() {
    let src = r#"
from flask import request
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI

llm = ChatOpenAI(model="gpt-4o-mini", max_tokens=200)

@tool
def lookup(q: str) -> str:
    """Look up a term."""
    return q

TOOLS = {"lookup": lookup}

def view():
    selected = TOOLS.get(request.args["tool"])
    out = selected.invoke({"q": request.args["q"]})
    answer = llm.invoke(request.args["q"])
    return out, answer
"#;
    let ff = extract("app.py", src);
    let prompts: Vec<u32> = sinks(&ff, "prompt").iter().map(|f| line(f)).collect();
    assert_eq!(prompts, vec![18]);
    let f = ff.functions.iter().find(|f| f.symbol == "view").unwrap();
    assert_eq!(
        f.returns_source.as_ref().map(|s| s.kind.as_str()),
        Some("request")
    );
}
