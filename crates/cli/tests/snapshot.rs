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
