//! What the fuzz targets run (`fuzz/fuzz_targets/*.rs`, driven by
//! `cargo +nightly fuzz`), and what `tests/fuzz_regressions.rs` replays
//! from `fuzz/regressions/<target>/` on every `cargo test`: one function
//! per reader of repository bytes, so a crash the fuzzer found stays found
//! by the stable test run, through exactly the code the fuzzer ran.
//!
//! Each function takes arbitrary bytes, never returns an error and panics
//! only when an invariant breaks: a reader may refuse its input, but it may
//! not crash, hang past its budget, or produce facts outside the
//! vocabulary or outside the file.

use crate::{Library, MemorySource, ScanOptions};
use bw_facts::flowspec::FlowSpec;
use bw_facts::{FileFacts, Location};
use bw_files::Lang;
use std::sync::OnceLock;

/// Every target, by the name of its folder under `fuzz/fuzz_targets/` and
/// `fuzz/regressions/`.
pub const TARGETS: &[&str] = &["model_file", "rule", "iac", "code", "patch", "scan"];

/// Run one target on one input (for the regression replay).
pub fn run(target: &str, data: &[u8]) {
    match target {
        "model_file" => model_file(data),
        "rule" => rule(data),
        "iac" => iac(data),
        "code" => code(data),
        "patch" => patch(data),
        "scan" => scan(data),
        other => panic!("no fuzz target named {other:?} (known: {TARGETS:?})"),
    }
}

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

fn builtin_flow() -> &'static FlowSpec {
    static FLOW: OnceLock<FlowSpec> = OnceLock::new();
    FLOW.get_or_init(FlowSpec::builtin)
}

fn builtin_library() -> &'static Library {
    static LIB: OnceLock<Library> = OnceLock::new();
    LIB.get_or_init(|| Library::builtin().expect("the built-in rules load"))
}

/// The model-file reader and its lossless editor: whatever parses can take
/// a decision and lose it again, and each result reads back.
pub fn model_file(data: &[u8]) {
    use bw_model::edit::{DecisionEdit, edit_decisions};
    use bw_model::modelfile::{Decision, ModelFile};
    let Some(text) = text(data) else { return };
    if ModelFile::parse("breakwater.toml", text).is_err() {
        return;
    }
    let id = "fuzz-rule@app/x.py::handler".to_string();
    let upsert = DecisionEdit::Upsert {
        id: id.clone(),
        decision: Decision {
            status: "accepted".into(),
            reason: "fuzzing".into(),
            author: "fuzz".into(),
            date: "2026-01-01".into(),
            fingerprint: String::new(),
            evidence: String::new(),
            ticket: None,
            expires: None,
        },
    };
    // A layout the editor does not rewrite is refused with a reason; a
    // result it returns must read back with the decision in it.
    let Ok(added) = edit_decisions("breakwater.toml", text, &[upsert]) else {
        return;
    };
    let back = ModelFile::parse("breakwater.toml", &added.text)
        .unwrap_or_else(|e| panic!("an edited model file does not parse: {e}"));
    assert!(back.decisions.contains_key(&id), "the decision was lost");
    if let Ok(removed) = edit_decisions(
        "breakwater.toml",
        &added.text,
        &[DecisionEdit::Remove { id: id.clone() }],
    ) {
        let back = ModelFile::parse("breakwater.toml", &removed.text)
            .unwrap_or_else(|e| panic!("a model file with a decision removed does not parse: {e}"));
        assert!(
            !back.decisions.contains_key(&id),
            "the decision survived its removal"
        );
    }
}

/// The rule reader, the flow-spec reader and the baseline reader (a team's
/// `.breakwater/rules/*.toml`, `.breakwater/flow/*.toml` and
/// `.breakwater/baseline.toml`).
pub fn rule(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let _ = bw_threats::rule::parse_rule(".breakwater/rules/fuzz.toml", "custom", text);
    let _ = FlowSpec::builtin().add(".breakwater/flow/fuzz.toml", text);
    let _ = bw_threats::baseline::Baseline::parse(text);
}

/// The first byte picks a kind of file, the rest is its text.
fn pick<'a>(
    data: &'a [u8],
    kinds: &[(Lang, &'static str)],
) -> Option<(Lang, &'static str, &'a str)> {
    let (&first, rest) = data.split_first()?;
    let (lang, path) = kinds[first as usize % kinds.len()];
    Some((lang, path, text(rest)?))
}

const IAC: &[(Lang, &str)] = &[
    (Lang::Yaml, "docker-compose.yml"),
    (Lang::Yaml, "deploy/k8s/app.yaml"),
    (Lang::Dockerfile, "Dockerfile"),
    (Lang::Requirements, "requirements.txt"),
    (Lang::PackageJson, "package.json"),
    (Lang::Pyproject, "pyproject.toml"),
    (Lang::Config, ".env"),
];

const CODE: &[(Lang, &str)] = &[
    (Lang::Python, "app/views.py"),
    (Lang::JavaScript, "src/server.js"),
    (Lang::TypeScript, "src/server.ts"),
    (Lang::Tsx, "src/page.tsx"),
];

/// Infrastructure and manifest readers: compose, Kubernetes, Dockerfile,
/// requirements, package.json, pyproject, configuration (secrets only).
pub fn iac(data: &[u8]) {
    if let Some((lang, path, text)) = pick(data, IAC) {
        extract_checked(path, lang, text);
    }
}

/// The language extractors: Python, JavaScript, TypeScript, TSX.
pub fn code(data: &[u8]) {
    if let Some((lang, path, text)) = pick(data, CODE) {
        extract_checked(path, lang, text);
    }
}

fn extract_checked(path: &str, lang: Lang, text: &str) {
    let facts = match bw_facts::extract(path, lang, text, builtin_flow()) {
        Ok(f) => f,
        // A panic on the extraction's own thread comes back as `Failed`:
        // a crash here, as it is for the fuzzer.
        Err(bw_lang::ParseError::Failed) => {
            panic!("{path}: the extraction failed (it panicked)")
        }
        // A parse abandoned at its time or memory budget is a refusal,
        // not a crash.
        Err(_) => return,
    };
    check_facts(&facts, text);
}

/// What every extractor promises: facts in the vocabulary, located inside
/// the file they came from.
fn check_facts(f: &FileFacts, text: &str) {
    // Lines as an editor counts them, plus one for a position at the very end.
    let lines = text.split('\n').count() as u32 + 1;
    let inside = |l: &Location, what: &str| {
        assert!(
            l.start_line >= 1 && l.start_line <= l.end_line && l.end_line <= lines,
            "{what} at {}:{}-{} is outside the file's {lines} lines",
            l.path,
            l.start_line,
            l.end_line
        );
    };
    for fact in &f.facts {
        if let Err(e) = bw_facts::vocab::check_fact(fact) {
            panic!("a fact outside the vocabulary: {e}");
        }
        inside(&fact.evidence.location, "a fact");
    }
    for i in &f.ignores {
        inside(&i.location, "an inline ignore");
    }
}

/// The unified-diff reader (`check_change`, `breakwater check --diff`):
/// parse, then apply each file's hunks to the text they describe and to an
/// empty file.
pub fn patch(data: &[u8]) {
    use bw_files::patch::{Line, apply, apply_all, parse};
    let Some(text) = text(data) else { return };
    let Ok(files) = parse(text) else { return };
    for f in &files {
        let old: String = f
            .hunks
            .iter()
            .flat_map(|h| h.lines.iter())
            .filter_map(|l| match l {
                Line::Context(s) | Line::Remove(s) => Some(format!("{s}\n")),
                Line::Add(_) => None,
            })
            .collect();
        let _ = apply(f.path(), &old, &f.hunks);
        let _ = apply(f.path(), "", &f.hunks);
    }
    let _ = apply_all(&files, &|_| None);
    let _ = apply_all(&files, &|p| Some(format!("{p}\n").into_bytes()));
}

/// The whole pipeline over one file: extraction, linking, the model,
/// every rule, decisions and excerpts, on one thread.
pub fn scan(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let all: Vec<(Lang, &str)> = CODE.iter().chain(IAC).copied().collect();
    let (_, path) = all[first as usize % all.len()];
    let source = MemorySource::new().with(path, rest.to_vec());
    let opts = ScanOptions {
        threads: Some(1),
        today: "2026-01-01".into(),
        ..ScanOptions::default()
    };
    let out = crate::scan(&source, builtin_library(), &opts).expect("a scan in memory starts");
    for t in &out.report.threats {
        assert!(!t.id.is_empty(), "a threat without an id");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_target_takes_empty_and_plain_input() {
        for t in TARGETS {
            for data in [&b""[..], b"\0", b"\x01x = 1\n", b"\xff\xfe"] {
                run(t, data);
            }
        }
    }
}
