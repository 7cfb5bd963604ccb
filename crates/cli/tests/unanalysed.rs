//! The gate sees what it cannot analyse: `scan --fail-on`, `diff` and
//! `check` fail on a file that could not be analysed (failed, too large,
//! truncated) until a decision accepts it, say which file and how to
//! accept it, and never count the deliberate skips. Every output names
//! such files; `--compact` included.

mod common;

use common::git;
use std::path::Path;
use std::process::{Command, Output};

const APP: &str = "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route(\"/health\")\ndef health():\n    return \"ok\"\n";

fn bw(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_breakwater"))
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Dev")
        .env("GIT_AUTHOR_EMAIL", "dev@example.com")
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

fn out(o: &Output) -> (i32, String, String) {
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn write(dir: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

/// A repository with the app committed on `main`.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    write(dir.path(), "app.py", APP);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "base"]);
    dir
}

/// JavaScript nested deeper than the analysis follows.
fn deep_js() -> String {
    format!(
        "function f(a) {{\n{}{}\n}}\n",
        "if (a) { ".repeat(5000),
        "}".repeat(5000)
    )
}

#[test]
fn scan_fails_on_a_file_it_could_not_read_until_it_is_accepted() {
    let dir = repo();
    let d = dir.path();
    write(d, "app/latin1.py", b"name = '\xe9t\xe9'\n");
    write(d, "tests/test_app.py", "def test_x():\n    assert True\n");

    let (code, stdout, stderr) = out(&bw(d, &["scan", "--fail-on", "critical", "--no-cache"]));
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(stderr.contains("1 file is not fully analysed"), "{stderr}");
    assert!(stderr.contains("app/latin1.py (invalid-utf8)"), "{stderr}");
    assert!(
        stderr.contains("breakwater triage 'unanalysed@app/latin1.py::<file>' --status accepted"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("open threat"),
        "no threat was found: {stderr}"
    );

    // --compact lists the file with its reason, and counts every skip.
    let (_, compact, _) = out(&bw(d, &["scan", "--compact", "--no-cache"]));
    assert!(
        compact.contains(
            "app/latin1.py:1: error[invalid-utf8] is not valid UTF-8; re-encode it as UTF-8 to analyse it (open) [unanalysed@app/latin1.py::<file>]"
        ),
        "{compact}"
    );
    assert!(
        compact.contains("Skipped 2 files: 1 invalid-utf8, 1 test"),
        "{compact}"
    );

    // The model's health says so too.
    let (_, health, _) = out(&bw(d, &["status", "--no-cache"]));
    assert!(health.contains("files not fully analysed: 1"), "{health}");

    let (code, stdout, stderr) = out(&bw(
        d,
        &[
            "triage",
            "unanalysed@app/latin1.py::<file>",
            "--status",
            "accepted",
            "--reason",
            "legacy notes, no code",
            "--no-cache",
        ],
    ));
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let toml = std::fs::read_to_string(d.join("breakwater.toml")).unwrap();
    assert!(
        toml.contains("[decisions.\"unanalysed@app/latin1.py::<file>\"]"),
        "{toml}"
    );
    // Accepted: the gate passes, and the scan is complete by decision.
    let (code, stdout, stderr) = out(&bw(d, &["scan", "--fail-on", "info", "--no-cache"]));
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains("accepted by decision"), "{stdout}");

    // The file changes: the decision is stale and the gate fails again.
    write(d, "app/latin1.py", b"name = '\xe9t\xe9' # edited\n");
    let (code, _, stderr) = out(&bw(d, &["scan", "--fail-on", "info", "--no-cache"]));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("app/latin1.py"), "{stderr}");
}

#[test]
fn diff_fails_on_a_too_large_file_the_change_adds_but_not_on_a_deliberate_skip() {
    let dir = repo();
    let d = dir.path();
    let padded = format!("{APP}{}", "# padding\n".repeat(400));
    git(d, &["checkout", "-q", "-b", "feature"]);
    write(d, "tests/test_padded.py", &padded);
    write(d, "vendor/big/lib.py", &padded);
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "tests"]);
    let args = [
        "diff",
        "main",
        "HEAD",
        "--fail-on",
        "critical",
        "--max-file-size",
        "2048",
        "--no-cache",
    ];
    let (code, stdout, stderr) = out(&bw(d, &args));
    assert_eq!(code, 0, "deliberate skips never gate: {stdout}\n{stderr}");
    assert!(
        stdout.contains("Skipped 2 files on head: 1 test, 1 vendored"),
        "{stdout}"
    );

    write(d, "app/padded.py", &padded);
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "padded"]);
    let (code, stdout, stderr) = out(&bw(d, &args));
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(stderr.contains("app/padded.py (too-large)"), "{stderr}");
    assert!(stdout.contains("Not fully analysed"), "{stdout}");
    assert!(
        stdout.contains("1 changed file not fully analysed"),
        "{stdout}"
    );

    // The JSON and the Markdown comment say it too.
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let (_, json, _) = out(&bw(d, &json_args));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["unanalysed"][0]["id"], "unanalysed@app/padded.py::<file>");
    assert_eq!(v["unanalysed"][0]["reason"], "too-large");
    let mut md_args = args.to_vec();
    md_args.extend(["--format", "markdown"]);
    let (_, md, _) = out(&bw(d, &md_args));
    assert!(md.contains("`app/padded.py`"), "{md}");

    // Triage sees the file as the gate did only under the same limit.
    let triage = |limit: &str| {
        out(&bw(
            d,
            &[
                "triage",
                "unanalysed@app/padded.py::<file>",
                "--status",
                "accepted",
                "--reason",
                "padding only",
                "--max-file-size",
                limit,
                "--no-cache",
            ],
        ))
    };
    let (code, _, stderr) = triage("2097152");
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("is not a current threat or a file not fully analysed"),
        "{stderr}"
    );
    let (code, stdout, stderr) = triage("2048");
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    // Accepted and merged: a later change that leaves the file alone passes,
    // and the whole scan too.
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "accept"]);
    git(d, &["checkout", "-q", "main"]);
    git(d, &["merge", "-q", "--ff-only", "feature"]);
    git(d, &["checkout", "-q", "-b", "later"]);
    write(d, "app.py", format!("{APP}# tidy\n"));
    git(d, &["commit", "-qam", "tidy"]);
    let (code, stdout, stderr) = out(&bw(d, &args));
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let mut scan = vec!["scan", "--fail-on", "info", "--max-file-size", "2048"];
    scan.push("--no-cache");
    let (code, stdout, stderr) = out(&bw(d, &scan));
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    // One byte of the accepted file changes (same size): it gates again.
    write(
        d,
        "app/padded.py",
        padded.replacen("# padding", "# paddinG", 1),
    );
    git(d, &["commit", "-qam", "edit"]);
    let (code, stdout, stderr) = out(&bw(d, &args));
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(stderr.contains("app/padded.py (too-large)"), "{stderr}");
}

#[test]
fn a_change_cannot_accept_its_own_unanalysed_file_unless_trusted() {
    let dir = repo();
    let d = dir.path();
    git(d, &["checkout", "-q", "-b", "feature"]);
    write(d, "app/table.js", deep_js());
    // The change records its own acceptance of the file.
    let (code, stdout, stderr) = out(&bw(
        d,
        &[
            "triage",
            "unanalysed@app/table.js::<file>",
            "--status",
            "accepted",
            "--reason",
            "generated table",
            "--no-cache",
        ],
    ));
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "table"]);
    let base = [
        "diff",
        "main",
        "HEAD",
        "--fail-on",
        "critical",
        "--no-cache",
    ];
    let (code, stdout, stderr) = out(&bw(d, &base));
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("accepted by this change itself (still gates)"),
        "{stdout}"
    );
    assert!(stderr.contains("app/table.js (truncated)"), "{stderr}");
    let mut trusted = base.to_vec();
    trusted.push("--trust-head-decisions");
    let (code, stdout, stderr) = out(&bw(d, &trusted));
    assert_eq!(code, 0, "{stdout}\n{stderr}");
}

#[test]
fn check_fails_on_a_truncated_file_and_lists_it_in_compact_output() {
    let dir = repo();
    let d = dir.path();
    write(d, "app/table.js", deep_js());
    let (code, stdout, stderr) = out(&bw(d, &["check", "--no-cache"]));
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("app/table.js: warning[truncated] analysis truncated (line "),
        "{stdout}"
    );
    assert!(stderr.contains("app/table.js (truncated)"), "{stderr}");
    assert!(
        stderr.contains("breakwater triage 'unanalysed@app/table.js::<file>'"),
        "{stderr}"
    );
    // A file that was already there, unchanged, is not this change's doing.
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "table"]);
    let (code, stdout, stderr) = out(&bw(d, &["check", "--no-cache"]));
    assert_eq!(code, 0, "{stdout}\n{stderr}");
}
