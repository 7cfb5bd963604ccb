//! A team extends breakwater without writing Rust: its own sink for a
//! wrapper (`.breakwater/flow/*.toml`) and its own rule
//! (`.breakwater/rules/*.toml`); mistakes in either are clear errors.

use bw_engine::{Library, MemorySource, ScanOptions, scan};

const APP: &str = r#"from flask import Flask, request

from myapp.db import raw_query

app = Flask(__name__)


@app.route("/search")
def search():
    term = request.args.get("q", "")
    return {"rows": raw_query("SELECT * FROM items WHERE name = '" + term + "'")}
"#;

const SINK: &str = r#"language = "python"

[[sink]]
kind = "sql"
callees = ["myapp.db.raw_query"]
args = [0]
"#;

const RULE: &str = r#"id = "no-pickle-cache"
title = "Team rule: cache entries must not be pickled"
stride = "tampering"
level = "config"
cwe = [502]
languages = ["python"]
impact = 3
likelihood = 2

[match]
subject = "sink"
when = { all = [ { kind = ["deserialize"] }, { flow = ["tainted", "unknown"] } ] }

[docs]
summary = "Our cache is shared between tenants; pickled entries execute code when read."
what = "A pickle load in service code."
why = "Anyone who can write to the cache can run code in every worker."
attack = "I write a crafted entry into the shared cache and wait for a worker to read it."
references = ["https://cwe.mitre.org/data/definitions/502.html"]

[docs.fix]
default = "Store JSON in the cache."
"#;

fn rules_fired(src: &MemorySource) -> Vec<String> {
    let lib = Library::for_source(src).expect("library loads");
    let out = scan(src, &lib, &ScanOptions::default()).unwrap();
    out.report.threats.iter().map(|t| t.rule.clone()).collect()
}

#[test]
fn a_team_sink_for_its_own_wrapper() {
    let without = MemorySource::new().with("app.py", APP);
    assert!(!rules_fired(&without).contains(&"sql-injection".to_string()));
    let with = MemorySource::new()
        .with("app.py", APP)
        .with(".breakwater/flow/db.toml", SINK);
    assert!(
        rules_fired(&with).contains(&"sql-injection".to_string()),
        "{:?}",
        rules_fired(&with)
    );
}

#[test]
fn a_team_rule() {
    let code = "import pickle\n\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.post('/restore')\ndef restore():\n    return pickle.loads(request.get_data())\n";
    let src = MemorySource::new()
        .with("app.py", code)
        .with(".breakwater/rules/no-pickle-cache.toml", RULE);
    let fired = rules_fired(&src);
    assert!(fired.contains(&"no-pickle-cache".to_string()), "{fired:?}");
    assert!(
        fired.contains(&"unsafe-deserialization".to_string()),
        "{fired:?}"
    );
}

#[test]
fn mistakes_are_clear_errors() {
    let bad_sink = SINK.replace("kind = \"sql\"", "kind = \"sequel\"");
    let src = MemorySource::new().with(".breakwater/flow/db.toml", bad_sink.as_str());
    let err = Library::for_source(&src)
        .err()
        .expect("rejected")
        .to_string();
    assert!(
        err.contains(".breakwater/flow/db.toml") && err.contains("sequel"),
        "{err}"
    );

    let bad_rule = RULE.replace("[match]", "severity = \"high\"\n\n[match]");
    let src = MemorySource::new().with(".breakwater/rules/no-pickle-cache.toml", bad_rule.as_str());
    let err = Library::for_source(&src)
        .err()
        .expect("rejected")
        .to_string();
    assert!(
        err.contains("no-pickle-cache.toml") && err.contains("severity"),
        "{err}"
    );

    let bad_pred = RULE.replace(
        "{ kind = [\"deserialize\"] }",
        "{ kind = [\"deserialise\"] }",
    );
    let src = MemorySource::new().with(".breakwater/rules/no-pickle-cache.toml", bad_pred.as_str());
    let err = Library::for_source(&src)
        .err()
        .expect("rejected")
        .to_string();
    assert!(err.contains("deserialise"), "{err}");

    let dup = RULE.replace("no-pickle-cache", "sql-injection");
    let src = MemorySource::new().with(".breakwater/rules/sql-injection.toml", dup.as_str());
    let err = Library::for_source(&src)
        .err()
        .expect("rejected")
        .to_string();
    assert!(err.contains("already used"), "{err}");
}

/// A team's rule or flow spec that is a link (or a FIFO) is never followed,
/// and never silently dropped from the library either.
#[cfg(unix)]
#[test]
fn a_linked_or_special_rule_file_is_a_clear_error() {
    use bw_engine::{FsSource, WalkOptions};
    for dir in [".breakwater/rules", ".breakwater/flow"] {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("repo");
        std::fs::create_dir_all(root.join(dir)).unwrap();
        std::fs::write(d.path().join("elsewhere.toml"), RULE).unwrap();
        std::os::unix::fs::symlink(
            d.path().join("elsewhere.toml"),
            root.join(dir).join("x.toml"),
        )
        .unwrap();
        let src = FsSource::new(&root, WalkOptions::default()).unwrap();
        let err = Library::for_source(&src)
            .err()
            .expect("refused")
            .to_string();
        assert!(
            err.contains(&format!("{dir}/x.toml")) && err.contains("symbolic link"),
            "{err}"
        );
        std::fs::remove_file(root.join(dir).join("x.toml")).unwrap();
        let fifo = root.join(dir).join("y.toml");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid path string.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let err = Library::for_source(&src)
            .err()
            .expect("refused")
            .to_string();
        assert!(err.contains("FIFO"), "{err}");
    }
}
