//! What the gate needs from the file source: which skips leave code
//! unverified, which files the size limit applies to, and a digest that
//! tells a file's versions apart whatever its size and wherever it is
//! read from (the working tree, a commit, memory).

use bw_files::git::GitRepo;
use bw_files::{
    FileSource, FsSource, Lang, MemorySource, SkipReason, WalkOptions, blob_id, size_limited,
};
use std::path::Path;
use std::process::Command;

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

fn write(dir: &Path, rel: &str, bytes: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

#[test]
fn only_skips_that_are_no_choice_count_for_the_gate() {
    let too_large = SkipReason::TooLarge {
        bytes: 10,
        limit: 5,
    };
    let py = Some(Lang::Python);
    for r in [
        too_large.clone(),
        SkipReason::Binary,
        SkipReason::InvalidUtf8,
        SkipReason::Unreadable { error: "x".into() },
        SkipReason::Timeout { millis: 1 },
    ] {
        assert!(r.counts_for_gate(py), "{r:?}");
    }
    // An unreadable directory has no language: everything under it counts.
    assert!(SkipReason::Unreadable { error: "x".into() }.counts_for_gate(None));
    for r in [
        SkipReason::Test,
        SkipReason::Vendored,
        SkipReason::Minified,
        SkipReason::Generated,
        SkipReason::Symlink,
    ] {
        assert!(!r.counts_for_gate(py), "{r:?}");
    }
    // A large data file is read only for secrets: no code is missed.
    assert!(!too_large.counts_for_gate(Some(Lang::Config)));
    assert!(too_large.counts_for_gate(Some(Lang::Yaml)));
    // Over a budget or malformed: what was not read was not checked, as
    // for a file too large; configuration text read for secrets hides no code.
    let over = SkipReason::OverBudget {
        budget: "memory".into(),
    };
    let malformed = SkipReason::Malformed {
        error: "line 3".into(),
    };
    for r in [&over, &malformed] {
        for lang in [
            py,
            Some(Lang::Yaml),
            Some(Lang::PackageJson),
            Some(Lang::Pyproject),
            None,
        ] {
            assert!(r.counts_for_gate(lang), "{r:?} {lang:?}");
        }
        assert!(!r.counts_for_gate(Some(Lang::Config)), "{r:?}");
    }
    // Over a budget is a failure (the scan is incomplete); a malformed file
    // is the repository's, not the scan's.
    assert!(over.is_failure());
    assert!(!malformed.is_failure());
}

#[test]
fn the_size_limit_applies_only_to_files_read_for_analysis() {
    assert!(size_limited("app/views.py"));
    assert!(size_limited("data/countries.json"));
    assert!(!size_limited("package-lock.json"));
    assert!(!size_limited("tests/fixtures/big.py"));
    assert!(!size_limited("node_modules/x/index.js"));
    assert!(!size_limited("static/app.min.js"));

    let d = tempfile::tempdir().unwrap();
    let big = vec![b'#'; 64];
    for p in [
        "app/big.py",
        "tests/big.py",
        "package-lock.json",
        "vendor/lib.py",
    ] {
        write(d.path(), p, &big);
    }
    let opts = WalkOptions {
        max_file_bytes: 16,
        ..WalkOptions::default()
    };
    let listing = FsSource::new(d.path(), opts).unwrap().list().unwrap();
    let skipped: Vec<(&str, &str)> = listing
        .skipped
        .iter()
        .map(|(p, r)| (p.as_str(), r.label()))
        .collect();
    // Test, vendored and lockfiles are offered, to be reported for what
    // they are (and never read); only the app's own file is too large.
    assert_eq!(skipped, [("app/big.py", "too-large")]);
    let offered: Vec<&str> = listing.files.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        offered,
        ["package-lock.json", "tests/big.py", "vendor/lib.py"]
    );
}

#[test]
fn a_file_has_one_digest_on_disk_in_a_commit_and_in_memory() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let big: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
    write(root, "app/huge.py", &big);
    write(root, "app/small.py", b"x = 1\n");
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "one"]);

    let opts = WalkOptions {
        max_file_bytes: 1024,
        ..WalkOptions::default()
    };
    let fs = FsSource::new(root, opts.clone()).unwrap();
    // Over the limit: never read, but still told apart.
    assert!(fs.read("app/huge.py").is_err());
    let on_disk = fs.digest("app/huge.py").expect("a digest over the limit");
    assert_eq!(on_disk, blob_id(&big));

    let repo = GitRepo::discover(root).unwrap();
    let head = repo.resolve("HEAD").unwrap();
    let tree = repo.tree_source(head, &opts).unwrap();
    assert_eq!(
        tree.digest("app/huge.py").as_deref(),
        Some(on_disk.as_str())
    );
    assert_eq!(tree.digest("app/small.py"), fs.digest("app/small.py"));

    let mem = MemorySource::new().with("app/huge.py", big.clone());
    assert_eq!(mem.digest("app/huge.py").as_deref(), Some(on_disk.as_str()));

    // One byte changed, same size: another digest.
    let mut edited = big;
    edited[1000] ^= 1;
    write(root, "app/huge.py", &edited);
    assert_ne!(fs.digest("app/huge.py").as_deref(), Some(on_disk.as_str()));
    // Links and paths out of the tree have none.
    assert_eq!(fs.digest("../outside.py"), None);
}
