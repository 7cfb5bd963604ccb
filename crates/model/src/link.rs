//! Cross-function, cross-file data flow, from per-file summaries.
//!
//! Extractors mark a sink `FromParams` when its argument derives from the
//! enclosing function's parameters. Here call sites are resolved to
//! function summaries by their export names, and a sink whose function is
//! called with outside data becomes `Tainted` (the call site joins the
//! path); one never called with outside data becomes `Unknown`. No tree is
//! reopened.
//!
//! Both walks (up through callers, down through returns) have no depth
//! limit: each function is visited at most once per sink, so a chain of
//! any length is followed in time linear in the call graph, on the heap.

use bw_facts::{FileFacts, FlowState, Source, Step};
use foldhash::HashMap;
use std::borrow::{Borrow, Cow};

/// Where a function lives: (file index, function index).
type FnRef = (usize, usize);

/// Export name -> function, with `…/index` aliases for JS directories.
///
/// Built on every analysis (twice: linking and reachability), so it
/// borrows the names from the facts and hashes them; it is only ever
/// looked up, never iterated, so the map's order cannot leak into results.
pub struct FnIndex<'a> {
    by_name: HashMap<Cow<'a, str>, FnRef>,
    /// callee export name -> call sites (file index, function index, call index).
    callers: HashMap<&'a str, Vec<(usize, usize, usize)>>,
    /// Per file: a function's symbol -> its index (the last one when a
    /// symbol repeats), so the function enclosing a symbol is found by its
    /// outer scopes, not by comparing with every function of the file.
    by_symbol: Vec<HashMap<&'a str, usize>>,
}

impl<'a> FnIndex<'a> {
    pub fn new<F: Borrow<FileFacts>>(files: &'a [F]) -> FnIndex<'a> {
        let files: Vec<&'a FileFacts> = files.iter().map(Borrow::borrow).collect();
        let mut by_name: HashMap<Cow<'a, str>, FnRef> = HashMap::default();
        let mut callers: HashMap<&'a str, Vec<(usize, usize, usize)>> = HashMap::default();
        let mut by_symbol: Vec<HashMap<&'a str, usize>> = Vec::with_capacity(files.len());
        for (fi, f) in files.iter().enumerate() {
            by_symbol.push(
                f.functions
                    .iter()
                    .enumerate()
                    .map(|(gi, func)| (func.symbol.as_str(), gi))
                    .collect(),
            );
            for (gi, func) in f.functions.iter().enumerate() {
                by_name
                    .entry(Cow::Borrowed(func.export_name.as_str()))
                    .or_insert((fi, gi));
                if let Some((module, name)) = func.export_name.split_once("::")
                    && let Some(dir) = module.strip_suffix("/index")
                {
                    by_name
                        .entry(Cow::Owned(format!("{dir}::{name}")))
                        .or_insert((fi, gi));
                }
            }
        }
        for (fi, f) in files.iter().enumerate() {
            for (gi, func) in f.functions.iter().enumerate() {
                for (ci, call) in func.calls.iter().enumerate() {
                    if let Some(&target) = by_name.get(call.callee.as_str()) {
                        let name = files[target.0].functions[target.1].export_name.as_str();
                        callers.entry(name).or_default().push((fi, gi, ci));
                    }
                }
            }
        }
        FnIndex {
            by_name,
            callers,
            by_symbol,
        }
    }

    /// Resolve a callee name to a function.
    pub fn resolve(&self, callee: &str) -> Option<FnRef> {
        self.by_name.get(callee).copied()
    }

    /// The function enclosing a symbol in a file (exact or nested): the
    /// innermost function whose symbol is the symbol or one of its outer
    /// scopes (`View.get` for `View.get.inner`), in time proportional to
    /// the symbol's depth.
    pub fn enclosing(&self, file: usize, symbol: &str) -> Option<usize> {
        let functions = self.by_symbol.get(file)?;
        let mut scope = symbol;
        loop {
            if let Some(&g) = functions.get(scope) {
                return Some(g);
            }
            scope = &scope[..scope.rfind('.')?];
        }
    }

    pub fn callers_of(&self, export_name: &str) -> &[(usize, usize, usize)] {
        self.callers
            .get(export_name)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

/// `symbol` is `outer` or nested in it (`outer.inner`).
pub(crate) fn within(symbol: &str, outer: &str) -> bool {
    symbol
        .strip_prefix(outer)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// `kinds` (an argument's or a return value's clean kinds) covers a sink
/// of `kind`.
fn clean_for(kinds: &[String], kind: &str) -> bool {
    kinds.iter().any(|k| k == kind || k == "*")
}

/// A source found by walking up the call graph, with the call sites passed
/// (nearest the source first), for a sink of `kind`: an argument clean for
/// that kind passes nothing. Depth first, callers in file, function and
/// call order, each function expanded once; iterative, so the length of
/// the chain costs no stack.
fn find_tainted_caller(
    files: &[&FileFacts],
    index: &FnIndex<'_>,
    func: FnRef,
    params: &[u32],
    kind: &str,
) -> Option<(Source, Vec<Step>)> {
    /// A function being searched: its callers, which one is next, and the
    /// step its caller took into it.
    struct Frame<'a> {
        callers: &'a [(usize, usize, usize)],
        params: Vec<u32>,
        export: &'a str,
        next: usize,
        step: Option<Step>,
    }
    let mut seen: Vec<FnRef> = vec![func];
    let frame = |f: FnRef, params: Vec<u32>, step: Option<Step>| {
        let export = files[f.0].functions[f.1].export_name.as_str();
        Frame {
            callers: index.callers_of(export),
            params,
            export,
            next: 0,
            step,
        }
    };
    let mut stack = vec![frame(func, params.to_vec(), None)];
    while let Some(top) = stack.last_mut() {
        let Some(&(fi, gi, ci)) = top.callers.get(top.next / top.params.len().max(1)) else {
            stack.pop();
            continue;
        };
        let Some(&p) = top.params.get(top.next % top.params.len().max(1)) else {
            stack.pop();
            continue;
        };
        top.next += 1;
        let call = &files[fi].functions[gi].calls[ci];
        let Some(arg) = call.args.get(p as usize) else {
            continue;
        };
        if clean_for(&arg.clean, kind) {
            continue;
        }
        let step = Step {
            location: call.location.clone(),
            label: format!("passed to `{}()`", short_name(top.export)),
        };
        match arg.state {
            FlowState::Tainted => {
                if let Some(src) = &arg.source {
                    let mut steps = vec![step];
                    steps.extend(stack.iter().rev().filter_map(|f| f.step.clone()));
                    return Some((src.clone(), steps));
                }
            }
            FlowState::FromParams if !arg.params.is_empty() && !seen.contains(&(fi, gi)) => {
                seen.push((fi, gi));
                stack.push(frame((fi, gi), arg.params.clone(), Some(step)));
            }
            _ => {}
        }
    }
    None
}

fn short_name(export: &str) -> &str {
    let tail = export.rsplit("::").next().unwrap_or(export);
    tail.rsplit('.').next().unwrap_or(tail)
}

/// Outside data that reaches a value through the return of one of the
/// repository's own functions: the function returns a source itself, or
/// returns a parameter that this function's call passes outside data to,
/// or returns what another of the repository's functions returns — a
/// chain followed to any length, each function once. A function whose
/// return value is clean for the sink's `kind` (or an argument that is)
/// passes nothing on.
fn through_returns(
    files: &[&FileFacts],
    index: &FnIndex<'_>,
    file: usize,
    symbol: &str,
    calls: &[String],
    kind: &str,
) -> Option<(Source, Vec<Step>)> {
    // Breadth first from the value's own calls; each entry remembers the
    // step it was reached by (an index into `reached`) to rebuild the path.
    let mut reached: Vec<(FnRef, Option<usize>)> = vec![];
    let mut first: Vec<&str> = vec![];
    let mut queue = std::collections::VecDeque::new();
    for callee in calls {
        if let Some(f) = index.resolve(callee)
            && !reached.iter().any(|(r, _)| *r == f)
        {
            reached.push((f, None));
            first.push(callee);
            queue.push_back(reached.len() - 1);
        }
    }
    let path = |reached: &[(FnRef, Option<usize>)], mut at: usize| {
        // From the function returning the source back to the first callee.
        let mut steps = vec![];
        loop {
            let ((cf, cg), from) = reached[at];
            let summary = &files[cf].functions[cg];
            steps.push(Step {
                location: summary.location.clone(),
                label: format!("returned by `{}()`", short_name(&summary.export_name)),
            });
            match from {
                Some(f) => at = f,
                None => return steps,
            }
        }
    };
    while let Some(at) = queue.pop_front() {
        let ((cf, cg), from) = reached[at];
        let summary = &files[cf].functions[cg];
        if clean_for(&summary.returns_clean, kind) {
            continue;
        }
        if let Some(src) = &summary.returns_source {
            return Some((src.clone(), path(&reached, at)));
        }
        // A parameter returned: outside data passed in at this value's
        // own call (only the first link of the chain is called here).
        if from.is_none()
            && !summary.returns_params.is_empty()
            && let Some(g) = index.enclosing(file, symbol)
        {
            let name = short_name(&summary.export_name);
            for call in files[file].functions[g]
                .calls
                .iter()
                .filter(|c| c.callee == first[at])
            {
                for &p in &summary.returns_params {
                    let Some(arg) = call.args.get(p as usize) else {
                        continue;
                    };
                    if clean_for(&arg.clean, kind) {
                        continue;
                    }
                    if let (FlowState::Tainted, Some(src)) = (arg.state, &arg.source) {
                        let step = Step {
                            location: call.location.clone(),
                            label: format!("passed through `{name}()`"),
                        };
                        return Some((src.clone(), vec![step]));
                    }
                }
            }
        }
        for callee in &summary.returns_calls {
            if let Some(f) = index.resolve(callee)
                && !reached.iter().any(|(r, _)| *r == f)
            {
                reached.push((f, Some(at)));
                queue.push_back(reached.len() - 1);
            }
        }
    }
    None
}

/// What linking decides for one sink: its flow's new state, and the
/// source and call sites when a caller passes outside data.
pub struct Link {
    /// The file and the fact within it.
    pub file: usize,
    pub fact: usize,
    state: FlowState,
    hit: Option<(Source, Vec<Step>)>,
}

impl Link {
    /// Write the decision into the fact's flow (`file` must be the file
    /// the link was computed for).
    pub fn apply(self, file: &mut FileFacts) {
        let flow = file.facts[self.fact]
            .flow
            .as_mut()
            .expect("links are made only for facts with a flow");
        flow.state = self.state;
        if let Some((src, mut steps)) = self.hit {
            // Path: source … call sites … steps inside the sink's function.
            steps.extend(std::mem::take(&mut flow.steps));
            flow.steps = steps;
            flow.source = Some(src);
        }
        flow.params.clear();
        flow.calls.clear();
    }
}

/// Resolve every `FromParams` sink to `Tainted` (a caller passes outside
/// data) or `Unknown` (no such caller found), and follow the returns of the
/// repository's own functions into sinks of unknown origin.
pub fn link(files: &mut [FileFacts]) {
    for l in links(files) {
        let fi = l.file;
        l.apply(&mut files[fi]);
    }
}

/// What [`link`] would change, without changing anything: one [`Link`]
/// per sink whose flow it resolves, in file and fact order.
pub fn links<F: Borrow<FileFacts>>(files: &[F]) -> Vec<Link> {
    let files: Vec<&FileFacts> = files.iter().map(Borrow::borrow).collect();
    let files = files.as_slice();
    let index = FnIndex::new(files);
    let mut updates = vec![];
    for (fi, f) in files.iter().enumerate() {
        for (ki, fact) in f.facts.iter().enumerate() {
            let Some(flow) = &fact.flow else { continue };
            let resolvable = matches!(flow.state, FlowState::FromParams | FlowState::Unknown)
                || (flow.state == FlowState::Safe && !flow.calls.is_empty());
            if !resolvable {
                continue;
            }
            let from_callers = if flow.state == FlowState::FromParams {
                index.enclosing(fi, &fact.evidence.symbol).and_then(|gi| {
                    find_tainted_caller(files, &index, (fi, gi), &flow.params, &fact.kind)
                })
            } else {
                None
            };
            let found = from_callers.or_else(|| {
                through_returns(
                    files,
                    &index,
                    fi,
                    &fact.evidence.symbol,
                    &flow.calls,
                    &fact.kind,
                )
            });
            if flow.state != FlowState::FromParams && found.is_none() {
                continue;
            }
            let state = match found {
                Some(_) => FlowState::Tainted,
                None if flow.state == FlowState::FromParams
                    && fact.kind == "sql"
                    && literal_sql_helper(
                        files,
                        &index,
                        fi,
                        &fact.evidence.symbol,
                        &flow.params,
                    ) =>
                {
                    FlowState::Safe
                }
                None => FlowState::Unknown,
            };
            updates.push(Link {
                file: fi,
                fact: ki,
                state,
                hit: found,
            });
        }
    }
    updates
}

/// The SQL sink's text comes only from the SQL parameter of a query helper
/// (values bound separately), and every call of the helper in the
/// repository — at least [`crate::conventions::MIN_HELPER_USES`] of them —
/// passes one literal SQL text with placeholders there: nothing built
/// reaches the query, so it is not reported as built from input.
fn literal_sql_helper(
    files: &[&FileFacts],
    index: &FnIndex<'_>,
    file: usize,
    symbol: &str,
    params: &[u32],
) -> bool {
    let Some(g) = index.enclosing(file, symbol) else {
        return false;
    };
    let func = &files[file].functions[g];
    let Some(h) = &func.query_helper else {
        return false;
    };
    if params != [h.param] || index.resolve(&func.export_name) != Some((file, g)) {
        return false;
    }
    let calls: Vec<&bw_facts::CallSite> = index
        .callers_of(&func.export_name)
        .iter()
        .filter(|&&(cf, cg, _)| (cf, cg) != (file, g))
        .map(|&(cf, cg, ci)| &files[cf].functions[cg].calls[ci])
        .collect();
    calls.len() >= crate::conventions::MIN_HELPER_USES as usize
        && calls.iter().all(|c| {
            c.args
                .get(h.param as usize)
                .is_some_and(|a| a.parameterised_sql)
        })
}

#[cfg(test)]
mod tests {
    use super::{FnIndex, within};
    use bw_facts::{FileFacts, FunctionSummary, Location};

    #[test]
    fn the_enclosing_function_is_the_innermost_outer_scope() {
        let func = |symbol: &str| FunctionSummary {
            symbol: symbol.into(),
            export_name: format!("m::{symbol}"),
            params: vec![],
            location: Location {
                path: "m.py".into(),
                start_line: 1,
                start_col: 1,
                end_line: 1,
                end_col: 1,
            },
            returns_params: vec![],
            returns_source: None,
            returns_calls: vec![],
            returns_clean: vec![],
            calls: vec![],
            query_helper: None,
            http_wrapper: None,
        };
        let file = FileFacts {
            path: "m.py".into(),
            functions: vec![
                func("View"),
                func("View.get"),
                func("View.getter"),
                func("helper"),
                func("View.get"),
            ],
            ..Default::default()
        };
        let files = [file];
        let index = FnIndex::new(&files);
        // The last of two functions with one symbol, as before.
        assert_eq!(index.enclosing(0, "View.get"), Some(4));
        assert_eq!(index.enclosing(0, "View.get.inner.deeper"), Some(4));
        assert_eq!(index.enclosing(0, "View.post"), Some(0));
        assert_eq!(index.enclosing(0, "View.getter.x"), Some(2));
        assert_eq!(index.enclosing(0, "helper"), Some(3));
        assert_eq!(index.enclosing(0, "other"), None);
        assert_eq!(index.enclosing(1, "View"), None);
    }

    #[test]
    fn a_symbol_is_within_itself_and_its_outer_scopes_only() {
        assert!(within("View.get", "View.get"));
        assert!(within("View.get.inner", "View.get"));
        assert!(within("View.get", "View"));
        assert!(!within("View.getter", "View.get"));
        assert!(!within("Viewer.get", "View"));
        assert!(!within("View", "View.get"));
    }
}
