//! A session's report is the report a scan of the same files gives, byte
//! for byte: after the first extraction, after an edit to one file (saved
//! or not), after the edit is undone, after files appear and disappear.

use bw_engine::{
    Cache, FsSource, Library, MemorySource, OverlaySource, ScanOptions, Session, Update,
    WalkOptions, scan,
};
use bw_files::{DEFAULT_MAX_FILE_BYTES, FileSource};
use bw_model::modelfile::{Decision, ModelFile};
use std::path::{Path, PathBuf};

fn json(r: &bw_threats::Report) -> String {
    serde_json::to_string_pretty(r).unwrap()
}

fn opts() -> ScanOptions {
    ScanOptions {
        name: "app".into(),
        today: "2026-11-27".into(),
        ..Default::default()
    }
}

fn scan_json(source: &dyn FileSource, opts: &ScanOptions) -> String {
    let lib = Library::for_source(source).unwrap();
    json(&scan(source, &lib, opts).unwrap().report)
}

fn session<S: FileSource>(base: S, opts: ScanOptions) -> Session<S> {
    let lib = Library::for_source(&base).unwrap();
    Session::new(OverlaySource::new(base, DEFAULT_MAX_FILE_BYTES), lib, opts).unwrap()
}

fn walk() -> WalkOptions {
    WalkOptions {
        respect_gitignore: false,
        ..Default::default()
    }
}

fn apps() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut dirs = vec![];
    for group in ["fixtures/python", "fixtures/js", "fixtures/iac", "examples"] {
        for e in std::fs::read_dir(root.join(group)).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            }
        }
    }
    dirs.sort();
    assert!(dirs.len() >= 10, "{dirs:?}");
    dirs
}

#[test]
fn a_session_reports_what_a_scan_reports_on_every_app() {
    for dir in apps() {
        let src = FsSource::new(&dir, walk()).unwrap();
        let want = scan_json(&src, &opts());
        let s = session(FsSource::new(&dir, walk()).unwrap(), opts());
        assert_eq!(json(&s.analyse().report), want, "{} differs", dir.display());
    }
}

const VIEWS: &str = r#"from flask import Flask, request
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

const HELPERS: &str = r#"import subprocess


def run(cmd):
    return subprocess.run(cmd, shell=True)
"#;

fn base() -> MemorySource {
    MemorySource::new()
        .with("app/views.py", VIEWS)
        .with("app/helpers.py", HELPERS)
        .with("tests/test_views.py", "def test(): pass\n")
        .with("README.md", "# app\n")
}

#[test]
fn an_edit_reanalyses_as_a_scan_of_the_edited_files() {
    let mut s = session(base(), opts());
    let before = json(&s.analyse().report);
    assert_eq!(before, scan_json(&base(), &opts()));

    // An unsaved edit: the handler now passes request data to the shell.
    let edited = VIEWS.replace(
        "    return \"ok\"\n",
        "    from .helpers import run\n    run(request.args.get(\"cmd\"))\n    return \"ok\"\n",
    );
    assert_eq!(
        s.set_buffer("app/views.py", edited.clone().into_bytes()),
        Update::Extracted
    );
    let after = s.analyse();
    let want = scan_json(&base().with("app/views.py", edited.clone()), &opts());
    assert_eq!(json(&after.report), want);
    assert_ne!(want, before, "the edit changes the report");
    assert_eq!(after.parsed, 1, "one file extracted again");
    assert!(
        after
            .report
            .threats
            .iter()
            .any(|t| t.rule == "command-injection"),
        "{:?}",
        after
            .report
            .threats
            .iter()
            .map(|t| &t.id)
            .collect::<Vec<_>>()
    );
    // Excerpts come from the buffer, not from the base.
    let cmd = after
        .report
        .threats
        .iter()
        .find(|t| t.rule == "command-injection")
        .unwrap();
    assert!(cmd.excerpt.is_some(), "{cmd:?}");

    // The same bytes again: nothing to do.
    assert_eq!(
        s.set_buffer("app/views.py", edited.into_bytes()),
        Update::Unchanged
    );
    // Closing the buffer unsaved: the file as the base has it.
    assert_eq!(s.clear_buffer("app/views.py"), Update::Extracted);
    assert_eq!(json(&s.analyse().report), before);
    assert_eq!(s.clear_buffer("app/views.py"), Update::Unchanged);

    // A file breakwater does not read, and a test file, analyse as a scan does.
    assert_eq!(
        s.set_buffer("README.md", b"# changed\n".to_vec()),
        Update::NotListed
    );
    assert_eq!(
        s.set_buffer("tests/test_views.py", VIEWS.as_bytes().to_vec()),
        Update::SameFacts,
        "a test file is skipped, whatever it says"
    );
    assert_eq!(json(&s.analyse().report), before);

    // A comment typed on a line of its own: new bytes, the same facts (the
    // line numbers below it move, so it goes at the end).
    let commented = format!("{VIEWS}# TODO: paginate\n");
    assert_eq!(
        s.set_buffer("app/views.py", commented.clone().into_bytes()),
        Update::SameFacts
    );
    assert_eq!(
        json(&s.analyse().report),
        scan_json(
            &base()
                .with("app/views.py", commented)
                .with("tests/test_views.py", VIEWS)
                .with("README.md", "# changed\n"),
            &opts()
        )
    );
    assert_eq!(s.clear_buffer("app/views.py"), Update::SameFacts);

    // A deleted file drops out.
    assert_eq!(s.remove("app/helpers.py"), Update::Removed);
    let mut without = MemorySource::new()
        .with("app/views.py", VIEWS)
        .with("tests/test_views.py", VIEWS);
    without.insert("README.md", "# changed\n");
    assert_eq!(json(&s.analyse().report), scan_json(&without, &opts()));
    assert_eq!(s.remove("app/helpers.py"), Update::NotListed);
}

#[test]
fn a_buffer_over_the_size_limit_is_refused_as_the_walk_refuses_it() {
    let lib = Library::builtin().unwrap();
    let mut s = Session::new(OverlaySource::new(base(), 600), lib, opts()).unwrap();
    let big = format!("{VIEWS}\n# {}\n", "x".repeat(600));
    assert_eq!(
        s.set_buffer("app/views.py", big.into_bytes()),
        Update::Extracted
    );
    let out = s.analyse();
    assert!(!out.incomplete, "a large file is skipped, not failed");
    let skipped = &out.report.files.skipped;
    assert!(
        skipped
            .iter()
            .any(|f| f.path == "app/views.py" && f.reason == "too-large"),
        "{skipped:?}"
    );
    assert!(out.report.threats.iter().all(|t| t.rule != "sql-injection"));
}

#[test]
fn decisions_follow_the_buffer() {
    // Decide the SQL injection, then edit the code under it: stale.
    let mut s = session(base(), opts());
    let r = s.analyse().report;
    let t = r
        .threats
        .iter()
        .find(|t| t.rule == "sql-injection")
        .unwrap()
        .clone();
    let mut mf = ModelFile::default();
    mf.decisions.insert(
        t.id.clone(),
        Decision {
            status: "mitigated".into(),
            reason: "names are checked upstream".into(),
            fingerprint: t.fingerprint.clone(),
            evidence: t.evidence.clone(),
            ..Default::default()
        },
    );
    s.options_mut().model_file = Some(mf.clone());
    let status = |s: &Session<MemorySource>| {
        s.analyse()
            .report
            .threats
            .iter()
            .find(|x| x.id == t.id)
            .unwrap()
            .status
    };
    assert_eq!(status(&s), bw_threats::Status::Mitigated);
    let edited = VIEWS.replace("WHERE name = '", "WHERE login = '");
    s.set_buffer("app/views.py", edited.clone().into_bytes());
    assert_eq!(status(&s), bw_threats::Status::Stale);
    let with_mf = ScanOptions {
        model_file: Some(mf),
        ..opts()
    };
    assert_eq!(
        json(&s.analyse().report),
        scan_json(&base().with("app/views.py", edited), &with_mf)
    );
}

#[test]
fn files_that_appear_and_disappear_on_disk_and_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("app")).unwrap();
    std::fs::write(root.join("app/views.py"), VIEWS).unwrap();
    std::fs::write(root.join("app/helpers.py"), HELPERS).unwrap();
    let cache_dir = tempfile::tempdir().unwrap();
    let with_cache = || ScanOptions {
        cache: Some(Cache::open(cache_dir.path()).unwrap()),
        ..opts()
    };
    // Fill the cache with a scan; the session then reads every file from it.
    let src = FsSource::new(root, walk()).unwrap();
    let want = scan_json(&src, &with_cache());
    let mut s = session(FsSource::new(root, walk()).unwrap(), with_cache());
    let first = s.analyse();
    assert_eq!((first.cache_hits, first.parsed), (2, 0));
    assert_eq!(json(&first.report), want);

    // A new file is seen after a relist; a changed one after a refresh.
    std::fs::write(
        root.join("app/admin.py"),
        "from flask import request\nfrom .helpers import run\n\ndef go():\n    run(request.args['c'])\n",
    )
    .unwrap();
    assert_eq!(s.refresh("app/admin.py"), Update::NotListed);
    s.relist().unwrap();
    assert!(s.is_listed("app/admin.py"));
    std::fs::write(root.join("app/views.py"), VIEWS.replace("/health", "/ping")).unwrap();
    assert_eq!(s.refresh("app/views.py"), Update::Extracted);
    assert_eq!(s.refresh("app/views.py"), Update::Unchanged);
    assert_eq!(
        json(&s.analyse().report),
        scan_json(&FsSource::new(root, walk()).unwrap(), &opts())
    );

    // A deleted file is dropped by the next relist.
    std::fs::remove_file(root.join("app/helpers.py")).unwrap();
    s.relist().unwrap();
    assert!(!s.is_listed("app/helpers.py"));
    assert_eq!(
        json(&s.analyse().report),
        scan_json(&FsSource::new(root, walk()).unwrap(), &opts())
    );

    // A team's flow spec changes extraction: every file is extracted again.
    std::fs::write(
        root.join("app/store.py"),
        "from flask import request\nfrom mylib import raw_query\n\ndef lookup():\n    return raw_query(request.args['q'])\n",
    )
    .unwrap();
    s.relist().unwrap();
    let sql = |s: &Session<FsSource>| {
        s.analyse()
            .report
            .threats
            .iter()
            .filter(|t| t.rule == "sql-injection")
            .count()
    };
    let before = sql(&s);
    std::fs::create_dir_all(root.join(".breakwater/flow")).unwrap();
    std::fs::write(
        root.join(".breakwater/flow/team.toml"),
        "language = \"python\"\n\n[[sink]]\nkind = \"sql\"\ncallees = [\"mylib.raw_query\"]\nargs = [0]\n",
    )
    .unwrap();
    let lib = Library::for_source(s.source()).unwrap();
    assert_ne!(lib.fingerprint(), s.library().fingerprint());
    s.relist().unwrap();
    s.set_library(lib);
    assert_eq!(sql(&s), before + 1, "the team's sink is found");
    assert_eq!(
        json(&s.analyse().report),
        scan_json(&FsSource::new(root, walk()).unwrap(), &opts())
    );
}
