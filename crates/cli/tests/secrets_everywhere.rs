//! Secrets planted in a repository never reach any output (issue 10, item 1).
//!
//! The test plants one secret per secrets rule and per token format the
//! secret scan knows, and one per credential position — URL user-info of
//! every common scheme, key=value DSNs, `password=`/`passwd=`/`secret=`/
//! `token=`/`api_key=`/`client_secret=`/`aws_secret_access_key=` arguments
//! and keys, `Authorization`/`Proxy-Authorization`/`Cookie`/`X-Api-Key`
//! headers, basic-auth pairs, signing keys — in Python, JavaScript and
//! TypeScript, in `.env` and JSON configuration, in a Dockerfile, a compose
//! file and a Kubernetes manifest, each a unique random-looking value. Then
//! it runs every output breakwater has: `scan` in every format,
//! `--write-snapshot`, `facts`, `status`, `diff`, `check`, `guardrails`,
//! `triage` (a dry run, then the decisions written to breakwater.toml),
//! `explain`, the facts cache on disk, the MCP server's resources and every
//! tool, the editor server's diagnostics, hovers and code actions, and the
//! AI commands against a provider served by the test (what it received and
//! the log written under `.breakwater/ai-log/`).
//!
//! Every byte of every output is searched for every 8-character window of
//! the random part of every planted value (a value cut, wrapped or partly
//! shown is still found). And each planted value must appear in its masked
//! form (`kind prefix…(length) #hash`) in at least one output, so the test
//! knows it reached every position it planted.

#[path = "common/lsp_client.rs"]
mod lsp_client;
#[path = "common/provider.rs"]
mod provider;

use lsp_client::{Client, file_uri};
use provider::{Reply, clear_ai_env, openai, serve};
use rmcp::model::{CallToolRequestParams, ReadResourceRequestParams, ResourceContents};
use rmcp::transport::{ConfigureCommandExt, TokioChildProcess};
use rmcp::{RoleClient, ServiceExt, service::RunningService};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

// ---------------------------------------------------------------- plants

/// One planted secret.
struct Plant {
    label: String,
    /// The text a mask replaces (its masked form is looked for).
    shown: String,
    /// The random parts: no 8 characters of any may reach an output.
    random: Vec<String>,
}

impl Plant {
    /// `kind prefix…(length)`, as `bw_facts::secrets::mask` writes it,
    /// without the kind and the hash.
    /// The end of the value's mask, `…(len) #hash` (the prefix before
    /// `…` is a format marker or nothing, whatever the kind).
    fn masked_form(&self) -> String {
        use sha2::Digest;
        let len = self.shown.chars().count();
        let digest = sha2::Sha256::digest(self.shown.as_bytes());
        let hash: String = digest.iter().take(3).map(|b| format!("{b:02x}")).collect();
        format!("…({len}) #{hash}")
    }
}

const ALNUM: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ234567";
/// Words that make a value read as a placeholder, which is never masked.
const PLACEHOLDER_WORDS: &[&str] = &[
    "test",
    "mock",
    "fake",
    "xxxx",
    "example",
    "sample",
    "dummy",
    "random",
    "insert",
    "replace",
    "generate",
    "foobar",
    "your",
    "change",
    "redacted",
    "placeholder",
    "todo",
    "tbd",
    "fixme",
];

/// Random-looking values from a fixed seed (the same every run).
struct Planter {
    state: u64,
    plants: Vec<Plant>,
}

impl Planter {
    fn new() -> Planter {
        Planter {
            state: 0x9E37_79B9_7F4A_7C15,
            plants: vec![],
        }
    }

    fn next(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn random(&mut self, n: usize, alphabet: &[u8]) -> String {
        loop {
            let s: String = (0..n)
                .map(|_| alphabet[(self.next() % alphabet.len() as u64) as usize] as char)
                .collect();
            let lower = s.to_ascii_lowercase();
            if !PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w)) {
                return s;
            }
        }
    }

    fn add(&mut self, label: &str, shown: String, random: Vec<String>) {
        assert!(
            self.plants.iter().all(|p| p.label != label),
            "two plants named {label}"
        );
        self.plants.push(Plant {
            label: label.to_string(),
            shown,
            random,
        });
    }

    /// A random value of 22 characters, planted as it is.
    fn value(&mut self, label: &str) -> String {
        self.value_of(label, 22)
    }

    fn value_of(&mut self, label: &str, n: usize) -> String {
        let v = self.random(n, ALNUM);
        self.add(label, v.clone(), vec![v.clone()]);
        v
    }

    /// A token of a known format: a fixed prefix and a random body.
    fn token(&mut self, label: &str, prefix: &str, n: usize, alphabet: &[u8]) -> String {
        let r = self.random(n, alphabet);
        let v = format!("{prefix}{r}");
        self.add(label, v.clone(), vec![r]);
        v
    }

    /// A cookie header's value: the whole `name=value` is masked.
    fn cookie(&mut self, label: &str, name: &str) -> String {
        let r = self.random(22, ALNUM);
        let v = format!("{name}={r}");
        self.add(label, v.clone(), vec![r]);
        v
    }
}

/// The planted repository's files.
fn planted_files(p: &mut Planter) -> Vec<(&'static str, String)> {
    let mut files = vec![];

    // One per token format the secret scan knows, and per secrets rule.
    let slack_body = p.random(24, ALNUM);
    let slack = format!("xoxb-284719365012-539182746305-{slack_body}");
    p.add("slack-token", slack.clone(), vec![slack_body]);
    let (jh, jp, js) = (
        p.random(20, ALNUM),
        p.random(24, ALNUM),
        p.random(30, ALNUM),
    );
    let jwt = format!("eyJ{jh}.eyJ{jp}.{js}");
    p.add("jwt", jwt.clone(), vec![jh, jp, js]);
    let (k1, k2, k3) = (
        p.random(58, ALNUM),
        p.random(64, ALNUM),
        p.random(40, ALNUM),
    );
    p.add(
        "private-key",
        format!("MIIEow{k1}"),
        vec![k1.clone(), k2.clone(), k3.clone()],
    );
    files.push((
        "app/keys.py",
        format!(
            r#"# Service credentials.
GITHUB_TOKEN = "{}"
GITHUB_PAT = "{}"
GITLAB_TOKEN = "{}"
SLACK_BOT = "{slack}"
STRIPE_KEY = "{}"
STRIPE_RESTRICTED = "{}"
OPENAI_KEY = "{}"
OPENAI_LEGACY = "{}"
ANTHROPIC_KEY = "{}"
GOOGLE_KEY = "{}"
AWS_KEY_ID = "{}"
aws_secret_access_key = "{}"
SESSION_JWT = "{jwt}"
DB_PASSWORD = "{}"
API_SECRET = "{}"
PRIVATE_KEY = """-----BEGIN RSA PRIVATE KEY-----
MIIEow{k1}
{k2}
{k3}==
-----END RSA PRIVATE KEY-----
"""
"#,
            p.token("github-token", "ghp_", 36, ALNUM),
            p.token("github-pat", "github_pat_", 59, ALNUM),
            p.token("gitlab-token", "glpat-", 20, ALNUM),
            p.token("stripe-live-key", "sk_live_", 24, ALNUM),
            p.token("stripe-restricted-key", "rk_live_", 24, ALNUM),
            p.token("openai-project-key", "sk-proj-", 40, ALNUM),
            p.token("openai-legacy-key", "sk-", 48, ALNUM),
            p.token("anthropic-key", "sk-ant-api03-", 40, ALNUM),
            p.token("google-api-key", "AIza", 35, ALNUM),
            p.token("aws-access-key-id", "AKIA", 16, UPPER),
            p.value_of("aws-secret-access-key", 40),
            p.value("generic-password"),
            p.value("generic-secret"),
        ),
    ));

    // Credential positions in Python: each inside a call the model records.
    files.push((
        "app/main.py",
        format!(
            r#"import os
import hmac
import jwt
import psycopg2
import pymysql
import redis
import requests
import boto3
import urllib.request
from pymongo import MongoClient
from sqlalchemy import create_engine
from openai import OpenAI
from flask import Flask, request

app = Flask(__name__)
app.config["SECRET_KEY"] = "{}"

orders = psycopg2.connect("postgresql://app:{}@db.internal:5432/orders")
dsn_store = psycopg2.connect("host=db.internal user=app password={} dbname=orders")
shop = create_engine("mysql+pymysql://app:{}@mysql.internal/shop")
mongo = MongoClient("mongodb+srv://app:{}@cluster0.partner.net/app")
cache = redis.Redis.from_url("redis://:{}@cache.internal:6379/0")
sessions = redis.Redis(host="sessions.internal", password="{}")
queue_cache = redis.Redis(host="queue.internal", password=os.getenv("QUEUE_PASSWORD", "{}"))
legacy = pymysql.connect(host="legacy.internal", user="app", passwd="{}")
s3 = boto3.client("s3", aws_access_key_id="{}", aws_secret_access_key="{}")
llm = OpenAI(api_key="{}")


@app.route("/sync")
def sync():
    requests.get("https://deploy:{}@api.partner.net/v1/items", timeout=5)
    urllib.request.urlopen("ftp://files:{}@ftp.partner.net/data.csv")
    requests.get("amqp://svc:{}@mq.partner.net:5672/vhost", timeout=5)
    requests.get("https://api.partner.net/v2", headers={{"Authorization": "Bearer {}"}}, timeout=5)
    requests.get("https://api.github.com/user", headers={{"Authorization": "token {}"}}, timeout=5)
    requests.get("https://api.partner.net/v3", headers={{"Authorization": "Basic {}"}}, timeout=5)
    requests.get("https://api.partner.net/v4", headers={{"Proxy-Authorization": "Bearer {}"}}, timeout=5)
    requests.get("https://api.partner.net/v5", headers={{"Cookie": "{}"}}, timeout=5)
    requests.get("https://api.partner.net/v6", headers={{"X-Api-Key": "{}"}}, timeout=5)
    requests.get("https://api.partner.net/v7", auth=("admin", "{}"), timeout=5)
    requests.post("https://auth.partner.net/token", data={{"client_secret": "{}"}}, timeout=5)
    requests.get("https://api.partner.net/v8", params={{"token": "{}", "api_key": "{}", "secret": "{}"}}, timeout=5)
    return "ok"


@app.route("/login")
def login():
    uid = request.args.get("user")
    token = jwt.encode({{"sub": uid}}, "{}", algorithm="HS256")
    sig = hmac.new(b"{}", uid.encode(), "sha256")
    return token
"#,
            p.value("py-flask-secret-key"),
            p.value("py-url-postgresql"),
            p.value("py-dsn-key-value"),
            p.value("py-url-mysql"),
            p.value("py-url-mongodb-srv"),
            p.value("py-url-redis"),
            p.value("py-password-kw"),
            p.value("py-getenv-default"),
            p.value("py-passwd-kw"),
            p.token("py-aws-access-key-id-kw", "AKIA", 16, UPPER),
            p.value_of("py-aws-secret-access-key-kw", 40),
            p.token("py-openai-key-kw", "sk-proj-", 40, ALNUM),
            p.value("py-url-https"),
            p.value("py-url-ftp"),
            p.value("py-url-amqp"),
            p.value("py-authorization-bearer"),
            p.token("py-authorization-token-github", "ghp_", 36, ALNUM),
            p.value("py-authorization-basic"),
            p.value("py-proxy-authorization"),
            p.cookie("py-cookie", "session"),
            p.value("py-x-api-key"),
            p.value("py-basic-auth-pair"),
            p.value("py-client-secret-key"),
            p.value("py-token-key"),
            p.value("py-api-key-key"),
            p.value("py-secret-key"),
            p.value("py-jwt-signing-key"),
            p.value("py-hmac-key"),
        ),
    ));

    // A file the secret scan finds nothing in: only the redactor's
    // positions (its excerpts are masked line by line, not from the whole
    // text).
    files.push((
        "app/partners.py",
        format!(
            r#"import psycopg2
import requests
from flask import Flask

partners = Flask(__name__)


@partners.route("/partners/sync")
def partner_sync():
    requests.get("https://api.partner.net/a", headers={{"Authorization": "Bearer {}"}})
    requests.get("https://api.partner.net/b", headers={{"Cookie": "{}"}})
    requests.get("https://api.partner.net/c", auth=("svc", "{}"))
    requests.get("https://api.partner.net/d?user=svc&password={}&v=2")
    return psycopg2.connect("host=db.internal user=app password={} dbname=x")
"#,
            p.value("partners-authorization-bearer"),
            p.cookie("partners-cookie", "sid"),
            p.value("partners-basic-auth-pair"),
            p.value("partners-query-password"),
            p.value("partners-dsn-key-value"),
        ),
    ));

    files.push((
        "server.js",
        format!(
            r#"const express = require("express");
const session = require("express-session");
const jwt = require("jsonwebtoken");
const axios = require("axios");
const {{ Pool, Client }} = require("pg");
const mongoose = require("mongoose");
const redis = require("redis");

const app = express();
app.use(session({{ secret: "{}", resave: false, saveUninitialized: false }}));

const pool = new Pool({{ connectionString: "postgres://app:{}@db.internal:5432/app" }});
const client = new Client({{ host: "db.internal", user: "app", password: "{}" }});
mongoose.connect("mongodb+srv://app:{}@cluster0.partner.net/app");
const cache = redis.createClient({{ url: "redis://:{}@cache.internal:6379" }});

app.get("/sync", async (req, res) => {{
  await fetch("https://bot:{}@api.partner.net/v1");
  await axios.get("https://api.partner.net/v2", {{ headers: {{ Authorization: `Bearer {}` }} }});
  await axios.post("https://api.partner.net/v3", {{}}, {{ headers: {{ "X-Api-Key": "{}" }} }});
  await axios.get("https://api.partner.net/v4", {{ auth: {{ username: "svc", password: "{}" }} }});
  await fetch("https://api.partner.net/v5", {{ headers: {{ Cookie: "{}" }} }});
  await fetch("https://api.partner.net/v6", {{ headers: {{ authorization: "Basic {}" }} }});
  await axios.get("https://api.partner.net/v7", {{ params: {{ access_token: "{}", client_secret: "{}" }} }});
  res.json({{ ok: true }});
}});

app.post("/token", (req, res) => {{
  const token = jwt.sign({{ sub: req.body.user }}, "{}", {{ expiresIn: "1h" }});
  res.json({{ token }});
}});

module.exports = app;
"#,
            p.value("js-session-secret"),
            p.value("js-url-postgres"),
            p.value("js-password-key"),
            p.value("js-url-mongodb-srv"),
            p.value("js-url-redis"),
            p.value("js-url-https"),
            p.value("js-authorization-bearer"),
            p.value("js-x-api-key"),
            p.value("js-basic-auth-password"),
            p.cookie("js-cookie", "sid"),
            p.value("js-authorization-basic"),
            p.value("js-access-token-key"),
            p.value("js-client-secret-key"),
            p.value("js-jwt-signing-key"),
        ),
    ));

    files.push((
        "src/report.ts",
        format!(
            r#"import Redis from "ioredis";
import axios from "axios";

export const cache = new Redis({{ host: "cache.internal", password: "{}" }});

export async function report(body: unknown): Promise<void> {{
  await axios.post("https://api.partner.net/report", body, {{ headers: {{ Authorization: "Bearer {}" }} }});
  await axios.get("https://api.partner.net/x", {{ params: {{ apiKey: "{}" }} }});
  await fetch("https://api.partner.net/y", {{ headers: {{ "Authorization": "token {}" }} }});
}}
"#,
            p.value("ts-password-key"),
            p.value("ts-authorization-bearer"),
            p.value("ts-api-key-key"),
            p.token("ts-authorization-slack", "xoxp-1234567890-", 30, ALNUM),
        ),
    ));

    files.push((
        ".env",
        format!(
            "DATABASE_URL=postgresql://app:{}@db.internal:5432/app\nJWT_SECRET={}\nSTRIPE_SECRET_KEY={}\n",
            p.value("env-url"),
            p.value("env-jwt-secret"),
            p.token("env-stripe-key", "sk_live_", 24, ALNUM),
        ),
    ));
    files.push((
        "config/settings.json",
        format!(
            "{{\n  \"service\": \"orders\",\n  \"api_token\": \"{}\",\n  \"database\": {{ \"password\": \"{}\" }}\n}}\n",
            p.value("json-api-token"),
            p.value("json-password"),
        ),
    ));
    files.push((
        "requirements.txt",
        format!(
            "--extra-index-url https://ci:{}@pypi.partner.net/simple\nflask==3.0.3\nrequests==2.32.3\n",
            p.value("requirements-index-url"),
        ),
    ));
    files.push((
        "package.json",
        format!(
            "{{\n  \"name\": \"orders\",\n  \"version\": \"1.0.0\",\n  \"dependencies\": {{ \"express\": \"4.19.2\", \"axios\": \"1.7.2\" }},\n  \"publishConfig\": {{ \"registry\": \"https://npm:{}@registry.partner.net/\" }}\n}}\n",
            p.value("package-json-registry-url"),
        ),
    ));
    files.push((
        "Dockerfile",
        format!(
            "FROM python:3.12-slim\nENV DB_PASSWORD={}\nENV API_TOKEN {}\nARG NPM_TOKEN={}\nRUN pip install --index-url https://ci:{}@pypi.partner.net/simple flask\nUSER app\n",
            p.value("dockerfile-env"),
            p.value("dockerfile-env-space"),
            p.value("dockerfile-arg"),
            p.value("dockerfile-run-url"),
        ),
    ));
    files.push((
        "docker-compose.yml",
        format!(
            "services:\n  web:\n    build: .\n    image: orders-web:1.4.2\n    ports: [\"8080:8080\"]\n    environment:\n      DB_PASSWORD: {}\n  db:\n    image: postgres:16.4\n    environment:\n      - POSTGRES_PASSWORD={}\n",
            p.value("compose-env-map"),
            p.value("compose-env-list"),
        ),
    ));
    files.push((
        "k8s/deployment.yaml",
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\nspec:\n  template:\n    spec:\n      containers:\n        - name: orders\n          image: orders-web:1.4.2\n          env:\n            - name: DB_PASSWORD\n              value: {}\n            - name: DATABASE_URL\n              value: \"postgresql://app:{}@db:5432/app\"\n",
            p.value("k8s-env"),
            p.value("k8s-env-url"),
        ),
    ));
    files
}

// ---------------------------------------------------------------- outputs

/// Every output, by what produced it.
#[derive(Default)]
struct Outputs(Vec<(String, Vec<u8>)>);

impl Outputs {
    fn add(&mut self, name: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.0.push((name.into(), bytes.into()));
    }

    fn add_run(&mut self, name: &str, o: &Output) {
        self.add(format!("{name} (stdout)"), o.stdout.clone());
        self.add(format!("{name} (stderr)"), o.stderr.clone());
    }

    /// Every file under `dir`, by its path.
    fn add_dir(&mut self, name: &str, dir: &Path) {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            let Ok(rd) = std::fs::read_dir(dir) else {
                return;
            };
            for e in rd.flatten() {
                let p = e.path();
                if e.file_type().is_ok_and(|t| t.is_dir()) {
                    walk(&p, out);
                } else {
                    out.push(p);
                }
            }
        }
        let mut files = vec![];
        walk(dir, &mut files);
        files.sort();
        for f in files {
            let bytes = std::fs::read(&f).unwrap_or_default();
            self.add(format!("{name}: {}", f.display()), bytes);
        }
    }

    fn text(&self, name_starts: &str) -> String {
        self.0
            .iter()
            .filter(|(n, _)| n.starts_with(name_starts))
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
            .collect()
    }
}

/// No 8-character window of any planted value's random part is in any
/// output; every planted value is in some output, masked.
fn assert_nothing_leaks(plants: &[Plant], outputs: &Outputs) {
    let mut windows: HashMap<&[u8], usize> = HashMap::new();
    for (i, p) in plants.iter().enumerate() {
        for r in &p.random {
            assert!(r.len() >= 16, "{}: a random part is too short", p.label);
            for w in r.as_bytes().windows(8) {
                windows.insert(w, i);
            }
        }
    }
    let mut leaks: BTreeSet<String> = BTreeSet::new();
    for (name, bytes) in &outputs.0 {
        for (at, w) in bytes.windows(8).enumerate() {
            if let Some(&i) = windows.get(w) {
                let from = at.saturating_sub(60);
                let to = (at + 68).min(bytes.len());
                leaks.insert(format!(
                    "{} leaks in {name}: …{}…",
                    plants[i].label,
                    String::from_utf8_lossy(&bytes[from..to]).replace('\n', "⏎")
                ));
            }
        }
    }
    let total: usize = outputs.0.iter().map(|(_, b)| b.len()).sum();
    assert!(
        leaks.is_empty(),
        "{} leaks in {} outputs ({total} bytes):\n{}",
        leaks.len(),
        outputs.0.len(),
        leaks.into_iter().collect::<Vec<_>>().join("\n")
    );
    let unseen: Vec<&str> = plants
        .iter()
        .filter(|p| {
            let m = p.masked_form();
            !outputs
                .0
                .iter()
                .any(|(_, b)| String::from_utf8_lossy(b).contains(&m))
        })
        .map(|p| p.label.as_str())
        .collect();
    assert!(
        unseen.is_empty(),
        "planted but never shown, even masked (the test does not reach them): {unseen:?}"
    );
}

// ---------------------------------------------------------------- running

const AI_KEY: &str = "bw-test-provider-key-6f1d";

fn git(root: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args(args)
        .current_dir(root)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", root)
        .env("GIT_AUTHOR_NAME", "Ana Lima")
        .env("GIT_AUTHOR_EMAIL", "ana@example.com")
        .env("GIT_COMMITTER_NAME", "Ana Lima")
        .env("GIT_COMMITTER_EMAIL", "ana@example.com")
        .env("GIT_AUTHOR_DATE", "2026-11-01T10:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-11-01T10:00:00Z")
        .output()
        .expect("git runs");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The environment every breakwater process of the test runs in.
fn env(cmd: &mut Command, root: &Path, ai_port: Option<u16>) {
    clear_ai_env(cmd)
        .env_remove("BREAKWATER_CACHE_DIR")
        .env("NO_COLOR", "1")
        .env("HOME", root)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Ana Lima")
        .env("GIT_AUTHOR_EMAIL", "ana@example.com")
        .env("BREAKWATER_TODAY", "2026-11-27");
    if let Some(port) = ai_port {
        cmd.env(
            "BREAKWATER_AI_ENDPOINT",
            format!("http://127.0.0.1:{port}/v1"),
        )
        .env("BREAKWATER_AI_API_KEY", AI_KEY);
    }
}

fn bw(root: &Path, args: &[&str]) -> Output {
    bw_ai(root, None, args)
}

fn bw_ai(root: &Path, ai_port: Option<u16>, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_breakwater"));
    c.args(args).current_dir(root);
    env(&mut c, root, ai_port);
    let o = c.output().unwrap();
    // Never a crash, whatever the exit code (gates exit 1 on these threats).
    assert!(
        matches!(o.status.code(), Some(0..=3)),
        "breakwater {args:?}: {:?}\n{}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

// ---------------------------------------------------------------- the editor

fn language_of(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "py" => "python",
        "js" => "javascript",
        "ts" => "typescript",
        "yml" | "yaml" => "yaml",
        "json" => "json",
        _ if path.ends_with("Dockerfile") => "dockerfile",
        _ => "plaintext",
    }
}

/// Diagnostics for every planted file, a hover and the code actions on
/// each diagnostic; every message the server sent.
fn editor(
    root: &Path,
    files: &[(&str, String)],
    with_threats: &BTreeSet<String>,
    outputs: &mut Outputs,
) {
    let mut lsp = Client::start(root);
    lsp.initialize(
        root,
        json!({"textDocument": {"hover": {"contentFormat": ["markdown"]}}}),
    );
    let mut uris = vec![];
    for (path, text) in files {
        let u = file_uri(&root.join(path));
        lsp.open(&u, language_of(path), text);
        if with_threats.contains(*path) {
            uris.push(u);
        }
    }
    assert!(uris.len() >= 8, "{with_threats:?}");
    let mut diagnosed = 0;
    for u in &uris {
        let diags = lsp.wait_for(u, "the planted file's threats", |d| !d.is_empty());
        diagnosed += diags.len();
        for d in diags {
            lsp.request(
                "textDocument/hover",
                json!({"textDocument": {"uri": u}, "position": d["range"]["start"]}),
            );
            lsp.request(
                "textDocument/codeAction",
                json!({"textDocument": {"uri": u}, "range": d["range"], "context": {"diagnostics": [d]}}),
            );
        }
    }
    assert!(diagnosed > 20, "only {diagnosed} diagnostics");
    let seen: Vec<&Value> = lsp.log.iter().chain(&lsp.responses).collect();
    outputs.add("lsp", serde_json::to_vec(&seen).unwrap());
    lsp.shutdown();
}

// ---------------------------------------------------------------- MCP

async fn mcp_call(client: &RunningService<RoleClient, ()>, tool: &str, args: Value) -> String {
    let mut p = CallToolRequestParams::new(tool.to_string());
    if let Value::Object(m) = args {
        p = p.with_arguments(m);
    }
    let r = client.call_tool(p).await.unwrap();
    serde_json::to_string(&r).unwrap()
}

/// Every resource, and every tool on every file, element and rule.
fn assistants(root: &Path, extra_lines: &str, outputs: &mut Outputs) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let answers = rt.block_on(async {
        let transport = TokioChildProcess::new(
            tokio::process::Command::new(env!("CARGO_BIN_EXE_breakwater")).configure(|cmd| {
                cmd.arg("mcp").arg(root).env("HOME", root).env("NO_COLOR", "1");
            }),
        )
        .unwrap();
        let client = ().serve(transport).await.unwrap();
        let mut answers: Vec<(String, String)> = vec![];
        for r in client.list_all_resources().await.unwrap() {
            let read = client
                .read_resource(ReadResourceRequestParams::new(r.uri.as_str()))
                .await
                .unwrap();
            for c in &read.contents {
                let text = match c {
                    ResourceContents::TextResourceContents { text, .. } => text.clone(),
                    other => serde_json::to_string(other).unwrap(),
                };
                answers.push((format!("mcp resource {}", r.uri), text));
            }
        }
        let tools = client.list_all_tools().await.unwrap();
        let names: BTreeSet<String> = tools.iter().map(|t| t.name.to_string()).collect();
        let summary = mcp_call(&client, "model_summary", json!({})).await;
        answers.push(("mcp model_summary".into(), summary.clone()));
        // Threats by file, by every element, and every rule they name.
        let v: Value = serde_json::from_str(&summary).unwrap();
        let structured = &v["structuredContent"];
        let mut elements = vec![];
        for k in [
            "components",
            "entry_points",
            "stores",
            "externals",
            "llm_providers",
            "queues",
        ] {
            for e in structured[k].as_array().into_iter().flatten() {
                elements.push(e["id"].as_str().unwrap().to_string());
            }
        }
        assert!(elements.len() > 10, "{structured}");
        let mut rules = BTreeSet::new();
        for path in [
            "app/main.py",
            "app/partners.py",
            "app/keys.py",
            "server.js",
            "src/report.ts",
            "Dockerfile",
            "docker-compose.yml",
            "k8s/deployment.yaml",
            "config/settings.json",
            ".env",
        ] {
            let a = mcp_call(&client, "threats_for", json!({"path": path})).await;
            let v: Value = serde_json::from_str(&a).unwrap();
            for t in v["structuredContent"]["threats"].as_array().into_iter().flatten() {
                rules.insert(t["rule"].as_str().unwrap_or_default().to_string());
            }
            answers.push((format!("mcp threats_for {path}"), a));
        }
        for e in &elements {
            let a = mcp_call(&client, "threats_for", json!({"element": e})).await;
            answers.push((format!("mcp threats_for {e}"), a));
        }
        let a = mcp_call(&client, "threats_for", json!({"symbol": "sync"})).await;
        answers.push(("mcp threats_for sync".into(), a));
        assert!(rules.len() > 5, "{rules:?}");
        for rule in &rules {
            let a = mcp_call(&client, "explain_rule", json!({"rule": rule})).await;
            answers.push((format!("mcp explain_rule {rule}"), a));
        }
        // A change that adds one more credential, in a new module (where
        // it is the only one of its rule: in a module holding others, its
        // `#n` suffix would take the place of an older one's).
        let diff = format!(
            "--- /dev/null\n+++ b/app/extra.py\n@@ -0,0 +1,8 @@\n+import requests\n+from app.main import app\n+\n+\n+@app.route(\"/extra\")\n+def extra():\n+{extra_lines}\n"
        );
        let a = mcp_call(&client, "check_change", json!({"diff": diff})).await;
        assert!(a.contains("new_threats"), "{a}");
        answers.push(("mcp check_change".into(), a));
        for target in ["agents-md", "claude", "cursor", "copilot"] {
            let a = mcp_call(&client, "guardrails", json!({"target": target})).await;
            answers.push((format!("mcp guardrails {target}"), a));
        }
        let a = mcp_call(
            &client,
            "propose_threat",
            json!({
                "title": "Partner calls are made with a shared account",
                "stride": "spoofing",
                "cwe": [798],
                "impact": 3,
                "likelihood": 3,
                "path": "app/main.py",
                "start_line": 33,
                "quote": "def sync():",
                "rationale": "every partner call carries the same credentials"
            }),
        )
        .await;
        answers.push(("mcp propose_threat".into(), a));
        let called: BTreeSet<String> = [
            "model_summary",
            "threats_for",
            "explain_rule",
            "check_change",
            "guardrails",
            "propose_threat",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(names, called, "a tool the test does not call");
        client.cancel().await.unwrap();
        answers
    });
    for (name, text) in answers {
        outputs.add(name, text);
    }
}

// ---------------------------------------------------------------- the test

#[test]
fn planted_secrets_reach_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap().join("planted");
    std::fs::create_dir_all(&root).unwrap();
    let mut planter = Planter::new();
    let files = planted_files(&mut planter);
    // One more credential, added only by the change the MCP server checks.
    let extra = format!(
        "    api_token = \"{}\"\n+    return requests.get(\"https://sync:{}@api.partner.net/z\", headers={{\"Authorization\": \"Bearer \" + api_token}})",
        planter.token("mcp-change-token", "ghp_", 36, ALNUM),
        planter.value("mcp-change-url"),
    );
    let plants = planter.plants;
    let mut outputs = Outputs::default();

    // A first commit without them; the planted files as a change to it.
    git(&root, &["init", "-q", "-b", "main"]);
    std::fs::write(root.join("README.md"), "# orders\n").unwrap();
    std::fs::write(
        root.join("breakwater.toml"),
        "[system]\nname = \"orders\"\n\n[ai]\nprovider = \"openai\"\nmodel = \"test-model\"\nretry_base_millis = 10\nretry_jitter = false\ntimeout_seconds = 5\n",
    )
    .unwrap();
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-q", "-m", "base"]);
    for (path, text) in &files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    // The change, before it is committed: check, and diff to the working tree.
    for f in ["compact", "json", "sarif"] {
        let o = bw(&root, &["check", "--format", f, "--fail-on", "none"]);
        outputs.add_run(&format!("check --format {f}"), &o);
    }
    for f in ["terminal", "markdown", "json", "sarif"] {
        let o = bw(&root, &["diff", "HEAD", "--format", f]);
        outputs.add_run(&format!("diff HEAD --format {f}"), &o);
    }
    git(&root, &["add", "-A"]);
    let o = bw(&root, &["check", "--staged", "--fail-on", "none"]);
    outputs.add_run("check --staged", &o);
    git(&root, &["commit", "-q", "-m", "planted"]);
    for f in ["terminal", "markdown", "json", "sarif"] {
        let o = bw(&root, &["diff", "HEAD~1", "HEAD", "--format", f]);
        outputs.add_run(&format!("diff HEAD~1 HEAD --format {f}"), &o);
    }

    // scan, every format; the second round reads the facts cache.
    for round in ["", " (cached)"] {
        for f in ["terminal", "json", "sarif", "markdown", "mermaid"] {
            let o = bw(&root, &["scan", "--include-potential", "--format", f]);
            outputs.add_run(&format!("scan --format {f}{round}"), &o);
        }
        let o = bw(&root, &["scan", "--compact"]);
        outputs.add_run(&format!("scan --compact{round}"), &o);
    }
    let report: Value = serde_json::from_str(&outputs.text("scan --format json (stdout)")).unwrap();
    let threats = report["threats"].as_array().unwrap();
    assert!(threats.len() > 30, "{} threats", threats.len());
    let fired: BTreeSet<&str> = threats
        .iter()
        .map(|t| t["rule"].as_str().unwrap())
        .collect();
    for rule in [
        "hardcoded-api-token",
        "hardcoded-cloud-credentials",
        "hardcoded-connection-string",
        "hardcoded-password",
        "private-key-committed",
        "secret-in-deployment-env",
        "hardcoded-signing-key",
    ] {
        assert!(fired.contains(rule), "{rule} does not fire: {fired:?}");
    }
    // The file without secret facts has threats whose excerpts show its lines.
    let partners: Vec<&Value> = threats
        .iter()
        .filter(|t| t["location"]["path"] == "app/partners.py")
        .collect();
    assert!(
        partners
            .iter()
            .all(|t| !t["rule"].as_str().unwrap().starts_with("hardcoded-")),
        "{partners:#?}"
    );
    assert!(
        partners
            .iter()
            .filter_map(|t| t["excerpt"]["lines"].as_array())
            .flatten()
            .any(|l| l.as_str().unwrap().ends_with("(secret masked)")),
        "{partners:#?}"
    );
    let o = bw(&root, &["scan", "--write-snapshot", "--compact"]);
    outputs.add_run("scan --write-snapshot", &o);
    outputs.add(
        "architecture snapshot",
        std::fs::read(root.join(".breakwater/architecture.txt")).unwrap(),
    );
    let o = bw(&root, &["facts"]);
    outputs.add_run("facts", &o);
    for (path, _) in &files {
        let o = bw(&root, &["facts", path]);
        outputs.add_run(&format!("facts {path}"), &o);
    }
    for f in ["terminal", "json"] {
        let o = bw(&root, &["status", "--format", f]);
        outputs.add_run(&format!("status --format {f}"), &o);
    }
    for rule in &fired {
        let o = bw(&root, &["explain", rule]);
        outputs.add_run(&format!("explain {rule}"), &o);
    }
    let o = bw(&root, &["explain", threats[0]["id"].as_str().unwrap()]);
    outputs.add_run("explain <threat id>", &o);
    let o = bw(&root, &["guardrails", "--target", "agents-md", "--stdout"]);
    outputs.add_run("guardrails --stdout", &o);
    let o = bw(
        &root,
        &["guardrails", "--target", "claude,cursor,copilot,agents-md"],
    );
    outputs.add_run("guardrails", &o);
    for f in [
        "AGENTS.md",
        "CLAUDE.md",
        ".cursor/rules/breakwater.mdc",
        ".github/copilot-instructions.md",
    ] {
        outputs.add(
            format!("guardrails file {f}"),
            std::fs::read(root.join(f)).unwrap(),
        );
    }

    // The AI commands against the provider served here; what it received,
    // what they printed and the log they wrote.
    let server = serve(vec![Reply::Ok(openai("{\"items\": []}")); 64]);
    let port = server.port;
    let some_threat = threats
        .iter()
        .find(|t| t["rule"] == "hardcoded-connection-string")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    for args in [
        vec!["ai", "suggest", "--dry-run"],
        vec!["ai", "suggest", "--format", "json", "--dry-run"],
        vec!["ai", "explain", &some_threat],
        vec!["ai", "review-diff", "HEAD~1", "--dry-run"],
    ] {
        let o = bw_ai(&root, Some(port), &args);
        outputs.add_run(&args.join(" "), &o);
    }
    let received = server.seen();
    assert!(received.len() >= 3, "{} requests", received.len());
    for (i, r) in received.iter().enumerate() {
        outputs.add(
            format!("AI request {i}"),
            format!("{} {}\n{}", r.path, r.headers, r.body),
        );
    }
    outputs.add_dir("AI log", &root.join(".breakwater/ai-log"));

    // The editor and the assistants, while the threats are open.
    let with_threats: BTreeSet<String> = threats
        .iter()
        .map(|t| t["location"]["path"].as_str().unwrap().to_string())
        .collect();
    editor(&root, &files, &with_threats, &mut outputs);
    assistants(&root, &extra, &mut outputs);

    // Triage: a dry run, then every threat decided (the decisions record
    // the evidence they were made on).
    let ids: Vec<&str> = threats.iter().map(|t| t["id"].as_str().unwrap()).collect();
    let mut args = vec![
        "triage",
        "--status",
        "accepted",
        "--reason",
        "planted by the secrets test",
    ];
    args.extend(&ids);
    let mut dry = args.clone();
    dry.push("--dry-run");
    let o = bw(&root, &dry);
    outputs.add_run("triage --dry-run", &o);
    let o = bw(&root, &args);
    outputs.add_run("triage", &o);
    let model = std::fs::read(root.join("breakwater.toml")).unwrap();
    let decisions = String::from_utf8_lossy(&model)
        .matches("[decisions.")
        .count();
    outputs.add("breakwater.toml after triage", model);
    let o = bw(&root, &["scan", "--format", "json"]);
    outputs.add_run("scan --format json (after triage)", &o);
    let o = bw(&root, &["status"]);
    outputs.add_run("status (after triage)", &o);

    // The adoption baseline, and a model file written from discovery.
    let o = bw(&root, &["init", "--baseline"]);
    outputs.add_run("init --baseline", &o);
    outputs.add(
        "baseline.toml",
        std::fs::read(root.join(".breakwater/baseline.toml")).unwrap(),
    );
    let o = bw(&root, &["init", "--force"]);
    outputs.add_run("init --force", &o);
    outputs.add(
        "breakwater.toml from init",
        std::fs::read(root.join("breakwater.toml")).unwrap(),
    );

    // The facts cache, every entry.
    let cache = root.join(".breakwater/cache");
    assert!(cache.is_dir());
    outputs.add_dir("facts cache", &cache);

    assert_nothing_leaks(&plants, &outputs);
    assert_eq!(
        decisions,
        ids.len(),
        "every threat decided: {}",
        outputs.text("triage (stderr)")
    );
}
