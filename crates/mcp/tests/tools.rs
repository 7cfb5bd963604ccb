//! The tools' answers over a small repository on disk, without a
//! transport: what matches a path, a symbol, an element; how a change is
//! checked; when the project scans again.

use bw_engine::WalkOptions;
use bw_mcp::tools::{self, CheckChangeInput, ExplainRuleInput, GuardrailsInput, ThreatsForInput};
use bw_mcp::{Project, ProjectOptions};
use std::path::Path;

const VIEWS: &str = "from flask import Flask, request\nfrom flask_login import login_required\nimport sqlite3\n\nfrom .db import run_query\n\napp = Flask(__name__)\n\n\n@app.route(\"/users\")\n@login_required\ndef users():\n    return run_query(request.args.get(\"name\"))\n\n\n@app.route(\"/orders\")\n@login_required\ndef orders():\n    return \"orders\"\n\n\n@app.route(\"/admin/export\")\ndef export():\n    return \"everything\"\n";

const DB: &str = "import sqlite3\n\n\nclass Store:\n    def find(self, name):\n        db = sqlite3.connect(\"app.db\")\n        return db.execute(\"SELECT * FROM users WHERE name = '\" + name + \"'\").fetchall()\n\n\ndef run_query(name):\n    return Store().find(name)\n";

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn project() -> (tempfile::TempDir, Project) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app/__init__.py", "");
    write(dir.path(), "app/views.py", VIEWS);
    write(dir.path(), "app/db.py", DB);
    let p = Project::new(ProjectOptions {
        root: dir.path().to_path_buf(),
        walk: WalkOptions::default(),
        cache: None,
        threads: Some(1),
        name: "shop".into(),
    });
    (dir, p)
}

fn ids(a: &tools::ThreatsForAnswer) -> Vec<&str> {
    a.threats.iter().map(|t| t.id.as_str()).collect()
}

#[test]
fn threats_are_found_by_file_directory_symbol_and_element() {
    let (_dir, p) = project();
    let s = p.current().unwrap();
    let sqli = "sql-injection@app/db.py::Store.find";
    let q = |path: Option<&str>, symbol: Option<&str>, element: Option<&str>| ThreatsForInput {
        path: path.map(Into::into),
        symbol: symbol.map(Into::into),
        element: element.map(Into::into),
        ..Default::default()
    };
    // The sink's file, the source's file (through the flow), a directory.
    for path in ["app/db.py", "app/views.py", "app/", "./app"] {
        let a = tools::threats_for(&s, &q(Some(path), None, None)).unwrap();
        assert!(ids(&a).contains(&sqli), "{path}: {:?}", ids(&a));
    }
    let a = tools::threats_for(&s, &q(Some("app/__init__.py"), None, None)).unwrap();
    assert!(a.threats.is_empty());
    // A method by its short name, its qualified name, or path::symbol.
    for symbol in [
        "find",
        "Store.find",
        "app/db.py::find",
        "app/db.py::Store.find",
    ] {
        let a = tools::threats_for(&s, &q(None, Some(symbol), None)).unwrap();
        assert_eq!(ids(&a), [sqli], "{symbol}");
    }
    let a = tools::threats_for(&s, &q(Some("app/views.py"), Some("find"), None)).unwrap();
    assert_eq!(ids(&a), [sqli], "both filters apply");
    // An entry point's threats are those of its handler.
    let a = tools::threats_for(&s, &q(None, None, Some("route:GET /admin/export"))).unwrap();
    let rules: Vec<&str> = a.threats.iter().map(|t| t.rule.as_str()).collect();
    assert!(rules.contains(&"admin-route-unauthenticated"), "{rules:?}");
    assert_eq!(a.element.as_ref().unwrap().id, "route:GET /admin/export");
    let t = &a.threats[0];
    assert!(t.open && t.status == "open" && t.explain.starts_with("breakwater explain "));
    // Mistakes are the caller's, with a hint.
    let e = tools::threats_for(&s, &q(None, None, Some("route:GET /admin/exprt"))).unwrap_err();
    assert!(e.contains("did you mean: route:GET /admin/export"), "{e}");
    assert!(tools::threats_for(&s, &ThreatsForInput::default()).is_err());
}

#[test]
fn the_summary_counts_what_the_model_holds() {
    let (_dir, p) = project();
    let s = p.current().unwrap();
    let m = tools::model_summary(&s);
    assert_eq!(m.system, "shop");
    assert_eq!(m.counts.entry_points, 3);
    assert_eq!((m.counts.auth_present, m.counts.auth_absent), (2, 1));
    let users = m
        .entry_points
        .iter()
        .find(|e| e.id == "route:GET /users")
        .unwrap();
    assert_eq!(users.controls, ["login_required"]);
    assert_eq!(users.at.as_deref(), Some("app/views.py:10"));
    assert!(m.text().starts_with("System `shop`: "), "{}", m.text());
    assert_eq!(
        m.counts.threats_open,
        s.report
            .threats
            .iter()
            .filter(|t| t.status.is_open())
            .count()
    );
}

#[test]
fn a_change_is_checked_in_memory_and_bad_input_is_refused() {
    let (dir, p) = project();
    let s = p.current().unwrap();
    // The injection fixed by a diff: nothing new, one resolved.
    let fix = "--- a/app/db.py\n+++ b/app/db.py\n@@ -6,2 +6,2 @@\n         db = sqlite3.connect(\"app.db\")\n-        return db.execute(\"SELECT * FROM users WHERE name = '\" + name + \"'\").fetchall()\n+        return db.execute(\"SELECT * FROM users WHERE name = ?\", (name,)).fetchall()\n";
    let a = tools::check_change(
        &s,
        &CheckChangeInput {
            diff: Some(fix.into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(a.clean, "{a:?}");
    let resolved: Vec<&str> = a.resolved_threats.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(resolved, ["sql-injection@app/db.py::Store.find"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("app/db.py")).unwrap(),
        DB
    );
    // A snippet that removes nothing but adds an unauthenticated admin route.
    let a = tools::check_change(
        &s,
        &CheckChangeInput {
            path: Some("app/views.py".into()),
            snippet: Some("@app.route(\"/admin/wipe\", methods=[\"POST\"])\ndef wipe():\n    return \"gone\"\n".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(!a.clean);
    assert!(
        a.elements_added
            .iter()
            .any(|e| e.id == "route:POST /admin/wipe"),
        "{a:?}"
    );
    assert!(
        a.text().starts_with("The change introduces "),
        "{}",
        a.text()
    );
    // Exactly one way to give the change.
    for bad in [
        CheckChangeInput::default(),
        CheckChangeInput {
            diff: Some(fix.into()),
            path: Some("app/db.py".into()),
            content: Some(String::new()),
            ..Default::default()
        },
        CheckChangeInput {
            path: Some("app/db.py".into()),
            ..Default::default()
        },
    ] {
        assert!(tools::check_change(&s, &bad).is_err(), "{bad:?}");
    }
    let e = tools::check_change(
        &s,
        &CheckChangeInput {
            path: Some("../../etc/cron.d/x".into()),
            content: Some("x".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(e.contains("inside the repository"), "{e}");
}

#[test]
fn rules_are_explained_and_guardrails_targets_checked() {
    let (_dir, p) = project();
    let s = p.current().unwrap();
    let d = tools::explain_rule(
        &s,
        &ExplainRuleInput {
            rule: "sql-injection@app/db.py::Store.find".into(),
        },
    )
    .unwrap();
    assert_eq!(d.rule, "sql-injection");
    assert!(d.markdown.starts_with("# "), "{}", d.markdown);
    let e = tools::explain_rule(
        &s,
        &ExplainRuleInput {
            rule: "sql-injecton".into(),
        },
    )
    .unwrap_err();
    assert!(e.contains("did you mean: sql-injection"), "{e}");
    let g = tools::guardrails(
        &s,
        &GuardrailsInput {
            target: Some("cursor".into()),
        },
    )
    .unwrap();
    assert_eq!(g.file, ".cursor/rules/breakwater.mdc");
    assert!(
        g.markdown.contains("`app/db.py::Store.find`"),
        "{}",
        g.markdown
    );
    assert!(
        tools::guardrails(
            &s,
            &GuardrailsInput {
                target: Some("vim".into())
            }
        )
        .is_err()
    );
}

#[test]
fn the_project_scans_again_only_when_something_it_reads_changed() {
    let (dir, p) = project();
    let first = p.current().unwrap();
    let again = p.current().unwrap();
    assert!(std::sync::Arc::ptr_eq(&first, &again));
    assert_eq!(p.scans(), 1);
    // A file breakwater does not read: no scan.
    write(dir.path(), "notes.bin", "x");
    p.current().unwrap();
    assert_eq!(p.scans(), 1);
    // A source file: a scan, and the answer follows.
    write(
        dir.path(),
        "app/db.py",
        &DB.replace("+ name + \"'\"", "+ \"'\""),
    );
    let s = p.current().unwrap();
    assert_eq!(p.scans(), 2);
    assert!(!s.report.threats.iter().any(|t| t.rule == "sql-injection"));
    // The model file too; a broken one is an error that names it.
    write(dir.path(), "breakwater.toml", "[system]\nname = 1\n");
    let e = p.current().err().unwrap();
    assert!(e.contains("breakwater.toml"), "{e}");
    write(
        dir.path(),
        "breakwater.toml",
        "[system]\nname = \"shop-api\"\n",
    );
    assert_eq!(
        tools::model_summary(&p.current().unwrap()).system,
        "shop-api"
    );
}

fn proposal(path: &str, lines: (u32, u32), quote: &str, cwe: u32) -> tools::ProposeThreatInput {
    tools::ProposeThreatInput {
        title: "Any signed-in user reads every order".into(),
        stride: "information-disclosure".into(),
        cwe: vec![tools::CweId::Number(cwe)],
        impact: 3,
        likelihood: 3,
        path: path.into(),
        start_line: lines.0,
        end_line: Some(lines.1),
        quote: quote.into(),
        rationale: "the route checks the login, not whose orders they are".into(),
        element: None,
        mitigation: None,
    }
}

#[test]
fn a_proposed_threat_gets_the_ai_checks_and_nothing_is_stored() {
    let (dir, p) = project();
    let s = p.current().unwrap();
    // Grounded: the file, the lines and a verbatim statement.
    let good = proposal(
        "app/views.py",
        (17, 19),
        "def orders():\n    return \"orders\"",
        639,
    );
    let a = tools::propose_threat(&s, &good, "test-client").unwrap();
    assert_eq!(a.verdict, "admitted", "{a:?}");
    assert!(a.id.as_deref().unwrap().starts_with("ai:"));
    assert_eq!(a.verification.as_deref(), Some("unconfirmed"));
    assert!(!a.stored);
    assert_eq!(
        a.record_with.as_deref(),
        Some("breakwater ai propose FILE --by test-client")
    );
    assert!(
        a.checks
            .iter()
            .any(|c| c.starts_with("quote found in app/views.py"))
    );
    assert_eq!(a.proposal["kind"], "threat");
    assert!(a.text().starts_with("Admitted as ai:"));
    // The same answer twice: deterministic.
    let again = tools::propose_threat(&s, &good, "test-client").unwrap();
    assert_eq!(again.id, a.id);

    let rejected = |q: tools::ProposeThreatInput| {
        let a = tools::propose_threat(&s, &q, "test-client").unwrap();
        assert_eq!(a.verdict, "rejected", "{a:?}");
        assert!(a.id.is_none() && a.record_with.is_none());
        a.reason.unwrap()
    };
    // An invented quote, a file outside the tree, an unknown CWE, a bad score.
    let r = rejected(proposal(
        "app/views.py",
        (17, 19),
        "orders = Order.all()",
        639,
    ));
    assert!(r.contains("the quote is not in lines"), "{r}");
    let r = rejected(proposal(
        "../secrets.py",
        (1, 1),
        "x = 1 # long enough quote",
        639,
    ));
    assert!(r.contains("wander the tree"), "{r}");
    let r = rejected(proposal(
        "app/views.py",
        (17, 19),
        "def orders():\n    return \"orders\"",
        999_999,
    ));
    assert!(
        r.contains("not a CWE id") || r.contains("not a known CWE"),
        "{r}"
    );
    let mut q = good.clone();
    q.impact = 9;
    assert!(rejected(q).contains("`impact`"));
    let mut q = good.clone();
    q.stride = "sneaky".into();
    assert!(rejected(q).contains("stride `sneaky`"));
    let mut q = good.clone();
    q.element = Some("route:GET /nowhere".into());
    assert!(rejected(q).contains("does not exist in the model"));
    // A threat the rules found already is a duplicate.
    let r = rejected(proposal(
        "app/db.py",
        (7, 7),
        "return db.execute(\"SELECT * FROM users WHERE name = '\" + name + \"'\").fetchall()",
        89,
    ));
    assert!(
        r.contains("duplicate of the known threat sql-injection@app/db.py::Store.find"),
        "{r}"
    );
    // A CWE by name is read as by number.
    let mut q = good.clone();
    q.cwe = vec![tools::CweId::Name("CWE-639".into())];
    let named = tools::propose_threat(&s, &q, "test-client").unwrap();
    assert_eq!(named.id, a.id);
    // Nothing was written: no model file, no AI log.
    assert!(!dir.path().join("breakwater.toml").exists());
    assert!(!dir.path().join(".breakwater").exists());
    // Client names become one shell-safe word.
    assert_eq!(
        tools::proposer(Some(("Claude Code", "1.2"))),
        "Claude-Code-1.2"
    );
    assert_eq!(tools::proposer(Some(("$(rm -rf /)", ""))), "rm--rf");
    assert_eq!(tools::proposer(None), "assistant");
}
