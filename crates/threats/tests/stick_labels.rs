//! The measuring stick (`bench/stick/cases`) stays honest: every case has
//! a well-formed label, comes with a twin of the other verdict for the same
//! CWE and construct that differs from it in a few lines, vulnerable cases
//! mark exactly one sink line and safe ones none, every CWE is one a
//! built-in rule reports for the case's language, and the CWEs and
//! constructs of issue 11 are covered in both languages. It scans nothing
//! (`bench/stick/score.py` does, with a built binary).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use bw_threats::rule::RuleSet;

/// The CWEs every language must have at least one pair for.
const REQUIRED_CWES: &[u32] = &[22, 78, 79, 89, 95, 502, 601, 918, 943, 1336];
/// The constructs of issue 11 (the cases of item 4 and the guard rules of
/// item 2), each a pair in both languages.
const REQUIRED_CONSTRUCTS: &[&str] = &[
    "await-promise",
    "closure-query",
    "constant-branch",
    "constant-key",
    "constant-switch",
    "ctor-field",
    "destructured-param",
    "factory-handler",
    "guard-other-var",
    "guard-swallowed",
    "guard-then-reassign",
    "guard-then-return",
    "helper-client",
    "host-guard",
    "join",
    "length-guard",
    "plus-eq-html",
    "pop-index",
    "str-format",
];
/// How many lines (removed plus added, labels and markers aside) twins may
/// differ in: a twin changes what makes it safe, not the app around it.
const MAX_TWIN_DIFF: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Label {
    cwe: u32,
    construct: String,
    expect: String,
}

/// `# stick: cwe=89 construct=direct expect=safe` (or `//`). `Ok(None)`
/// when the line is no label; `Err` when it is one and is malformed.
fn parse_label(line: &str) -> Result<Option<Label>, String> {
    let t = line.trim_start();
    let Some(rest) = t.strip_prefix('#').or_else(|| t.strip_prefix("//")) else {
        return Ok(None);
    };
    let Some(rest) = rest.trim_start().strip_prefix("stick:") else {
        return Ok(None);
    };
    let rest = rest.trim();
    if rest == "sink" {
        return Ok(None);
    }
    let mut fields = BTreeMap::new();
    for part in rest.split_whitespace() {
        let (k, v) = part
            .split_once('=')
            .ok_or_else(|| format!("malformed label field `{part}`"))?;
        let ok = !v.is_empty()
            && v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !ok {
            return Err(format!("malformed value in `{part}`"));
        }
        if fields.insert(k.to_string(), v.to_string()).is_some() {
            return Err(format!("`{k}` given twice"));
        }
    }
    let keys: Vec<&str> = fields.keys().map(String::as_str).collect();
    if keys != ["construct", "cwe", "expect"] {
        return Err(format!(
            "a label has exactly cwe, construct and expect, found {keys:?}"
        ));
    }
    let cwe = fields["cwe"]
        .parse()
        .map_err(|_| format!("cwe `{}` is not a number", fields["cwe"]))?;
    let construct = fields["construct"].clone();
    let kebab = construct
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !kebab {
        return Err(format!("construct `{construct}` is not kebab-case"));
    }
    let expect = fields["expect"].clone();
    if expect != "vulnerable" && expect != "safe" {
        return Err(format!("expect is vulnerable or safe, not `{expect}`"));
    }
    Ok(Some(Label {
        cwe,
        construct,
        expect,
    }))
}

fn is_marker(line: &str) -> bool {
    let Some(at) = line.find("stick:") else {
        return false;
    };
    let before = line[..at].trim_end();
    (before.ends_with('#') || before.ends_with("//")) && line[at + 6..].trim() == "sink"
}

/// The rule-language name of a source file, by extension.
fn language(path: &Path) -> Option<&'static str> {
    match path.extension()?.to_str()? {
        "py" => Some("python"),
        "js" | "mjs" | "cjs" => Some("javascript"),
        "ts" => Some("typescript"),
        _ => None,
    }
}

#[derive(Debug)]
struct Case {
    id: String,
    label: Label,
    languages: BTreeSet<&'static str>,
    markers: usize,
    /// Every line of every file, labels and markers stripped, in file order.
    lines: Vec<String>,
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn strip_comment(line: &str) -> String {
    match line.find("stick:") {
        Some(at) => {
            let before = line[..at].trim_end();
            let before = before
                .strip_suffix('#')
                .or_else(|| before.strip_suffix("//"))
                .unwrap_or(before);
            before.trim_end().to_string()
        }
        None => line.to_string(),
    }
}

fn load_case(entry: &Path, id: String) -> Result<Case, String> {
    let name = if entry.is_file() {
        entry.file_stem()
    } else {
        entry.file_name()
    };
    let name = name.and_then(|n| n.to_str()).unwrap_or("");
    if name != "vulnerable" && name != "safe" {
        return Err(format!(
            "{id}: a case is a file or folder named vulnerable or safe"
        ));
    }
    let files = if entry.is_file() {
        vec![entry.to_path_buf()]
    } else {
        files_under(entry)
    };
    let mut label = None;
    let mut languages = BTreeSet::new();
    let mut markers = 0;
    let mut lines = vec![];
    for f in &files {
        let Some(lang) = language(f) else {
            return Err(format!(
                "{id}: {} is not a Python or JavaScript/TypeScript file",
                f.display()
            ));
        };
        languages.insert(lang);
        let text = std::fs::read_to_string(f).map_err(|e| format!("{id}: {e}"))?;
        for (i, line) in text.lines().enumerate() {
            if let Some(l) = parse_label(line).map_err(|e| format!("{id}: line {}: {e}", i + 1))? {
                if i >= 3 {
                    return Err(format!("{id}: the label belongs in the first lines"));
                }
                if label.replace(l).is_some() {
                    return Err(format!("{id}: more than one label"));
                }
                continue;
            }
            if is_marker(line) {
                markers += 1;
            }
            lines.push(strip_comment(line));
        }
    }
    let label =
        label.ok_or_else(|| format!("{id}: no `stick: cwe=.. construct=.. expect=..` label"))?;
    if label.expect != name {
        return Err(format!(
            "{id}: labelled expect={} but named {name}",
            label.expect
        ));
    }
    Ok(Case {
        id,
        label,
        languages,
        markers,
        lines,
    })
}

/// Lines removed plus lines added between two texts (longest common
/// subsequence; cases are a few dozen lines).
fn diff_size(a: &[String], b: &[String]) -> usize {
    let mut prev = vec![0usize; b.len() + 1];
    for x in a {
        let mut cur = vec![0usize; b.len() + 1];
        for (j, y) in b.iter().enumerate() {
            cur[j + 1] = if x == y {
                prev[j] + 1
            } else {
                cur[j].max(prev[j + 1])
            };
        }
        prev = cur;
    }
    a.len() + b.len() - 2 * prev[b.len()]
}

fn stick_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/stick/cases")
}

fn sorted_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    v.sort();
    v
}

#[test]
fn every_stick_case_is_labelled_paired_and_known_to_a_rule() {
    let rules = RuleSet::builtin().expect("built-in rules load");
    let mut errors = vec![];
    // (stick language, cwe) and (stick language, construct) seen.
    let mut cwes = BTreeSet::new();
    let mut constructs = BTreeSet::new();
    let mut count = 0;
    for lang_dir in sorted_dirs(&stick_root()) {
        let lang = lang_dir.file_name().unwrap().to_string_lossy().to_string();
        if lang != "python" && lang != "javascript" {
            errors.push(format!("cases/{lang}: languages are python and javascript"));
            continue;
        }
        for pair_dir in sorted_dirs(&lang_dir) {
            let pair = pair_dir.file_name().unwrap().to_string_lossy().to_string();
            let mut cases = vec![];
            for entry in sorted_dirs(&pair_dir) {
                let id = format!(
                    "{lang}/{pair}/{}",
                    entry.file_name().unwrap().to_string_lossy()
                );
                match load_case(&entry, id) {
                    Ok(c) => cases.push(c),
                    Err(e) => errors.push(e),
                }
            }
            let expects: Vec<&str> = cases.iter().map(|c| c.label.expect.as_str()).collect();
            if expects != ["safe", "vulnerable"] {
                errors.push(format!(
                    "{lang}/{pair}: a pair is one safe and one vulnerable case, found {expects:?}"
                ));
                continue;
            }
            let (safe, vul) = (&cases[0], &cases[1]);
            if (safe.label.cwe, &safe.label.construct) != (vul.label.cwe, &vul.label.construct) {
                errors.push(format!(
                    "{lang}/{pair}: the twins disagree on cwe or construct"
                ));
            }
            if vul.markers != 1 {
                errors.push(format!(
                    "{}: marks {} sink lines, not one",
                    vul.id, vul.markers
                ));
            }
            if safe.markers != 0 {
                errors.push(format!("{}: a safe case marks no sink", safe.id));
            }
            let d = diff_size(&vul.lines, &safe.lines);
            if d > MAX_TWIN_DIFF {
                errors.push(format!(
                    "{lang}/{pair}: the twins differ in {d} lines (at most {MAX_TWIN_DIFF})"
                ));
            }
            for c in [safe, vul] {
                count += 1;
                let family = |l: &str| {
                    if l == "python" {
                        "python"
                    } else {
                        "javascript"
                    }
                };
                if c.languages.iter().any(|l| family(l) != lang) {
                    errors.push(format!(
                        "{}: files of {:?} under cases/{lang}",
                        c.id, c.languages
                    ));
                }
                for l in &c.languages {
                    let known = rules.rules.iter().any(|r| {
                        r.cwe.contains(&c.label.cwe) && r.languages.iter().any(|x| x == l)
                    });
                    if !known {
                        errors.push(format!(
                            "{}: no built-in rule reports CWE-{} for {l}",
                            c.id, c.label.cwe
                        ));
                    }
                }
            }
            cwes.insert((lang.clone(), vul.label.cwe));
            constructs.insert((lang.clone(), vul.label.construct.clone()));
        }
    }
    for lang in ["python", "javascript"] {
        for cwe in REQUIRED_CWES {
            if !cwes.contains(&(lang.to_string(), *cwe)) {
                errors.push(format!("no {lang} pair for CWE-{cwe}"));
            }
        }
        for c in REQUIRED_CONSTRUCTS {
            if !constructs.contains(&(lang.to_string(), c.to_string())) {
                errors.push(format!("no {lang} pair for construct {c}"));
            }
        }
    }
    assert!(errors.is_empty(), "measuring stick:\n{}", errors.join("\n"));
    assert!(
        count >= 60,
        "the stick has {count} cases, expected at least 60"
    );
}

#[test]
fn stick_labels_parse_strictly() {
    let ok = parse_label("# stick: cwe=89 construct=guard-then-return expect=vulnerable").unwrap();
    assert_eq!(
        ok,
        Some(Label {
            cwe: 89,
            construct: "guard-then-return".into(),
            expect: "vulnerable".into()
        })
    );
    assert!(
        parse_label("// stick: cwe=79 construct=direct expect=safe")
            .unwrap()
            .is_some()
    );
    assert_eq!(parse_label("x = 1  # stick: sink").unwrap(), None);
    assert_eq!(parse_label("# an ordinary comment").unwrap(), None);
    for bad in [
        "# stick: cwe=89 construct=direct",
        "# stick: cwe=89 construct=direct expect=maybe",
        "# stick: cwe=CWE89 construct=direct expect=safe",
        "# stick: cwe=89 construct=Direct expect=safe",
        "# stick: cwe=89 construct=direct expect=safe lang=py",
        "# stick: cwe=89 cwe=89 construct=direct expect=safe",
        "# stick: cwe 89",
    ] {
        assert!(parse_label(bad).is_err(), "accepted {bad}");
    }
    assert!(is_marker("    return html  # stick: sink"));
    assert!(is_marker("  res.send(html); // stick: sink"));
    assert!(!is_marker("  res.send(html); // stick: sinks"));
    assert!(!is_marker("  res.send('stick: sink');"));
}

#[test]
fn twin_diff_counts_changed_lines() {
    let a: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
    let b: Vec<String> = ["a", "x", "c", "d", "e"].map(String::from).to_vec();
    assert_eq!(diff_size(&a, &a), 0);
    assert_eq!(diff_size(&a, &b), 3);
    assert_eq!(
        strip_comment("    return html  # stick: sink"),
        "    return html"
    );
}
