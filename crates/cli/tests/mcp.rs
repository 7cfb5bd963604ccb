//! `breakwater mcp` driven by the MCP SDK's own client over stdio, as an
//! assistant would: every tool listed and called, the resources read, and
//! the answers checked against what the support-desk example is known to
//! hold. The server must write nothing in the tree but its facts cache.

mod common;

use rmcp::model::{CallToolRequestParams, CallToolResult, ReadResourceRequestParams};
use rmcp::service::RunningService;
use rmcp::transport::{ConfigureCommandExt, TokioChildProcess};
use rmcp::{RoleClient, ServiceExt};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every file under `dir` with the hash of its bytes, except the facts
/// cache (whose directory the first scan creates).
fn tree(dir: &Path) -> BTreeMap<String, u64> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, u64>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if rel == ".breakwater/cache" {
                continue;
            }
            if e.file_type().unwrap().is_dir() {
                walk(root, &e.path(), out);
            } else {
                use std::hash::{Hash, Hasher};
                let mut h = std::collections::hash_map::DefaultHasher::new();
                std::fs::read(e.path()).unwrap().hash(&mut h);
                out.insert(rel, h.finish());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn cache_entries(dir: &Path) -> usize {
    fn count(d: &Path) -> usize {
        std::fs::read_dir(d)
            .map(|rd| {
                rd.flatten()
                    .map(|e| {
                        if e.file_type().unwrap().is_dir() {
                            count(&e.path())
                        } else {
                            usize::from(e.path().extension().is_some_and(|x| x == "json"))
                        }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    count(&dir.join(".breakwater/cache"))
}

/// A copy of the support-desk example.
fn support_desk() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_app(
        &repo_root().join("examples/support-desk"),
        &dir.path().join("support-desk"),
    );
    dir
}

async fn connect(root: &Path, extra: &[&str]) -> RunningService<RoleClient, ()> {
    let transport = TokioChildProcess::new(
        tokio::process::Command::new(env!("CARGO_BIN_EXE_breakwater")).configure(|cmd| {
            cmd.arg("mcp").arg(root).args(extra).env("HOME", root);
        }),
    )
    .unwrap();
    ().serve(transport).await.unwrap()
}

async fn call(client: &RunningService<RoleClient, ()>, tool: &str, args: Value) -> CallToolResult {
    let mut p = CallToolRequestParams::new(tool.to_string());
    if let Value::Object(m) = args {
        p = p.with_arguments(m);
    }
    client.call_tool(p).await.unwrap()
}

/// The structured answer of a successful call.
fn ok(r: &CallToolResult) -> &Value {
    assert_eq!(r.is_error, Some(false), "{r:?}");
    r.structured_content.as_ref().expect("structured content")
}

fn first_text(r: &CallToolResult) -> String {
    r.content
        .first()
        .and_then(|c| c.as_text())
        .map(|t| t.text.clone())
        .unwrap_or_default()
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect()
}

fn bw(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_breakwater"))
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_tool_answers_from_the_model_and_nothing_is_written() {
    let dir = support_desk();
    let root = dir.path().join("support-desk");
    let before = tree(&root);
    let client = connect(&root, &[]).await;

    // Tools: exactly these, each with a schema for its input and its output.
    let tools = client.list_all_tools().await.unwrap();
    let mut names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "check_change",
            "explain_rule",
            "guardrails",
            "model_summary",
            "propose_threat",
            "threats_for"
        ]
    );
    for t in &tools {
        assert_eq!(
            t.input_schema.get("type"),
            Some(&json!("object")),
            "{}",
            t.name
        );
        assert!(t.output_schema.is_some(), "{}", t.name);
        let read_only = t.annotations.as_ref().and_then(|a| a.read_only_hint);
        assert_eq!(read_only, Some(true), "{}", t.name);
    }

    // model_summary: the elements the example is known to hold.
    let r = call(&client, "model_summary", json!({})).await;
    let m = ok(&r);
    assert_eq!(m["system"], "support-desk");
    let entry = |id: &str| {
        m["entry_points"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id)
            .unwrap_or_else(|| panic!("{id} in {:#}", m["entry_points"]))
            .clone()
    };
    assert_eq!(entry("route:GET /api/tickets/export")["auth"], "absent");
    let search = entry("route:GET /api/tickets/search");
    assert_eq!(search["auth"], "present");
    assert_eq!(search["controls"], json!(["login_required"]));
    assert_eq!(
        entry("route:GET /api/admin/stats")["controls"],
        json!(["admin_required", "login_required"])
    );
    let element_ids = |k: &str| ids(&m[k]);
    assert!(element_ids("stores").contains(&"store:sql".to_string()));
    assert!(element_ids("stores").contains(&"store:redis".to_string()));
    assert_eq!(element_ids("llm_providers"), ["llm:openai"]);
    assert_eq!(m["counts"]["auth_absent"], 1);
    assert!(
        first_text(&r).starts_with("System `support-desk`"),
        "{}",
        first_text(&r)
    );

    // threats_for: by file, by symbol, by element.
    let r = call(&client, "threats_for", json!({"path": "app/search.py"})).await;
    let a = ok(&r);
    let found = ids(&a["threats"]);
    assert!(
        found.contains(&"sql-injection@app/search.py::search_tickets".to_string()),
        "{found:?}"
    );
    let sqli = &a["threats"].as_array().unwrap()[found
        .iter()
        .position(|i| i == "sql-injection@app/search.py::search_tickets")
        .unwrap()];
    assert_eq!(sqli["status"], "open");
    assert_eq!(sqli["severity"], "high");
    assert_eq!(sqli["confidence"], "confirmed");
    // The source of that flow is in tickets.py: asking for tickets.py finds it too.
    let r = call(&client, "threats_for", json!({"path": "app/tickets.py"})).await;
    assert!(
        ids(&ok(&r)["threats"])
            .contains(&"sql-injection@app/search.py::search_tickets".to_string())
    );
    let r = call(
        &client,
        "threats_for",
        json!({"symbol": "fetch_attachment"}),
    )
    .await;
    let found = ids(&ok(&r)["threats"]);
    assert!(
        found.contains(&"server-side-request-forgery@app/tickets.py::fetch_attachment".to_string()),
        "{found:?}"
    );
    let r = call(
        &client,
        "threats_for",
        json!({"element": "route:GET /api/tickets/export"}),
    )
    .await;
    let a = ok(&r);
    assert!(
        ids(&a["threats"])
            .contains(&"missing-authentication@app/tickets.py::export_tickets".to_string())
    );
    assert_eq!(a["element"]["auth"], "absent");
    // A wrong element is the caller's error, with a hint.
    let r = call(
        &client,
        "threats_for",
        json!({"element": "route:GET /api/tickets/exprt"}),
    )
    .await;
    assert_eq!(r.is_error, Some(true));
    assert!(
        first_text(&r).contains("route:GET /api/tickets/export"),
        "{}",
        first_text(&r)
    );
    let r = call(&client, "threats_for", json!({})).await;
    assert_eq!(r.is_error, Some(true));

    // explain_rule: the same text as `breakwater explain`.
    let r = call(
        &client,
        "explain_rule",
        json!({"rule": "sql-injection@app/search.py::search_tickets"}),
    )
    .await;
    let d = ok(&r);
    let cli = bw(&root, &["explain", "sql-injection"]);
    assert_eq!(
        d["markdown"].as_str().unwrap(),
        String::from_utf8_lossy(&cli.stdout).trim_end()
    );
    assert_eq!(d["origin"], "builtin");
    let r = call(&client, "explain_rule", json!({"rule": "sql-injektion"})).await;
    assert_eq!(r.is_error, Some(true));

    // check_change: a diff that adds an injection is caught...
    let entries_before = cache_entries(&root);
    let admin = std::fs::read_to_string(root.join("app/admin.py")).unwrap();
    let n = admin.lines().count();
    // An import at the top and a new route at the end: two hunks.
    let diff = format!(
        "diff --git a/app/admin.py b/app/admin.py\n--- a/app/admin.py\n+++ b/app/admin.py\n@@ -1,2 +1,3 @@\n import json\n+import subprocess\n \n@@ -{n},0 +{m},6 @@\n+\n+\n+@bp.get(\"/ping\")\n+@login_required\n+def ping():\n+    return subprocess.run(\"ping -c1 \" + request.args[\"host\"], shell=True).stdout\n",
        m = n + 2,
    );
    let r = call(&client, "check_change", json!({"diff": diff})).await;
    let a = ok(&r);
    assert_eq!(a["clean"], false, "{a:#}");
    let rules: Vec<&str> = a["new_threats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"command-injection"), "{a:#}");
    assert!(
        a["new_threats"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["path"] == "app/admin.py")
    );
    assert_eq!(a["files"], json!(["app/admin.py"]));
    // ...a harmless one brings nothing...
    let harmless =
        "--- a/app/admin.py\n+++ b/app/admin.py\n@@ -1,1 +1,2 @@\n+# Admin views.\n import json\n";
    let r = call(&client, "check_change", json!({"diff": harmless})).await;
    let a = ok(&r);
    assert_eq!(a["clean"], true, "{a:#}");
    assert_eq!(a["new_threats"], json!([]));
    // ...a snippet appended to a file and a whole new file work the same way...
    let r = call(
        &client,
        "check_change",
        json!({"path": "app/reports.py", "content": "from flask import request\nimport os\n\n\ndef run():\n    os.system(\"report \" + request.args[\"name\"])\n"}),
    )
    .await;
    assert!(
        ok(&r)["new_threats"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["rule"] == "command-injection")
    );
    // ...a diff that does not apply says where...
    let r = call(
        &client,
        "check_change",
        json!({"diff": "--- a/app/admin.py\n+++ b/app/admin.py\n@@ -1,1 +1,1 @@\n-this line is not there\n+x = 1\n"}),
    )
    .await;
    assert_eq!(r.is_error, Some(true));
    assert!(
        first_text(&r).contains("app/admin.py: hunk 1"),
        "{}",
        first_text(&r)
    );
    // ...and nothing of it reached the disk, nor the facts cache.
    assert_eq!(
        std::fs::read_to_string(root.join("app/admin.py")).unwrap(),
        admin
    );
    assert!(!root.join("app/reports.py").exists());
    assert_eq!(cache_entries(&root), entries_before);

    // guardrails: the section `breakwater guardrails` writes.
    let r = call(&client, "guardrails", json!({"target": "claude"})).await;
    let g = ok(&r);
    assert_eq!(g["file"], "CLAUDE.md");
    let cli = bw(&root, &["guardrails", "--target", "claude", "--stdout"]);
    assert_eq!(
        g["markdown"].as_str().unwrap(),
        String::from_utf8_lossy(&cli.stdout)
    );
    let r = call(&client, "guardrails", json!({"target": "emacs"})).await;
    assert_eq!(r.is_error, Some(true));

    // propose_threat: the AI checks, the client's name as the proposer, nothing stored.
    let r = call(
        &client,
        "propose_threat",
        json!({
            "title": "Any signed-in user lists every customer's tickets",
            "stride": "information-disclosure",
            "cwe": [639],
            "impact": 3,
            "likelihood": 3,
            "path": "app/tickets.py",
            "start_line": 25,
            "quote": "query = select(Ticket).where(Ticket.status == status).order_by(Ticket.created_at.desc())",
            "rationale": "the list is not narrowed to the caller's tickets"
        }),
    )
    .await;
    let p = ok(&r);
    assert_eq!(p["verdict"], "admitted", "{p}");
    assert_eq!(p["stored"], false);
    let by = p["record_with"].as_str().unwrap();
    assert!(by.starts_with("breakwater ai propose FILE --by "), "{by}");
    let r = call(
        &client,
        "propose_threat",
        json!({
            "title": "Tickets are read by id without an ownership check",
            "stride": "elevation-of-privilege",
            "cwe": [639],
            "impact": 3,
            "likelihood": 3,
            "path": "app/tickets.py",
            "start_line": 66,
            "quote": "ticket = db.get_or_404(Ticket, ticket_id)",
            "rationale": "any signed-in user reads any ticket"
        }),
    )
    .await;
    let p = ok(&r);
    assert_eq!(p["verdict"], "rejected");
    assert!(
        p["reason"]
            .as_str()
            .unwrap()
            .contains("duplicate of the known threat insecure-direct-object-reference@app/tickets.py::get_ticket"),
        "{p}"
    );

    // Resources: the model and the threats as JSON, the guardrails as Markdown.
    let resources = client.list_all_resources().await.unwrap();
    let uris: Vec<&str> = resources.iter().map(|r| r.uri.as_str()).collect();
    assert_eq!(
        uris,
        [
            "breakwater://model",
            "breakwater://threats",
            "breakwater://guardrails"
        ]
    );
    let read = |uri: &'static str| {
        let client = &client;
        async move {
            let r = client
                .read_resource(ReadResourceRequestParams::new(uri))
                .await
                .unwrap();
            match &r.contents[0] {
                rmcp::model::ResourceContents::TextResourceContents { text, .. } => text.clone(),
                other => panic!("{other:?}"),
            }
        }
    };
    let model: Value = serde_json::from_str(&read("breakwater://model").await).unwrap();
    assert_eq!(model["name"], "support-desk");
    assert!(ids(&model["elements"]).contains(&"route:GET /api/tickets/export".to_string()));
    let threats: Value = serde_json::from_str(&read("breakwater://threats").await).unwrap();
    assert!(ids(&threats).contains(&"sql-injection@app/search.py::search_tickets".to_string()));
    assert!(
        read("breakwater://guardrails")
            .await
            .starts_with("<!-- breakwater:guardrails:start -->")
    );
    assert!(
        client
            .read_resource(ReadResourceRequestParams::new("breakwater://nothing"))
            .await
            .is_err()
    );

    client.cancel().await.unwrap();
    // Every file outside the facts cache is as it was: none added, none changed.
    assert_eq!(tree(&root), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_rescans_when_a_file_changes_and_writes_nothing_without_a_cache() {
    let dir = support_desk();
    let root = dir.path().join("support-desk");
    let before = tree(&root);
    let client = connect(&root, &["--no-cache"]).await;
    let r = call(&client, "threats_for", json!({"path": "app/export.py"})).await;
    assert_eq!(ok(&r)["threats"], json!([]));
    std::fs::write(
        root.join("app/export.py"),
        "from flask import Blueprint, request\nimport subprocess\n\nexport_bp = Blueprint(\"export\", __name__)\n\n\n@export_bp.route(\"/export/run\")\ndef run_export():\n    return subprocess.run(\"export \" + request.args[\"what\"], shell=True).stdout\n",
    )
    .unwrap();
    let r = call(&client, "threats_for", json!({"path": "app/export.py"})).await;
    let rules: Vec<String> = ok(&r)["threats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["rule"].as_str().unwrap().to_string())
        .collect();
    assert!(
        rules.contains(&"command-injection".to_string()),
        "{rules:?}"
    );
    client.cancel().await.unwrap();
    let mut after = tree(&root);
    after.remove("app/export.py");
    // No cache directory, no other file: the only change is the test's own.
    assert_eq!(after, before);
}

/// A line that is not JSON gets JSON-RPC's parse error (-32700, id null),
/// and the server goes on: the next request is answered.
#[test]
fn a_malformed_line_gets_a_parse_error_and_the_server_goes_on() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.py"), "print('hi')\n").unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_breakwater"))
        .args(["mcp", "--no-cache"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    // Lines are read on a thread, so an unanswered line fails the test
    // (after a generous bound) instead of hanging it.
    let (tx, rx) = std::sync::mpsc::channel();
    let output = BufReader::new(child.stdout.take().unwrap());
    std::thread::spawn(move || {
        for line in output.lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let next = || {
        let line = rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the server answers the line");
        serde_json::from_str::<serde_json::Value>(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"))
    };
    input.write_all(b"this is not json\n").unwrap();
    input.flush().unwrap();
    let reply = next();
    assert_eq!(reply["error"]["code"], -32700, "{reply}");
    assert_eq!(reply["id"], serde_json::Value::Null);
    input
        .write_all(b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\n")
        .unwrap();
    input.flush().unwrap();
    assert_eq!(next()["error"]["code"], -32700);
    let init = serde_json::json!({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": { "name": "test", "version": "1" }
        }
    });
    input.write_all(format!("{init}\n").as_bytes()).unwrap();
    input.flush().unwrap();
    let reply = next();
    assert_eq!(reply["id"], 1, "{reply}");
    assert!(reply["result"]["serverInfo"].is_object(), "{reply}");
    drop(input);
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}

/// The line saying what is served goes to stderr, and `-q` silences it (a
/// client that shows the server's stderr shows no chatter then). Stdin is
/// empty, so the server ends as soon as it has started (saying that no
/// client initialised the session: an error, which `-q` never hides).
#[test]
fn quiet_silences_the_startup_line() {
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.py"), "print('hi')\n").unwrap();
    let run = |quiet: bool| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_breakwater"));
        if quiet {
            cmd.arg("-q");
        }
        cmd.args(["mcp", "--no-cache"])
            .current_dir(dir.path())
            .env("HOME", dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let loud = run(false);
    let stderr = String::from_utf8_lossy(&loud.stderr);
    assert!(stderr.contains("serving on stdio"), "{stderr}");
    let quiet = run(true);
    assert!(quiet.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&quiet.stderr);
    assert!(!stderr.contains("serving on stdio"), "-q mcp: {stderr}");
}
