//! The per-file facts cache: it never changes a result, it spares every
//! parse it can, and it refuses to be planted by a commit.

use bw_engine::{
    Cache, CacheUnavailable, FsSource, Library, MemorySource, ScanOptions, ScanOutput, WalkOptions,
    scan,
};
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fs(dir: &Path) -> FsSource {
    let walk = WalkOptions {
        respect_gitignore: false,
        ..Default::default()
    };
    FsSource::new(dir, walk).unwrap()
}

fn run(dir: &Path, cache: Option<&Cache>) -> ScanOutput {
    let source = fs(dir);
    let lib = Library::for_source(&source).unwrap();
    let opts = ScanOptions {
        cache: cache.cloned(),
        ..Default::default()
    };
    scan(&source, &lib, &opts).unwrap()
}

fn json(out: &ScanOutput) -> String {
    serde_json::to_string_pretty(&out.report).unwrap()
}

/// Files whose facts come from extraction (what the cache can hold).
fn extracted(out: &ScanOutput) -> usize {
    out.report.files.analysed - out.report.files.languages.get("lockfile").unwrap_or(&0)
}

/// Copy an app without its `.breakwater/` (nothing there is committed; a
/// person's scan of the example leaves its facts cache there).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_name() == ".breakwater" {
            continue;
        }
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if e.file_type().unwrap().is_dir() {
            out.extend(entries(&e.path()));
        } else if e.path().extension().is_some_and(|x| x == "json") {
            out.push(e.path());
        }
    }
    out
}

fn apps() -> Vec<PathBuf> {
    let mut dirs = vec![];
    for group in ["examples", "fixtures/python", "fixtures/js", "fixtures/iac"] {
        for e in std::fs::read_dir(repo_root().join(group)).unwrap() {
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
fn warm_reports_are_byte_identical_to_cold_ones_on_every_app() {
    for app in apps() {
        // A person may have scanned the example with the default cache
        // (the README's first command does); this test must add none.
        let had_cache = app.join(".breakwater/cache").exists();
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::open(&tmp.path().join("cache")).unwrap();
        let none = run(&app, None);
        assert_eq!((none.cache_hits, none.parsed), (0, extracted(&none)));
        let cold = run(&app, Some(&cache));
        let warm = run(&app, Some(&cache));
        let n = extracted(&cold);
        assert!(n > 0, "{}", app.display());
        assert_eq!((cold.cache_hits, cold.parsed), (0, n), "{}", app.display());
        assert_eq!((warm.cache_hits, warm.parsed), (n, 0), "{}", app.display());
        assert_eq!(entries(cache.entries_dir()).len(), n, "{}", app.display());
        assert_eq!(json(&none), json(&cold), "{}: cold", app.display());
        assert_eq!(json(&none), json(&warm), "{}: warm", app.display());
        assert_eq!(app.join(".breakwater/cache").exists(), had_cache);
    }
}

#[test]
fn after_one_file_changes_only_that_file_is_parsed() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("app");
    copy_tree(&repo_root().join("examples/support-desk"), &app);
    let cache = Cache::open_under(&app).unwrap();
    let first = run(&app, Some(&cache));
    let n = extracted(&first);
    assert!(n > 3);
    assert_eq!(first.parsed, n);

    // A route whose handler shells out: the change must show in the report.
    let path = app.join("app/tickets.py");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(
        "\n\n@bp.route(\"/ping\")\ndef ping():\n    import os\n    os.system(request.args.get(\"h\"))\n    return \"\"\n",
    );
    std::fs::write(&path, text).unwrap();
    let second = run(&app, Some(&cache));
    assert_eq!((second.parsed, second.cache_hits), (1, n - 1));
    assert_eq!(json(&second), json(&run(&app, None)));
    assert_ne!(json(&second), json(&first));
    // The cache lives under the root and never enters the scan.
    assert!(app.join(".breakwater/cache/.gitignore").exists());
    assert!(
        second
            .report
            .files
            .skipped
            .iter()
            .all(|s| !s.path.starts_with(".breakwater"))
    );

    // Changing it back hits the entry the first scan wrote.
    copy_tree(&repo_root().join("examples/support-desk"), &app);
    let third = run(&app, Some(&cache));
    assert_eq!((third.parsed, third.cache_hits), (0, n));
    assert_eq!(json(&third), json(&first));
}

#[test]
fn a_new_flow_spec_reparses_everything_and_takes_effect() {
    let app = "from flask import Flask, request\nfrom myapp.db import raw_query\napp = Flask(__name__)\n\n@app.route(\"/s\")\ndef s():\n    return raw_query(\"SELECT \" + request.args.get(\"q\"))\n";
    let sink = "language = \"python\"\n\n[[sink]]\nkind = \"sql\"\ncallees = [\"myapp.db.raw_query\"]\nargs = [0]\n";
    let tmp = tempfile::tempdir().unwrap();
    let cache = Cache::open(tmp.path()).unwrap();
    let opts = ScanOptions {
        cache: Some(cache),
        ..Default::default()
    };
    let mut src = MemorySource::new()
        .with("app.py", app)
        .with("util.py", "X = 1\n");
    let lib = Library::for_source(&src).unwrap();
    let before = scan(&src, &lib, &opts).unwrap();
    assert_eq!(before.parsed, 2);
    assert!(
        before
            .report
            .threats
            .iter()
            .all(|t| t.rule != "sql-injection")
    );
    assert_eq!(scan(&src, &lib, &opts).unwrap().cache_hits, 2);

    src.insert(".breakwater/flow/db.toml", sink);
    let lib2 = Library::for_source(&src).unwrap();
    assert_ne!(lib.fingerprint(), lib2.fingerprint());
    let after = scan(&src, &lib2, &opts).unwrap();
    // The flow spec is itself a config file the scan reads: 3 files.
    assert_eq!((after.parsed, after.cache_hits), (3, 0));
    assert!(
        after
            .report
            .threats
            .iter()
            .any(|t| t.rule == "sql-injection")
    );
}

#[test]
fn the_rule_pack_fingerprint_covers_rules_and_flow_specs() {
    let base = Library::builtin().unwrap().fingerprint();
    assert_eq!(base, Library::builtin().unwrap().fingerprint());
    assert_eq!(base.len(), 64);
    let empty = MemorySource::new().with("a.py", "x = 1\n");
    assert_eq!(Library::for_source(&empty).unwrap().fingerprint(), base);
    let flow = |text: &str| {
        let src = empty.clone().with(".breakwater/flow/a.toml", text);
        Library::for_source(&src).unwrap().fingerprint()
    };
    let f1 = flow("language = \"python\"\n");
    let f2 = flow("language = \"python\"\n# edited\n");
    assert_ne!(f1, base);
    assert_ne!(f1, f2);
    let rule = std::fs::read_to_string(repo_root().join("rules/injection/sql-injection.toml"))
        .unwrap()
        .replace("id = \"sql-injection\"", "id = \"team-sql\"");
    let src = empty.clone().with(".breakwater/rules/team-sql.toml", rule);
    let r1 = Library::for_source(&src).unwrap().fingerprint();
    assert_ne!(r1, base);
    assert_ne!(r1, f1);
}

#[test]
fn failures_and_skips_are_never_stored() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = Cache::open(tmp.path()).unwrap();
    let opts = ScanOptions {
        cache: Some(cache.clone()),
        ..Default::default()
    };
    let src = MemorySource::new()
        .with("ok.py", "x = 1\n")
        .with("bad.py", &b"x = '\xff'\n"[..])
        .with("tests/test_x.py", "x = 1\n")
        .with("package-lock.json", "{}")
        .with("dist/bundle.js", "var a=1;");
    let lib = Library::builtin().unwrap();
    for _ in 0..2 {
        let out = scan(&src, &lib, &opts).unwrap();
        assert!(out.incomplete, "the invalid UTF-8 file fails every time");
        assert_eq!(entries(cache.entries_dir()).len(), 1);
    }
    let out = scan(&src, &lib, &opts).unwrap();
    assert_eq!((out.cache_hits, out.parsed), (1, 0));
}

#[test]
fn concurrent_scans_of_one_repository_share_the_cache() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("app");
    copy_tree(&repo_root().join("fixtures/js/express-pg-openai"), &app);
    copy_tree(
        &repo_root().join("examples/orders-service"),
        &app.join("orders"),
    );
    let expected = json(&run(&app, None));
    for _ in 0..3 {
        let _ = std::fs::remove_dir_all(app.join(".breakwater"));
        let cache = Cache::open_under(&app).unwrap();
        let outs: Vec<ScanOutput> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..2)
                .map(|_| s.spawn(|| run(&app, Some(&cache))))
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for o in &outs {
            assert_eq!(json(o), expected);
        }
        let warm = run(&app, Some(&cache));
        assert_eq!(warm.parsed, 0);
        assert_eq!(json(&warm), expected);
        // No temporary file is left behind by either writer.
        let mut stack = vec![cache.entries_dir().to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(d).unwrap().flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                assert!(!name.ends_with(".tmp"), "{name}");
                if e.file_type().unwrap().is_dir() {
                    stack.push(e.path());
                }
            }
        }
    }
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

/// Replace every entry's facts with none, as an attacker would to hide code.
fn plant_empty_entries(cache_dir: &Path) -> usize {
    let files = entries(cache_dir);
    for f in &files {
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        let facts = v["facts"].as_object_mut().unwrap();
        for k in ["facts", "functions", "imports", "ignores"] {
            facts.remove(k);
        }
        std::fs::write(f, serde_json::to_string(&v).unwrap()).unwrap();
    }
    files.len()
}

#[test]
fn a_cache_git_tracks_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("app");
    copy_tree(&repo_root().join("examples/support-desk"), &app);
    git(&app, &["init", "-q"]);
    git(&app, &["add", "."]);
    git(&app, &["commit", "-q", "-m", "app"]);
    let dir = app.join(bw_engine::CACHE_DIR);
    let honest = json(&run(&app, None));
    let cache = Cache::open(&dir).unwrap();
    run(&app, Some(&cache));
    assert!(plant_empty_entries(&dir) > 3);

    // The cache's own .gitignore keeps `git add .` away from it.
    git(&app, &["add", "."]);
    let planted = run(&app, Some(&Cache::open(&dir).unwrap()));
    assert_eq!(planted.parsed, 0);
    assert_ne!(json(&planted), honest, "an untracked entry is trusted");

    // Committed on purpose: refused, and the scan parses everything.
    git(&app, &["add", "-f", ".breakwater/cache"]);
    git(&app, &["commit", "-q", "-m", "plant"]);
    let e = Cache::open_under(&app).unwrap_err();
    assert!(matches!(e, CacheUnavailable::Tracked { .. }), "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains("is tracked by git; ignoring it (a committed cache could plant results)")
            && msg.contains("git rm -r --cached"),
        "{msg}"
    );
    assert_eq!(json(&run(&app, None)), honest);
}
