//! The per-rule harness, shared by the test binaries that run it: every
//! rule's fixtures in `rules/tests/<rule-id>/` are scanned as a small
//! repository, and the threats of that rule must sit exactly on the lines
//! marked `ruleid: <id>` — never on `ok: <id>` lines, never anywhere
//! unmarked.

use bw_engine::{FsSource, Library, ScanOptions, WalkOptions, check_vocabulary, facts_of, scan};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules")
}

#[derive(Default, Debug)]
pub struct Marks {
    /// (path, line) -> rule ids expected to fire there.
    pub fire: BTreeMap<(String, u32), BTreeSet<String>>,
    /// (path, line) -> rule ids that must not fire there.
    pub quiet: BTreeMap<(String, u32), BTreeSet<String>>,
}

fn is_comment_only(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('#')
        || t.starts_with("//")
        || t.starts_with("/*")
        || t.starts_with('*')
        || t.starts_with("{/*")
}

/// Parse `ruleid:` / `ok:` markers. A marker after code applies to its
/// line; a marker on a comment-only line applies to the next line that is
/// not a comment.
pub fn marks_in(path: &str, text: &str, marks: &mut Marks) {
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        for (word, fire) in [("ruleid:", true), ("ok:", false)] {
            let mut rest = *line;
            while let Some(pos) = rest.find(word) {
                let before = &rest[..pos];
                let boundary =
                    before.is_empty() || before.ends_with([' ', '#', '/', '*', '{', '-']);
                let after = &rest[pos + word.len()..];
                rest = after;
                if !boundary {
                    continue;
                }
                let ids: Vec<String> = after
                    .trim_start()
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .filter(|w| !w.is_empty())
                    .map(|w| w.trim_end_matches(['*', '/', '}']))
                    .take_while(|w| {
                        !w.is_empty()
                            && w.chars()
                                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    })
                    .map(str::to_string)
                    .collect();
                if ids.is_empty() {
                    continue;
                }
                let target = if is_comment_only(line) {
                    (i + 1..lines.len())
                        .find(|&j| !is_comment_only(lines[j]) && !lines[j].trim().is_empty())
                } else {
                    Some(i)
                };
                let Some(t) = target else { continue };
                let map = if fire {
                    &mut marks.fire
                } else {
                    &mut marks.quiet
                };
                map.entry((path.to_string(), t as u32 + 1))
                    .or_default()
                    .extend(ids);
            }
        }
    }
}

fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            walk(&p, root, out);
        } else if let Ok(text) = std::fs::read_to_string(&p) {
            let rel = p
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, text));
        }
    }
}

/// Scan every rule's fixtures and list what is wrong: a marked line
/// without its threat, a threat on an `ok:` or unmarked line, a fact
/// outside the vocabulary. Only fixture files `keep` accepts are judged
/// (all are scanned); `require_both` also asks every rule for at least one
/// firing and one quiet marker. Returns the rules checked and the failures.
pub fn failures(keep: &dyn Fn(&str) -> bool, require_both: bool) -> (usize, Vec<String>) {
    let lib = Library::builtin().expect("built-in rules load");
    let mut failures = vec![];
    let mut checked = 0;
    for rule in &lib.rules.rules {
        let dir = rules_dir().join("tests").join(&rule.id);
        if !dir.is_dir() {
            failures.push(format!(
                "{}: no fixtures in rules/tests/{}/",
                rule.id, rule.id
            ));
            continue;
        }
        let mut files = vec![];
        walk(&dir, &dir, &mut files);
        let mut marks = Marks::default();
        for (p, t) in files.iter().filter(|(p, _)| keep(p)) {
            marks_in(p, t, &mut marks);
        }
        let fires: BTreeSet<(String, u32)> = marks
            .fire
            .iter()
            .filter(|(_, ids)| ids.contains(&rule.id))
            .map(|(k, _)| k.clone())
            .collect();
        let quiet: BTreeSet<(String, u32)> = marks
            .quiet
            .iter()
            .filter(|(_, ids)| ids.contains(&rule.id))
            .map(|(k, _)| k.clone())
            .collect();
        if !require_both && fires.is_empty() && quiet.is_empty() {
            continue;
        }
        if require_both && (fires.is_empty() || quiet.is_empty()) {
            failures.push(format!(
                "{}: fixtures need at least one `ruleid: {0}` and one `ok: {0}` marker (found {} and {})",
                rule.id,
                fires.len(),
                quiet.len()
            ));
        }
        let source = FsSource::new(
            &dir,
            WalkOptions {
                respect_gitignore: false,
                ..Default::default()
            },
        )
        .unwrap();
        let out = scan(&source, &lib, &ScanOptions::default()).unwrap();
        let got: BTreeSet<(String, u32)> = out
            .report
            .threats
            .iter()
            .filter(|t| t.rule == rule.id && keep(&t.location.path))
            .map(|t| (t.location.path.clone(), t.location.start_line))
            .collect();
        for miss in fires.difference(&got) {
            failures.push(format!(
                "{}: expected a threat at {}:{} (ruleid marker), none found",
                rule.id, miss.0, miss.1
            ));
        }
        for extra in got.difference(&fires) {
            let why = if quiet.contains(extra) {
                "an `ok:` line"
            } else {
                "an unmarked line"
            };
            failures.push(format!(
                "{}: unexpected threat at {}:{} ({why})",
                rule.id, extra.0, extra.1
            ));
        }
        let facts = facts_of(&source, &lib).unwrap();
        for e in check_vocabulary(&facts.files) {
            failures.push(format!(
                "{}: fixture fact outside the vocabulary: {e}",
                rule.id
            ));
        }
        checked += 1;
    }
    (checked, failures)
}
