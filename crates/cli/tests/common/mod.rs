//! Helpers shared by the CLI's integration tests (each test file uses
//! the ones it needs).
#![allow(dead_code)]

use std::path::Path;

/// Run git in `dir` as a scripted user, with no system or user config
/// (local paths allowed as submodule sources).
pub fn git(dir: &Path, args: &[&str]) {
    let o = std::process::Command::new("git")
        .args(["-c", "user.name=Dev", "-c", "user.email=dev@example.com"])
        .args(["-c", "protocol.file.allow=always"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The text of a Markdown section: after the `heading` line, up to the
/// next `## ` heading.
pub fn section<'a>(doc: &'a str, heading: &str) -> &'a str {
    doc.split(heading)
        .nth(1)
        .unwrap_or_else(|| panic!("no `{heading}` section"))
        .split("\n## ")
        .next()
        .unwrap()
}

/// Copy a bundled example or fixture app for a test to work on, without
/// its `.breakwater/` directory: nothing there is committed, and a
/// person's own scan of the example (the README's first command) leaves its
/// facts cache there, which a test must not inherit.
pub fn copy_app(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_name() == ".breakwater" {
            continue;
        }
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_app(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}
