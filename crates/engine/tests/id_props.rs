//! Threat ids and fingerprints do not depend on line numbers (property
//! test). Blank lines and comment lines inserted at random places of the
//! bundled apps' source files leave every threat's id, fingerprint, rule,
//! severity and status as they were; only the threat's line moves, by
//! exactly the lines inserted above it.

use bw_engine::{Library, MemorySource, ScanOptions, scan};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// One app: its files, path → text.
type App = BTreeMap<String, String>;

fn read_app(dir: &Path) -> App {
    let mut out = App::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let name = e.file_name();
            if name == ".breakwater" {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(text) = std::fs::read_to_string(&p) {
                let rel = p.strip_prefix(dir).unwrap();
                let rel: Vec<_> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect();
                out.insert(rel.join("/"), text);
            }
        }
    }
    out
}

/// Every bundled app with at least one threat in a code file.
fn apps() -> &'static Vec<(String, App)> {
    static APPS: OnceLock<Vec<(String, App)>> = OnceLock::new();
    APPS.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut dirs = vec![];
        for group in ["fixtures/python", "fixtures/js", "examples"] {
            let mut found: Vec<PathBuf> = std::fs::read_dir(root.join(group))
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect();
            found.sort();
            dirs.extend(found);
        }
        dirs.into_iter()
            .map(|d| {
                (
                    d.file_name().unwrap().to_string_lossy().into_owned(),
                    read_app(&d),
                )
            })
            .filter(|(_, app)| threats(app).values().any(|t| insertable(&t.path)))
            .collect()
    })
}

fn library() -> &'static Library {
    static LIB: OnceLock<Library> = OnceLock::new();
    LIB.get_or_init(|| Library::builtin().unwrap())
}

#[derive(Debug, Clone, PartialEq)]
struct Seen {
    path: String,
    line: u32,
    rule: String,
    fingerprint: String,
    severity: String,
    status: String,
}

fn threats(app: &App) -> BTreeMap<String, Seen> {
    let mut src = MemorySource::new();
    for (p, t) in app {
        src.insert(p, t.as_bytes().to_vec());
    }
    let opts = ScanOptions {
        threads: Some(1),
        today: "2026-06-01".into(),
        ..ScanOptions::default()
    };
    let out = scan(&src, library(), &opts).unwrap();
    out.report
        .threats
        .iter()
        .map(|t| {
            (
                t.id.clone(),
                Seen {
                    path: t.location.path.clone(),
                    line: t.location.start_line,
                    rule: t.rule.clone(),
                    fingerprint: t.fingerprint.clone(),
                    severity: format!("{:?}", t.severity),
                    status: format!("{:?}", t.status),
                },
            )
        })
        .collect()
}

/// Source files a blank or comment line can go into without changing what
/// the code means.
fn insertable(path: &str) -> bool {
    [".py", ".js", ".ts", ".tsx", ".mjs", ".cjs", ".jsx"]
        .iter()
        .any(|e| path.ends_with(e))
}

/// The 0-based line boundaries of `text` where a whole line can be
/// inserted: not inside a multi-line string, template literal or block
/// comment, not after a line continuation, and not between an inline
/// ignore comment and the line it silences.
fn boundaries(path: &str, text: &str) -> Vec<usize> {
    let python = path.ends_with(".py");
    let mut out = vec![0];
    let mut open: Option<&str> = None;
    for (i, line) in text.lines().enumerate() {
        let mut rest = line;
        loop {
            match open {
                Some(close) => match rest.find(close) {
                    Some(k) => {
                        rest = &rest[k + close.len()..];
                        open = None;
                    }
                    None => break,
                },
                None => {
                    let starts: &[&str] = if python {
                        &["\"\"\"", "'''"]
                    } else {
                        &["`", "/*"]
                    };
                    let first = starts
                        .iter()
                        .filter_map(|s| rest.find(s).map(|k| (k, *s)))
                        .min();
                    match first {
                        Some((k, s)) => {
                            rest = &rest[k + s.len()..];
                            open = Some(if s == "/*" { "*/" } else { s });
                        }
                        None => break,
                    }
                }
            }
        }
        let continues = line.trim_end().ends_with('\\');
        if open.is_none() && !continues && !line.contains("breakwater: ignore") {
            out.push(i + 1);
        }
    }
    out
}

/// What one insertion puts in: a blank line, one holding spaces, or a comment.
fn inserted(path: &str, kind: u8) -> &'static str {
    match (kind % 3, path.ends_with(".py")) {
        (0, _) => "",
        (1, _) => "    ",
        (_, true) => "# a comment a reviewer added",
        // In TSX a `//` line inside markup is text, not a comment.
        (_, false) if path.ends_with("x") => "",
        (_, false) => "// a comment a reviewer added",
    }
}

fn config() -> Config {
    Config {
        cases: 24,
        // The same cases on every run (set PROPTEST_RNG_SEED to explore others).
        rng_seed: std::env::var("PROPTEST_RNG_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .map_or(RngSeed::Fixed(0x1d5_5ab1e), RngSeed::Fixed),
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ids_and_fingerprints_survive_random_line_shifts(
        pick in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>(), any::<u8>(), 1usize..4), 1..8),
    ) {
        let (name, app) = pick.get(apps());
        let before = threats(app);
        let files: Vec<&String> = app.keys().filter(|p| insertable(p)).collect();
        // path → (0-based boundary → lines inserted there)
        let mut plan: BTreeMap<&str, BTreeMap<usize, Vec<&str>>> = BTreeMap::new();
        for (file, at, kind, count) in &edits {
            let path = file.get(&files);
            let spots = boundaries(path, &app[*path]);
            let spot = *at.get(&spots);
            let lines = plan.entry(path).or_default().entry(spot).or_default();
            for _ in 0..*count {
                lines.push(inserted(path, *kind));
            }
        }
        let mut shifted = app.clone();
        for (path, spots) in &plan {
            let text = &app[*path];
            let mut out = String::new();
            for (i, line) in text.split_inclusive('\n').enumerate() {
                for l in spots.get(&i).into_iter().flatten() {
                    out.push_str(l);
                    out.push('\n');
                }
                out.push_str(line);
            }
            let n = text.split_inclusive('\n').count();
            for l in spots.get(&n).into_iter().flatten() {
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push_str(l);
                out.push('\n');
            }
            shifted.insert(path.to_string(), out);
        }
        let after = threats(&shifted);
        prop_assert_eq!(
            before.keys().collect::<Vec<_>>(),
            after.keys().collect::<Vec<_>>(),
            "{}: the ids changed with {:?}", name, plan
        );
        for (id, b) in &before {
            let a = &after[id];
            // Lines inserted at boundaries 0..line-1 sit above the threat's line.
            let above: usize = plan
                .get(b.path.as_str())
                .map(|spots| spots.range(..b.line as usize).map(|(_, v)| v.len()).sum())
                .unwrap_or(0);
            let expected = Seen { line: b.line + above as u32, ..b.clone() };
            prop_assert_eq!(a, &expected, "{}: {} with {:?}", name, id, plan);
        }
    }
}

#[test]
fn the_apps_have_threats_in_code_to_shift() {
    // Guard against a property that holds because there is nothing to check.
    let with_code_threats = apps().len();
    assert!(
        with_code_threats >= 5,
        "only {with_code_threats} apps with threats in code"
    );
}
