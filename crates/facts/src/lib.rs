//! Per-file extraction: one file in, [`FileFacts`] out.
//!
//! Each language or format is one module. Extraction is pure (bytes in,
//! facts out), runs per file in parallel, and never keeps a tree: the
//! extractor walks the tree once, pulls out facts with evidence, function
//! summaries and the import table, and drops it.
//!
//! Data flow inside a function (sources, sinks, sanitisers, propagators)
//! is driven by the [`flowspec::FlowSpec`] data files in `rules/flow/`, so a
//! team adds a sink for its own wrapper without writing Rust.

pub mod budget;
mod chain;
pub mod core;
pub mod evidence;
/// The flow catalogue, defined once in `bw-flow` (the old extractors and
/// the dataflow engine read the same types).
pub use bw_flow::catalogue as flowspec;
pub mod redact;
pub mod taint;
pub mod types;
pub mod vocab;
pub mod words;

mod docker;
mod ignores;
mod javascript;
mod manifests;
mod python;
pub mod secrets;
pub mod sqltext;
mod yaml;

pub use types::*;

pub(crate) use bw_lang::with_walk_stack;

/// Where an extractor hands the tree it parsed, before extracting from it.
pub type TreeHook<'a> = &'a mut (dyn FnMut(&tree_sitter::Tree) + Send);
/// The walk stack lives in `bw-lang` (the lowerings need it too).
pub use bw_lang::{WALK_STACK, declare_thread_stack};

use bw_files::Lang;
use flowspec::FlowSpec;

/// Extract the facts of one file. `text` is the whole file, already known
/// to be UTF-8. Never panics on bad input: a file that does not parse
/// yields what its partial tree shows, with `partial` set. Within the
/// default [`budget::Budget`].
pub fn extract(
    path: &str,
    lang: Lang,
    text: &str,
    spec: &FlowSpec,
) -> Result<FileFacts, bw_lang::ParseError> {
    extract_within(path, lang, text, spec, &budget::Budget::default())
}

/// [`extract`] within `budget`: past its time or memory, the file fails
/// with [`bw_lang::ParseError::Timeout`] or [`bw_lang::ParseError::Memory`]
/// (the facts found until then are dropped, never returned as if whole).
pub fn extract_within(
    path: &str,
    lang: Lang,
    text: &str,
    spec: &FlowSpec,
    budget: &budget::Budget,
) -> Result<FileFacts, bw_lang::ParseError> {
    extract_by(path, lang, text, spec, budget, core::Core::selected())
}

/// [`extract_within`] by the analysis core `core` (the sink facts of the
/// languages [`core::covers`] come from it; everything else is the same).
pub fn extract_by(
    path: &str,
    lang: Lang,
    text: &str,
    spec: &FlowSpec,
    budget: &budget::Budget,
    core: core::Core,
) -> Result<FileFacts, bw_lang::ParseError> {
    with_walk_stack(
        || {
            let entered = budget::enter(budget, text.len());
            let out = extract_entered(path, lang, text, spec, core);
            if let Err(e) = &out {
                budget::note(e);
            }
            match entered.over() {
                Some(e) => Err(e),
                None => out,
            }
        },
        || Err(bw_lang::ParseError::Failed),
    )
}

fn extract_entered(
    path: &str,
    lang: Lang,
    text: &str,
    spec: &FlowSpec,
    core: core::Core,
) -> Result<FileFacts, bw_lang::ParseError> {
    // With the new core, the sink facts of the files it covers come from
    // it, lowered from the tree the old extractor parsed (one parse).
    let ir = core.runs_ir(lang);
    let mut lowered: Option<bw_ir::Module> = None;
    let limits = bw_lang::Limits::time(bw_lang::DEFAULT_PARSE_BUDGET);
    let mut see = |tree: &tree_sitter::Tree| {
        if ir {
            lowered = core::lower_tree(path, lang, text, tree, &limits).ok();
        }
    };
    let mut out = match lang {
        Lang::Python => python::extract_seeing(path, text, spec, &mut see)?,
        Lang::JavaScript | Lang::TypeScript | Lang::Tsx => {
            javascript::extract_seeing(path, lang, text, spec, &mut see)?
        }
        Lang::Dockerfile => docker::extract(path, text)?,
        Lang::Yaml => yaml::extract(path, text),
        Lang::Requirements | Lang::PackageJson | Lang::Pyproject => {
            manifests::extract(path, lang, text)
        }
        Lang::Lockfile | Lang::Config => FileFacts {
            path: path.to_string(),
            lang: lang.name().into(),
            ..Default::default()
        },
    };
    if let Some(module) = lowered {
        core::replace_sinks_of(
            &mut out,
            path,
            lang,
            text,
            spec,
            module,
            core.runs_summaries(lang),
        );
    }
    out.path = path.to_string();
    out.lang = lang.name().to_string();
    // Secrets are looked for in every text file, code or config; lockfiles hold hashes, not secrets.
    let found = if lang == Lang::Lockfile {
        vec![]
    } else {
        let (facts, found) = secrets::scan_found(path, lang, text);
        out.facts.extend(facts);
        found
    };
    if out.ignores.is_empty() {
        out.ignores = ignores::scan(path, text);
    }
    // Nothing leaves extraction unmasked: credentials in every string the
    // facts carry, and every value the secrets scan reported, wherever the
    // file repeats it. The analysis above saw the real text.
    redact::redact_facts(&mut out, redact::Mode::of(lang), &found);
    out.facts.sort_by(|a, b| {
        (
            a.evidence.location.start_line,
            a.evidence.location.start_col,
            a.subject,
            &a.kind,
        )
            .cmp(&(
                b.evidence.location.start_line,
                b.evidence.location.start_col,
                b.subject,
                &b.kind,
            ))
    });
    out.facts.dedup();
    Ok(out)
}
