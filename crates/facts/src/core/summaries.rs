//! The new core's function summaries, in the shape the model's linker
//! reads ([`FunctionSummary`]): what each function returns (parameters,
//! sources, other modules' functions) and every call it makes of a
//! function the repository may define, with what each argument carries.
//!
//! The linker joins a call to its callee by name: `module.Class.method`
//! for Python, `module::name` for JavaScript and TypeScript (the name a
//! module exports the function by), as the old extractors named them. A
//! Python method counts its receiver as its first parameter (`self`),
//! which the intermediate form does not: its parameters, and the
//! arguments of a call to it, are shifted by one here.

use super::{Analysis, location, source_label};
use crate::types::{ArgFlow, CallSite, FlowState, FunctionSummary, Source};
use bw_flow::Verdict;
use bw_ir::{FuncKind, Pattern};
use std::collections::BTreeMap;

/// How a language names a function for the linker.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Naming {
    /// `module.symbol` (`app.api.Repo.find`).
    Dotted,
    /// `module::name` (`src/db::find`).
    Path,
}

impl Naming {
    fn of(lang: &str) -> Naming {
        if lang == bw_files::Lang::Python.name() {
            Naming::Dotted
        } else {
            Naming::Path
        }
    }

    fn name(self, module: &str, name: &str) -> String {
        match self {
            Naming::Dotted if module.is_empty() => name.to_string(),
            Naming::Dotted => format!("{module}.{name}"),
            Naming::Path => format!("{module}::{name}"),
        }
    }

    /// A `module.name` the engine gives for another module's function.
    fn external(self, dotted: &str) -> String {
        match (self, dotted.rsplit_once('.')) {
            (Naming::Path, Some((m, n))) => format!("{m}::{n}"),
            _ => dotted.to_string(),
        }
    }
}

/// Calls of modules that are libraries, never the repository's own: the
/// linker could not resolve them (Python's standard library and common
/// packages, and ORM managers and query builders).
fn library_call(naming: Naming, module: &str, name: &str) -> bool {
    match naming {
        Naming::Dotted => {
            let root = module.split('.').next().unwrap_or(module);
            let full = format!("{module}.{name}");
            crate::python::names::is_library(root)
                || full.contains(".objects.")
                || full.contains(".query.")
        }
        Naming::Path => false,
    }
}

/// The function summaries of the analysed file at `path` (`text` its
/// contents), one per function the old extractor's symbols name: an
/// anonymous function's calls count for the function enclosing it.
pub fn function_summaries(
    path: &str,
    text: &str,
    a: &Analysis,
    syms: &BTreeMap<String, String>,
) -> Vec<FunctionSummary> {
    let m = &a.module;
    let naming = Naming::of(&m.lang);
    let symbol_of = |q: &str| syms.get(q).cloned().unwrap_or_else(|| q.to_string());
    // A top-level function exported under another name (`module.exports =
    // { search: build }`) is known to its callers by that name.
    let mut exported: BTreeMap<&str, &str> = BTreeMap::new();
    for e in &m.exports {
        exported.entry(m.name(e.local)).or_insert(e.name.as_str());
    }
    // Methods with a receiver of their own (Python's `self`), by qualified
    // name: their parameters count it.
    let receiver: BTreeMap<&str, String> = m
        .functions
        .iter()
        .filter_map(|f| Some((f.qualified.as_str(), m.name(f.receiver?).to_string())))
        .collect();
    let shift = |q: &str| u32::from(receiver.contains_key(q));
    let conv_source = |s: &bw_flow::Source| Source {
        kind: s.kind.clone(),
        location: location(&s.path, s.span),
        label: source_label(path, text, s),
    };

    let mut out: Vec<FunctionSummary> = Vec::new();
    let mut by_symbol: BTreeMap<String, usize> = BTreeMap::new();
    for (f, s) in m.functions.iter().zip(&a.result.summaries) {
        let symbol = symbol_of(&f.qualified);
        // An anonymous function merged into its enclosing one: its calls
        // are added below; what it returns is its caller's business.
        if symbol != f.qualified && f.kind != FuncKind::Module {
            continue;
        }
        let module_code = f.kind == FuncKind::Module;
        let own = shift(&f.qualified);
        let mut params: Vec<String> = receiver
            .get(f.qualified.as_str())
            .cloned()
            .into_iter()
            .collect();
        params.extend(f.params.iter().map(|p| match &p.pattern {
            Pattern::Name(n) => m.name(*n).to_string(),
            Pattern::Default(inner, _) => match &**inner {
                Pattern::Name(n) => m.name(*n).to_string(),
                _ => String::new(),
            },
            _ => String::new(),
        }));
        let top_level =
            f.class.is_none() && f.parent.is_some_and(|p| m.func(p).kind == FuncKind::Module);
        let name = if top_level {
            exported
                .get(m.name(f.name))
                .filter(|_| naming == Naming::Path)
                .map_or(symbol.clone(), |e| (*e).to_string())
        } else {
            symbol.clone()
        };
        let returns_source = s
            .source_to_return
            .iter()
            .min_by_key(|s| bw_flow::source_rank(&s.kind))
            .map(conv_source);
        let loc = if module_code {
            crate::types::Location {
                path: path.to_string(),
                start_line: 1,
                start_col: 1,
                end_line: 1,
                end_col: 1,
            }
        } else {
            location(path, f.span)
        };
        by_symbol.insert(symbol.clone(), out.len());
        out.push(FunctionSummary {
            symbol,
            export_name: naming.name(&m.id, &name),
            params,
            location: loc,
            returns_params: if module_code {
                vec![]
            } else {
                s.param_to_return.iter().map(|p| p + own).collect()
            },
            returns_source: returns_source.filter(|_| !module_code),
            returns_calls: if module_code {
                vec![]
            } else {
                s.return_calls.iter().map(|c| naming.external(c)).collect()
            },
            // What every part of the return value is clean for (a value a
            // guard or a sanitiser cleaned).
            returns_clean: if module_code {
                vec![]
            } else {
                s.return_clean.clone()
            },
            calls: vec![],
            query_helper: None,
            http_wrapper: None,
        });
    }

    for c in &a.result.calls {
        if library_call(naming, &c.module, &c.name) {
            continue;
        }
        let Some(&at) = by_symbol.get(&symbol_of(&c.function)) else {
            continue;
        };
        // A call of an anonymous function of this module is no call the
        // linker could join (its parameters are no function's of a name).
        if c.module == m.id && syms.get(&c.name).is_some_and(|s| *s != c.name) {
            continue;
        }
        let callee = if c.module == m.id {
            let name = exported
                .get(c.name.as_str())
                .filter(|_| naming == Naming::Path)
                .map_or(c.name.as_str(), |e| *e);
            naming.name(&m.id, name)
        } else {
            naming.name(&c.module, &c.name)
        };
        let from = shift(&c.function);
        let arg = |f: &bw_flow::ArgFlow| ArgFlow {
            state: super::state(f.verdict),
            source: f
                .source
                .as_ref()
                .filter(|_| f.verdict == Verdict::Confirmed)
                .map(conv_source),
            params: if f.verdict == Verdict::Safe {
                vec![]
            } else {
                f.params.iter().map(|p| p + from).collect()
            },
            parameterised_sql: f
                .text
                .as_deref()
                .is_some_and(crate::sqltext::is_parameterised_sql),
            clean: f.clean.clone(),
        };
        let mut args: Vec<ArgFlow> = Vec::with_capacity(c.args.len() + 1);
        if c.method {
            // `self`: the object, no data of the caller's.
            args.push(ArgFlow {
                state: FlowState::Safe,
                source: None,
                params: vec![],
                parameterised_sql: false,
                clean: vec![],
            });
        }
        args.extend(c.args.iter().map(arg));
        out[at].calls.push(CallSite {
            callee,
            location: location(path, c.span),
            args,
        });
    }
    // Module code that calls nothing of the repository's has nothing to link.
    out.retain(|f| f.symbol != "<module>" || !f.calls.is_empty());
    out
}
