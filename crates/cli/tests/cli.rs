//! End-to-end tests of the `breakwater` binary, as a user runs it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_breakwater"));
    c.env_remove("NO_COLOR");
    // Scans of the examples must not write a cache into the source tree;
    // the tests of the cache's own location remove this.
    c.env(
        "BREAKWATER_CACHE_DIR",
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-cache"),
    );
    c
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(args: &[&str], cwd: &Path) -> Output {
    bin()
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("breakwater runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Times vary between runs; everything else must not.
fn normalise_time(s: &str) -> String {
    let mut out = String::new();
    for line in s.lines() {
        match line.rfind(" in ") {
            Some(i)
                if line.trim_end().ends_with('s')
                    && line[i + 4..]
                        .trim_end()
                        .trim_end_matches('s')
                        .parse::<f64>()
                        .is_ok() =>
            {
                out.push_str(&line[..i]);
                out.push_str(" in <time>");
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

fn validate(schema_path: &Path, json: &str) -> Vec<String> {
    // The published SARIF schema's `language` pattern has a stray `]` that
    // the validator's regex engine rejects; use the pattern it means (the
    // same workaround as crates/outputs/tests/schemas.rs).
    let text = std::fs::read_to_string(schema_path).unwrap().replace(
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
        r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#,
    );
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let instance: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn example_scan_terminal_snapshot() {
    let o = run(
        &["scan", "examples/support-desk", "--no-color"],
        &repo_root(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("support_desk_terminal", normalise_time(&stdout(&o)));
    let o = run(
        &["scan", "examples/orders-service", "--compact"],
        &repo_root(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("orders_service_compact", normalise_time(&stdout(&o)));
}

#[test]
fn example_json_matches_our_schema_and_is_deterministic() {
    let a = run(&["scan", "examples", "--format", "json"], &repo_root());
    assert_eq!(a.status.code(), Some(0), "{}", stderr(&a));
    let errors = validate(&repo_root().join("schemas/report.schema.json"), &stdout(&a));
    assert!(errors.is_empty(), "{errors:#?}");
    let b = run(
        &["scan", "examples", "--format", "json", "--threads", "1"],
        &repo_root(),
    );
    assert_eq!(stdout(&a), stdout(&b), "same input, same output");
    insta::assert_snapshot!("examples_json", stdout(&a));
}

#[test]
fn example_sarif_is_valid_sarif_2_1_0() {
    let o = run(&["scan", "examples", "--format", "sarif"], &repo_root());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let errors = validate(
        &repo_root().join("crates/outputs/tests/schemas/sarif-2.1.0.json"),
        &stdout(&o),
    );
    assert!(errors.is_empty(), "{errors:#?}");
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        assert_eq!(
            r["locations"].as_array().unwrap().len(),
            1,
            "exactly one primary location"
        );
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(!uri.starts_with('/'), "repo-relative URI: {uri}");
        assert!(r["properties"]["breakwater/id"].is_string());
        assert!(r["partialFingerprints"].is_object());
        assert_ne!(
            r["properties"]["confidence"], "potential",
            "potential threats stay out of SARIF"
        );
    }
}

#[test]
fn markdown_and_mermaid_render_the_examples() {
    let md = run(
        &["scan", "examples/support-desk", "--format", "markdown"],
        &repo_root(),
    );
    assert_eq!(md.status.code(), Some(0));
    assert!(stdout(&md).contains("```mermaid"));
    let mm = run(
        &["scan", "examples/support-desk", "--format", "mermaid"],
        &repo_root(),
    );
    assert!(stdout(&mm).starts_with("flowchart"), "{}", stdout(&mm));
    assert!(stdout(&mm).contains("subgraph"));
}

fn write(root: &Path, path: &str, text: &str) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

#[test]
fn secrets_are_never_republished_in_any_format() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Made-up values in real key formats.
    let openai = "sk-proj-Q7vXr2LmN9pT4kW8zB3hJ6cF1dS5gA0eY";
    let aws = "AKIAZ7QWERT2YUIOP3LK";
    write(
        root,
        "app/settings.py",
        &format!(
            "import os\n\nOPENAI_API_KEY = \"{openai}\"\nAWS_ACCESS_KEY_ID = \"{aws}\"\nDEBUG = os.environ.get('DEBUG') == '1'\n"
        ),
    );
    write(
        root,
        "Dockerfile",
        &format!("FROM python:3.12.4-slim\nENV OPENAI_API_KEY={openai}\nUSER app\n"),
    );
    let out_dir = tempfile::tempdir().unwrap();
    for format in ["terminal", "json", "sarif", "markdown", "mermaid"] {
        let out = out_dir.path().join(format!("out.{format}"));
        let o = run(
            &[
                "scan",
                ".",
                "--format",
                format,
                "-o",
                out.to_str().unwrap(),
                "--include-potential",
            ],
            root,
        );
        assert_ne!(o.status.code(), Some(2), "{}", stderr(&o));
        let text = std::fs::read_to_string(&out).unwrap();
        for planted in [openai, aws] {
            assert!(
                !text.contains(planted),
                "{format} output republishes a secret"
            );
            assert!(!stderr(&o).contains(planted));
        }
        if format == "json" {
            assert!(
                text.contains("hardcoded"),
                "the secret is still reported: {text}"
            );
        }
    }
    let o = run(&["scan", ".", "--compact", "--no-color"], root);
    assert!(!stdout(&o).contains(openai) && !stdout(&o).contains(aws));
}

#[test]
fn exit_codes() {
    let root = repo_root();
    // 1: the gate is hit.
    let o = run(
        &[
            "scan",
            "examples/support-desk",
            "--fail-on",
            "high",
            "--format",
            "json",
            "-o",
            "/dev/null",
        ],
        &root,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("gate:"));
    // 2: usage errors and configuration errors.
    let o = run(&["scan", "no/such/dir"], &root);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no such file or directory"),
        "{}",
        stderr(&o)
    );
    let o = run(&["scan", ".", "--fail-on", "severe"], &root);
    assert_eq!(o.status.code(), Some(2));
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "breakwater.toml",
        "[system]\nname = \"x\"\n\n[assets.pii]\nname = \"PII\"\nclasification = \"restricted\"\n",
    );
    write(dir.path(), "app.py", "print('hello')\n");
    let o = run(&["scan", "."], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("breakwater.toml:6"),
        "the error points at the line: {}",
        stderr(&o)
    );
    // 0: a clean repository.
    std::fs::remove_file(dir.path().join("breakwater.toml")).unwrap();
    let o = run(&["scan", ".", "--fail-on", "low"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    // 3: a file could not be analysed.
    std::fs::write(dir.path().join("broken.py"), b"name = '\xff\xfe'\n").unwrap();
    let o = run(&["scan", "."], dir.path());
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("broken.py"));
}

#[test]
fn init_then_scan_applies_the_model_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "run.py",
        "from flask import Flask\n\napp = Flask(__name__)\n\nif __name__ == '__main__':\n    app.run(debug=True)\n",
    );
    let o = run(&["init"], root);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(root.join("breakwater.toml")).unwrap();
    assert!(text.starts_with("#:schema ./.breakwater/breakwater.schema.json"));
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join(".breakwater/breakwater.schema.json")).unwrap(),
    )
    .expect("the schema init writes is JSON");
    assert!(schema["properties"]["suppressions"].is_object());
    // A second init refuses to overwrite.
    assert_eq!(run(&["init"], root).status.code(), Some(2));
    let json = stdout(&run(&["scan", ".", "--format", "json"], root));
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let threat = report["threats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["rule"] == "debug-mode-enabled")
        .cloned();
    let threat = threat.expect("debug mode is found");
    let id = threat["id"].as_str().unwrap().to_string();
    // Suppress it with a reason: it stays in the report, marked, and out of the gate.
    std::fs::write(
        root.join("breakwater.toml"),
        format!("{text}\n[suppressions.\"{id}\"]\nreason = \"run.py is only used on laptops\"\n"),
    )
    .unwrap();
    let json = stdout(&run(&["scan", ".", "--format", "json"], root));
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let t = report["threats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id.as_str())
        .unwrap();
    assert_eq!(t["status"], "suppressed");
    assert_eq!(
        run(&["scan", ".", "--fail-on", "low", "-o", "/dev/null"], root)
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn explain_and_rules() {
    let root = repo_root();
    let o = run(&["explain", "sql-injection"], &root);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    for heading in [
        "## What it finds",
        "## Why it matters",
        "## How an attacker breaks it",
        "## How to fix it",
        "## References",
    ] {
        assert!(text.contains(heading), "{heading}");
    }
    let o = run(&["explain", "sql-injektion"], &root);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean"), "{}", stderr(&o));
    let o = run(&["rules", "--stats"], &root);
    let first = stdout(&o).lines().next().unwrap_or("").to_string();
    let n: usize = first.split_whitespace().next().unwrap().parse().unwrap();
    assert!(n >= 80, "at least 80 rules, found {n}");
    let o = run(&["rules", "--owasp", "LLM01"], &root);
    assert!(stdout(&o).contains("prompt-injection"));
    assert!(!stdout(&o).contains("sql-injection"));
}

// ---- breakwater triage ----

const TODAY: &str = "2026-11-27";

/// A repository with six SQL injections in app/views.py, one in
/// tools/admin.py, debug mode, and a design-level (potential) threat.
fn triage_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut views = String::from(
        "import sqlite3\nfrom flask import Flask, jsonify, request\n\napp = Flask(__name__)\n",
    );
    for i in 0..6 {
        views.push_str(&format!(
            "\n@app.route(\"/items/{i}\")\ndef find_{i}():\n    name = request.args.get(\"name\", \"\")\n    cur = sqlite3.connect(\"x.db\").cursor()\n    cur.execute(f\"SELECT id FROM items{i} WHERE name = '{{name}}'\")\n    return jsonify(cur.fetchall())\n"
        ));
    }
    views.push_str(
        "\n@app.route(\"/orders/archive\", methods=[\"POST\"])\ndef archive():\n    return jsonify({\"ok\": True})\n\nif __name__ == '__main__':\n    app.run(debug=True)\n",
    );
    write(dir.path(), "app/views.py", &views);
    write(
        dir.path(),
        "tools/admin.py",
        "import sqlite3\nfrom flask import Flask, jsonify, request\n\napp = Flask(__name__)\n\n@app.route(\"/admin/find\")\ndef admin_find():\n    name = request.args.get(\"name\", \"\")\n    cur = sqlite3.connect(\"x.db\").cursor()\n    cur.execute(f\"SELECT id FROM admins WHERE name = '{name}'\")\n    return jsonify(cur.fetchall())\n",
    );
    dir
}

const POTENTIAL: &str = "state-change-without-audit@route:POST /orders/archive";

fn sql(i: usize) -> String {
    format!("sql-injection@app/views.py::find_{i}")
}

/// `breakwater triage` with a fixed date and no identity from the machine
/// it runs on (no global git config, no author variables).
fn triage_cmd(root: &Path, args: &[&str]) -> Command {
    let mut c = bin();
    c.arg("triage")
        .args(args)
        .current_dir(root)
        .env("BREAKWATER_TODAY", TODAY)
        .env("HOME", root.join(".no-home"))
        .env("XDG_CONFIG_HOME", root.join(".no-home"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_CONFIG_GLOBAL")
        .env_remove("GIT_AUTHOR_NAME")
        .env_remove("GIT_AUTHOR_EMAIL");
    c
}

fn triage(root: &Path, args: &[&str]) -> Output {
    triage_cmd(root, args).output().expect("breakwater runs")
}

fn model(root: &Path) -> bw_model::modelfile::ModelFile {
    let text = std::fs::read_to_string(root.join("breakwater.toml")).unwrap();
    bw_model::modelfile::ModelFile::parse("breakwater.toml", &text)
        .unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn current_threats(root: &Path) -> Vec<serde_json::Value> {
    let o = run(
        &["scan", ".", "--format", "json", "--include-potential"],
        root,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    report["threats"].as_array().unwrap().clone()
}

#[test]
fn triage_records_one_decision_and_keeps_the_file() {
    let dir = triage_repo();
    let root = dir.path();
    let mine = "# Our model file.\n[system]\nname = \"shop\"   # keep this comment\n\n[names]\n\"store:x\" = \"X\"\n";
    write(root, "breakwater.toml", mine);
    let o = triage_cmd(
        root,
        &[
            &sql(1),
            "--status",
            "mitigated",
            "--reason",
            "name is checked against an \"allow\" list: ünïcödé",
            "--ticket",
            "SEC-12",
            "--expires",
            "2027-03-01",
        ],
    )
    .env("GIT_AUTHOR_NAME", "Jane Doe")
    .env("GIT_AUTHOR_EMAIL", "jane@example.com")
    .output()
    .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(&format!("recorded mitigated: {}\n", sql(1))),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("1 decision (1 new) recorded in"));
    let text = std::fs::read_to_string(root.join("breakwater.toml")).unwrap();
    assert!(
        text.starts_with(mine),
        "the person's text is untouched:\n{text}"
    );
    let m = model(root);
    let d = &m.decisions[&sql(1)];
    let threats = current_threats(root);
    let t = threats.iter().find(|t| t["id"] == sql(1).as_str()).unwrap();
    assert_eq!(d.status, "mitigated");
    assert_eq!(
        d.reason,
        "name is checked against an \"allow\" list: ünïcödé"
    );
    assert_eq!(d.author, "Jane Doe <jane@example.com>");
    assert_eq!(d.date, TODAY);
    assert_eq!(d.fingerprint, t["fingerprint"].as_str().unwrap());
    assert_eq!(d.evidence, t["evidence"].as_str().unwrap());
    assert!(d.evidence.contains("cur.execute"), "{}", d.evidence);
    assert_eq!(d.ticket.as_deref(), Some("SEC-12"));
    assert_eq!(d.expires.as_deref(), Some("2027-03-01"));
    assert_eq!(m.system.name, "shop");
    // Re-triaging replaces the entry in place; other entries stay.
    let o = triage(root, &[&sql(0), "--status", "accepted", "--reason", "r0"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let before = std::fs::read_to_string(root.join("breakwater.toml")).unwrap();
    let o = triage(
        root,
        &[
            &sql(1),
            "--status",
            "false-positive",
            "--reason",
            "not reachable",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("replacing the earlier decision"));
    let after = std::fs::read_to_string(root.join("breakwater.toml")).unwrap();
    let header = format!("[decisions.\"{}\"]", sql(1));
    assert_eq!(
        before[..before.find(&header).unwrap()],
        after[..after.find(&header).unwrap()]
    );
    let m = model(root);
    assert_eq!(m.decisions[&sql(1)].status, "false-positive");
    assert_eq!(m.decisions[&sql(1)].ticket, None);
    assert_eq!(m.decisions[&sql(0)].reason, "r0");
    assert_eq!(m.decisions[&sql(0)].author, "", "no identity configured");
    // The model file still reads for scan.
    let o = run(&["scan", ".", "--compact"], root);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn triage_author_comes_from_the_repository_git_config() {
    let dir = triage_repo();
    let root = dir.path();
    let init = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(init.status.success());
    write(
        root,
        ".git/config",
        "[core]\n\tbare = false\n[user]\n\tname = \"Repo User\"\n\temail = repo@example.com # work\n",
    );
    write(
        root,
        ".no-home/.gitconfig",
        "[user]\n\tname = Global User\n",
    );
    let o = triage(
        root,
        &[
            POTENTIAL,
            "--status",
            "transferred",
            "--reason",
            "the gateway audits",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains(&format!("recorded transferred: {POTENTIAL}")));
    let m = model(root);
    assert_eq!(
        m.decisions[POTENTIAL].author,
        "Repo User <repo@example.com>"
    );
    // --author wins.
    let o = triage(
        root,
        &[
            POTENTIAL,
            "--status",
            "transferred",
            "--reason",
            "r",
            "--author",
            "Sam <sam@example.com>",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        model(root).decisions[POTENTIAL].author,
        "Sam <sam@example.com>"
    );
}

#[test]
fn triage_in_bulk_by_rule_and_path() {
    let dir = triage_repo();
    let root = dir.path();
    let o = triage(
        root,
        &[
            "--rule",
            "sql-injection",
            "--path",
            "app",
            "--status",
            "accepted",
            "--reason",
            "internal tool",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).matches("recorded accepted: ").count(),
        6,
        "{}",
        stdout(&o)
    );
    let m = model(root);
    let ids: Vec<&String> = m.decisions.keys().collect();
    assert_eq!(
        ids,
        (0..6)
            .map(sql)
            .collect::<Vec<_>>()
            .iter()
            .collect::<Vec<_>>()
    );
    // One decision per threat, each with its own evidence; no wildcard entry.
    let fingerprints: std::collections::BTreeSet<&str> = m
        .decisions
        .values()
        .map(|d| d.fingerprint.as_str())
        .collect();
    assert_eq!(fingerprints.len(), 6);
    let o = triage(
        root,
        &[
            "--path",
            "tools/*.py",
            "--status",
            "mitigated",
            "--reason",
            "admins only",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        model(root).decisions["sql-injection@tools/admin.py::admin_find"].status,
        "mitigated"
    );
    assert_eq!(model(root).decisions.len(), 7);
    // A rule alone, and the file stays sorted by id.
    let o = triage(
        root,
        &[
            "--rule",
            "debug-mode-enabled",
            "--status",
            "accepted",
            "--reason",
            "dev",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(root.join("breakwater.toml")).unwrap();
    let headers: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("[decisions."))
        .collect();
    let mut sorted = headers.clone();
    sorted.sort();
    assert_eq!(headers, sorted);
    assert_eq!(headers.len(), 8);
    // Filters that match nothing are an error.
    let o = triage(
        root,
        &["--path", "lib/**", "--status", "accepted", "--reason", "x"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no current threat matches --path lib/**"),
        "{}",
        stderr(&o)
    );
    let o = triage(
        root,
        &[
            "--rule",
            "sql-injektion",
            "--status",
            "accepted",
            "--reason",
            "x",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("sql-injection"), "{}", stderr(&o));
}

#[test]
fn triage_refuses_bad_input_and_writes_nothing() {
    let dir = triage_repo();
    let root = dir.path();
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "sql-injection@app/views.py::find_9",
                "--status",
                "accepted",
                "--reason",
                "x",
            ],
            "closest",
        ),
        (&[], "say which threats"),
        (
            &["--status", "accepted", "--reason", "x"],
            "say which threats",
        ),
        (&[&sql(1), "--status", "accepted"], "needs a reason"),
        (
            &[&sql(1), "--status", "accepted", "--reason", "   "],
            "needs a reason",
        ),
        (&[&sql(1), "--reason", "x"], "--status"),
        (
            &[&sql(1), "--status", "fixed", "--reason", "x"],
            "possible values",
        ),
        (
            &[
                &sql(1),
                "--status",
                "accepted",
                "--reason",
                "x",
                "--expires",
                "01/03/2027",
            ],
            "YYYY-MM-DD",
        ),
        (
            &[
                &sql(1),
                "--status",
                "accepted",
                "--reason",
                "x",
                "--expires",
                TODAY,
            ],
            "not in the future",
        ),
        (
            &[
                &sql(1),
                "--status",
                "accepted",
                "--reason",
                "x",
                "--expires",
                "2025-01-01",
            ],
            "not in the future",
        ),
        (
            &[&sql(1), "--remove", "--reason", "x"],
            "cannot be used with",
        ),
        (
            &["--path", "app/[", "--status", "accepted", "--reason", "x"],
            "not a valid glob",
        ),
    ];
    for (args, want) in cases {
        let o = triage(root, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(want), "{args:?}: {}", stderr(&o));
        assert!(!root.join("breakwater.toml").exists(), "{args:?}");
        assert!(!root.join(".breakwater").exists(), "{args:?}");
    }
    // The suggestions for an unknown id are the near ones.
    let o = triage(
        root,
        &[
            "sql-injection@app/views.py::find_9",
            "--status",
            "accepted",
            "--reason",
            "x",
        ],
    );
    let err = stderr(&o);
    assert!(err.contains("is not a current threat"), "{err}");
    assert_eq!(
        err.matches("sql-injection@app/views.py::find_").count(),
        6,
        "the id and five suggestions: {err}"
    );
    // A model file that does not parse is reported with its line and left alone.
    let broken =
        "[system]\nname = \"x\"\n\n[decisions.\"a@b::c\"]\nstatus = \"fixed\"\nreason = \"r\"\n";
    write(root, "breakwater.toml", broken);
    let o = triage(root, &[&sql(1), "--status", "accepted", "--reason", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("breakwater.toml:4"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(root.join("breakwater.toml")).unwrap(),
        broken
    );
    // Decisions written inline are refused with how to convert them.
    let inline = "[decisions]\n\"a@b::c\" = { status = \"accepted\", reason = \"r\" }\n";
    write(root, "breakwater.toml", inline);
    let o = triage(root, &[&sql(1), "--status", "accepted", "--reason", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("one [decisions.\"<threat id>\"] table per decision"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(root.join("breakwater.toml")).unwrap(),
        inline
    );
}

#[test]
fn triage_dry_run_writes_nothing() {
    let dir = triage_repo();
    let root = dir.path();
    let o = triage(
        root,
        &[
            &sql(2),
            "--status",
            "accepted",
            "--reason",
            "x",
            "--dry-run",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains(&format!("would record accepted: {}", sql(2))),
        "{out}"
    );
    assert!(
        out.contains(&format!("    [decisions.\"{}\"]", sql(2))),
        "{out}"
    );
    assert!(out.contains("nothing was written"), "{out}");
    assert!(!root.join("breakwater.toml").exists());
    assert!(!root.join(".breakwater").exists());
    let mine = "[system]\nname = \"x\"\n";
    write(root, "breakwater.toml", mine);
    let o = triage(
        root,
        &[
            "--rule",
            "sql-injection",
            "--status",
            "accepted",
            "--reason",
            "x",
            "--dry-run",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("7 decisions (7 new) would be recorded"),
        "{}",
        stdout(&o)
    );
    assert_eq!(
        std::fs::read_to_string(root.join("breakwater.toml")).unwrap(),
        mine
    );
}

#[test]
fn triage_remove() {
    let dir = triage_repo();
    let root = dir.path();
    let o = triage(
        root,
        &[
            "--rule",
            "sql-injection",
            "--status",
            "accepted",
            "--reason",
            "x",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A decision whose threat is gone can still be removed by its id.
    let gone = "sql-injection@deleted.py::old";
    let text = std::fs::read_to_string(root.join("breakwater.toml")).unwrap();
    write(
        root,
        "breakwater.toml",
        &format!("{text}\n[decisions.\"{gone}\"]\nstatus = \"accepted\"\nreason = \"old\"\n"),
    );
    let o = triage(root, &["--remove", &sql(3), gone]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(&format!("removed: {}\nremoved: {gone}\n", sql(3))),
        "{}",
        stdout(&o)
    );
    let m = model(root);
    assert!(!m.decisions.contains_key(&sql(3)) && !m.decisions.contains_key(gone));
    assert_eq!(m.decisions.len(), 6);
    // Dry run first, then by filter.
    let o = triage(root, &["--remove", "--path", "tools", "--dry-run"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("would remove: sql-injection@tools/admin.py::admin_find"));
    assert_eq!(model(root).decisions.len(), 6);
    let o = triage(
        root,
        &[
            "--remove",
            "--rule",
            "sql-injection",
            "--path",
            "app/views.py",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("5 decisions removed"), "{}", stdout(&o));
    assert_eq!(
        model(root).decisions.keys().collect::<Vec<_>>(),
        ["sql-injection@tools/admin.py::admin_find"]
    );
    // Nothing to remove is an error; an unknown id gets suggestions.
    let o = triage(root, &["--remove", &sql(3)]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let o = triage(
        root,
        &["--remove", "sql-injection@tools/admin.py::admin_fnd"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("sql-injection@tools/admin.py::admin_find"),
        "{}",
        stderr(&o)
    );
    let o = run(&["scan", ".", "--compact"], root);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn concurrent_triage_processes_lose_nothing() {
    let dir = triage_repo();
    let root = dir.path();
    let mine = "# Shared model file.\n[system]\nname = \"shop\"\n";
    write(root, "breakwater.toml", mine);
    let ids: Vec<String> = current_threats(root)
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 9);
    // Two rounds of four processes started together, each with its own
    // threats; the second round replaces what the first recorded.
    for (round, status) in [(0, "accepted"), (1, "mitigated")] {
        let children: Vec<_> = (0..4)
            .map(|p| {
                let mine: Vec<&str> = ids
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| i % 4 == p)
                    .map(|(_, id)| id.as_str())
                    .collect();
                let reason = format!("round {round} process {p}");
                let mut args = mine.clone();
                args.extend(["--status", status, "--reason", &reason]);
                triage_cmd(root, &args)
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for c in children {
            let o = c.wait_with_output().unwrap();
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        }
        let m = model(root);
        assert_eq!(
            m.decisions.len(),
            ids.len(),
            "round {round}: every decision is there"
        );
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(m.decisions[id].status, status);
            assert_eq!(
                m.decisions[id].reason,
                format!("round {round} process {}", i % 4)
            );
        }
    }
    let text = std::fs::read_to_string(root.join("breakwater.toml")).unwrap();
    assert!(text.starts_with(mine));
    let names: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(names.is_empty(), "no temporary files left: {names:?}");
}

fn run_with_default_cache(args: &[&str], cwd: &Path) -> Output {
    bin()
        .env_remove("BREAKWATER_CACHE_DIR")
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("breakwater runs")
}

fn cache_entries(dir: &Path) -> usize {
    let mut n = 0;
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if e.file_type().unwrap().is_dir() {
            n += cache_entries(&e.path());
        } else if e.path().extension().is_some_and(|x| x == "json") {
            n += 1;
        }
    }
    n
}

fn small_app(root: &Path) {
    write(
        root,
        "app.py",
        "import os\nfrom flask import Flask, request\napp = Flask(__name__)\n\n@app.route(\"/run\")\ndef run():\n    os.system(request.args.get(\"cmd\"))\n    return \"\"\n",
    );
    write(root, "util.py", "X = 1\n");
    write(root, "config/settings.json", "{\"debug\": false}\n");
}

#[test]
fn scan_caches_facts_under_the_root_by_default_and_no_cache_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    small_app(dir.path());
    let json = ["scan", ".", "--format", "json", "--no-gitignore"];
    let plain = run_with_default_cache(&[&json[..], &["--no-cache"]].concat(), dir.path());
    assert_eq!(plain.status.code(), Some(0), "{}", stderr(&plain));
    assert!(
        !dir.path().join(".breakwater").exists(),
        "--no-cache made a directory"
    );
    assert_eq!(stderr(&plain), "");

    let cold = run_with_default_cache(&json, dir.path());
    let cache = dir.path().join(".breakwater/cache");
    assert_eq!(
        std::fs::read_to_string(cache.join(".gitignore")).unwrap(),
        "*\n"
    );
    assert_eq!(cache_entries(&cache), 3);
    let warm = run_with_default_cache(&json, dir.path());
    // The cache changes no byte of the report, even with .gitignore off
    // (its entries are JSON files the walk would otherwise read).
    assert_eq!(stdout(&cold), stdout(&plain));
    assert_eq!(stdout(&warm), stdout(&plain));
    assert_eq!(stderr(&warm), "");
    assert!(stdout(&warm).contains("command-injection"));
}

#[test]
fn cache_dir_flag_and_environment_choose_the_location() {
    let dir = tempfile::tempdir().unwrap();
    small_app(dir.path());
    let elsewhere = tempfile::tempdir().unwrap();
    let flag_dir = elsewhere.path().join("by-flag");
    let o = run_with_default_cache(
        &[
            "scan",
            ".",
            "--format",
            "json",
            "--cache-dir",
            flag_dir.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(cache_entries(&flag_dir), 3);
    assert!(!dir.path().join(".breakwater").exists());

    let env_dir = elsewhere.path().join("by-env");
    let o = bin()
        .env("BREAKWATER_CACHE_DIR", &env_dir)
        .args(["scan", ".", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(cache_entries(&env_dir), 3);
    assert!(!dir.path().join(".breakwater").exists());

    // A cache directory inside the tree is never scanned, even without
    // .gitignore, and relative paths are taken from the working directory.
    let base = stdout(&run_with_default_cache(
        &[
            "scan",
            ".",
            "--format",
            "json",
            "--no-gitignore",
            "--no-cache",
        ],
        dir.path(),
    ));
    for _ in 0..2 {
        let o = run_with_default_cache(
            &[
                "scan",
                ".",
                "--format",
                "json",
                "--no-gitignore",
                "--cache-dir",
                "facts",
            ],
            dir.path(),
        );
        assert_eq!(stdout(&o), base, "{}", stderr(&o));
    }
    assert_eq!(cache_entries(&dir.path().join("facts")), 3);
}

#[test]
fn a_tracked_or_unwritable_cache_is_skipped_with_one_warning() {
    // The system is named after its directory: the same name in both.
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("app");
    small_app(&app);
    let base = stdout(&run_with_default_cache(
        &["scan", ".", "--format", "json", "--no-cache"],
        &app,
    ));
    let git = |args: &[&str]| {
        let o = Command::new("git")
            .args(args)
            .current_dir(&app)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
            .env("HOME", &app)
            .output()
            .unwrap();
        assert!(o.status.success(), "{o:?}");
    };
    git(&["init", "-q"]);
    run_with_default_cache(&["scan", "."], &app);
    git(&["add", "-f", ".breakwater/cache"]);
    let o = run_with_default_cache(&["scan", ".", "--format", "json"], &app);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), base);
    let warning = stderr(&o);
    assert_eq!(warning.lines().count(), 1, "{warning}");
    assert!(
        warning.starts_with("warning: ")
            && warning.contains(".breakwater/cache is tracked by git; ignoring it (a committed cache could plant results) — remove it with git rm -r --cached"),
        "{warning}"
    );

    // Not writable: `.breakwater` is a file.
    let other = tempfile::tempdir().unwrap();
    let app2 = other.path().join("app");
    small_app(&app2);
    write(&app2, ".breakwater", "");
    let o = run_with_default_cache(&["scan", ".", "--format", "json"], &app2);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), base);
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot write the facts cache"),
        "{}",
        stderr(&o)
    );
}
