//! The analysis core is written once: no language or framework name is a
//! special case in the intermediate form (`bw-ir`) or the dataflow engine
//! (`bw-flow`) outside the catalogue module, which reads each language's
//! catalogue file. Knowledge of a language lives in its lowering
//! (`bw-lower`), its catalogue (`rules/flow/`) and its framework
//! recognisers. Comments may name languages (to give examples); code and
//! string literals may not.

use std::path::{Path, PathBuf};

/// Words that would make the core branch on a language or framework.
const NAMES: &[&str] = &[
    "python",
    "javascript",
    "typescript",
    "tsx",
    "Lang::",
    "flask",
    "django",
    "fastapi",
    "starlette",
    "express",
    "koa",
    "fastify",
    "nextjs",
];

/// Reviewed places allowed to name languages: the catalogue module keeps
/// one spec per language.
const ALLOWED: &[&str] = &["flow/src/catalogue.rs"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The code of a line: everything before a `//` that is not inside a
/// string literal.
fn code_of(line: &str) -> &str {
    let mut in_str = false;
    let mut prev = '\0';
    for (i, c) in line.char_indices() {
        match c {
            '"' if prev != '\\' => in_str = !in_str,
            '/' if !in_str && prev == '/' => return &line[..i - 1],
            _ => {}
        }
        prev = if prev == '\\' && c == '\\' { '\0' } else { c };
    }
    line
}

/// Whether `code` names `name`: a path prefix (`Lang::`) anywhere, a word
/// as a whole word, in any case (`Python`, `PYTHON`, `python_file`).
fn names(code: &str, name: &str) -> bool {
    if name.ends_with("::") {
        return code.contains(name);
    }
    code.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| w.eq_ignore_ascii_case(name))
}

#[test]
fn the_core_names_no_language_outside_its_catalogue() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    rust_files(&crates.join("ir/src"), &mut files);
    rust_files(&crates.join("flow/src"), &mut files);
    assert!(files.len() >= 5, "found {files:?}");
    let mut found = Vec::new();
    for f in &files {
        let shown = f
            .strip_prefix(&crates)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if ALLOWED.contains(&shown.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        // Unit tests at the end of a file build examples in a language's
        // words; the rule is for the code that runs.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (i, line) in code.lines().enumerate() {
            let c = code_of(line);
            for n in NAMES {
                if names(c, n) {
                    found.push(format!("{shown}:{}: `{n}` in {}", i + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "language names in the core:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_sees_code_and_not_comments() {
    assert_eq!(code_of("let a = 1; // python"), "let a = 1; ");
    assert_eq!(code_of("let s = \"a // b\"; // c"), "let s = \"a // b\"; ");
    assert!(code_of("if lang == \"python\" {").contains("python"));
    assert!(names("if lang == \"Python\" {", "python"));
    assert!(names("let python_file = 1;", "python"));
    assert!(!names("an expression", "express"));
    assert!(names("match l { Lang::Tsx => 1 }", "Lang::"));
}
