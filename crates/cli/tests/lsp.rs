//! `breakwater lsp` end to end: a test client speaks JSON-RPC (with
//! Content-Length framing) to the real binary over stdio, on a temporary
//! copy of a small Flask app with one SQL injection.
//!
//! The scenario of issue 5: initialize, open the handler, receive the
//! diagnostic, hover it, run its code action (refused without a reason,
//! then with one), see breakwater.toml change on disk exactly as
//! `breakwater triage` changes it and the diagnostic disappear; edit the
//! decided code (unsaved) and see it come back as stale; type a new
//! injection (unsaved: the file on disk stays as it was) and see a new
//! diagnostic; break the model file's syntax and see the error on its line;
//! shut down. Once with the default position encoding (UTF-16), once with
//! UTF-8 — the line of the finding has an emoji and CJK before it; the
//! second run also closes an edited buffer unsaved (the disk applies
//! again), creates a file the file watcher reports, and records a decision
//! with `breakwater triage` in a terminal, which the server picks up.

mod common;
#[path = "common/lsp_client.rs"]
mod lsp_client;

use lsp_client::{Client, TODAY, env, file_uri};

use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const SQL_ID: &str = "sql-injection@shop/views.py::products";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lsp/flask_app")
}

/// A temporary copy of the fixture app (canonical path: the server
/// resolves links in its root).
fn app() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap().join("app");
    common::copy_app(&fixture(), &root);
    (dir, root)
}

/// The protocol column of a 1-based scalar column in `line`.
fn column(line: &str, col: usize, utf8: bool) -> u64 {
    line.chars()
        .take(col - 1)
        .map(|c| if utf8 { c.len_utf8() } else { c.len_utf16() })
        .sum::<usize>() as u64
}

fn line_of(text: &str, needle: &str) -> (usize, &'static str) {
    let (i, l) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle}"));
    (i, Box::leak(l.to_string().into_boxed_str()))
}

fn sql_diagnostics(d: &[Value]) -> Vec<&Value> {
    d.iter().filter(|d| d["code"] == "sql-injection").collect()
}

#[test]
fn the_whole_scenario_in_utf16() {
    let (_dir, root) = app();
    let views_path = root.join("shop/views.py");
    let views = std::fs::read_to_string(&views_path).unwrap();
    let views_uri = file_uri(&views_path);
    let model_path = root.join("breakwater.toml");
    let model_uri = file_uri(&model_path);

    let mut c = Client::start(&root);
    // No position encodings offered: UTF-16.
    let init = c.initialize(
        &root,
        json!({"textDocument": {"hover": {"contentFormat": ["markdown"]}}}),
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16", "{init}");
    assert_eq!(init["serverInfo"]["name"], "breakwater");
    assert_eq!(
        init["capabilities"]["executeCommandProvider"]["commands"],
        json!(["breakwater.recordDecision"])
    );
    c.open(&views_uri, "python", &views);

    // One diagnostic, on the call that builds the query, after the emoji and CJK.
    let d = c.wait_for(&views_uri, "the SQL injection", |d| {
        sql_diagnostics(d).len() == 1
    });
    assert_eq!(d.len(), 1, "{d:#?}");
    let diag = d[0].clone();
    let (n, line) = line_of(
        &views,
        "db().execute(\"SELECT id, name FROM products WHERE name LIKE",
    );
    let col = line
        .find("db()")
        .map(|b| line[..b].chars().count() + 1)
        .unwrap();
    assert_eq!(
        diag["range"]["start"],
        json!({"line": n, "character": column(line, col, false)})
    );
    assert_eq!(
        column(line, col, false),
        col as u64,
        "one extra UTF-16 unit for the emoji"
    );
    assert_eq!(diag["severity"], 1, "high is an error");
    assert_eq!(diag["source"], "breakwater");
    assert!(diag.get("codeDescription").is_none());
    let message = diag["message"].as_str().unwrap();
    assert!(
        message.starts_with("SQL query built from untrusted input: ")
            && message.ends_with(&format!("[{SQL_ID}]")),
        "{message}"
    );
    let related = diag["relatedInformation"].as_array().unwrap();
    let (src_line, _) = line_of(&views, "request.args.get(\"q\"");
    assert!(
        related.iter().any(|r| r["message"]
            .as_str()
            .unwrap()
            .starts_with("source: request.args.get")
            && r["location"]["uri"] == views_uri.as_str()
            && r["location"]["range"]["start"]["line"] == json!(src_line)),
        "{related:#?}"
    );

    // Hover: the rule, the severity and why, the attacker's story, the fix.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": views_uri}, "position": diag["range"]["start"]}),
    );
    let md = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    for want in [
        "SQL query built from untrusted input",
        "**Severity:** high",
        "**How an attacker breaks it.**",
        "**How to fix it (Flask).**",
        SQL_ID,
    ] {
        assert!(md.contains(want), "hover lacks {want:?}:\n{md}");
    }
    assert_eq!(hover["result"]["contents"]["kind"], "markdown");
    assert_eq!(hover["result"]["range"], diag["range"]);
    // Nothing to say elsewhere.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": views_uri}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(hover["result"], Value::Null, "{hover}");

    // Code actions on the diagnostic: the three decisions.
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": views_uri}, "range": diag["range"], "context": {"diagnostics": [diag]}}),
    );
    let actions = actions["result"].as_array().unwrap().clone();
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "breakwater: mark mitigated…",
            "breakwater: mark accepted…",
            "breakwater: mark false positive…"
        ]
    );
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["diagnostics"][0]["range"], diag["range"]);
    let command = actions[0]["command"].clone();
    assert_eq!(command["command"], "breakwater.recordDecision");
    assert_eq!(
        command["arguments"],
        json!([{"id": SQL_ID, "status": "mitigated"}])
    );

    // Without a reason: refused, nothing written.
    let refused = c.request("workspace/executeCommand", command.clone());
    let err = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(err.contains("a decision needs a reason"), "{refused}");
    assert!(err.contains("breakwater triage"), "{err}");
    assert!(!model_path.exists());

    // With the reason the editor prompted for: written as triage writes it.
    let reason = "the term is matched against an allow-list in the gateway";
    let mut args = command["arguments"][0].clone();
    args["reason"] = json!(reason);
    let done = c.request(
        "workspace/executeCommand",
        json!({"command": "breakwater.recordDecision", "arguments": [args]}),
    );
    assert_eq!(done["result"]["change"], "added", "{done}");
    let written = std::fs::read_to_string(&model_path).unwrap();
    let (_cli_dir, cli_root) = app();
    let out = env(&mut Command::new(env!("CARGO_BIN_EXE_breakwater")))
        .args([
            "triage",
            SQL_ID,
            "--status",
            "mitigated",
            "--reason",
            reason,
            "--no-cache",
            "-C",
        ])
        .arg(&cli_root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        written,
        std::fs::read_to_string(cli_root.join("breakwater.toml")).unwrap(),
        "the editor writes the decision exactly as breakwater triage does"
    );
    for want in [
        format!("[decisions.\"{SQL_ID}\"]"),
        "status = \"mitigated\"".into(),
        "author = \"Test User <test@example.com>\"".into(),
        format!("date = \"{TODAY}\""),
        "fingerprint = ".into(),
    ] {
        assert!(written.contains(&want), "{want} not in\n{written}");
    }
    // The diagnostic is gone: the threat is decided.
    c.wait_for(&views_uri, "no diagnostics once decided", |d| d.is_empty());

    // Edit the decided code, unsaved: the decision is stale, the threat back.
    let mut text = views.clone();
    let at = line.find("name FROM products WHERE name LIKE").unwrap() + "name".len();
    let pos = json!({"line": n, "character": column(line, line[..at].chars().count() + 1, false)});
    c.change(
        &views_uri,
        2,
        json!([{"range": {"start": pos, "end": pos}, "text": ", price"}]),
    );
    text = text.replacen(
        "SELECT id, name FROM products WHERE name LIKE",
        "SELECT id, name, price FROM products WHERE name LIKE",
        1,
    );
    let d = c.wait_for(&views_uri, "a stale decision", |d| {
        d.iter()
            .any(|x| x["message"].as_str().unwrap_or("").contains("is stale"))
    });
    assert_eq!(d.len(), 1, "{d:#?}");
    let stale = d[0]["message"].as_str().unwrap();
    assert!(
        stale.starts_with(&format!("decision mitigated (Test User <test@example.com>, {TODAY}) is stale: the code changed since")),
        "{stale}"
    );
    assert!(stale.ends_with(&format!("[{SQL_ID}]")), "{stale}");
    // The model file says so on the decision's header line.
    let m = c.wait_for(&model_uri, "the stale decision in the model file", |d| {
        !d.is_empty()
    });
    let header = written
        .lines()
        .position(|l| l.starts_with("[decisions."))
        .unwrap();
    assert_eq!(m[0]["range"]["start"]["line"], json!(header), "{m:#?}");
    assert_eq!(m[0]["severity"], 2);
    assert!(
        m[0]["message"].as_str().unwrap().contains("is stale"),
        "{m:#?}"
    );

    // Type a new injection into another handler, unsaved.
    let (h, health) = line_of(&text, "return \"ok\"");
    let start = json!({"line": h, "character": 0});
    let new_code = "    name = request.args.get(\"name\", \"\")\n    db().execute(\"DELETE FROM sessions WHERE user = '\" + name + \"'\")\n";
    c.change(
        &views_uri,
        3,
        json!([{"range": {"start": start, "end": start}, "text": new_code}]),
    );
    let _ = health;
    let d = c.wait_for(&views_uri, "the new injection", |d| {
        sql_diagnostics(d).len() == 2
    });
    let new = d
        .iter()
        .find(|x| {
            x["message"]
                .as_str()
                .unwrap()
                .ends_with("[sql-injection@shop/views.py::health]")
        })
        .unwrap_or_else(|| panic!("{d:#?}"));
    assert_eq!(new["range"]["start"]["line"], json!(h + 1), "{new}");
    assert_eq!(
        std::fs::read_to_string(&views_path).unwrap(),
        views,
        "unsaved edits never touch the file"
    );

    // The model file, opened and broken: the error on its line.
    c.open(&model_uri, "toml", &written);
    let broken_line = written.lines().count();
    let end = json!({"line": broken_line, "character": 0});
    c.change(
        &model_uri,
        2,
        json!([{"range": {"start": end, "end": end}, "text": "\n[owners\n"}]),
    );
    let m = c.wait_for(&model_uri, "the syntax error", |d| {
        d.iter().any(|x| x["severity"] == 1)
    });
    let e = m.iter().find(|x| x["severity"] == 1).unwrap();
    assert_eq!(
        e["range"]["start"]["line"],
        json!(broken_line + 1),
        "{m:#?}"
    );
    assert_eq!(e["code"], "model-file");
    // While it does not parse, the last model that did still applies.
    assert_eq!(sql_diagnostics(&c.diagnostics[&views_uri]).len(), 2);

    c.shutdown();
}

#[test]
fn utf8_closed_buffers_new_files_and_a_decision_from_a_terminal() {
    let (_dir, root) = app();
    let views_path = root.join("shop/views.py");
    let views = std::fs::read_to_string(&views_path).unwrap();
    let views_uri = file_uri(&views_path);

    let mut c = Client::start(&root);
    let init = c.initialize(
        &root,
        json!({
            "general": {"positionEncodings": ["utf-8", "utf-16"]},
            "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}},
        }),
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8", "{init}");
    // Diagnostics come for every file with threats, open or not.
    let d = c.wait_for(&views_uri, "the SQL injection", |d| d.len() == 1);
    let (n, line) = line_of(
        &views,
        "db().execute(\"SELECT id, name FROM products WHERE name LIKE",
    );
    let byte = line.find("db()").unwrap();
    let col = line[..byte].chars().count() + 1;
    assert_eq!(column(line, col, true), byte as u64);
    assert_eq!(
        d[0]["range"]["start"],
        json!({"line": n, "character": byte}),
        "a UTF-8 column is a byte offset: 4 for the emoji, 3 for each CJK character"
    );
    // A hover inside the range, in UTF-8 columns.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": views_uri}, "position": {"line": n, "character": byte + 2}}),
    );
    assert_eq!(hover["result"]["range"], d[0]["range"], "{hover}");

    // A whole-text change (no range) with a second injection, then closed
    // without saving: the file on disk applies again.
    c.open(&views_uri, "python", &views);
    let edited = views.replace(
        "    return \"ok\"\n",
        "    who = request.args.get(\"who\", \"\")\n    db().execute(\"DELETE FROM sessions WHERE user = '\" + who + \"'\")\n    return \"ok\"\n",
    );
    assert_ne!(edited, views);
    c.change(&views_uri, 2, json!([{"text": edited}]));
    c.wait_for(&views_uri, "the unsaved injection", |d| d.len() == 2);
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": views_uri}}),
    );
    c.wait_for(&views_uri, "the file on disk again", |d| d.len() == 1);

    // A file created on disk, announced by the watcher the server registered.
    assert!(
        c.log
            .iter()
            .any(|m| m["method"] == "client/registerCapability"
                && m["params"]["registrations"][0]["method"] == "workspace/didChangeWatchedFiles"),
        "no watcher registration"
    );
    let admin_path = root.join("shop/admin.py");
    std::fs::write(
        &admin_path,
        "from flask import request\n\nfrom .views import bp, db\n\n\n@bp.get(\"/lookup\")\ndef lookup():\n    q = request.args.get(\"q\", \"\")\n    return str(db().execute(\"SELECT * FROM users WHERE name = '\" + q + \"'\").fetchall())\n",
    )
    .unwrap();
    let admin_uri = file_uri(&admin_path);
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": admin_uri, "type": 1}]}),
    );
    c.wait_for(&admin_uri, "the new file's injection", |d| {
        sql_diagnostics(d).len() == 1
    });

    // `breakwater triage` in a terminal: the editor sees the model file change.
    let out = env(&mut Command::new(env!("CARGO_BIN_EXE_breakwater")))
        .args([
            "triage",
            SQL_ID,
            "--status",
            "accepted",
            "--reason",
            "internal tool, never deployed",
            "-C",
        ])
        .arg(&root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Any message makes the server look again; a hover is one.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": views_uri}, "position": {"line": n, "character": byte}}),
    );
    assert_eq!(hover["result"], Value::Null, "decided: no hover, {hover}");
    c.wait_for(&views_uri, "no diagnostics once decided", |d| d.is_empty());
    c.shutdown();
}

/// A client's bug (or a stray write to the server's stdin) is answered and
/// skipped, not the end of the session.
#[test]
fn bad_messages_are_answered_and_skipped() {
    let (_dir, root) = app();
    let views_uri = file_uri(&root.join("shop/views.py"));
    let mut c = Client::start(&root);
    c.initialize(&root, json!({}));
    c.send_raw(b"{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ");
    c.send_raw(br#"{"jsonrpc": "2.0", "id": "x", "method": 42}"#);
    let hover_at_0 =
        json!({"textDocument": {"uri": views_uri}, "position": {"line": 0, "character": 0}});
    let hover = c.request_within(
        "textDocument/hover",
        hover_at_0.clone(),
        Duration::from_secs(20),
    );
    assert_eq!(hover["result"], Value::Null, "{hover}");
    // The garbage was answered: a parse error, and an invalid request under its id.
    let errors: Vec<&Value> = c
        .responses
        .iter()
        .filter(|m| m.get("error").is_some())
        .collect();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_eq!(errors[0]["id"], Value::Null, "{errors:#?}");
    assert_eq!(errors[0]["error"]["code"], -32700, "{errors:#?}");
    assert_eq!(errors[1]["id"], "x", "{errors:#?}");
    assert_eq!(errors[1]["error"]["code"], -32600, "{errors:#?}");
    c.shutdown();
}

/// After `shutdown` requests are refused and notifications dropped until
/// `exit`, which ends the session with 0 (`lsp-server`'s own handling
/// took any message there for a protocol error: exit code 1).
#[test]
fn messages_between_shutdown_and_exit() {
    let (_dir, root) = app();
    let views_uri = file_uri(&root.join("shop/views.py"));
    let mut c = Client::start(&root);
    c.initialize(&root, json!({}));
    let hover_at_0 =
        json!({"textDocument": {"uri": views_uri}, "position": {"line": 0, "character": 0}});
    let r = c.request("shutdown", Value::Null);
    assert_eq!(r["result"], Value::Null, "{r}");
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": views_uri}}),
    );
    let late = c.request_within("textDocument/hover", hover_at_0, Duration::from_secs(20));
    assert_eq!(late["error"]["code"], -32600, "{late}");
    c.notify("exit", Value::Null);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = c.child.try_wait().unwrap() {
            assert!(status.success(), "breakwater lsp exited with {status}");
            break;
        }
        assert!(Instant::now() < deadline, "breakwater lsp did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Paths the client names are read only inside the tree and never through
/// a link: a URI that climbs out with `..`, or one through a link to a
/// directory outside. Each names a FIFO: reading it would block the server.
#[cfg(unix)]
#[test]
fn nothing_outside_the_tree_is_read() {
    let (dir, root) = app();
    let outside = dir.path().canonicalize().unwrap().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let fifo = outside.join("pipe.py");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    std::os::unix::fs::symlink(&outside, root.join("shop/linked")).unwrap();
    let mut c = Client::start(&root);
    c.initialize(&root, json!({}));
    for uri in [
        format!("{}/../outside/pipe.py", file_uri(&root)),
        file_uri(&root.join("shop/linked/pipe.py")),
    ] {
        for (method, params) in [
            (
                "textDocument/hover",
                json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
            ),
            (
                "textDocument/codeAction",
                json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}}),
            ),
        ] {
            let r = c.request_within(method, params, Duration::from_secs(10));
            assert!(r.get("error").is_none(), "{r}");
            assert!(
                r["result"].is_null() || r["result"] == json!([]),
                "{method} {uri}: {r}"
            );
        }
    }
    c.shutdown();
}

/// A decision is never written over unsaved changes to the model file: the
/// server refuses and says to save; once saved, the decision is added and
/// the person's text (a comment here) kept.
#[test]
fn an_unsaved_model_file_is_not_overwritten_and_a_byte_order_mark_is_not_a_change() {
    let (_dir, root) = app();
    let model_path = root.join("breakwater.toml");
    let model_uri = file_uri(&model_path);
    let mut c = Client::start(&root);
    c.initialize(&root, json!({}));
    let notes = "# Reviewed with the platform team.\n[system]\nname = \"shop\"\n";
    c.open(&model_uri, "toml", notes);
    let record = json!({"command": "breakwater.recordDecision", "arguments": [{
        "id": SQL_ID, "status": "accepted", "reason": "internal tool, never deployed"
    }]});
    let refused = c.request("workspace/executeCommand", record.clone());
    let err = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(
        err.contains("breakwater.toml has unsaved changes: save it"),
        "{refused}"
    );
    assert!(!model_path.exists(), "nothing written");

    std::fs::write(&model_path, notes).unwrap();
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": model_uri}}),
    );
    let done = c.request("workspace/executeCommand", record);
    assert_eq!(done["result"]["change"], "added", "{done}");
    let written = std::fs::read_to_string(&model_path).unwrap();
    assert!(written.starts_with(notes), "{written}");
    assert!(
        written.contains(&format!("[decisions.\"{SQL_ID}\"]")),
        "{written}"
    );

    // A file with a byte-order mark: the editor shows it without one, and
    // that buffer is the file as saved; the mark is kept on writing.
    std::fs::write(&model_path, format!("\u{feff}{written}")).unwrap();
    c.change(&model_uri, 2, json!([{ "text": written }]));
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": model_uri}}),
    );
    let again = c.request(
        "workspace/executeCommand",
        json!({"command": "breakwater.recordDecision", "arguments": [{
            "id": SQL_ID, "status": "mitigated", "reason": "queries go through the ORM now"
        }]}),
    );
    assert_eq!(again["result"]["change"], "replaced", "{again}");
    let rewritten = std::fs::read_to_string(&model_path).unwrap();
    assert!(
        rewritten.starts_with(&format!("\u{feff}{notes}")),
        "{rewritten:?}"
    );
    assert!(rewritten.contains("status = \"mitigated\""), "{rewritten}");
    c.shutdown();
}

/// A burst of edits (and a settings change among them) costs fewer
/// analyses than edits, and every diagnostic published carries positions for
/// the version it names: each edit adds a line above the finding.
#[test]
fn a_burst_of_edits_is_analysed_once_and_published_consistently() {
    let (_dir, root) = app();
    let views_path = root.join("shop/views.py");
    let views = std::fs::read_to_string(&views_path).unwrap();
    let views_uri = file_uri(&views_path);
    let (n, _) = line_of(
        &views,
        "db().execute(\"SELECT id, name FROM products WHERE name LIKE",
    );
    let mut c = Client::start(&root);
    c.initialize(&root, json!({}));
    c.open(&views_uri, "python", &views);
    c.wait_for(&views_uri, "the SQL injection", |d| {
        sql_diagnostics(d).len() == 1
    });
    let before = c.log.len();
    const EDITS: i64 = 40;
    let mut burst = vec![];
    for v in 2..=EDITS + 1 {
        let at = json!({"line": 0, "character": 0});
        burst.push(
            json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": views_uri, "version": v},
                "contentChanges": [{"range": {"start": at, "end": at}, "text": "\n"}],
            }}),
        );
        if v == EDITS / 2 {
            burst.push(
                json!({"jsonrpc": "2.0", "method": "workspace/didChangeConfiguration",
                "params": {"settings": {"breakwater": {"includePotential": true}}}}),
            );
        }
    }
    let bytes: Vec<u8> = burst
        .iter()
        .flat_map(|m| {
            let body = serde_json::to_vec(m).unwrap();
            let mut f = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
            f.extend(body);
            f
        })
        .collect();
    c.stdin.write_all(&bytes).unwrap();
    c.stdin.flush().unwrap();
    let last = EDITS + 1;
    let deadline = Instant::now() + Duration::from_secs(60);
    let published = |c: &Client| -> Vec<Value> {
        c.log[before..]
            .iter()
            .filter(|m| {
                m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == views_uri
            })
            .map(|m| m["params"].clone())
            .collect()
    };
    while !published(&c).iter().any(|p| p["version"] == last) {
        c.next(deadline);
    }
    let published = published(&c);
    for p in &published {
        let v = p["version"].as_i64().unwrap();
        let d = p["diagnostics"].as_array().unwrap();
        let sql = sql_diagnostics(d);
        assert_eq!(sql.len(), 1, "{p:#}");
        assert_eq!(
            sql[0]["range"]["start"]["line"],
            json!(n as i64 + v - 1),
            "version {v} published with another version's positions"
        );
    }
    assert!(
        (published.len() as i64) < EDITS,
        "{} publications for {EDITS} edits: one analysis per message",
        published.len()
    );
    c.shutdown();
}

/// An editor opened on a sub-folder analyses the model root above it: the
/// ids (and so the decisions) are the ones `breakwater scan` shows.
#[test]
fn an_editor_opened_on_a_sub_folder_uses_the_model_root() {
    let (_dir, root) = app();
    std::fs::write(root.join("breakwater.toml"), "[system]\nname = \"app\"\n").unwrap();
    let shop = root.join("shop");
    let views_uri = file_uri(&shop.join("views.py"));
    let mut c = Client::start(&shop);
    c.initialize(&shop, json!({}));
    let d = c.wait_for(&views_uri, "the SQL injection", |d| d.len() == 1);
    assert_eq!(d[0]["data"]["id"], SQL_ID, "{d:#?}");
    c.shutdown();
}

/// A JSON-RPC batch is not part of LSP: each request in it is answered
/// with an error (one array, as JSON-RPC answers a batch), and the server
/// goes on.
#[test]
fn a_batch_is_answered_not_left_waiting() {
    let (_dir, root) = app();
    let mut c = Client::start(&root);
    c.initialize(&root, json!({}));
    c.send_raw(
        br#"[{"jsonrpc":"2.0","id":900,"method":"textDocument/hover","params":{}},{"jsonrpc":"2.0","id":901,"method":"shutdown"}]"#,
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    let answers = loop {
        let m = c.next(deadline);
        if let Some(a) = m.as_array() {
            break a.clone();
        }
    };
    let ids: Vec<&Value> = answers.iter().map(|a| &a["id"]).collect();
    assert_eq!(ids, [&json!(900), &json!(901)]);
    assert!(answers.iter().all(|a| a["error"]["code"] == -32600));
    c.shutdown();
}
