//! `breakwater debug ir FILE`: a file's intermediate form, and clear
//! errors for what it cannot show.

use std::path::Path;
use std::process::{Command, Output};

fn run(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_breakwater"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("breakwater runs")
}

/// A repository holding `files` (path, text).
fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// `debug ir FILE` in `cwd`: its output, after checking it succeeded.
fn ir(file: &str, cwd: &Path) -> String {
    let o = run(&["debug", "ir", file], cwd);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn debug_ir_prints_the_module_named_from_its_path_in_the_repository() {
    let dir = repo(&[(
        "app/views.py",
        "from .db import query\n\ndef show(x):\n    if x not in ALLOWED:\n        return\n    query(x)\n",
    )]);
    let out = ir("app/views.py", dir.path());
    assert!(
        out.starts_with("module app.views (app/views.py, python)\n"),
        "{out}"
    );
    assert!(out.contains("import query = app.db.query\n"), "{out}");
    assert!(out.contains("fn show(x) within <module>\n"), "{out}");
    assert!(
        out.contains("4| if (x not in ALLOWED) then b1 else b2\n"),
        "{out}"
    );
    assert!(out.contains("6| query(x)\n"), "{out}");
    // From inside the package, the same identity.
    assert!(ir("views.py", &dir.path().join("app")).starts_with("module app.views "));
}

#[test]
fn debug_ir_says_what_it_cannot_show() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), "FROM python:3.12\n").unwrap();
    for (args, says) in [
        (
            &["debug", "ir", "missing.py"][..],
            "missing.py: no such file",
        ),
        (
            &["debug", "ir", "Dockerfile"][..],
            "Dockerfile: no intermediate form for",
        ),
        (&["debug", "ir", "."][..], ".: not a file"),
    ] {
        let o = run(args, dir.path());
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(o.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn debug_ir_shows_javascript_too() {
    let dir = repo(&[(
        "src/a.js",
        "const db = require('./db');\nfunction f(x) {\n  if (!ok(x)) return;\n  db.run(x);\n}\n",
    )]);
    let out = ir("src/a.js", dir.path());
    assert!(
        out.starts_with("module src/a (src/a.js, javascript)\n"),
        "{out}"
    );
    assert!(out.contains("import db = src/db\n"), "{out}");
    assert!(out.contains("4| db.run(x)\n"), "{out}");
}
