//! The architecture snapshot: written, checked, not churned by unrelated edits.

use std::path::Path;
use std::process::{Command, Output};

fn bw(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_breakwater"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

const APP: &str = r#"from flask import Flask, request
from flask_login import login_required
import sqlite3

app = Flask(__name__)


@app.route("/users")
@login_required
def find_user():
    db = sqlite3.connect("app.db")
    return str(db.execute("SELECT 1").fetchall())


@app.route("/orders")
@login_required
def orders():
    return "orders"
"#;

#[test]
fn write_then_check_then_stale() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("app.py"), APP).unwrap();

    // No snapshot yet: --check says how to make one.
    let o = bw(d, &["scan", "--check", "-o", "/dev/null"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--write-snapshot"));

    let o = bw(d, &["scan", "--write-snapshot", "-o", "/dev/null"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let snap = std::fs::read_to_string(d.join(".breakwater/architecture.txt")).unwrap();
    assert!(snap.contains("route:GET /users  tech=flask"), "{snap}");
    assert!(
        snap.match_indices("app.py:")
            .all(|(i, _)| snap[i + 7..].starts_with(':')),
        "no line numbers: {snap}"
    );
    assert!(snap.contains("at=app.py::find_user"), "{snap}");
    let o = bw(d, &["scan", "--check", "-o", "/dev/null"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    // Unrelated edits (comments, shifted lines, a changed body) do not churn it.
    std::fs::write(
        d.join("app.py"),
        format!(
            "# header\n\n{}",
            APP.replace("\"orders\"", "\"all orders\"")
        ),
    )
    .unwrap();
    let o = bw(d, &["scan", "--check", "-o", "/dev/null"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    // A new entry point and a removed auth control do.
    std::fs::write(
        d.join("app.py"),
        APP.replace("@app.route(\"/orders\")\n@login_required\n", "@app.route(\"/orders\")\n")
            + "\n\n@app.route(\"/admin\", methods=[\"POST\"])\n@login_required\ndef admin():\n    return \"a\"\n",
    )
    .unwrap();
    let o = bw(d, &["scan", "--check", "-o", "/dev/null"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("is stale"), "{err}");
    assert!(err.contains("+ route:POST /admin"), "{err}");
    assert!(
        err.contains("- route:GET /orders  tech=flask  in="),
        "{err}"
    );
    assert!(
        err.contains("+ route:GET /orders  tech=flask  in=") || err.contains("+ route:GET /orders"),
        "{err}"
    );

    // Writing twice gives the same bytes.
    bw(d, &["scan", "--write-snapshot", "-o", "/dev/null"]);
    let a = std::fs::read(d.join(".breakwater/architecture.txt")).unwrap();
    bw(
        d,
        &[
            "scan",
            "--write-snapshot",
            "-o",
            "/dev/null",
            "--threads",
            "1",
        ],
    );
    let b = std::fs::read(d.join(".breakwater/architecture.txt")).unwrap();
    assert_eq!(a, b);
}

#[test]
fn a_baseline_starts_green_and_gates_only_what_is_new() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let vulnerable = APP.replace(
        "db.execute(\"SELECT 1\")",
        "db.execute(\"SELECT * FROM t WHERE a = '\" + request.args[\"a\"] + \"'\")",
    );
    std::fs::write(d.join("app.py"), &vulnerable).unwrap();
    let o = bw(d, &["scan", "--fail-on", "low", "-o", "/dev/null"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "the app has a finding to baseline"
    );

    let o = bw(d, &["init", "--baseline"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(d.join(".breakwater/baseline.toml")).unwrap();
    assert!(
        text.contains("\"sql-injection@app.py::find_user\" = \""),
        "{text}"
    );
    assert!(
        d.join("breakwater.toml").exists(),
        "init --baseline writes a model file when missing"
    );

    // Green now; the baselined threat is still reported.
    let o = bw(d, &["scan", "--fail-on", "low", "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let t = v["threats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["rule"] == "sql-injection")
        .unwrap();
    assert_eq!(t["baseline"], true);
    assert_eq!(v["summary"]["baseline"], v["summary"]["threats"]);

    // A new threat gates.
    std::fs::write(
        d.join("app.py"),
        vulnerable + "\n\n@app.route(\"/run\")\n@login_required\ndef run():\n    import os\n    return str(os.system(request.args[\"cmd\"]))\n",
    )
    .unwrap();
    let o = bw(d, &["scan", "--fail-on", "low", "-o", "/dev/null"]);
    assert_eq!(o.status.code(), Some(1));

    // A broken baseline is a clear error.
    std::fs::write(
        d.join(".breakwater/baseline.toml"),
        "[threats]\n\"a\" = 3\n",
    )
    .unwrap();
    let o = bw(d, &["scan", "-o", "/dev/null"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("baseline.toml:2"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
