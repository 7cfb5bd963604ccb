//! What an install brings besides the binary: shell completions and the
//! manual page, both generated from the command-line definition; and the
//! README's install section, which `.ci/run` runs.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bw(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_breakwater"))
        .args(args)
        .output()
        .unwrap()
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The subcommands `breakwater --help` lists (without `help`), and those
/// of `breakwater ai --help`.
fn subcommands(args: &[&str]) -> Vec<String> {
    let o = bw(args);
    let help = String::from_utf8(o.stdout).unwrap();
    let list = help
        .split("Commands:\n")
        .nth(1)
        .expect("a Commands: section")
        .split("\n\n")
        .next()
        .unwrap();
    let names: Vec<String> = list
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "help")
        .map(String::from)
        .collect();
    assert!(names.len() >= 5, "{help}");
    names
}

#[test]
fn every_shell_gets_completions_naming_every_subcommand_and_flag() {
    let top = subcommands(&["--help"]);
    assert!(top.contains(&"completions".to_string()) && top.contains(&"man".to_string()));
    let ai = subcommands(&["ai", "--help"]);
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = bw(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(o.stdout).unwrap();
        for name in top.iter().chain(&ai) {
            assert!(script.contains(name.as_str()), "{shell}: no `{name}`");
        }
        // Long options (fish writes them `-l repo`).
        for flag in ["fail-on", "format", "color", "repo", "quiet", "verbose"] {
            assert!(script.contains(flag), "{shell}: no `--{flag}`");
        }
    }
    // The values of a value enum complete too (bash lists them).
    let bash = String::from_utf8(bw(&["completions", "bash"]).stdout).unwrap();
    assert!(
        bash.contains("critical") && bash.contains("none"),
        "--fail-on values"
    );
    // Scripts bash and zsh can load.
    for (shell, check) in [("bash", "-n"), ("zsh", "-n")] {
        if Command::new(shell).arg("-c").arg("true").output().is_err() {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("breakwater.completion");
        std::fs::write(&file, bw(&["completions", shell]).stdout).unwrap();
        let o = Command::new(shell).arg(check).arg(&file).output().unwrap();
        assert!(
            o.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let o = bw(&["completions", "tcsh"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

#[test]
fn the_man_page_renders_and_describes_every_subcommand() {
    let o = bw(&["man"]);
    assert_eq!(o.status.code(), Some(0));
    let roff = String::from_utf8(o.stdout).unwrap();
    assert!(roff.contains(".TH breakwater 1"), "{roff}");
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH SUBCOMMANDS"] {
        assert!(roff.contains(section), "no {section}");
    }
    for name in subcommands(&["--help"]) {
        assert!(roff.contains(&format!("breakwater\\-{name}")), "no {name}");
    }
    // One page per subcommand, nested ones too.
    let dir = tempfile::tempdir().unwrap();
    let o = bw(&["man", "--dir", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    for name in subcommands(&["--help"]) {
        let page = std::fs::read_to_string(dir.path().join(format!("breakwater-{name}.1")))
            .unwrap_or_else(|e| panic!("breakwater-{name}.1: {e}"));
        assert!(page.contains(&format!(".TH breakwater-{name} 1")), "{page}");
    }
    let scan = std::fs::read_to_string(dir.path().join("breakwater-scan.1")).unwrap();
    assert!(scan.contains("\\-\\-fail\\-on"), "{scan}");
    assert!(dir.path().join("breakwater-ai-suggest.1").exists());
    // groff renders it without a warning (groff is on the CI machine).
    let Ok(mut child) = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    else {
        return;
    };
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(roff.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    assert_eq!(String::from_utf8_lossy(&o.stderr), "", "groff warns");
}

/// The README's install command is the one `.ci/run` runs after the tests.
#[test]
fn the_readme_install_section_is_what_ci_runs() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let ci = std::fs::read_to_string(repo_root().join(".ci/run")).unwrap();
    let install = common::section(&readme, "## Install");
    assert!(
        install.contains("cargo install --locked --path crates/cli"),
        "{install}"
    );
    assert!(
        ci.contains("cargo install --locked --path crates/cli --root"),
        "{ci}"
    );
    // And the start-here test command is still exactly what CI runs first.
    assert!(readme.contains("cargo test --workspace --locked"));
    let first = ci
        .lines()
        .find(|l| l.trim_start().starts_with("cargo "))
        .unwrap();
    assert_eq!(first.trim(), "cargo test --workspace --locked");
    // The completion and man commands the README shows exist.
    for line in install
        .lines()
        .filter(|l| l.trim_start().starts_with("breakwater "))
    {
        let words: Vec<&str> = line
            .split_whitespace()
            .take_while(|w| !w.starts_with(['>', '|', '#']))
            .collect();
        let o = bw(&words[1..]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{line}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}
