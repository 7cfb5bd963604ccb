//! The new analysis core: a file is lowered to the intermediate form
//! (`bw-lower`), its framework handlers are recognised ([`recognise`]),
//! the dataflow engine (`bw-flow`) finds its sink hits, and each hit
//! becomes a sink [`Fact`] of exactly the shape the old extractor makes,
//! so the model, the linker and the rules read them unchanged.
//!
//! It makes the sink facts of the languages switched over to it
//! ([`SWITCHED`]: Python, JavaScript, TypeScript); a language lowered
//! later keeps the old extractor's until its switch. `BREAKWATER_CORE=ir`
//! runs it for every language it lowers, `BREAKWATER_CORE=old` for none
//! (see `docs/experimental-core.md`).

pub(crate) mod components;
mod django;
mod express;
mod fastapi;
mod flask;
mod nest;
mod nextjs;
mod python_web;
mod shape;
mod starlette;
mod summaries;
mod tools;

use crate::evidence::normalise;
use crate::flowspec::FlowSpec;
use crate::types::{Fact, Flow, FlowState, Location, Prop, Source, Step, Subject};
use bw_files::Lang;
use bw_flow::{Options, ParamSeed, SinkHit, Verdict};
use bw_ir::{Module, Span};
use std::collections::{BTreeMap, BTreeSet};

/// The environment variable that selects the analysis core.
pub const CORE_ENV: &str = "BREAKWATER_CORE";

/// The languages whose sink facts the new core makes by default: those
/// switched over, after their rule fixtures, evasion cases and a reviewed
/// comparison on real applications passed (docs/core-switch/).
pub const SWITCHED: &[Lang] = &[Lang::Python, Lang::JavaScript, Lang::TypeScript, Lang::Tsx];

/// Which analysis core makes the sink facts of each language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Core {
    /// The new core for the languages switched over ([`SWITCHED`]), the
    /// old extractors for the rest.
    #[default]
    Default,
    /// The old extractors for every language (`BREAKWATER_CORE=old`).
    Old,
    /// The new core for every language it lowers (`BREAKWATER_CORE=ir`).
    Ir,
}

impl Core {
    /// The core this process runs: `BREAKWATER_CORE=ir` or `old`, else
    /// the default. Read once. A value naming neither runs the default
    /// here; the binary refuses it first ([`Core::from_env`]).
    pub fn selected() -> Core {
        static SELECTED: std::sync::OnceLock<Core> = std::sync::OnceLock::new();
        *SELECTED.get_or_init(|| Core::from_env().unwrap_or_default())
    }

    /// The core `BREAKWATER_CORE` names, or what is wrong with its value.
    pub fn from_env() -> Result<Core, String> {
        Core::parse(std::env::var(CORE_ENV).ok().as_deref())
    }

    /// The core a value of `BREAKWATER_CORE` names.
    pub fn parse(v: Option<&str>) -> Result<Core, String> {
        match v {
            Some("ir") => Ok(Core::Ir),
            Some("old") => Ok(Core::Old),
            Some("") | Some("default") | None => Ok(Core::Default),
            Some(other) => Err(format!(
                "{CORE_ENV}={other:?} names no analysis core\n  = help: `ir` runs the new core for every language it covers, `old` the old extractors for every language, unset the default (the new core for {})",
                switched_names()
            )),
        }
    }

    /// Whether the sink facts of `lang` come from the new core.
    pub fn runs_ir(self, lang: Lang) -> bool {
        covers(lang)
            && match self {
                Core::Ir => true,
                Core::Old => false,
                Core::Default => SWITCHED.contains(&lang),
            }
    }

    /// Whether the function summaries the model's linker reads (returns
    /// and call sites) of `lang` come from the new core too: only under
    /// `BREAKWATER_CORE=ir` until their switch (the old extractor's are the
    /// default).
    pub fn runs_summaries(self, lang: Lang) -> bool {
        self == Core::Ir && covers(lang)
    }

    /// Whether `lang`'s sink facts come from another core under this
    /// selection than under the old extractors (a switched language).
    pub fn switches(self, lang: Lang) -> bool {
        self.runs_ir(lang) != Core::Old.runs_ir(lang)
    }

    /// What this selection changes from the old extractors, for a cache
    /// key: facts made under one are never taken for another's. `None`
    /// for the old extractors everywhere.
    pub fn key(self) -> Option<String> {
        let mut names: Vec<&str> = bw_lower::LOWERED
            .iter()
            .filter(|l| self.runs_ir(**l))
            .map(|l| l.name())
            .collect();
        names.dedup();
        let summaries = if self == Core::Ir { "+summaries" } else { "" };
        (!names.is_empty()).then(|| format!("ir:{}{summaries}", names.join(",")))
    }
}

fn switched_names() -> String {
    SWITCHED
        .iter()
        .map(|l| l.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether the new core covers files of `lang`: those with a lowering
/// ([`bw_lower::LOWERED`]).
pub fn covers(lang: Lang) -> bool {
    bw_lower::LOWERED.contains(&lang)
}

/// The subjects the new core's component reading makes
/// ([`components`]): the old extractor's are dropped where it ran.
const COMPONENTS: &[Subject] = &[
    Subject::Store,
    Subject::Outbound,
    Subject::Llm,
    Subject::Queue,
];

/// What the new core found in one file.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub module: Module,
    pub result: bw_flow::ModuleResult,
    /// The parameters the framework recognisers seeded.
    pub seeds: Vec<ParamSeed>,
    /// The web framework whose handler each seeded function is, where a
    /// web recogniser seeded it (the fix shown is that framework's).
    pub frameworks: BTreeMap<bw_ir::FuncId, &'static str>,
    /// Functions with a seeded parameter that the framework does not call:
    /// helpers handed the request, whose other parameters are their
    /// callers' values.
    pub helpers: BTreeSet<bw_ir::FuncId>,
}

/// Lower `text` (the file at `path`), recognise its framework handlers
/// and run the dataflow engine with the language's catalogue from `spec`
/// (the embedded `rules/flow/*.toml` and the repository's own).
pub fn analyse(
    path: &str,
    lang: Lang,
    text: &str,
    spec: &FlowSpec,
) -> Result<Analysis, bw_lower::LowerError> {
    let module = bw_lower::lower(lang, path, text)?;
    analyse_module(module, lang, spec)
}

/// Lower a tree the old extractor parsed from `text` (Python's with its
/// long comment runs blanked: the offsets are the file's).
pub fn lower_tree(
    path: &str,
    lang: Lang,
    text: &str,
    tree: &tree_sitter::Tree,
    limits: &bw_lang::Limits,
) -> Result<Module, bw_lower::LowerError> {
    match lang {
        Lang::Python => bw_lower::python::lower_tree(path, text, tree, limits)
            .map_err(bw_lower::LowerError::Parse),
        Lang::JavaScript | Lang::TypeScript | Lang::Tsx => {
            bw_lower::javascript::lower_tree(lang, path, text, tree, limits)
        }
        _ => Err(bw_lower::LowerError::Unsupported(lang)),
    }
}

/// [`analyse`] of a module already lowered.
pub fn analyse_module(
    module: Module,
    lang: Lang,
    spec: &FlowSpec,
) -> Result<Analysis, bw_lower::LowerError> {
    analyse_module_with(module, lang, spec, true)
}

/// [`analyse_module`], recording the calls of the repository's functions
/// only when `calls` (what the linker's summaries are made of).
fn analyse_module_with(
    module: Module,
    lang: Lang,
    spec: &FlowSpec,
    calls: bool,
) -> Result<Analysis, bw_lower::LowerError> {
    let (seeds, frameworks) = recognise_tagged(&module);
    let cat = spec
        .for_language(&module.lang)
        .or_else(|| spec.for_language(lang.name()))
        .ok_or(bw_lower::LowerError::Unsupported(lang))?;
    let opts = Options {
        params: seeds.clone(),
        fields: django::fields(&module),
        returns: flask::returns(&module),
        record_calls: calls,
        record_named: true,
        ..Options::default()
    };
    let result = bw_flow::analyse(&module, cat, &opts);
    let mut helpers = django::helpers(&module);
    helpers.extend(fastapi::helpers(&module));
    Ok(Analysis {
        module,
        result,
        seeds,
        frameworks,
        helpers,
    })
}

/// Every framework recogniser's parameter seeds for `m`, in a fixed order.
pub fn recognise(m: &Module) -> Vec<ParamSeed> {
    recognise_tagged(m).0
}

/// [`recognise`], with the web framework of each function a web
/// recogniser seeded (the first recogniser to seed it).
pub fn recognise_tagged(m: &Module) -> (Vec<ParamSeed>, BTreeMap<bw_ir::FuncId, &'static str>) {
    let found: [(Option<&'static str>, Vec<ParamSeed>); 8] = [
        (None, express::seeds(m)),
        (None, nextjs::seeds(m)),
        (None, nest::seeds(m)),
        (None, tools::seeds(m)),
        (Some("flask"), flask::seeds(m)),
        (Some("fastapi"), fastapi::seeds(m)),
        (Some("django"), django::seeds(m)),
        (Some("starlette"), starlette::seeds(m)),
    ];
    let mut seeds = Vec::new();
    let mut frameworks = BTreeMap::new();
    let mut seeded = BTreeSet::new();
    for (fw, list) in found {
        for s in list {
            if seeded.insert(s.func)
                && let Some(fw) = fw
            {
                frameworks.insert(s.func, fw);
            }
            seeds.push(s);
        }
    }
    seeds.sort_by_key(|s| (s.func, s.param));
    seeds.dedup_by(|a, b| a.func == b.func && a.param == b.param);
    (seeds, frameworks)
}

/// The sink facts of `text` by the new core, in the old extractor's shape.
pub fn sink_facts(
    path: &str,
    lang: Lang,
    text: &str,
    spec: &FlowSpec,
) -> Result<Vec<Fact>, bw_lower::LowerError> {
    let a = analyse(path, lang, text, spec)?;
    let syms = symbols(&a.module);
    sink_facts_of(path, text, a, &syms)
}

fn sink_facts_of(
    path: &str,
    text: &str,
    a: Analysis,
    syms: &BTreeMap<String, String>,
) -> Result<Vec<Fact>, bw_lower::LowerError> {
    let handlers = handlers(&a);
    // Methods whose receiver is a parameter of their own (Python's
    // `self`): the old extractor, whose call sites the model links,
    // counts it, the intermediate form does not.
    let with_self: BTreeSet<&str> = a
        .module
        .functions
        .iter()
        .filter(|f| f.receiver.is_some())
        .map(|f| f.qualified.as_str())
        .collect();
    // JavaScript's export names are `module::name` (`src/helpers::tidy`),
    // Python's dotted; the engine names a function of another module
    // `module.name`.
    let js = a.module.lang != Lang::Python.name();
    let mut facts = Vec::new();
    for h in &a.result.hits {
        let Some(mut f) = hit_fact(path, text, h, syms, &handlers, &a.module.comments) else {
            continue;
        };
        if js && let Some(flow) = &mut f.flow {
            for c in &mut flow.calls {
                if let Some((m, n)) = c.rsplit_once('.') {
                    *c = format!("{m}::{n}");
                }
            }
        }
        if with_self.contains(h.function.as_str())
            && let Some(flow) = &mut f.flow
        {
            for p in &mut flow.params {
                *p += 1;
            }
        }
        // A secret beside other outside data in one prompt (a password in
        // the system message, the user's question after it): a fact of its
        // own, so the secret is not hidden behind the more dangerous
        // source.
        let secret = h.others.iter().find(|s| s.kind == "secret").filter(|_| {
            h.kind == "prompt" && h.source.as_ref().is_some_and(|s| s.kind != "secret")
        });
        if let (Some(s), Some(flow)) = (secret, &f.flow) {
            let mut g = f.clone();
            g.flow = Some(Flow {
                source: Some(Source {
                    kind: s.kind.clone(),
                    location: location(&s.path, s.span),
                    label: source_label(path, text, s),
                }),
                steps: vec![],
                ..flow.clone()
            });
            facts.push(g);
        }
        facts.push(f);
    }
    Ok(facts)
}

/// The old extractor's symbol for each function the lowering
/// qualified: an anonymous function (a callback, an object property's
/// function) takes its enclosing function's symbol (`<module>` at the
/// top level); a function bound to a variable or a field
/// (`OAuth.nonce = function () {…}`), or a named function, keeps its
/// name.
pub fn symbols(m: &Module) -> BTreeMap<String, String> {
    let mut bound = vec![false; m.functions.len()];
    for f in &m.functions {
        for b in &f.blocks {
            for (st, _) in &b.stmts {
                if let bw_ir::Stmt::Assign {
                    target: bw_ir::Pattern::Name(_) | bw_ir::Pattern::Field { .. },
                    value,
                } = st
                    && let bw_ir::Expr::Func(g) = m.expr(*value)
                    && let Some(x) = bound.get_mut(g.index())
                {
                    *x = true;
                }
            }
        }
    }
    let mut sym: Vec<String> = Vec::with_capacity(m.functions.len());
    for (i, f) in m.functions.iter().enumerate() {
        let s = match (f.kind, f.parent) {
            (bw_ir::FuncKind::Module, _) => "<module>".to_string(),
            (bw_ir::FuncKind::Lambda, Some(p)) if !bound[i] && p.index() < i => {
                sym[p.index()].clone()
            }
            _ => f.qualified.clone(),
        };
        sym.push(s);
    }
    let mut out = BTreeMap::new();
    for (f, s) in m.functions.iter().zip(sym) {
        out.entry(f.qualified.clone()).or_insert(s);
    }
    out
}

/// The evidence of the code at `sp` of the file `path` holding `text`.
pub(crate) fn evidence_at(
    path: &str,
    text: &str,
    sp: Span,
    symbol: &str,
    comments: &bw_ir::CommentSyntax,
) -> crate::types::Evidence {
    let written = text.get(sp.start as usize..sp.end as usize).unwrap_or("");
    crate::types::Evidence {
        location: location(path, sp),
        // A comment inside the span is no part of the code a decision is
        // pinned to (as the old extractors' evidence leaves it out).
        text: crate::evidence::normalise_chars(comments.code(written), written.len()),
        symbol: symbol.to_string(),
    }
}

/// The innermost function of `m` holding the start of `sp` (the module's
/// code at the top level).
pub(crate) fn enclosing(m: &Module, sp: Span) -> bw_ir::FuncId {
    m.functions
        .iter()
        .enumerate()
        .filter(|(_, f)| f.span.start <= sp.start && sp.start <= f.span.end)
        .min_by_key(|(_, f)| f.span.end - f.span.start)
        .map_or(bw_ir::FuncId(0), |(i, _)| bw_ir::FuncId(i as u32))
}

fn location(path: &str, sp: Span) -> Location {
    Location {
        path: path.to_string(),
        start_line: sp.line,
        start_col: sp.col,
        end_line: sp.end_line,
        end_col: sp.end_col,
    }
}

/// The flow state a verdict keeps.
pub fn state(v: Verdict) -> FlowState {
    match v {
        Verdict::Confirmed => FlowState::Tainted,
        Verdict::FromParams => FlowState::FromParams,
        Verdict::Unknown => FlowState::Unknown,
        Verdict::Safe => FlowState::Safe,
    }
}

/// The functions a recogniser registered as handlers (qualified): every
/// function with a seeded parameter (a seed with neither a source nor a
/// type is a parameter the framework supplies that is not data).
pub fn handlers(a: &Analysis) -> BTreeMap<String, Option<&'static str>> {
    a.seeds
        .iter()
        .filter(|s| !a.helpers.contains(&s.func))
        .filter_map(|s| {
            let f = a.module.functions.get(s.func.index())?;
            Some((f.qualified.clone(), a.frameworks.get(&s.func).copied()))
        })
        .collect()
}

/// A sink hit as the old extractor's sink fact. Safe hits make no fact
/// (the old extractor records no safe sink), nor do hits at a call into
/// a helper of this file (`via`): the helper's own sink is the fact, and
/// the model links its callers, as it does for the old extractor's.
pub fn hit_fact(
    path: &str,
    text: &str,
    h: &SinkHit,
    symbols: &BTreeMap<String, String>,
    handlers: &BTreeMap<String, Option<&'static str>>,
    comments: &bw_ir::CommentSyntax,
) -> Option<Fact> {
    // A safe hit is no fact, unless functions of other modules reach it:
    // the linker decides what they return, as for the old extractor's.
    if (h.verdict == Verdict::Safe && h.calls.is_empty()) || h.via.is_some() {
        return None;
    }
    let symbol = symbols.get(&h.function).unwrap_or(&h.function);
    let evidence = evidence_at(path, text, h.span, symbol, comments);
    let mut f = Fact::new(Subject::Sink, h.kind.clone(), evidence);
    f.props.insert("callee".into(), Prop::Str(h.callee.clone()));
    if h.shell {
        f.props.insert("shell".into(), Prop::Bool(true));
    }
    if h.write == Some(true) {
        f.props.insert("write".into(), Prop::Bool(true));
    }
    if let Some(Some(fw)) = handlers.get(&h.function) {
        f.props
            .insert("framework".into(), Prop::Str((*fw).to_string()));
    } else if h.callee.starts_with("jsx.") {
        // Markup given to an element (`dangerouslySetInnerHTML`).
        f.props
            .insert("framework".into(), Prop::Str("react".into()));
    }
    let mut st = state(h.verdict);
    // The parameters of an anonymous function are no caller's arguments
    // the model could link (the fact names its enclosing symbol, whose
    // parameters are others): of unknown origin, as the old extractor
    // has it.
    // Nor are a framework handler's: the framework calls it, with the
    // parameters its recogniser did not make request data (a numeric
    // route variable, a dependency).
    if st == FlowState::FromParams
        && (f.evidence.symbol != h.function || handlers.contains_key(&h.function))
    {
        st = FlowState::Unknown;
    }
    f.flow = Some(Flow {
        state: st,
        source: h
            .source
            .as_ref()
            .filter(|_| st == FlowState::Tainted)
            .map(|s| Source {
                kind: s.kind.clone(),
                location: location(&s.path, s.span),
                label: source_label(path, text, s),
            }),
        steps: if st == FlowState::Tainted {
            h.steps
                .iter()
                .map(|s| Step {
                    location: location(&s.path, s.span),
                    label: s.label.clone(),
                })
                .collect()
        } else {
            vec![]
        },
        params: if st == FlowState::FromParams {
            h.params.clone()
        } else {
            vec![]
        },
        calls: if st == FlowState::Tainted {
            vec![]
        } else {
            h.calls.clone()
        },
    });
    Some(f)
}

/// A source as the code wrote it (`request.args.get("q")`), as the old
/// extractor labels it; the engine's resolved path where the source is in
/// another file.
fn source_label(path: &str, text: &str, s: &bw_flow::Source) -> String {
    let written = text
        .get(s.span.start as usize..s.span.end as usize)
        .filter(|t| !t.trim().is_empty() && s.path == path);
    // A seeded parameter is labelled by the engine (`parameter `q``), as
    // the old extractor labels it; a destructured one by its pattern as
    // written (`{ period, region }`, without its type).
    if s.label.starts_with("parameter ") {
        return match written.and_then(pattern_text) {
            Some(p) if !s.label.contains('`') => normalise(p),
            _ => s.label.clone(),
        };
    }
    // Written text that would not read as a name (a whole call over
    // lines, with its arguments): the engine's name for it.
    match written.map(normalise) {
        Some(t) if t.len() <= 80 => t,
        _ => s.label.clone(),
    }
}

/// A destructuring pattern at the start of `t` (`{ a, b }: Args`): its
/// text up to the bracket that closes it.
fn pattern_text(t: &str) -> Option<&str> {
    let t = t.trim_start();
    let (open, close) = match t.chars().next()? {
        '{' => ('{', '}'),
        '[' => ('[', ']'),
        _ => return None,
    };
    let mut depth = 0usize;
    for (i, c) in t.char_indices() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return Some(&t[..=i]);
            }
        }
    }
    None
}

/// Replace the sink facts of `facts` (the old extractor's) with the new
/// core's for the file. A file the new core cannot lower keeps the old
/// sinks (and says nothing else changed).
pub fn replace_sinks(facts: &mut Vec<Fact>, path: &str, lang: Lang, text: &str, spec: &FlowSpec) {
    let Ok(new) = sink_facts(path, lang, text, spec) else {
        return;
    };
    facts.retain(|f| f.subject != Subject::Sink);
    facts.extend(new);
}

/// [`replace_sinks`] with the file already lowered (from the tree the old
/// extractor parsed), and where the new core stopped short (its lowering's
/// depth, the engine's bounds) noted on the file: a truncation the gate
/// counts as unverified, never a silent miss. With `summaries`, the
/// function summaries are the new core's too ([`Core::runs_summaries`]).
pub fn replace_sinks_of(
    out: &mut crate::FileFacts,
    path: &str,
    lang: Lang,
    text: &str,
    spec: &FlowSpec,
    module: Module,
    summaries: bool,
) {
    let Ok(a) = analyse_module_with(module, lang, spec, summaries) else {
        return;
    };
    let syms = symbols(&a.module);
    out.imports = imports_of(&a.module);
    // The components the file's calls reveal, by the catalogue.
    if let Some(cat) = spec
        .for_language(&a.module.lang)
        .or_else(|| spec.for_language(lang.name()))
        && !cat.components.is_empty()
    {
        let found = components::facts(path, text, &a.module, &a.result.named, cat, &syms);
        // The settings of the kinds the built-in `[[setting]]` entries
        // find are all theirs; the others are still the old extractor's.
        let owned = cat.owned_settings();
        let replaced = |f: &Fact| {
            COMPONENTS.contains(&f.subject)
                || (f.subject == Subject::Setting && owned.contains(f.kind.as_str()))
        };
        out.facts.retain(|f| !replaced(f));
        out.facts.extend(found);
    }
    let notes = truncations(path, &a, &syms);
    let functions = summaries.then(|| summaries::function_summaries(path, text, &a, &syms));
    let Ok(new) = sink_facts_of(path, text, a, &syms) else {
        return;
    };
    out.facts.retain(|f| f.subject != Subject::Sink);
    out.facts.extend(new);
    // The call graph and returns the linker reads, from the same analysis.
    // The project's own query helpers and HTTP wrappers are still the old
    // extractor's shapes, kept on the function of the same symbol.
    let Some(functions) = functions else {
        return finish(out, notes);
    };
    let mut shapes: BTreeMap<
        String,
        (
            Option<crate::types::QueryHelper>,
            Option<crate::types::HttpWrapper>,
        ),
    > = BTreeMap::new();
    for f in std::mem::take(&mut out.functions) {
        if f.query_helper.is_some() || f.http_wrapper.is_some() {
            shapes
                .entry(f.symbol)
                .or_insert((f.query_helper, f.http_wrapper));
        }
    }
    out.functions = functions;
    for f in &mut out.functions {
        if let Some((q, h)) = shapes.remove(&f.symbol) {
            f.query_helper = q;
            f.http_wrapper = h;
        }
    }
    finish(out, notes);
}

/// The module's imports as the model's linker reads them: each binding
/// once, in the order the file makes them.
pub fn imports_of(m: &Module) -> Vec<crate::types::Import> {
    let mut seen = BTreeSet::new();
    m.imports
        .iter()
        .map(|i| crate::types::Import {
            local: m.name(i.local).to_string(),
            module: i.module.clone(),
            name: i.member.clone(),
        })
        .filter(|i| seen.insert((i.local.clone(), i.module.clone(), i.name.clone())))
        .collect()
}

/// The new core's truncation notes replace the old extractor's notes on
/// the sinks it found.
fn finish(out: &mut crate::FileFacts, notes: Vec<crate::types::Truncation>) {
    // The old extractor's notes on the sinks it found go with them.
    let dropped = crate::types::TruncationLimit::UnresolvedCalls.name();
    out.truncated.retain(|t| t.limit != dropped);
    for n in notes {
        crate::types::Truncation::note(&mut out.truncated, n);
    }
}

/// Where the new core stopped short in one file, as truncation notes.
pub fn truncations(
    path: &str,
    a: &Analysis,
    syms: &BTreeMap<String, String>,
) -> Vec<crate::types::Truncation> {
    use crate::types::{Truncation, TruncationLimit};
    let symbol = |qualified: &str| {
        syms.get(qualified)
            .cloned()
            .unwrap_or_else(|| qualified.to_string())
    };
    // The innermost function holding a span (its symbol as evidence names it).
    let symbol_at = |sp: Span| symbol(&a.module.func(enclosing(&a.module, sp)).qualified);
    let mut out = Vec::new();
    if let Some(sp) = a.module.truncated {
        out.push(Truncation::new(
            TruncationLimit::NestingDepth,
            location(path, sp),
            &symbol_at(sp),
        ));
    }
    // A sink whose argument more unmodelled calls reached than a value
    // remembers: one of those left out may return outside data.
    for h in a.result.hits.iter().filter(|h| h.calls_dropped) {
        out.push(Truncation::new(
            TruncationLimit::UnresolvedCalls,
            location(path, h.span),
            &symbol(&h.function),
        ));
    }
    for t in &a.result.truncated {
        let limit = if t.reason.contains("nested deeper") {
            TruncationLimit::NestingDepth
        } else {
            TruncationLimit::AnalysisRounds
        };
        // A module-wide bound has no place of its own: the file's start.
        let sp = if t.span == Span::default() {
            Span {
                line: 1,
                col: 1,
                end_line: 1,
                end_col: 1,
                ..Span::default()
            }
        } else {
            t.span
        };
        out.push(Truncation::new(
            limit,
            location(path, sp),
            &symbol(&t.function),
        ));
    }
    out
}

/// How the new core's sinks for one file differ from the old extractor's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SinkDiff {
    /// Sinks (line, kind, callee, state) only the old extractor reports.
    pub only_old: Vec<SinkKey>,
    /// Sinks only the new core reports.
    pub only_new: Vec<SinkKey>,
    /// Sinks both report with different verdicts: (old, new).
    pub changed: Vec<(SinkKey, SinkKey)>,
}

/// A sink as compared: where, what, and its verdict.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SinkKey {
    pub line: u32,
    pub kind: String,
    pub symbol: String,
    pub state: Option<FlowState>,
}

impl std::fmt::Display for SinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let st = match self.state {
            Some(FlowState::Tainted) => "tainted",
            Some(FlowState::FromParams) => "from-params",
            Some(FlowState::Unknown) => "unknown",
            Some(FlowState::Safe) => "safe",
            None => "-",
        };
        write!(f, "{} {} in {} ({st})", self.line, self.kind, self.symbol)
    }
}

impl SinkDiff {
    pub fn is_empty(&self) -> bool {
        self.only_old.is_empty() && self.only_new.is_empty() && self.changed.is_empty()
    }
}

fn keys(facts: &[Fact]) -> Vec<SinkKey> {
    let mut k: Vec<SinkKey> = facts
        .iter()
        .filter(|f| f.subject == Subject::Sink)
        .map(|f| SinkKey {
            line: f.evidence.location.start_line,
            kind: f.kind.clone(),
            symbol: f.evidence.symbol.clone(),
            state: f.flow.as_ref().map(|fl| fl.state),
        })
        .collect();
    k.sort();
    k.dedup();
    k
}

/// Compare the sink facts of two extractions of one file: a sink is the
/// same when its line and kind are (the callee text may be resolved
/// differently); the same sink with another flow state is a change.
pub fn diff_sinks(old: &[Fact], new: &[Fact]) -> SinkDiff {
    let (old, new) = (keys(old), keys(new));
    let same = |a: &SinkKey, b: &SinkKey| a.line == b.line && a.kind == b.kind;
    let mut d = SinkDiff::default();
    for o in &old {
        match new.iter().find(|n| same(o, n)) {
            None => d.only_old.push(o.clone()),
            Some(n) if n.state != o.state => d.changed.push((o.clone(), n.clone())),
            Some(_) => {}
        }
    }
    d.only_new = new
        .iter()
        .filter(|n| !old.iter().any(|o| same(o, n)))
        .cloned()
        .collect();
    d
}

#[cfg(test)]
mod diff_tests {
    use super::*;
    use crate::types::Evidence;

    fn sink(line: u32, kind: &str, state: FlowState) -> Fact {
        let mut f = Fact::new(
            Subject::Sink,
            kind,
            Evidence {
                location: location(
                    "a.js",
                    Span {
                        line,
                        ..Span::default()
                    },
                ),
                text: String::new(),
                symbol: "f".into(),
            },
        );
        f.flow = Some(Flow {
            state,
            source: None,
            steps: vec![],
            params: vec![],
            calls: vec![],
        });
        f
    }

    #[test]
    fn sinks_are_matched_by_line_and_kind_and_compared_by_state() {
        let old = [
            sink(1, "sql", FlowState::Tainted),
            sink(2, "exec", FlowState::Unknown),
            sink(3, "path", FlowState::Tainted),
        ];
        let new = [
            sink(1, "sql", FlowState::Tainted),
            sink(2, "exec", FlowState::Tainted),
            sink(4, "ssrf", FlowState::FromParams),
        ];
        let d = diff_sinks(&old, &new);
        assert_eq!(d.only_old.len(), 1);
        assert_eq!(d.only_old[0].line, 3);
        assert_eq!(d.only_new.len(), 1);
        assert_eq!(d.only_new[0].kind, "ssrf");
        assert_eq!(d.changed.len(), 1);
        assert_eq!(d.changed[0].1.state, Some(FlowState::Tainted));
        assert!(diff_sinks(&old, &old).is_empty());
    }
}
