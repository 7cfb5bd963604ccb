//! The command-line conventions people expect: a closed pipe ends the
//! output quietly, the model root is found upward from any sub-folder,
//! one spelling per idea (`-C`, `--fail-on`, `--format compact`,
//! `-q`/`-v`, `--color` and the colour variables).

mod common;

use common::git;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn bin(cwd: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_breakwater"));
    c.current_dir(cwd)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
        .env("HOME", cwd)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env(
            "BREAKWATER_CACHE_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("conventions-cache"),
        );
    c
}

fn run(cwd: &Path, args: &[&str]) -> Output {
    bin(cwd).args(args).output().expect("breakwater runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write(root: &Path, path: &str, text: &str) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const USERS: &str = "from flask import Flask, request\nimport sqlite3\n\napp = Flask(__name__)\n\n\n@app.route(\"/users\")\ndef find():\n    name = request.args.get(\"name\")\n    db = sqlite3.connect(\"app.db\")\n    return str(db.execute(\"SELECT * FROM users WHERE name = '\" + name + \"'\").fetchall())\n";

const OPS: &str = "from flask import Flask, request\nimport subprocess\n\nops = Flask(__name__)\n\n\n@ops.route(\"/ping\")\ndef ping():\n    return subprocess.run(\"ping -c1 \" + request.args[\"host\"], shell=True).stdout\n";

/// A git repository holding `app/api/users.py` (a SQL injection) and
/// `app/ops.py` (a command injection), committed.
fn app_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, "app/api/users.py", USERS);
    write(d, "app/ops.py", OPS);
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "base"]);
    dir
}

fn ids(o: &Output) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(o), stderr(o)));
    v["threats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| format!("{} {}", t["id"].as_str().unwrap(), t["status"]))
        .collect()
}

/// Run with stdout a pipe whose reader is gone: closed before the command
/// writes anything (`| head -0`), or after the first line (`| head -1`).
fn with_closed_stdout(cwd: &Path, args: &[&str], read_first_line: bool) -> (Option<i32>, String) {
    let mut child = bin(cwd)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    if read_first_line {
        let mut line = String::new();
        BufReader::new(out).read_line(&mut line).unwrap();
        assert!(!line.is_empty(), "{args:?} printed nothing");
    } else {
        drop(out);
    }
    let o = child.wait_with_output().unwrap();
    (o.status.code(), stderr(&o))
}

#[test]
fn a_closed_stdout_ends_every_command_quietly() {
    let dir = app_repo();
    let d = dir.path();
    // Something staged for `check` to report.
    write(d, "app/admin.py", &OPS.replace("ops", "adm"));
    git(d, &["add", "-A"]);
    let example = repo_root().join("examples/support-desk");
    let cases: Vec<(&Path, Vec<&str>)> = vec![
        (d, vec!["rules"]),
        (d, vec!["rules", "--stats"]),
        (d, vec!["explain", "sql-injection"]),
        (&example, vec!["facts"]),
        (&example, vec!["scan"]),
        (&example, vec!["scan", "--format", "json"]),
        (&example, vec!["scan", "--format", "sarif"]),
        (&example, vec!["scan", "--format", "compact"]),
        (&example, vec!["status"]),
        (
            &example,
            vec!["guardrails", "--stdout", "--target", "agents-md"],
        ),
        (d, vec!["check", "--staged", "--fail-on", "none"]),
        (d, vec!["diff", "HEAD", "--fail-on", "none"]),
        (d, vec!["ai", "status"]),
        (
            d,
            vec![
                "triage",
                "--rule",
                "command-injection",
                "--status",
                "accepted",
                "--reason",
                "r",
                "--dry-run",
            ],
        ),
    ];
    for (cwd, args) in &cases {
        let normal = run(cwd, args);
        assert!(
            !normal.stdout.is_empty(),
            "{args:?} prints: {}",
            stderr(&normal)
        );
        let (code, err) = with_closed_stdout(cwd, args, false);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(!err.contains("Broken pipe"), "{args:?}: {err}");
        assert_eq!(code, normal.status.code(), "{args:?}: {err}");
    }
    // `| head -1` on output larger than a pipe holds: the reader goes away
    // while the command is still writing.
    for args in [vec!["facts"], vec!["scan", "--format", "json"]] {
        let (code, err) = with_closed_stdout(&example, &args, true);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(code, Some(0), "{args:?}: {err}");
    }
}

#[test]
fn a_closed_stderr_loses_messages_not_the_command() {
    // `rules` prints its count on stderr; a closed stderr must not turn
    // that into a panic or cut the list short.
    let mut child = bin(&repo_root())
        .arg("rules")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("sql-injection"));
}

#[test]
fn from_a_sub_folder_the_model_root_above_is_used() {
    let dir = app_repo();
    let d = dir.path();
    let api = d.join("app/api");
    // A decision recorded at the root.
    let o = run(
        d,
        &[
            "triage",
            "sql-injection@app/api/users.py::find",
            "--status",
            "mitigated",
            "--reason",
            "checked upstream",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "decide"]);
    // From the sub-folder: the root's ids, the root's decision, only what
    // lies under the sub-folder.
    let o = run(&api, &["scan", "--format", "json"]);
    assert_eq!(
        ids(&o),
        ["sql-injection@app/api/users.py::find \"mitigated\""],
        "{}",
        stderr(&o)
    );
    let o = run(&api, &["scan", "--fail-on", "high"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "the decision closes it: {}",
        stderr(&o)
    );
    // The same with a path, and with -C, from anywhere.
    assert_eq!(
        ids(&run(d, &["scan", "app/api", "--format", "json"])).len(),
        1
    );
    let o = run(d, &["-C", "app/api", "scan", "--format", "json"]);
    assert_eq!(
        ids(&o),
        ["sql-injection@app/api/users.py::find \"mitigated\""]
    );
    // A file names only its own threats.
    assert_eq!(
        ids(&run(&api, &["scan", "users.py", "--format", "json"])).len(),
        1
    );
    // From the root: everything, the same ids.
    let all = ids(&run(d, &["scan", "--format", "json"]));
    assert!(
        all.contains(&"sql-injection@app/api/users.py::find \"mitigated\"".to_string()),
        "{all:?}"
    );
    assert!(
        all.iter()
            .any(|i| i.starts_with("command-injection@app/ops.py::ping")),
        "{all:?}"
    );
    // The health of the sub-folder counts the decision.
    let o = run(&api, &["status", "--format", "json"]);
    let h: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(h["counts"]["mitigated"], 1, "{h:#}");
    assert_eq!(h["counts"]["open"], 0, "{h:#}");
    // Facts name paths from the root too.
    let o = run(&api, &["facts", "users.py"]);
    let f: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(f[0]["path"], "app/api/users.py");
    // triage from the sub-folder writes the root's model file, by root ids.
    let o = run(
        &api,
        &[
            "triage",
            "--path",
            "app/ops.py",
            "--status",
            "accepted",
            "--reason",
            "an internal tool",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!api.join("breakwater.toml").exists());
    let mf = std::fs::read_to_string(d.join("breakwater.toml")).unwrap();
    assert!(
        mf.contains("[decisions.\"command-injection@app/ops.py::ping\"]"),
        "{mf}"
    );
    // diff and check compare the model root.
    let o = run(&api, &["check", "--format", "json", "--fail-on", "none"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["threats_new"].as_array().unwrap().len(), 0, "{v:#}");
    // init without a path finds the root, and refuses to overwrite it.
    let o = run(&api, &["init"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
}

#[test]
fn the_nearest_model_file_wins_and_without_one_the_repository_root_does() {
    let dir = app_repo();
    let d = dir.path();
    let api = d.join("app/api");
    // No model file anywhere: the repository root.
    let o = run(&api, &["scan", "--format", "json"]);
    assert_eq!(ids(&o), ["sql-injection@app/api/users.py::find \"open\""]);
    // A model file in app/: ids relative to app/.
    write(d, "app/breakwater.toml", "[system]\nname = \"app\"\n");
    let o = run(&api, &["scan", "--format", "json"]);
    assert_eq!(ids(&o), ["sql-injection@api/users.py::find \"open\""]);
    let o = run(&api, &["-v", "scan", "-o", "/dev/null"]);
    assert!(
        stderr(&o).contains("model root: ..") && stderr(&o).contains("it holds breakwater.toml"),
        "{}",
        stderr(&o)
    );
    // Outside any repository and without a model file: the given path.
    let bare = tempfile::tempdir().unwrap();
    write(bare.path(), "svc/users.py", USERS);
    let o = run(bare.path(), &["scan", "svc", "--format", "json"]);
    assert_eq!(ids(&o), ["sql-injection@users.py::find \"open\""]);
    // `init PATH` makes that folder a model root of its own.
    let o = run(d, &["init", "app/api"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(api.join("breakwater.toml").exists());
    let o = run(&api, &["scan", "--format", "json"]);
    assert_eq!(ids(&o), ["sql-injection@users.py::find \"open\""]);
}

#[test]
fn every_gating_command_takes_the_same_fail_on_values() {
    let dir = app_repo();
    let d = dir.path();
    write(d, "app/admin.py", &OPS.replace("ops", "adm"));
    for args in [
        vec!["scan", "--fail-on", "none"],
        vec!["diff", "HEAD", "--fail-on", "none"],
        vec!["check", "--fail-on", "none"],
    ] {
        let o = run(d, &args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    }
    for args in [
        vec!["scan", "--fail-on", "high"],
        vec!["diff", "HEAD", "--fail-on", "high"],
        vec!["check", "--fail-on", "high"],
    ] {
        assert_eq!(run(d, &args).status.code(), Some(1), "{args:?}");
    }
    let o = run(d, &["scan", "--fail-on", "severe"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("none"),
        "the values are listed: {}",
        stderr(&o)
    );
}

#[test]
fn compact_is_a_format_and_the_flag_is_its_alias() {
    let example = repo_root().join("examples/support-desk");
    let flag = run(&example, &["scan", "--compact"]);
    let format = run(&example, &["scan", "--format", "compact"]);
    assert_eq!(format.status.code(), Some(0), "{}", stderr(&format));
    let lines = |o: &Output| -> Vec<String> {
        stdout(o)
            .lines()
            .filter(|l| !l.starts_with("Found "))
            .map(String::from)
            .collect()
    };
    assert_eq!(lines(&flag), lines(&format));
    assert!(lines(&format)[0].contains(": high[") || lines(&format)[0].contains(": critical["));
    // diff and check have the same formats.
    let dir = app_repo();
    let d = dir.path();
    write(d, "app/admin.py", &OPS.replace("ops", "adm"));
    let o = run(d, &["diff", "HEAD", "--format", "compact"]);
    assert!(
        stdout(&o).contains("command-injection@app/admin.py::ping"),
        "{}",
        stdout(&o)
    );
    let o = run(d, &["check", "--format", "terminal", "--fail-on", "none"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("[command-injection] at `app/admin.py:9:12`"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn quiet_and_verbose() {
    let o = run(&repo_root(), &["rules"]);
    assert!(stderr(&o).contains("rule(s)"));
    let o = run(&repo_root(), &["rules", "-q"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stderr(&o), "", "quiet: only the requested output");
    assert!(stdout(&o).contains("sql-injection"));
    // Errors still show.
    let o = run(&repo_root(), &["-q", "explain", "no-such-rule"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("error:"));
    // Verbose: the root, timing, the cache, every skipped file and why.
    let dir = app_repo();
    let d = dir.path();
    write(d, "tests/test_users.py", USERS);
    std::fs::write(d.join("blob.py"), [0u8, 159, 146, 150, 0, 1]).unwrap();
    let o = run(d, &["scan", "-v", "-o", "/dev/null"]);
    let e = stderr(&o);
    assert!(e.contains("model root: . (the repository root"), "{e}");
    assert!(
        e.contains("scanned in ") && e.contains("from the facts cache"),
        "{e}"
    );
    assert!(e.contains("skipped tests/test_users.py:"), "{e}");
    assert!(e.contains("blob.py:"), "{e}");
    let o = run(d, &["scan", "-q", "-v"]);
    assert_eq!(o.status.code(), Some(2), "-q and -v conflict");
}

#[test]
fn colour_follows_the_flag_then_no_color_then_clicolor() {
    let example = repo_root().join("examples/support-desk");
    let coloured = |envs: &[(&str, &str)], args: &[&str]| -> bool {
        let mut c = bin(&example);
        c.arg("scan").args(args);
        for (k, v) in envs {
            c.env(k, v);
        }
        let o = c.output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        stdout(&o).contains("\x1b[")
    };
    // Into a pipe: no colour, unless forced.
    assert!(!coloured(&[], &[]));
    assert!(coloured(&[("CLICOLOR_FORCE", "1")], &[]));
    assert!(!coloured(&[("CLICOLOR_FORCE", "0")], &[]));
    assert!(!coloured(
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
        &[]
    ));
    assert!(coloured(&[("NO_COLOR", "1")], &["--color", "always"]));
    assert!(coloured(&[], &["--color=always"]));
    assert!(!coloured(&[("CLICOLOR_FORCE", "1")], &["--color", "never"]));
    assert!(!coloured(&[("CLICOLOR_FORCE", "1")], &["--no-color"]));
    // --color is global: before the subcommand too.
    let o = bin(&example)
        .args(["--color", "always", "scan"])
        .output()
        .unwrap();
    assert!(stdout(&o).contains("\x1b["));
}

#[test]
fn dash_c_is_accepted_by_every_command_before_or_after_it() {
    let example = repo_root().join("examples/support-desk");
    let top = repo_root().join("examples");
    let direct = run(&example, &["scan", "--format", "json"]);
    for args in [
        vec!["-C", "support-desk", "scan", "--format", "json"],
        vec!["scan", "-C", "support-desk", "--format", "json"],
        vec!["--repo", "support-desk", "scan", "--format", "json"],
    ] {
        let o = run(&top, &args);
        assert_eq!(ids(&o), ids(&direct), "{args:?}");
    }
    for args in [
        vec!["status", "-C", "support-desk"],
        vec!["facts", "-C", "support-desk"],
        vec!["ai", "status", "-C", "support-desk"],
        vec![
            "guardrails",
            "-C",
            "support-desk",
            "--stdout",
            "--target",
            "claude",
        ],
        vec!["rules", "-C", "support-desk"],
        vec!["explain", "-C", "support-desk", "sql-injection"],
    ] {
        let o = run(&top, &args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    }
    let o = run(&top, &["-C", "no/such/dir", "scan"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("-C no/such/dir"), "{}", stderr(&o));
}

#[test]
fn expires_must_be_a_real_calendar_date() {
    let dir = app_repo();
    let d = dir.path();
    let triage = |expires: &str| {
        run(
            d,
            &[
                "triage",
                "command-injection@app/ops.py::ping",
                "--status",
                "accepted",
                "--reason",
                "an internal tool",
                "--expires",
                expires,
            ],
        )
    };
    for bad in [
        "2030-02-31",
        "2031-02-29",
        "2030-04-31",
        "2030-13-01",
        "31/01/2030",
    ] {
        let o = triage(bad);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(stderr(&o).contains("YYYY-MM-DD"), "{bad}: {}", stderr(&o));
        assert!(
            !d.join("breakwater.toml").exists(),
            "{bad}: nothing written"
        );
    }
    let o = triage("2030-02-31");
    assert!(stderr(&o).contains("2030-02 has 28 days"), "{}", stderr(&o));
    // A leap day is a date.
    let o = triage("2032-02-29");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A model file with an impossible date is refused at its line.
    let mf = std::fs::read_to_string(d.join("breakwater.toml")).unwrap();
    std::fs::write(
        d.join("breakwater.toml"),
        mf.replace("2032-02-29", "2030-02-30"),
    )
    .unwrap();
    let o = run(d, &["scan"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("2030-02 has 28 days"), "{}", stderr(&o));
}

/// `facts` says every file it did not read (an empty list is never "no
/// facts" in disguise), takes `--max-file-size` like `scan`, and exits 3
/// when a file failed, like `scan`.
#[test]
fn facts_names_what_it_left_out() {
    let d = tempfile::tempdir().unwrap();
    let d = d.path();
    write(d, "breakwater.toml", "# the model root\n");
    let big = format!("x = 1\n{}", "# padding\n".repeat(40_000));
    write(d, "app/big.py", &big);
    write(d, "app/bad.py", "y = 2\n");
    std::fs::write(d.join("app/bad.py"), b"name = '\xff\xfe'\n").unwrap();
    let o = run(d, &["facts", "app", "--max-file-size", "100000"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("skipped app/big.py") && err.contains("too-large"),
        "{err}"
    );
    assert!(
        err.contains("app/bad.py: not analysed") && err.contains("UTF-8"),
        "{err}"
    );
    // Raised, the large file is read.
    let o = run(d, &["facts", "app/big.py", "--max-file-size", "1000000"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let f: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(f[0]["path"], "app/big.py");
}
