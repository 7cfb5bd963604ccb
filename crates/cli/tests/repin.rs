//! A model file written before Python moved to the new analysis core
//! (`tests/fixtures/pre-switch`, triaged by the previous release) keeps its
//! decisions: those on unchanged code hold and are re-pinned once by
//! `breakwater triage --repin`, the one on changed code is stale, and the
//! one whose threat the new core no longer reports says so.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_breakwater"));
    c.current_dir(dir)
        .env_remove("BREAKWATER_CORE")
        .env("BREAKWATER_CACHE_DIR", dir.join(".cache"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir);
    c
}

fn run(dir: &Path, args: &[&str]) -> Output {
    bin(dir).args(args).output().expect("breakwater runs")
}

fn fixture_copy(name: &str) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pre-switch");
    let to = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&to);
    common::copy_app(&from, &to);
    common::git(&to, &["init", "-q", "."]);
    common::git(&to, &["add", "-A"]);
    common::git(&to, &["commit", "-qm", "pre-switch"]);
    to
}

/// Threat id → (status, repinned) from a JSON report.
fn statuses(dir: &Path, core: Option<&str>) -> (serde_json::Value, Vec<(String, String, bool)>) {
    let mut c = bin(dir);
    if let Some(core) = core {
        c.env("BREAKWATER_CORE", core);
    }
    let o = c
        .args(["scan", "--format", "json", "-q", "--no-cache"])
        .output()
        .unwrap();
    let r: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
    let mut out: Vec<(String, String, bool)> = r["threats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["id"].as_str().unwrap().to_string(),
                t["status"].as_str().unwrap().to_string(),
                t["decision"]["repinned"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    out.sort();
    (r, out)
}

const SEARCH: &str = "sql-injection@app/views.py::search";
const REPORT: &str = "command-injection@app/views.py::report";
const PAGE: &str = "command-injection@app/views.py::page";
const EXPORT: &str = "command-injection@app/views.py::export";
const LOGS: &str = "command-injection@web/server.js::<module>";

fn get<'a>(s: &'a [(String, String, bool)], id: &str) -> Option<&'a (String, String, bool)> {
    s.iter().find(|t| t.0 == id)
}

#[test]
fn the_fixture_was_pinned_by_the_previous_core() {
    // On the old extractors every decision but the changed one holds: the
    // file really is the previous release's.
    let dir = fixture_copy("repin-old");
    let (_, s) = statuses(&dir, Some("old"));
    assert_eq!(get(&s, SEARCH).unwrap().1, "mitigated");
    assert_eq!(get(&s, PAGE).unwrap().1, "false-positive");
    assert_eq!(get(&s, EXPORT).unwrap().1, "accepted");
    assert_eq!(get(&s, LOGS).unwrap().1, "accepted");
    assert_eq!(get(&s, REPORT).unwrap().1, "stale");
    assert!(s.iter().all(|t| !t.2), "nothing re-pinned on the old core");
}

#[test]
fn decisions_on_unchanged_code_hold_and_are_repinned_once() {
    let dir = fixture_copy("repin-new");
    let before = std::fs::read_to_string(dir.join("breakwater.toml")).unwrap();
    let (report, s) = statuses(&dir, None);
    // The new core describes the two Python flows with other steps (the
    // string building is a step of its own): the decisions hold, re-pinned.
    for id in [SEARCH, EXPORT] {
        assert!(get(&s, id).unwrap().2, "{id}: {s:?}");
    }
    assert_eq!(get(&s, SEARCH).unwrap().1, "mitigated", "{s:?}");
    assert_eq!(get(&s, EXPORT).unwrap().1, "accepted");
    // So does JavaScript's (switched over too): the decision holds,
    // re-pinned.
    assert_eq!(get(&s, LOGS).unwrap().1, "accepted");
    assert!(get(&s, LOGS).unwrap().2, "{s:?}");
    // The code under it changed: stale on either core.
    assert_eq!(get(&s, REPORT).unwrap().1, "stale");
    assert!(!get(&s, REPORT).unwrap().2);
    // The new core sees the int converter: the threat is gone, and its
    // decision says the analysis changed, not the code.
    assert!(get(&s, PAGE).is_none(), "{s:?}");
    let page = report["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["key"] == PAGE)
        .expect("the page decision is unmatched");
    assert_eq!(page["state"], "orphaned");
    assert!(
        page["note"]
            .as_str()
            .unwrap()
            .contains("previous analysis core reported this threat on the same code"),
        "{page}"
    );

    // The terminal says which decisions were re-pinned and what to run.
    let o = run(&dir, &["scan", "--no-cache", "--color", "never"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("Decisions pinned by the previous analysis (3)") && text.contains(SEARCH),
        "{text}"
    );
    assert!(text.contains("breakwater triage --repin"), "{text}");

    // A dry run writes nothing.
    let o = run(&dir, &["triage", "--repin", "--dry-run", "--no-cache"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("would re-pin: sql-injection"));
    assert_eq!(
        std::fs::read_to_string(dir.join("breakwater.toml")).unwrap(),
        before
    );

    // Re-pinning changes the fingerprint and evidence lines of that one
    // decision, and nothing else a person wrote.
    let o = run(&dir, &["triage", "--repin", "--no-cache"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("3 decisions re-pinned"), "{out}");
    let after = std::fs::read_to_string(dir.join("breakwater.toml")).unwrap();
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(before.lines().count(), after.lines().count());
    assert_eq!(changed.len(), 3, "{changed:?}");
    assert!(
        changed
            .iter()
            .all(|(a, b)| a.starts_with("fingerprint = ") && b.starts_with("fingerprint = ")),
        "{changed:?}"
    );
    assert!(after.contains("# Written by breakwater before the Python analysis"));
    assert!(after.contains("the items service quotes names before this view runs"));

    // After that the decision holds by itself.
    let (_, s) = statuses(&dir, None);
    assert_eq!(get(&s, SEARCH).unwrap().1, "mitigated");
    assert!(s.iter().all(|t| !t.2), "{s:?}");
    let o = run(&dir, &["triage", "--repin", "--no-cache"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("no decision needs re-pinning"));
}
