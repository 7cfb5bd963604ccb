//! The CI recipes in docs/ci.md and the hooks in .pre-commit-hooks.yaml run
//! real commands: this test takes every `breakwater …` command out of them
//! and runs it against a scripted git repository, expecting the exit code
//! and output the recipe relies on.

mod common;

use common::git;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `breakwater …` command in the fenced blocks of a Markdown file, or
/// in the `entry:` lines of a YAML file.
fn commands(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let markdown = path.extension().is_some_and(|e| e == "md");
    let mut in_fence = !markdown;
    let mut out = vec![];
    for line in text.lines() {
        if markdown && line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if !in_fence {
            continue;
        }
        let mut l = line.trim();
        for prefix in ["- ", "run: ", "entry: "] {
            l = l.strip_prefix(prefix).unwrap_or(l);
        }
        if l.starts_with("breakwater ") {
            out.push(l.to_string());
        }
    }
    out
}

/// Split a command line as a POSIX shell would for the simple forms the
/// recipes use (words, double-quoted strings).
fn words(cmd: &str) -> Vec<String> {
    let mut out = vec![];
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in cmd.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            c => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The recipes' CI variables, as a pull request against `main` sets them.
fn substitute(cmd: &str) -> String {
    cmd.replace("${{ github.base_ref }}", "main")
        .replace("$CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main")
}

fn bw(dir: &Path, args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_breakwater"))
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .output()
        .unwrap()
}

const APP: &str = "from flask import Flask\nfrom flask_login import login_required\n\napp = Flask(__name__)\n\n\n@app.route(\"/orders\")\n@login_required\ndef orders():\n    return \"o\"\n\n\n@app.route(\"/admin/stats\")\n@login_required\ndef stats():\n    return \"s\"\n";

/// A repository whose `main` (also `origin/main`) has the app and its
/// snapshot committed, on a feature branch.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    std::fs::write(d.join("app.py"), APP).unwrap();
    let o = bw(
        d,
        &[
            "scan".into(),
            "--write-snapshot".into(),
            "-o".into(),
            "/dev/null".into(),
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "base"]);
    git(d, &["update-ref", "refs/remotes/origin/main", "main"]);
    git(d, &["checkout", "-qb", "feature"]);
    dir
}

fn all_recipe_commands() -> Vec<String> {
    let mut cmds = commands(&repo_root().join("docs/ci.md"));
    cmds.extend(commands(&repo_root().join(".pre-commit-hooks.yaml")));
    cmds
}

#[test]
fn the_recipes_have_the_commands_this_test_runs() {
    let cmds = all_recipe_commands();
    // GitHub: 2 reports + gate + snapshot; GitLab: the same; pre-commit:
    // 2 in the shipped hooks and 2 in the local-hooks recipe.
    assert_eq!(cmds.len(), 12, "{cmds:#?}");
    assert!(cmds.iter().any(|c| c.contains("--format sarif")));
    assert!(cmds.iter().any(|c| c.contains("--format markdown")));
    assert!(cmds.iter().any(|c| c.contains("--fail-on high")));
    assert!(cmds.iter().any(|c| c.contains("scan --check")));
    assert!(cmds.iter().any(|c| c.contains("check --staged")));
    assert_eq!(
        words("breakwater diff \"origin/main\" --output x"),
        ["breakwater", "diff", "origin/main", "--output", "x"]
    );
}

#[test]
fn a_change_that_removes_auth_fails_the_gate_and_reports_it() {
    let dir = repo();
    let d = dir.path();
    let changed = APP.replace(
        "@app.route(\"/admin/stats\")\n@login_required\n",
        "@app.route(\"/admin/stats\")\n",
    );
    std::fs::write(d.join("app.py"), changed).unwrap();
    let o = bw(
        d,
        &[
            "scan".into(),
            "--write-snapshot".into(),
            "-o".into(),
            "/dev/null".into(),
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    // The pre-commit hooks run before the commit: the threat gate sees
    // only what is staged, so the unstaged edit passes it...
    for cmd in commands(&repo_root().join(".pre-commit-hooks.yaml")) {
        let o = bw(d, &words(&cmd)[1..]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{cmd}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    // ...and stops it once it is staged.
    git(d, &["add", "-A"]);
    for cmd in commands(&repo_root().join(".pre-commit-hooks.yaml")) {
        let o = bw(d, &words(&cmd)[1..]);
        let want = if cmd.contains("--fail-on") { 1 } else { 0 };
        assert_eq!(
            o.status.code(),
            Some(want),
            "{cmd}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        if want == 1 {
            let out = String::from_utf8_lossy(&o.stdout);
            assert!(out.contains("admin-route-unauthenticated"), "{out}");
        }
    }
    git(d, &["commit", "-qam", "open the stats route"]);
    for cmd in commands(&repo_root().join("docs/ci.md")) {
        let args = words(&substitute(&cmd));
        let o = bw(d, &args[1..]);
        let gate = cmd.contains("--fail-on");
        let want = if gate && cmd.contains(" diff ") { 1 } else { 0 };
        assert_eq!(
            o.status.code(),
            Some(want),
            "{cmd}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        if let Some(i) = args.iter().position(|a| a == "--output") {
            let out = std::fs::read_to_string(d.join(&args[i + 1])).unwrap_or_default();
            if cmd.contains("sarif") && !args[i + 1].starts_with("/dev") {
                let v: serde_json::Value = serde_json::from_str(&out).unwrap();
                let results = v["runs"][0]["results"].as_array().unwrap();
                assert_eq!(results.len(), 1, "{out}");
                assert_eq!(results[0]["ruleId"], "admin-route-unauthenticated");
            }
            if cmd.contains("markdown") {
                assert!(out.contains("#### New threats"), "{out}");
                assert!(out.contains("auth control removed"), "{out}");
            }
        }
    }
}

#[test]
fn a_clean_change_passes_every_recipe() {
    let dir = repo();
    let d = dir.path();
    std::fs::write(d.join("app.py"), format!("# Orders service\n{APP}")).unwrap();
    git(d, &["commit", "-qam", "comment"]);
    for cmd in all_recipe_commands() {
        let args = words(&substitute(&cmd));
        let o = bw(d, &args[1..]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{cmd}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

#[test]
fn a_stale_snapshot_fails_the_snapshot_recipe() {
    let dir = repo();
    let d = dir.path();
    std::fs::write(
        d.join("app.py"),
        format!(
            "{APP}\n\n@app.route(\"/export\")\n@login_required\ndef export():\n    return \"e\"\n"
        ),
    )
    .unwrap();
    let snapshot: Vec<String> = all_recipe_commands()
        .into_iter()
        .filter(|c| c.contains("scan --check"))
        .collect();
    assert_eq!(snapshot.len(), 4);
    for cmd in snapshot {
        let o = bw(d, &words(&cmd)[1..]);
        assert_eq!(o.status.code(), Some(1), "{cmd}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("+ route:GET /export"));
    }
}

/// Every URL in the recipes: `(host, line)`.
fn urls(text: &str) -> Vec<(String, String)> {
    let mut out = vec![];
    for line in text.lines() {
        let mut rest = line;
        while let Some(i) = rest.find("://") {
            let after = &rest[i + 3..];
            let host: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || ".-".contains(*c))
                .collect();
            out.push((host, line.to_string()));
            rest = after;
        }
    }
    out
}

/// The recipes install breakwater once per version and cache the binary,
/// from a repository the user names; no recipe names a made-up host.
#[test]
fn recipes_cache_the_binary_and_name_no_host_that_does_not_exist() {
    let doc = std::fs::read_to_string(repo_root().join("docs/ci.md")).unwrap();
    let hooks = std::fs::read_to_string(repo_root().join(".pre-commit-hooks.yaml")).unwrap();
    for (host, line) in urls(&doc).into_iter().chain(urls(&hooks)) {
        assert!(
            !host.contains("example") && !host.ends_with(".invalid") && !host.ends_with(".test"),
            "a placeholder host in a recipe: {line}"
        );
    }
    // The workspace's placeholder repository is not a place to install from.
    let manifest = std::fs::read_to_string(repo_root().join("Cargo.toml")).unwrap();
    let placeholder = manifest
        .lines()
        .find_map(|l| l.trim().strip_prefix("repository = "))
        .map(|v| v.trim_matches('"').to_string())
        .unwrap_or_default();
    assert!(placeholder.is_empty() || !doc.contains(&placeholder));
    // Each CI recipe installs with --locked from BREAKWATER_GIT at
    // BREAKWATER_REF, only when its cache (keyed on that ref) has no binary.
    let installs: Vec<&str> = doc
        .lines()
        .filter(|l| l.contains("cargo install"))
        .filter(|l| l.contains("--git"))
        .collect();
    assert_eq!(installs.len(), 2, "GitHub and GitLab: {installs:#?}");
    for l in &installs {
        assert!(l.contains("--locked"), "{l}");
        assert!(
            l.contains("\"$BREAKWATER_GIT\"") && l.contains("--rev \"$BREAKWATER_REF\""),
            "{l}"
        );
        assert!(
            l.contains("--root"),
            "installed where the cache keeps it: {l}"
        );
    }
    let github = common::section(&doc, "## GitHub Actions");
    assert!(
        github.contains("key: breakwater-bin-${{ runner.os }}-${{ vars.BREAKWATER_REF }}"),
        "{github}"
    );
    assert!(
        github.contains("if: steps.breakwater-bin.outputs.cache-hit != 'true'"),
        "{github}"
    );
    let gitlab = common::section(&doc, "## GitLab CI");
    assert!(
        gitlab.contains("key: breakwater-bin-$BREAKWATER_REF"),
        "{gitlab}"
    );
    assert!(
        gitlab.contains("test -x .breakwater-bin/bin/breakwater ||"),
        "{gitlab}"
    );
}

/// The GitLab recipe keeps the binary inside the checkout (GitLab caches
/// only paths there) and excludes it, so scans do not see it.
#[test]
fn a_binary_kept_in_the_checkout_is_not_scanned() {
    let dir = repo();
    let d = dir.path();
    std::fs::create_dir_all(d.join(".breakwater-bin/bin")).unwrap();
    std::fs::copy(
        env!("CARGO_BIN_EXE_breakwater"),
        d.join(".breakwater-bin/bin/breakwater"),
    )
    .unwrap();
    std::fs::write(d.join(".breakwater-bin/.crates.toml"), "[v1]\n").unwrap();
    let mut exclude = std::fs::read_to_string(d.join(".git/info/exclude")).unwrap_or_default();
    exclude.push_str("/.breakwater-bin/\n");
    std::fs::write(d.join(".git/info/exclude"), exclude).unwrap();
    let o = bw(d, &["scan".into(), "--format".into(), "json".into()]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let text = v.to_string();
    assert!(!text.contains(".breakwater-bin"), "{text}");
}
