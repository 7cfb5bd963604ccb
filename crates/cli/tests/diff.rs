//! `breakwater diff` over temporary git repositories with scripted
//! histories: each change gives an exact diff, decision states and exit code.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Repo {
    dir: tempfile::TempDir,
}

const APP: &str = r#"from flask import Flask, request
from flask_login import login_required
import sqlite3

app = Flask(__name__)


@app.route("/users")
@login_required
def find_user():
    name = request.args.get("name")
    db = sqlite3.connect("app.db")
    rows = db.execute("SELECT * FROM users WHERE name = '" + name + "'").fetchall()
    return str(rows)


@app.route("/orders")
@login_required
def orders():
    return "orders"


@app.route("/admin/stats")
@login_required
def stats():
    return "stats"
"#;

impl Repo {
    fn new() -> Repo {
        let r = Repo {
            dir: tempfile::tempdir().unwrap(),
        };
        r.git(&["init", "-q", "-b", "main"]);
        r.write("app.py", APP);
        r.commit("base", "Ana Lima", "ana@example.com");
        r.git(&["checkout", "-q", "-b", "feature"]);
        r
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str]) -> Output {
        let o = Command::new("git")
            .args(args)
            .current_dir(self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.path())
            .env("GIT_AUTHOR_DATE", "2026-11-01T10:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-11-01T10:00:00Z")
            .output()
            .expect("git runs");
        assert!(
            o.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        o
    }

    fn write(&self, path: &str, text: impl AsRef<[u8]>) {
        let p = self.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.path().join(path)).unwrap()
    }

    fn edit(&self, path: &str, from: &str, to: &str) {
        let s = self.read(path);
        assert!(s.contains(from), "{path} has no {from:?}");
        self.write(path, s.replacen(from, to, 1));
    }

    fn commit(&self, msg: &str, name: &str, email: &str) {
        self.git(&["add", "-A"]);
        let o = Command::new("git")
            .args([
                "-c",
                &format!("user.name={name}"),
                "-c",
                &format!("user.email={email}"),
            ])
            .args(["commit", "-q", "-m", msg])
            .current_dir(self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.path())
            .env("GIT_AUTHOR_DATE", "2026-11-01T10:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-11-01T10:00:00Z")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }

    fn bw(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_breakwater"))
            .args(args)
            .current_dir(self.path())
            .env("HOME", self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("BREAKWATER_TODAY", "2026-11-27")
            .output()
            .unwrap()
    }

    /// `breakwater diff --format json` and its exit code.
    fn diff(&self, extra: &[&str]) -> (Value, i32) {
        let mut args = vec!["diff", "--format", "json"];
        args.extend_from_slice(extra);
        let o = self.bw(&args);
        let code = o.status.code().unwrap();
        assert!(
            code != 2,
            "diff failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_valid("diff.schema.json", &v);
        (v, code)
    }

    /// The current threats as the scan reports them (id → threat).
    fn threats(&self) -> Vec<Value> {
        let o = self.bw(&["scan", "--format", "json", "--include-potential"]);
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        v["threats"].as_array().unwrap().clone()
    }

    /// A decision on the current threat of `rule`, in the model file.
    fn decide(&self, rule: &str, status: &str, reason: &str) -> String {
        let t = self
            .threats()
            .into_iter()
            .find(|t| t["rule"] == rule)
            .unwrap_or_else(|| panic!("no {rule}"));
        let id = t["id"].as_str().unwrap().to_string();
        let mut mf =
            std::fs::read_to_string(self.path().join("breakwater.toml")).unwrap_or_default();
        mf.push_str(&format!(
            "\n[decisions.{}]\nstatus = \"{status}\"\nreason = \"{reason}\"\ndate = \"2026-11-02\"\nfingerprint = \"{}\"\nevidence = {}\n",
            toml_key(&id),
            t["fingerprint"].as_str().unwrap(),
            serde_json::to_string(t["evidence"].as_str().unwrap()).unwrap()
        ));
        self.write("breakwater.toml", mf);
        id
    }
}

fn toml_key(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn ids(v: &Value, key: &str) -> BTreeSet<String> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} in {v}"))
        .iter()
        .map(|t| {
            t.get("id")
                .or_else(|| t.get("threat").and_then(|x| x.get("id")))
                .or_else(|| t.get("element").and_then(|x| x.get("id")))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

fn set(v: &[&str]) -> BTreeSet<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn empty(v: &Value, keys: &[&str]) {
    for k in keys {
        assert_eq!(
            v[*k].as_array().map(Vec::len),
            Some(0),
            "{k} not empty: {}",
            v[*k]
        );
    }
}

const ALL: &[&str] = &[
    "elements_added",
    "elements_removed",
    "elements_changed",
    "flows_added",
    "flows_removed",
    "threats_new",
    "threats_resolved",
    "threats_unverified",
    "threats_severity_changed",
    "decisions_stale",
    "silencers_added",
];

#[test]
fn shifted_lines_change_nothing() {
    let r = Repo::new();
    r.write(
        "app.py",
        format!("# Users service.\n# Owner: team-a\n\n{APP}"),
    );
    r.commit("shift", "Bo", "bo@example.com");
    let (d, code) = r.diff(&["--fail-on", "info"]);
    empty(&d, ALL);
    assert_eq!(code, 0);
    assert_eq!(d["base"]["label"], "merge base with main");
}

#[test]
fn a_renamed_function_is_the_same_threat_and_keeps_its_decision() {
    let r = Repo::new();
    r.decide("sql-injection", "mitigated", "WAF rule 932100 on /users");
    r.commit("decide", "Ana Lima", "ana@example.com");
    r.git(&["branch", "-f", "main"]);
    r.edit("app.py", "def find_user", "def lookup_user");
    r.commit("rename", "Bo", "bo@example.com");
    let (d, code) = r.diff(&["--fail-on", "info"]);
    // The route's handler name changed; no threat is new, none resolved.
    empty(
        &d,
        &[
            "threats_new",
            "threats_resolved",
            "decisions_stale",
            "silencers_added",
        ],
    );
    assert_eq!(code, 0);
    let t = r
        .threats()
        .into_iter()
        .find(|t| t["rule"] == "sql-injection")
        .unwrap();
    assert_eq!(t["status"], "mitigated");
    assert_eq!(t["decision"]["moved"], true);
}

#[test]
fn a_function_moved_to_another_file_is_the_same_threat() {
    let r = Repo::new();
    r.write(
        "app.py",
        APP.replace(
            "@app.route(\"/users\")\n@login_required\ndef find_user():\n    name = request.args.get(\"name\")\n    db = sqlite3.connect(\"app.db\")\n    rows = db.execute(\"SELECT * FROM users WHERE name = '\" + name + \"'\").fetchall()\n    return str(rows)\n",
            "import users  # noqa\n",
        ),
    );
    r.write(
        "users.py",
        "from flask import request\nfrom flask_login import login_required\nimport sqlite3\nfrom app import app\n\n\n@app.route(\"/users\")\n@login_required\ndef find_user():\n    name = request.args.get(\"name\")\n    db = sqlite3.connect(\"app.db\")\n    rows = db.execute(\"SELECT * FROM users WHERE name = '\" + name + \"'\").fetchall()\n    return str(rows)\n",
    );
    r.commit("move", "Bo", "bo@example.com");
    let (d, code) = r.diff(&["--fail-on", "info"]);
    empty(&d, &["threats_new", "threats_resolved"]);
    assert_eq!(code, 0);
}

#[test]
fn a_changed_body_makes_the_decision_stale() {
    let r = Repo::new();
    let id = r.decide("sql-injection", "accepted", "internal users only");
    r.commit("decide", "Ana Lima", "ana@example.com");
    r.git(&["branch", "-f", "main"]);
    r.edit("app.py", "WHERE name = '", "WHERE login = '");
    r.commit("change query", "Bo", "bo@example.com");
    let (d, code) = r.diff(&["--fail-on", "critical"]);
    assert_eq!(ids(&d, "decisions_stale"), set(&[&id]));
    empty(&d, &["threats_new", "threats_resolved", "silencers_added"]);
    assert_eq!(code, 0, "stale decisions are listed, not gated by diff");
    let stale = &d["decisions_stale"][0];
    assert!(
        stale["decision"]["decided_on"]
            .as_str()
            .unwrap()
            .contains("WHERE name")
    );
    assert!(stale["evidence"].as_str().unwrap().contains("WHERE login"));
    // The scan shows it open again, and its gate counts it.
    let o = r.bw(&["scan", "--fail-on", "medium"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

#[test]
fn removing_an_auth_decorator_is_an_auth_change_and_a_new_threat() {
    let r = Repo::new();
    r.edit(
        "app.py",
        "@app.route(\"/admin/stats\")\n@login_required\n",
        "@app.route(\"/admin/stats\")\n",
    );
    r.commit("open stats", "Bo", "bo@example.com");
    let (d, code) = r.diff(&["--fail-on", "high"]);
    assert_eq!(code, 1);
    assert_eq!(
        ids(&d, "elements_changed"),
        set(&["route:GET /admin/stats"])
    );
    let changes: Vec<&str> = d["elements_changed"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(
        changes,
        [
            "authentication: present → absent",
            "auth control removed: login_required"
        ]
    );
    assert_eq!(
        ids(&d, "threats_new"),
        set(&["admin-route-unauthenticated@app.py::stats"])
    );
    empty(
        &d,
        &["elements_added", "elements_removed", "threats_resolved"],
    );
}

#[test]
fn an_outbound_call_to_a_new_host_adds_an_external_service() {
    let r = Repo::new();
    r.edit(
        "app.py",
        "import sqlite3\n",
        "import sqlite3\nimport requests\n",
    );
    r.edit(
        "app.py",
        "    return \"orders\"\n",
        "    requests.post(\"https://api.stripe.com/v1/charges\", timeout=5)\n    return \"orders\"\n",
    );
    r.commit("charge", "Bo", "bo@example.com");
    let (d, code) = r.diff(&["--fail-on", "high"]);
    assert_eq!(code, 0);
    assert_eq!(ids(&d, "elements_added"), set(&["external:api.stripe.com"]));
    let flows: BTreeSet<(String, String)> = d["flows_added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["from"].as_str().unwrap().into(),
                f["to"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        flows.contains(&("route:GET /orders".into(), "external:api.stripe.com".into())),
        "{flows:?}"
    );
    assert_eq!(ids(&d, "elements_changed"), set(&["route:GET /orders"]));
    empty(&d, &["threats_new", "threats_resolved", "elements_removed"]);
}

#[test]
fn a_new_compose_service_is_a_new_component() {
    let r = Repo::new();
    r.write(
        "docker-compose.yml",
        "services:\n  api:\n    build: .\n    ports:\n      - \"8000:8000\"\n",
    );
    r.commit("compose", "Ana Lima", "ana@example.com");
    r.git(&["branch", "-f", "main"]);
    r.edit(
        "docker-compose.yml",
        "      - \"8000:8000\"\n",
        "      - \"8000:8000\"\n  cache:\n    image: redis:7\n    ports:\n      - \"6379:6379\"\n",
    );
    r.commit("add redis", "Bo", "bo@example.com");
    let (d, code) = r.diff(&["--fail-on", "medium"]);
    assert_eq!(ids(&d, "elements_added"), set(&["component:cache"]));
    assert_eq!(
        ids(&d, "threats_new"),
        set(&[
            "compose-datastore-port-published@docker-compose.yml::services.cache",
            "image-not-pinned@docker-compose.yml::services.cache",
        ])
    );
    empty(
        &d,
        &[
            "elements_removed",
            "elements_changed",
            "threats_resolved",
            "decisions_stale",
        ],
    );
    assert_eq!(code, 1, "a published datastore port is medium or above");
}

#[test]
fn a_change_cannot_approve_itself() {
    let r = Repo::new();
    r.edit(
        "app.py",
        "@app.route(\"/admin/stats\")\n@login_required\n",
        "@app.route(\"/admin/stats\")\n",
    );
    r.commit("open stats", "Bo", "bo@example.com");
    let id = r.decide("admin-route-unauthenticated", "accepted", "behind the VPN");
    r.commit("accept it", "Bo", "bo@example.com");
    let (d, code) = r.diff(&["--fail-on", "high"]);
    assert_eq!(
        code, 1,
        "the change's own decision does not silence its gate"
    );
    let s = &d["silencers_added"][0];
    assert_eq!(s["kind"], "decision");
    assert_eq!(s["target"], id.as_str());
    assert_eq!(s["author"], "Bo <bo@example.com>");
    assert!(s["commit"].as_str().is_some());
    assert_eq!(d["threats_new"][0]["status"], "accepted");
    let (_, code) = r.diff(&["--fail-on", "high", "--trust-head-decisions"]);
    assert_eq!(code, 0);

    // An inline ignore added by the change is listed the same way; uncommitted
    // work is attributed to no commit.
    r.edit(
        "app.py",
        "@app.route(\"/admin/stats\")\n",
        "@app.route(\"/admin/stats\")  # breakwater: ignore[admin-route-unauthenticated] VPN only\n",
    );
    let (d, code) = r.diff(&["--fail-on", "high"]);
    assert_eq!(code, 1);
    let kinds: Vec<&str> = d["silencers_added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"inline-ignore"), "{kinds:?}");
    let ig = d["silencers_added"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "inline-ignore")
        .unwrap();
    assert!(
        ig["author"].as_str().unwrap().starts_with("uncommitted"),
        "{ig}"
    );
}

#[test]
fn a_file_head_cannot_read_is_unverified_and_gates() {
    let r = Repo::new();
    let mut bytes = APP.as_bytes().to_vec();
    bytes.extend_from_slice(b"# caf\xe9\n");
    r.write("app.py", bytes);
    r.commit("latin-1", "Bo", "bo@example.com");
    let (d, code) = r.diff(&["--fail-on", "medium"]);
    assert_eq!(
        ids(&d, "threats_unverified"),
        set(&["sql-injection@app.py::find_user"])
    );
    empty(&d, &["threats_resolved"]);
    assert_eq!(code, 1);
    assert_eq!(d["head_failed"][0], "app.py");
}

#[test]
fn a_fixed_threat_is_resolved() {
    let r = Repo::new();
    r.edit(
        "app.py",
        "db.execute(\"SELECT * FROM users WHERE name = '\" + name + \"'\")",
        "db.execute(\"SELECT * FROM users WHERE name = ?\", (name,))",
    );
    let (d, code) = r.diff(&["--fail-on", "info"]);
    assert_eq!(
        ids(&d, "threats_resolved"),
        set(&["sql-injection@app.py::find_user"])
    );
    assert_eq!(d["head"]["label"], "working tree");
    assert_eq!(code, 0);
}

#[test]
fn explicit_revisions_and_formats() {
    let r = Repo::new();
    r.edit(
        "app.py",
        "@app.route(\"/admin/stats\")\n@login_required\n",
        "@app.route(\"/admin/stats\")\n",
    );
    r.commit("open stats", "Bo", "bo@example.com");
    // Uncommitted work is not part of `main feature`.
    r.write("scratch.py", "import os\nos.system(input())\n");
    let (d, _) = r.diff(&["main", "feature"]);
    assert_eq!(d["head"]["label"], "feature");
    assert_eq!(
        ids(&d, "threats_new"),
        set(&["admin-route-unauthenticated@app.py::stats"])
    );
    // SARIF carries only the new threats and is valid SARIF.
    let o = r.bw(&["diff", "main", "feature", "--format", "sarif"]);
    let sarif: Value = serde_json::from_slice(&o.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["ruleId"], "admin-route-unauthenticated");
    let text =
        std::fs::read_to_string(repo_root().join("crates/outputs/tests/schemas/sarif-2.1.0.json"))
            .unwrap()
            .replace(
                r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
                r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#,
            );
    let schema: Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let md = String::from_utf8(
        r.bw(&["diff", "main", "feature", "--format", "markdown"])
            .stdout,
    )
    .unwrap();
    assert!(md.contains("#### New threats"), "{md}");
    assert!(
        md.contains("auth control removed: login\\_required"),
        "{md}"
    );
    // Errors say what to do.
    let o = r.bw(&["diff", "no-such-branch"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a revision"));
}

#[test]
fn outside_a_repository_diff_explains_itself() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.py"), "x = 1\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_breakwater"))
        .args(["diff"])
        .current_dir(dir.path())
        .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not inside a git repository"));
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn status_counts_decisions_gaps_and_the_oldest_threats() {
    let r = Repo::new();
    // An older threat (in base, 2026-11-01) and a newer one committed later.
    r.edit("app.py", "import sqlite3\n", "import sqlite3\nimport os\n");
    r.edit(
        "app.py",
        "    return \"orders\"\n",
        "    os.system(\"tar czf /tmp/o.tgz \" + request.args[\"dir\"])\n    return \"orders\"\n",
    );
    let o = Command::new("git")
        .args([
            "-c",
            "user.name=Bo",
            "-c",
            "user.email=bo@example.com",
            "commit",
            "-qam",
            "export",
        ])
        .current_dir(r.path())
        .env("GIT_AUTHOR_DATE", "2026-11-20T10:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-11-20T10:00:00Z")
        .output()
        .unwrap();
    assert!(o.status.success());
    r.write(
        "breakwater.toml",
        "[owners]\n\"store:sqlite\" = \"team-data\"\n\n\
         [assets.users]\nname = \"Users\"\nclassification = \"confidential\"\nstored_in = [\"store:sqlite\"]\n\n\
         [decisions.\"open-redirect@app.py::gone\"]\nstatus = \"mitigated\"\nreason = \"fixed long ago\"\n\n\
         [decisions.\"command-injection@app.py::orders\"]\nstatus = \"accepted\"\nreason = \"internal\"\nexpires = \"2026-12-10\"\nfingerprint = \"0000\"\n",
    );
    let o = r.bw(&["status", "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let h: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_valid("status.schema.json", &h);
    assert_eq!(h["counts"]["open"], 2, "{h}");
    assert_eq!(
        h["counts"]["stale"], 1,
        "a decision without the current fingerprint is stale: {h}"
    );
    assert_eq!(h["counts"]["orphaned"], 1);
    assert_eq!(h["expiring"][0][0], "command-injection@app.py::orders");
    assert_eq!(h["unclassified"].as_array().unwrap().len(), 0);
    let unowned: Vec<&str> = h["unowned"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        !unowned.contains(&"store:sqlite") && !unowned.is_empty(),
        "{unowned:?}"
    );
    assert_eq!(h["from_history"], true);
    let oldest: Vec<(&str, &str)> = h["oldest_open"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["id"].as_str().unwrap(),
                w["since"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(
        oldest,
        [
            ("sql-injection@app.py::find_user", "2026-11-01"),
            ("command-injection@app.py::orders", "2026-11-20")
        ]
    );
    let o = r.bw(&["status"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("1 orphaned"), "{text}");
    assert!(text.contains("2026-11-01 ("), "{text}");
}

/// Every JSON output is checked against its committed schema.
fn assert_valid(schema: &str, v: &Value) {
    let text = std::fs::read_to_string(repo_root().join("schemas").join(schema)).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(v)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn a_subdirectory_of_a_monorepo_is_compared_on_its_own() {
    let r = Repo::new();
    r.write("services/api/app.py", APP);
    // The api service is a model root of its own; the web service is not.
    r.write("services/api/breakwater.toml", "[system]\nname = \"api\"\n");
    r.write("services/web/app.py", APP);
    r.commit("two services", "Ana Lima", "ana@example.com");
    r.git(&["branch", "-f", "main"]);
    r.edit(
        "services/api/app.py",
        "@app.route(\"/admin/stats\")\n@login_required\n",
        "@app.route(\"/admin/stats\")\n",
    );
    r.edit(
        "services/web/app.py",
        "@app.route(\"/admin/stats\")\n@login_required\n",
        "@app.route(\"/admin/stats\")\n",
    );
    r.commit("open both", "Bo", "bo@example.com");
    let o = r.bw(&["diff", "-C", "services/api", "--format", "json"]);
    let d: Value = serde_json::from_slice(&o.stdout).unwrap();
    // Paths are relative to the model root compared, on both sides.
    assert_eq!(
        ids(&d, "threats_new"),
        set(&["admin-route-unauthenticated@app.py::stats"])
    );
    empty(
        &d,
        &["threats_resolved", "elements_added", "elements_removed"],
    );
    // From a folder with no model file up to the repository root, the
    // model root is the repository's: ids are relative to it, as a scan
    // from the top names them.
    let o = r.bw(&["diff", "-C", "services/web", "--format", "json"]);
    let d: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        ids(&d, "threats_new"),
        set(&[
            "admin-route-unauthenticated@services/api/app.py::stats",
            "admin-route-unauthenticated@services/web/app.py::stats"
        ])
    );
}

#[test]
fn tracked_files_that_gitignore_excludes_are_scanned_on_both_sides() {
    let r = Repo::new();
    let vulnerable = "from flask import Flask, request\nimport os\napp = Flask(__name__)\n\n@app.route(\"/gen\")\ndef gen():\n    return str(os.system(request.args[\"c\"]))\n";
    r.write("generated/api.py", vulnerable);
    r.write("sub/generated/api.py", vulnerable);
    r.write(".gitignore", "generated/\n");
    r.write("sub/.gitignore", "!generated/\n");
    r.git(&[
        "add",
        "-f",
        "generated/api.py",
        "sub/generated/api.py",
        ".gitignore",
        "sub/.gitignore",
    ]);
    r.commit("tracked but ignored", "Ana Lima", "ana@example.com");
    r.git(&["branch", "-f", "main"]);
    // Nothing changed: tracked files are code whatever .gitignore says, so
    // the working tree scan keeps both, and the base agrees.
    let (d, code) = r.diff(&["--fail-on", "info"]);
    empty(&d, ALL);
    assert_eq!(code, 0);
    let o = r.bw(&["scan", "--format", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let paths: BTreeSet<&str> = v["threats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["location"]["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.contains("sub/generated/api.py") && paths.contains("generated/api.py"),
        "{paths:?}"
    );
}
