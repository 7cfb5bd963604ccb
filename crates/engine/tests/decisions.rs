//! Decisions in the model file follow their threats: through line shifts,
//! edits elsewhere, renames and moves; they go stale when the code under
//! them changes, expire, become orphaned when the threat is gone, and are
//! unverified (and count against the gate) when the file cannot be read.

use bw_engine::{Library, MemorySource, ScanOptions, gate_hits, scan};
use bw_model::modelfile::{Decision, ModelFile};
use bw_threats::{Report, Severity, Status};

const APP: &str = r#"from flask import Flask, request
import sqlite3

app = Flask(__name__)


@app.route("/users")
def find_user():
    name = request.args.get("name")
    db = sqlite3.connect("app.db")
    rows = db.execute("SELECT * FROM users WHERE name = '" + name + "'").fetchall()
    return str(rows)


@app.route("/health")
def health():
    return "ok"
"#;

fn report(files: &[(&str, &[u8])], mf: Option<ModelFile>) -> Report {
    let mut src = MemorySource::new();
    for (p, t) in files {
        src.insert(p, t.to_vec());
    }
    let lib = Library::builtin().unwrap();
    let opts = ScanOptions {
        model_file: mf,
        today: "2026-11-27".into(),
        ..Default::default()
    };
    scan(&src, &lib, &opts).unwrap().report
}

fn sql(r: &Report) -> &bw_threats::Threat {
    r.threats
        .iter()
        .find(|t| t.rule == "sql-injection")
        .unwrap_or_else(|| panic!("no sql-injection in {:?}", ids(r)))
}

fn ids(r: &Report) -> Vec<&str> {
    r.threats.iter().map(|t| t.id.as_str()).collect()
}

/// A model file with one decision on the SQL injection of the first scan.
fn decided(expires: Option<&str>) -> (String, ModelFile) {
    let r = report(&[("app.py", APP.as_bytes())], None);
    let t = sql(&r);
    let mut mf = ModelFile::default();
    mf.decisions.insert(
        t.id.clone(),
        Decision {
            status: "mitigated".into(),
            reason: "a WAF rule blocks quotes on /users".into(),
            author: "Ana <ana@example.com>".into(),
            date: "2026-11-01".into(),
            fingerprint: t.fingerprint.clone(),
            evidence: t.evidence.clone(),
            ticket: Some("SEC-7".into()),
            expires: expires.map(str::to_string),
        },
    );
    (t.id.clone(), mf)
}

#[test]
fn a_current_decision_closes_its_threat() {
    let (id, mf) = decided(None);
    let r = report(&[("app.py", APP.as_bytes())], Some(mf));
    let t = sql(&r);
    assert_eq!(t.id, id);
    assert_eq!(t.status, Status::Mitigated);
    let d = t.decision.as_ref().unwrap();
    assert!(!d.moved && d.decided_on.is_none());
    assert_eq!(r.summary.decided, 1);
    assert_eq!(gate_hits(&r, Severity::High, false), 0, "{:?}", ids(&r));
}

#[test]
fn line_shifts_and_edits_elsewhere_keep_the_decision() {
    let (id, mf) = decided(None);
    let shifted = format!("# a header comment\n\n\n{APP}");
    let edited = APP.replace(
        "    db = sqlite3.connect(\"app.db\")\n",
        "    app.logger.info(\"lookup\")\n    db = sqlite3.connect(\"app.db\")  # same db\n",
    );
    let reformatted = APP.replace(
        "db.execute(\"SELECT * FROM users WHERE name = '\" + name + \"'\")",
        "db.execute(\n        \"SELECT * FROM users WHERE name = '\"  +  name + \"'\"\n    )",
    );
    assert_ne!(reformatted, APP);
    for text in [shifted, edited, reformatted] {
        let r = report(&[("app.py", text.as_bytes())], Some(mf.clone()));
        let t = sql(&r);
        assert_eq!(t.id, id);
        assert_eq!(t.status, Status::Mitigated, "{text}");
    }
}

#[test]
fn a_renamed_or_moved_function_keeps_its_decision_as_moved() {
    let (id, mf) = decided(None);
    let renamed = APP.replace("def find_user", "def lookup_user");
    let r = report(&[("app.py", renamed.as_bytes())], Some(mf.clone()));
    let t = sql(&r);
    assert_ne!(t.id, id);
    assert_eq!(t.status, Status::Mitigated);
    assert!(t.decision.as_ref().unwrap().moved);
    assert!(r.decisions.is_empty(), "{:?}", r.decisions);

    // Moved to another file with the same body.
    let r = report(
        &[
            (
                "app.py",
                b"from flask import Flask\napp = Flask(__name__)\n",
            ),
            ("api/users.py", APP.as_bytes()),
        ],
        Some(mf),
    );
    let t = sql(&r);
    assert!(t.id.contains("api/users.py"), "{}", t.id);
    assert_eq!(t.status, Status::Mitigated);
    assert_eq!(t.decision.as_ref().unwrap().key, id);
}

#[test]
fn a_changed_body_makes_the_decision_stale_and_says_what_changed() {
    let (id, mf) = decided(None);
    let changed = APP.replace("WHERE name = '", "WHERE login = '");
    let r = report(&[("app.py", changed.as_bytes())], Some(mf));
    let t = sql(&r);
    assert_eq!(t.id, id);
    assert_eq!(t.status, Status::Stale);
    let was = t.decision.as_ref().unwrap().decided_on.clone().unwrap();
    assert!(was.contains("WHERE name"), "{was}");
    assert!(t.evidence.contains("WHERE login"), "{}", t.evidence);
    assert!(t.status_reason.as_ref().unwrap().contains("changed"));
    assert_eq!(r.summary.stale, 1);
    assert!(gate_hits(&r, Severity::Medium, false) >= 1);
}

#[test]
fn a_changed_source_makes_it_stale_too() {
    let (_, mf) = decided(None);
    let changed = APP.replace("request.args.get(\"name\")", "request.form[\"name\"]");
    let r = report(&[("app.py", changed.as_bytes())], Some(mf));
    assert_eq!(sql(&r).status, Status::Stale);
}

#[test]
fn expired_decisions_reopen() {
    for (expires, want) in [
        ("2026-11-27", Status::Expired),
        ("2026-01-01", Status::Expired),
        ("2026-11-28", Status::Mitigated),
    ] {
        let (_, mf) = decided(Some(expires));
        let r = report(&[("app.py", APP.as_bytes())], Some(mf));
        assert_eq!(sql(&r).status, want, "expires {expires}");
    }
}

#[test]
fn a_fixed_threat_leaves_an_orphaned_decision() {
    let (id, mf) = decided(None);
    let fixed = APP.replace(
        "db.execute(\"SELECT * FROM users WHERE name = '\" + name + \"'\")",
        "db.execute(\"SELECT * FROM users WHERE name = ?\", (name,))",
    );
    let r = report(&[("app.py", fixed.as_bytes())], Some(mf));
    assert!(r.threats.iter().all(|t| t.rule != "sql-injection"));
    assert_eq!(r.decisions.len(), 1);
    assert_eq!(r.decisions[0].key, id);
    assert_eq!(r.decisions[0].state, "orphaned");
    assert_eq!(r.summary.orphaned, 1);
    assert_eq!(gate_hits(&r, Severity::Info, true), 0, "{:?}", ids(&r));
}

#[test]
fn a_threat_in_an_unreadable_file_is_unverified_and_gates() {
    let (id, mf) = decided(None);
    let mut broken = APP.as_bytes().to_vec();
    broken.extend_from_slice(b"# caf\xe9\n");
    let r = report(&[("app.py", &broken)], Some(mf));
    assert_eq!(r.decisions.len(), 1, "{:?}", r.decisions);
    assert_eq!(r.decisions[0].key, id);
    assert_eq!(r.decisions[0].state, "unverified");
    assert_eq!(r.summary.unverified, 1);
    // The decision cannot be checked, and the file itself was not analysed.
    assert_eq!(r.summary.unanalysed, 1);
    assert_eq!(r.unanalysed[0].id, "unanalysed@app.py::<file>");
    assert_eq!(gate_hits(&r, Severity::Critical, false), 2);
}

#[test]
fn two_decisions_on_identical_evidence_do_not_steal_each_other() {
    // Two copies of the same handler under new names: which one the old
    // decision meant is ambiguous, so neither takes it.
    let (_, mf) = decided(None);
    let two = format!(
        "{}\n\n{}",
        APP.replace("def find_user", "def a_user"),
        APP.replace("def find_user", "def b_user")
            .replace("\"/users\"", "\"/users2\"")
            .replace("app = Flask(__name__)", "")
    );
    let r = report(&[("app.py", two.as_bytes())], Some(mf));
    assert!(
        r.threats
            .iter()
            .filter(|t| t.rule == "sql-injection")
            .all(|t| t.status == Status::Open && t.decision.is_none())
    );
    assert_eq!(r.decisions.len(), 1);
}
