//! Budgets are on what the analysis allocates, not only on file size
//! (issue 10): inputs built to blow up memory or the stack, each scanned by
//! the `breakwater` binary in a child process whose peak resident memory is
//! read with `wait4` (the child's own `ru_maxrss`). Each must finish with a
//! bounded peak and say what it skipped. A generous wall-clock limit kills
//! a hung child so CI never hangs; it is not what is tested.

#![cfg(unix)]

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Peak resident memory allowed for one scan.
const MAX_RSS_BYTES: i64 = 1 << 30;

/// Kill a child that runs longer than this (a hang, not a budget).
const WALL_LIMIT: Duration = Duration::from_secs(600);

struct Finished {
    code: i32,
    peak_rss_bytes: i64,
    report: Value,
    stderr: String,
}

/// `breakwater scan ROOT --format json` in a child process; its exit code,
/// peak resident memory and report.
fn scan(root: &Path) -> Finished {
    let out = root.join("report.json");
    let err = root.join("stderr.txt");
    let child = Command::new(env!("CARGO_BIN_EXE_breakwater"))
        .args(["scan", "--no-cache", "--format", "json", "-o"])
        .arg(&out)
        .arg(root.join("repo"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .expect("breakwater runs");
    let pid = child.id() as libc::pid_t;
    let start = Instant::now();
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `pid` is our child, not yet reaped; both out-pointers are valid.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break;
        }
        assert!(r == 0, "wait4 failed");
        if start.elapsed() > WALL_LIMIT {
            // SAFETY: signalling our own child.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!("breakwater ran longer than {WALL_LIMIT:?} and was killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    // The child was reaped by wait4; `child` must not wait again.
    std::mem::forget(child);
    assert!(
        libc::WIFEXITED(status),
        "breakwater did not exit normally (status {status}): {}",
        std::fs::read_to_string(&err).unwrap_or_default()
    );
    let stderr = std::fs::read_to_string(&err).unwrap_or_default();
    let report = serde_json::from_str(&std::fs::read_to_string(&out).unwrap_or_default())
        .unwrap_or_else(|e| panic!("no JSON report ({e}); stderr: {stderr}"));
    Finished {
        code: libc::WEXITSTATUS(status),
        // Linux reports ru_maxrss in kilobytes.
        peak_rss_bytes: usage.ru_maxrss * 1024,
        report,
        stderr,
    }
}

/// A repository holding `files`, scanned; the peak is checked.
fn scan_files(files: &[(&str, Vec<u8>)]) -> Finished {
    let dir = tempfile::tempdir().unwrap();
    for (path, bytes) in files {
        let p = dir.path().join("repo").join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    let f = scan(dir.path());
    // Shown with `--nocapture`: the numbers docs/security.md quotes.
    eprintln!(
        "peak RSS {} MiB for {:?}",
        f.peak_rss_bytes >> 20,
        files.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    assert!(
        f.peak_rss_bytes < MAX_RSS_BYTES,
        "peak RSS {} MiB for {:?}",
        f.peak_rss_bytes >> 20,
        files.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    f
}

/// The skipped entry of `path`: (reason, message).
fn skipped(f: &Finished, path: &str) -> Option<(String, String)> {
    f.report["files"]["skipped"]
        .as_array()?
        .iter()
        .find(|s| s["path"] == path)
        .map(|s| {
            (
                s["reason"].as_str().unwrap_or("").to_string(),
                s["message"].as_str().unwrap_or("").to_string(),
            )
        })
}

fn analysed(f: &Finished) -> u64 {
    f.report["files"]["analysed"].as_u64().unwrap_or(0)
}

#[test]
fn billion_laughs_yaml_is_refused_within_memory() {
    let mut src = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    for w in names.windows(2) {
        src.push_str(&format!(
            "{}: &{} [{}]\n",
            w[1],
            w[1],
            vec![format!("*{}", w[0]); 9].join(",")
        ));
    }
    let f = scan_files(&[("deploy/bomb.yaml", src.into_bytes())]);
    let (reason, message) = skipped(&f, "deploy/bomb.yaml").expect("the bomb is reported");
    assert_eq!(reason, "over-budget", "{message}");
    assert!(message.contains("YAML alias expansion"), "{message}");
    // Over a budget: the scan is incomplete.
    assert_eq!(f.code, 3, "{}", f.stderr);
}

#[test]
fn deeply_nested_json_and_yaml_are_refused_without_overflowing() {
    let depth = 200_000;
    let json = format!(
        "{{\"name\": \"x\", \"d\": {}1{}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let flow = format!("a: {}1{}\n", "[".repeat(depth), "]".repeat(depth));
    let mut block = String::new();
    for i in 0..1_000 {
        block.push_str(&" ".repeat(i));
        block.push_str("k:\n");
    }
    let toml = format!(
        "[project]\nname = \"x\"\nd = {}1{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let f = scan_files(&[
        ("web/package.json", json.into_bytes()),
        ("api/pyproject.toml", toml.into_bytes()),
        ("deploy/flow.yaml", flow.into_bytes()),
        ("deploy/block.yaml", block.into_bytes()),
    ]);
    for p in [
        "web/package.json",
        "api/pyproject.toml",
        "deploy/flow.yaml",
        "deploy/block.yaml",
    ] {
        let (reason, message) = skipped(&f, p).unwrap_or_else(|| panic!("{p} is reported"));
        assert_eq!(reason, "over-budget", "{p}: {message}");
        assert!(message.contains("nesting depth"), "{p}: {message}");
    }
}

#[test]
fn a_million_tiny_statements_stay_within_the_memory_budget() {
    // Under the 2 MB size limit, but a syntax tree of hundreds of MB.
    let py = "a\n".repeat(1_000_000);
    let js = "a;\n".repeat(690_000);
    let yaml = "- a\n".repeat(500_000);
    let f = scan_files(&[
        ("app/many.py", py.into_bytes()),
        ("web/many.js", js.into_bytes()),
        ("deploy/many.yaml", yaml.into_bytes()),
    ]);
    for p in ["app/many.py", "web/many.js"] {
        let (reason, message) = skipped(&f, p).unwrap_or_else(|| panic!("{p} is reported"));
        // The memory budget stops it (a slow unoptimised build may reach
        // the time budget first); either way it says so.
        assert!(
            reason == "over-budget" || reason == "timeout",
            "{p}: {reason}: {message}"
        );
    }
    // A long but flat YAML list is within its budget: analysed.
    assert!(skipped(&f, "deploy/many.yaml").is_none());
    assert_eq!(analysed(&f), 1);
}

#[test]
fn a_huge_single_line_string_is_analysed() {
    let py = format!(
        "import os\nx = \"{}\"\nos.system(x)\n",
        "a".repeat(1_900_000)
    );
    let f = scan_files(&[("app/long.py", py.into_bytes())]);
    assert!(
        skipped(&f, "app/long.py").is_none(),
        "{:?}",
        f.report["files"]
    );
    assert_eq!(analysed(&f), 1);
}

#[test]
fn deeply_nested_brackets_in_code_do_not_overflow() {
    let depth = 100_000;
    let py_parens = format!("x = {}1{}\n", "(".repeat(depth), ")".repeat(depth));
    let py_calls = format!("x = {}1{}\n", "f(".repeat(depth), ")".repeat(depth));
    // One bracket per line, so the file is not taken for minified code.
    let js_arrays = format!(
        "const x = {}1{};\n",
        "[\n".repeat(depth),
        "]\n".repeat(depth)
    );
    let js_funcs = format!(
        "const x = {}1{};\n",
        "function () {\n".repeat(depth / 2),
        "}\n".repeat(depth / 2)
    );
    let f = scan_files(&[
        ("app/parens.py", py_parens.into_bytes()),
        ("app/calls.py", py_calls.into_bytes()),
        ("web/arrays.js", js_arrays.into_bytes()),
        ("web/funcs.js", js_funcs.into_bytes()),
    ]);
    // Each one is analysed or skipped with a reason; none is lost.
    let listed = analysed(&f) as usize
        + f.report["files"]["skipped"]
            .as_array()
            .map_or(0, |s| s.len());
    assert_eq!(listed, 4, "{:?}", f.report["files"]);
    assert!(f.code == 0 || f.code == 3, "{}", f.stderr);
}
