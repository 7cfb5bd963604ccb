//! `breakwater check --staged` over temporary git repositories where the
//! staged and the unstaged versions of the tree differ: only what `git
//! commit` would record is checked, and only the threats it adds are shown.

mod common;

use common::git;
use std::path::Path;
use std::process::{Command, Output};

const APP: &str = "from flask import Flask, request\nfrom flask_login import login_required\nimport sqlite3\n\napp = Flask(__name__)\n\n\n@app.route(\"/users\")\n@login_required\ndef users():\n    db = sqlite3.connect(\"app.db\")\n    return str(db.execute(\"SELECT name FROM users\").fetchall())\n";

const SQLI: &str = "\n\n@app.route(\"/find\")\n@login_required\ndef find():\n    name = request.args.get(\"name\")\n    db = sqlite3.connect(\"app.db\")\n    return str(db.execute(\"SELECT * FROM users WHERE name = '\" + name + \"'\").fetchall())\n";

const SHELL: &str = "from flask import Flask, request\nimport subprocess\n\nops = Flask(__name__)\n\n\n@ops.route(\"/ping\")\ndef ping():\n    return subprocess.run(\"ping -c1 \" + request.args[\"host\"], shell=True).stdout\n";

fn bw(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_breakwater"))
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A repository with the app committed.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    std::fs::write(dir.path().join("app.py"), APP).unwrap();
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "base"]);
    dir
}

#[test]
fn a_threat_that_is_only_unstaged_is_not_reported_and_a_staged_one_is() {
    let dir = repo();
    let d = dir.path();
    // Staged: a command injection in a new file. Unstaged: a SQL injection.
    std::fs::write(d.join("ops.py"), SHELL).unwrap();
    git(d, &["add", "ops.py"]);
    std::fs::write(d.join("app.py"), format!("{APP}{SQLI}")).unwrap();

    let o = bw(d, &["check", "--staged"]);
    let out = stdout(&o);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("[command-injection@ops.py::ping]"), "{out}");
    assert!(!out.contains("sql-injection"), "{out}");
    // One line per new threat, then the summary line: nothing about the base.
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.lines().next().unwrap().starts_with("ops.py:"), "{out}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("staged changes"));

    // Without --staged, the uncommitted working tree: both.
    let o = bw(d, &["check"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("sql-injection") && out.contains("command-injection"),
        "{out}"
    );

    // Stage the SQL, unstage the shell file: now only the SQL injection,
    // which is medium (the route requires a login), under the default
    // `--fail-on high`.
    git(d, &["restore", "--staged", "ops.py"]);
    git(d, &["add", "app.py"]);
    let o = bw(d, &["check", "--staged"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("medium[sql-injection]"), "{out}");
    assert!(out.contains("[sql-injection@app.py::find]"), "{out}");
    assert!(!out.contains("command-injection"), "{out}");
    assert_eq!(
        bw(d, &["check", "--staged", "--fail-on", "medium"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn a_harmless_staged_change_passes_even_when_the_working_tree_has_a_threat() {
    let dir = repo();
    let d = dir.path();
    std::fs::write(d.join("app.py"), format!("# Users.\n{APP}")).unwrap();
    git(d, &["add", "app.py"]);
    std::fs::write(d.join("app.py"), format!("# Users.\n{APP}{SQLI}")).unwrap();
    let o = bw(d, &["check", "--staged"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(stdout(&o).trim(), "no new threats");
    // Nothing staged at all: nothing to report.
    git(d, &["restore", "--staged", "app.py"]);
    let o = bw(d, &["check", "--staged"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o).trim(), "no new threats");
}

#[test]
fn the_gate_level_is_chosen_and_none_never_fails() {
    let dir = repo();
    let d = dir.path();
    std::fs::write(d.join("app.py"), format!("{APP}{SQLI}")).unwrap();
    git(d, &["add", "app.py"]);
    assert_eq!(
        bw(d, &["check", "--staged", "--fail-on", "critical"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        bw(d, &["check", "--staged", "--fail-on", "none"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        bw(d, &["check", "--staged", "--fail-on", "medium"])
            .status
            .code(),
        Some(1)
    );
    // JSON is the whole comparison, with the index as head.
    let o = bw(
        d,
        &["check", "--staged", "--format", "json", "--fail-on", "none"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["head"]["label"], "staged changes");
    assert_eq!(v["base"]["label"], "HEAD");
    let new: Vec<&str> = v["threats_new"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(new, ["sql-injection@app.py::find"]);
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/diff.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.is_valid(&v));
}

#[test]
fn a_decision_staged_with_the_change_does_not_silence_its_gate() {
    let dir = repo();
    let d = dir.path();
    std::fs::write(d.join("ops.py"), SHELL).unwrap();
    git(d, &["add", "-A"]);
    // The decision a person would record with `breakwater triage`, for the
    // evidence as staged.
    let o = bw(
        d,
        &["check", "--staged", "--format", "json", "--fail-on", "none"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let print = v["threats_new"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    std::fs::write(
        d.join("breakwater.toml"),
        format!(
            "[decisions.\"command-injection@ops.py::ping\"]\nstatus = \"accepted\"\nreason = \"internal tool\"\nfingerprint = \"{print}\"\n"
        ),
    )
    .unwrap();
    git(d, &["add", "-A"]);
    let o = bw(d, &["check", "--staged"]);
    let out = stdout(&o);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("accepted by this change"), "{out}");
    assert!(out.contains("1 decision or ignore added"), "{out}");
    assert_eq!(
        bw(d, &["check", "--staged", "--trust-head-decisions"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn before_the_first_commit_every_staged_threat_is_new() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    std::fs::write(d.join("ops.py"), SHELL).unwrap();
    git(d, &["add", "ops.py"]);
    let o = bw(d, &["check", "--staged"]);
    let out = stdout(&o);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("command-injection@ops.py::ping"), "{out}");
    // Without --staged, the working tree: the unstaged file is new too.
    std::fs::write(d.join("app.py"), format!("{APP}{SQLI}")).unwrap();
    let out = stdout(&bw(d, &["check"]));
    assert!(out.contains("command-injection@ops.py::ping"), "{out}");
    assert!(out.contains("sql-injection@app.py::find"), "{out}");
}

#[test]
fn outside_a_repository_check_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let o = bw(dir.path(), &["check", "--staged"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not inside a git repository"));
}

/// The hint printed when the gate stops a commit advises what passes: a
/// decision committed on its own before the change (a decision staged with
/// the code it covers does not count). Followed to the letter, it works.
#[test]
fn the_gate_hint_advises_a_decision_that_then_passes() {
    let dir = repo();
    let d = dir.path();
    std::fs::write(d.join("ops.py"), SHELL).unwrap();
    git(d, &["add", "ops.py"]);
    let o = bw(d, &["check", "--staged"]);
    assert_eq!(o.status.code(), Some(1));
    let hint = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(hint.contains("breakwater triage THREAT-ID"), "{hint}");
    let steps = "git stash push --staged; git add breakwater.toml; git commit -m \"…\"; git stash pop --index";
    assert!(hint.contains(steps), "{hint}");
    // The decision, as the hint says to record it.
    let o = bw(
        d,
        &[
            "triage",
            "command-injection@ops.py::ping",
            "--status",
            "false-positive",
            "--reason",
            "the host is checked by the proxy",
            "--author",
            "Dev",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Staged with the code, it does not count: that is the rule.
    git(d, &["add", "breakwater.toml"]);
    assert_eq!(bw(d, &["check", "--staged"]).status.code(), Some(1));
    git(d, &["restore", "--staged", "breakwater.toml"]);
    // The steps of the hint, then the check the hook runs.
    git(d, &["stash", "push", "--staged"]);
    git(d, &["add", "breakwater.toml"]);
    let o = bw(d, &["check", "--staged"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "the decision's own commit passes: {}",
        stdout(&o)
    );
    git(d, &["commit", "-qm", "record the decision"]);
    git(d, &["stash", "pop", "--index"]);
    let o = bw(d, &["check", "--staged"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        stdout(&o),
        String::from_utf8_lossy(&o.stderr)
    );
}
