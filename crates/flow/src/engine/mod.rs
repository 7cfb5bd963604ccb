//! The analysis itself: module rounds, the per-function fixpoint over the
//! control-flow graph, expression evaluation, branch refinement by guards,
//! and sink and summary bookkeeping. See the crate documentation for the
//! model.

use crate::catalogue::{
    FlowSpecFile, GuardKind, GuardSpec, SINK_KINDS, SinkSpec, name_matches, source_matches,
};
use crate::value::{ALL_KINDS, K, Kinds, Value};
use crate::{
    ArgFlow, ArgRef, CallSite, Externals, FnSummary, ModuleResult, Options, ParamSink, SinkHit,
    Source, Step, Truncation, Verdict, Via,
};
use bw_ir::cfg::Cfg;
use bw_ir::{
    ArgKind, BinOp, BlockId, ClassId, CompClause, Const, Elem, Entry, Expr, ExprId, FuncId,
    Function, LogicOp, Module, Pattern, SeqKind, Span, Stmt, Sym, TemplatePart, Terminator, UnOp,
};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

mod fold;
mod guards;
mod state;

use fold::{fold_binary, fold_compare};
use state::{Ap, Key, MAX_KEYS, Root, State};

/// Segments of a dotted path resolved (catalogue names are a few long).
const PATH_DEPTH: usize = 40;
/// Indices a list keeps per element; longer literals are kept whole.
const MAX_INDICES: usize = 64;

fn kind_bit(kind: &str) -> Kinds {
    if kind == "*" {
        return ALL_KINDS;
    }
    SINK_KINDS
        .iter()
        .position(|k| *k == kind)
        .map_or(0, |i| 1 << i)
}

fn kinds_mask(kinds: &[String]) -> Kinds {
    kinds.iter().fold(0, |m, k| m | kind_bit(k))
}

fn mask_kinds(mask: Kinds) -> Vec<String> {
    if mask == ALL_KINDS {
        return vec!["*".into()];
    }
    SINK_KINDS
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, k)| k.to_string())
        .collect()
}

fn verdict(v: &Value, bit: Kinds) -> Verdict {
    if v.is_constant() || v.clean & bit == bit {
        Verdict::Safe
    } else if !v.sources.is_empty() && v.src_clean & bit == 0 {
        Verdict::Confirmed
    } else if v.params != 0 {
        Verdict::FromParams
    } else if v.unknown || v.sources.is_empty() {
        Verdict::Unknown
    } else {
        // Only sources clean for this kind (a raw URL in a log line).
        Verdict::Safe
    }
}

/// The catalogue, with what the engine looks up often precomputed.
/// Source names by their first segment: (the source's index, the name).
type SourceIndex<'c> = HashMap<&'c str, Vec<(usize, &'c str)>>;

struct Cat<'c> {
    spec: &'c FlowSpecFile,
    /// Source names anchored at a path's start (`flask.request.args`), by
    /// their first segment: only a path starting with it can match.
    anchored: SourceIndex<'c>,
    /// Source names that match after any `.` (`*.invoke()`), by the first
    /// segment after `*.`: only a path holding it can match.
    floating: SourceIndex<'c>,
    /// The sources that list secret words, by kind.
    secret_keys: Vec<(&'c str, &'c [String])>,
    /// Sink entries by the last segment of a callee they name.
    sinks_by_last: HashMap<&'c str, Vec<usize>>,
    /// Sink entries by a method they name.
    sinks_by_method: HashMap<&'c str, Vec<usize>>,
    /// Sink entries naming a callee under any path (`jsx.*`).
    sinks_wild: Vec<usize>,
    /// The packages the catalogue names (`sqlalchemy`, `child_process`):
    /// libraries, never the repository's own modules.
    packages: HashSet<&'c str>,
}

/// A path segment's name (`args` of `args[]`, `get` of `get()`).
fn segment_head(seg: &str) -> &str {
    seg.split(['[', '(']).next().unwrap_or(seg)
}

impl<'c> Cat<'c> {
    fn new(spec: &'c FlowSpecFile) -> Cat<'c> {
        let mut anchored: SourceIndex<'c> = HashMap::new();
        let mut floating: SourceIndex<'c> = HashMap::new();
        for (i, s) in spec.sources.iter().enumerate() {
            for n in &s.names {
                let (map, rest) = match n.strip_prefix("*.") {
                    Some(rest) => (&mut floating, rest),
                    None => (&mut anchored, n.as_str()),
                };
                let head = rest.split(['.', '(', '[']).next().unwrap_or(rest);
                map.entry(head).or_default().push((i, n.as_str()));
            }
        }
        let secret_keys = spec
            .sources
            .iter()
            .filter(|s| !s.secret_keys.is_empty())
            .map(|s| (s.kind.as_str(), s.secret_keys.as_slice()))
            .collect();
        let mut sinks_by_last: HashMap<&'c str, Vec<usize>> = HashMap::new();
        let mut sinks_by_method: HashMap<&'c str, Vec<usize>> = HashMap::new();
        let mut sinks_wild = Vec::new();
        for (i, s) in spec.sinks.iter().enumerate() {
            for c in &s.callees {
                if c.ends_with(".*") {
                    sinks_wild.push(i);
                } else {
                    let last = c.rsplit('.').next().unwrap_or(c);
                    sinks_by_last.entry(last).or_default().push(i);
                }
            }
            for m in &s.methods {
                sinks_by_method.entry(m.as_str()).or_default().push(i);
            }
        }
        // The first segment of every callee the catalogue anchors at a
        // package (`sqlalchemy.text`, `subprocess.run`; not its sources,
        // which name objects such as `req`).
        let mut packages = HashSet::new();
        let names = spec
            .sinks
            .iter()
            .flat_map(|s| &s.callees)
            .chain(spec.sanitizers.iter().flat_map(|s| &s.callees))
            .chain(spec.propagators.iter().flat_map(|s| &s.callees));
        for n in names {
            if n.starts_with('*') {
                continue;
            }
            if let Some(head) = n.split(['.', '/', '(', '[']).next()
                && !head.is_empty()
            {
                packages.insert(head);
            }
        }
        Cat {
            spec,
            anchored,
            floating,
            secret_keys,
            sinks_by_last,
            sinks_by_method,
            sinks_wild,
            packages,
        }
    }

    /// A module of a package the catalogue names: a library's, whose
    /// functions are no repository code.
    fn is_library(&self, module: &str) -> bool {
        let head = module.split(['.', '/']).next().unwrap_or(module);
        self.packages.contains(head)
    }

    /// The first source (in catalogue order) a name of which `path` is,
    /// or is read from. Only the names indexed under the path's segments
    /// are tried: this runs for every name and field the code reads.
    fn source_of(&self, path: &str) -> Option<&'c crate::catalogue::SourceSpec> {
        let mut best: Option<usize> = None;
        let mut try_all = |cands: Option<&Vec<(usize, &str)>>| {
            for &(i, n) in cands.into_iter().flatten() {
                if best.is_none_or(|b| i < b) && source_matches(n, path) {
                    best = Some(i);
                }
            }
        };
        let mut segs = path.split('.');
        if let Some(first) = segs.next() {
            let h = segment_head(first);
            try_all(self.anchored.get(h));
            try_all(self.floating.get(h));
        }
        for seg in segs {
            try_all(self.floating.get(segment_head(seg)));
        }
        best.map(|i| &self.spec.sources[i])
    }

    fn source_kind(&self, path: &str) -> Option<&'c str> {
        self.source_of(path).map(|s| s.kind.as_str())
    }

    /// The sink kinds the source at `path` is clean for by its type.
    fn source_clean(&self, path: &str) -> Kinds {
        self.source_of(path).map_or(0, |s| kinds_mask(&s.clean))
    }

    fn method_source(&self, method: &str) -> Option<&'c str> {
        self.spec
            .sources
            .iter()
            .find(|s| s.methods.iter().any(|m| m == method))
            .map(|s| s.kind.as_str())
    }

    fn matches(callees: &[String], methods: &[String], path: &str, method: Option<&str>) -> bool {
        (!path.is_empty() && callees.iter().any(|c| name_matches(c, path)))
            || method.is_some_and(|m| methods.iter().any(|x| x == m))
    }

    fn sanitiser(&self, path: &str, method: Option<&str>) -> Option<Kinds> {
        self.spec
            .sanitizers
            .iter()
            .find(|s| Self::matches(&s.callees, &s.methods, path, method))
            .map(|s| kinds_mask(&s.kinds))
    }

    /// Whether the call passes its inputs on (and how: the kinds its
    /// result is clean for by its type, those it decodes).
    fn propagates(
        &self,
        path: &str,
        method: Option<&str>,
    ) -> Option<&'c crate::catalogue::PropagatorSpec> {
        self.spec
            .propagators
            .iter()
            .find(|s| Self::matches(&s.callees, &s.methods, path, method))
    }

    fn response_type(&self, method: &str) -> Option<&'c crate::catalogue::ResponseTypeSpec> {
        self.spec
            .response_types
            .iter()
            .find(|r| r.methods.iter().any(|m| m == method))
    }

    fn resolver(&self, path: &str) -> Option<&'c crate::catalogue::ResolverSpec> {
        self.spec
            .resolvers
            .iter()
            .find(|r| Self::matches(&r.callees, &[], path, None))
    }

    fn invokes(&self, path: &str) -> bool {
        self.spec
            .invokes
            .iter()
            .any(|s| Self::matches(&s.callees, &[], path, None))
    }

    fn exits(&self, path: &str, method: Option<&str>) -> bool {
        self.spec
            .exits
            .iter()
            .any(|s| Self::matches(&s.callees, &s.methods, path, method))
    }

    /// The sink entries a call matches, in catalogue order. Only the
    /// entries indexed under the callee's last segment or the method name
    /// are tried (this runs for every call).
    fn sinks(&self, path: &str, method: Option<&str>) -> impl Iterator<Item = &'c SinkSpec> {
        let last = path.rsplit('.').next().unwrap_or(path);
        let mut idx: Vec<usize> = self
            .sinks_by_last
            .get(last)
            .into_iter()
            .flatten()
            .copied()
            .collect();
        if let Some(m) = method {
            idx.extend(self.sinks_by_method.get(m).into_iter().flatten().copied());
        }
        idx.extend(self.sinks_wild.iter().copied());
        idx.sort_unstable();
        idx.dedup();
        let spec = self.spec;
        idx.into_iter()
            .map(move |i| &spec.sinks[i])
            .filter(move |s| Self::matches(&s.callees, &s.methods, path, method))
            .collect::<Vec<_>>()
            .into_iter()
    }

    fn guards(&self, kind: GuardKind) -> impl Iterator<Item = &'c GuardSpec> {
        self.spec.guards.iter().filter(move |g| g.kind == kind)
    }

    fn is_parser(&self, path: &str) -> bool {
        self.guards(GuardKind::Host)
            .any(|g| g.parsers.iter().any(|p| name_matches(p, path)))
    }
}

/// What the module's functions know of each other, settled over rounds.
#[derive(Clone, PartialEq, Default)]
struct Shared {
    summaries: Vec<Option<FnSummary>>,
    /// Values of free variables of each function, from where its enclosing
    /// function made it.
    env: Vec<BTreeMap<Sym, Value>>,
    /// What callers pass a function given as a callback.
    seeds: Vec<Option<Value>>,
    /// The module's globals at the end of its top-level code.
    globals: BTreeMap<Sym, Value>,
    /// Per class, the join of what its methods store on the receiver.
    fields: BTreeMap<(ClassId, Rc<str>), Value>,
}

/// Names (a value's `ty`, a summary's `return_ty`) have no order to climb
/// toward: a field written from a method that returns it (`self.panel =
/// self.get_panel()`, `def get_panel(self): return self.panel`) is named
/// after the one, then the other, and would flip every round, so the
/// module never settles. From the second round on, a summary or value
/// whose name changed while nothing else did keeps its earlier name (the
/// summaries as each is made, [`keep_summary_name`]; the values here).
fn keep_names(prev: &Shared, next: &mut Shared) {
    each_value(prev, next, &mut |p, n| {
        if let (Some(p), Some(n)) = (p, n) {
            keep_value_name(p, n);
        }
    });
}

/// Each value of `next`'s globals, fields, closure environments and
/// callback seeds with the one `prev` had at the same place (`None`:
/// none there). A value `f` leaves `None` is not added.
fn each_value(
    prev: &Shared,
    next: &mut Shared,
    f: &mut impl FnMut(Option<&Value>, &mut Option<Value>),
) {
    fn maps<K: Ord + Clone>(
        prev: &BTreeMap<K, Value>,
        next: &mut BTreeMap<K, Value>,
        f: &mut impl FnMut(Option<&Value>, &mut Option<Value>),
    ) {
        let keys: BTreeSet<K> = prev.keys().chain(next.keys()).cloned().collect();
        for k in keys {
            let mut n = next.remove(&k);
            f(prev.get(&k), &mut n);
            if let Some(n) = n {
                next.insert(k, n);
            }
        }
    }
    maps(&prev.globals, &mut next.globals, f);
    maps(&prev.fields, &mut next.fields, f);
    for (p, n) in prev.env.iter().zip(next.env.iter_mut()) {
        maps(p, n, f);
    }
    for (p, n) in prev.seeds.iter().zip(next.seeds.iter_mut()) {
        f(p.as_ref(), n);
    }
}

/// The round from which what the module's functions know of each other
/// only grows ([`widen`]).
const WIDEN_FROM: u32 = 2;

/// Analyses of one function within a round after the first (its callees'
/// summaries changing under it); past them it waits for the next round.
const MAX_RUNS_PER_ROUND: u32 = 8;

/// What the functions know of each other, made to only grow: each summary
/// and value joined with the round before's. Most modules settle in a
/// round or two; one whose facts go back and forth (a field tested false
/// and rewritten by the methods that read it, which a join of clean and
/// unclean values can flip) would otherwise run out of rounds with its
/// flows undecided. Joining keeps every flow either round saw.
/// (The summaries are widened as each is made, with [`widened`].)
fn widen(prev: &Shared, next: &mut Shared) {
    each_value(prev, next, &mut |p, n| {
        if let Some(p) = p {
            *n = Some(match n.take() {
                Some(n) => p.clone().joined(&n),
                None => p.clone(),
            });
        }
    });
}

/// `p` with what `n` adds (in `p`'s order first, so that a summary adding
/// nothing is `p` again).
fn widened(p: &FnSummary, n: &FnSummary) -> FnSummary {
    fn union<T: Clone + PartialEq>(a: &[T], b: &[T]) -> Vec<T> {
        let mut out = a.to_vec();
        for x in b {
            if !out.contains(x) {
                out.push(x.clone());
            }
        }
        out
    }
    fn common(a: &[String], b: &[String]) -> Vec<String> {
        a.iter().filter(|k| b.contains(k)).cloned().collect()
    }
    FnSummary {
        qualified: n.qualified.clone(),
        params: n.params.clone(),
        param_to_return: union(&p.param_to_return, &n.param_to_return),
        source_to_return: union(&p.source_to_return, &n.source_to_return),
        return_unknown: p.return_unknown || n.return_unknown,
        return_clean: common(&p.return_clean, &n.return_clean),
        return_src_clean: common(&p.return_src_clean, &n.return_src_clean),
        return_ty: p.return_ty.clone().or_else(|| n.return_ty.clone()),
        param_to_sink: union(&p.param_to_sink, &n.param_to_sink),
        param_to_field: union(&p.param_to_field, &n.param_to_field),
        return_func: p.return_func.or(n.return_func),
        return_calls: union(&p.return_calls, &n.return_calls),
    }
}

fn keep_summary_name(p: &FnSummary, n: &mut FnSummary) {
    if p.return_ty != n.return_ty {
        let ty = std::mem::replace(&mut n.return_ty, p.return_ty.clone());
        if n != p {
            n.return_ty = ty;
        }
    }
}

/// Per function, the functions whose last analysis called it.
fn callers_of(n: usize, outs: &[FnOut]) -> Vec<Vec<usize>> {
    let mut callers = vec![Vec::new(); n];
    for (j, out) in outs.iter().enumerate() {
        for g in &out.callees {
            if let Some(c) = callers.get_mut(g.index())
                && !c.contains(&j)
            {
                c.push(j);
            }
        }
    }
    callers
}

fn keep_value_name(p: &Value, n: &mut Value) {
    if p.ty != n.ty {
        let ty = std::mem::replace(&mut n.ty, p.ty.clone());
        if n != p {
            n.ty = ty;
        }
    }
}

impl Shared {
    /// Nothing known yet of `n` functions.
    fn new(n: usize) -> Shared {
        Shared {
            summaries: vec![None; n],
            env: vec![BTreeMap::new(); n],
            seeds: vec![None; n],
            globals: BTreeMap::new(),
            fields: BTreeMap::new(),
        }
    }
}

/// Facts of the module's shape, computed once.
struct Shape {
    /// Top-level function bindings (`def f`, `f = lambda …`).
    toplevel: BTreeMap<Sym, FuncId>,
    classes: BTreeMap<Sym, ClassId>,
    /// Free names read by each function (and its nested functions).
    free: Vec<BTreeSet<Sym>>,
    /// The first import binding each name, by the name's index.
    imports: Vec<Option<u32>>,
    /// Per function, the indices of its entries in [`Options::returns`]
    /// (looked up at every return: never a scan of them all).
    returns: Vec<Vec<usize>>,
}

/// What one function's analysis leaves for the module.
#[derive(Default)]
struct FnOut {
    hits: BTreeMap<(ExprId, u32), SinkHit>,
    /// Calls of functions the repository may define, by call.
    calls: BTreeMap<ExprId, CallSite>,
    named: BTreeMap<ExprId, crate::NamedCall>,
    ret: Option<Value>,
    exit_state: Option<State>,
    field_writes: BTreeMap<Rc<str>, Value>,
    env: Vec<(FuncId, Sym, Value)>,
    seeds: Vec<(FuncId, Value)>,
    truncated: Vec<Truncation>,
    /// Functions of this module whose summaries it applied.
    callees: BTreeSet<FuncId>,
    /// Receiver fields it read from what the class's methods write (its
    /// class's): it runs again only when one of these changes.
    fields_read: BTreeSet<Rc<str>>,
}

pub(crate) fn analyse(
    m: &Module,
    spec: &FlowSpecFile,
    opts: &Options,
    ext: &Externals,
) -> ModuleResult {
    let cat = Cat::new(spec);
    let mut shape = shape(m);
    for (i, r) in opts.returns.iter().enumerate() {
        if let Some(v) = shape.returns.get_mut(r.func.index()) {
            v.push(i);
        }
    }
    let n = m.functions.len();
    let mut shared = Shared::new(n);
    seed_fields(m, opts, &mut shared.fields);
    let mut outs: Vec<FnOut> = (0..n).map(|_| FnOut::default()).collect();
    let mut truncated = Vec::new();
    let mut settled = false;
    // Round one analyses every function; later rounds only those whose
    // inputs changed (a callee's summary, their closure environment or
    // callback seeds, their class's fields, the globals).
    let mut dirty = vec![true; n];
    let mut analysed = 0u32;
    let order = analysis_order(m, &shape);
    let mut position = vec![0usize; n];
    for (p, &i) in order.iter().enumerate() {
        position[i] = p;
    }
    for round in 0..opts.max_rounds.max(1) {
        // Who calls each function, as its last analysis saw. After the
        // first round, a summary that changes re-runs its callers in the
        // same round, wherever they come in the order (a recursive-descent
        // parser's functions call each other in a cycle): a chain of helpers
        // settles in a round, not one round a link.
        let mut callers = if round == 0 {
            Vec::new()
        } else {
            callers_of(n, &outs)
        };
        let mut changed_now = vec![false; n];
        let mut skipped = vec![false; n];
        let mut runs = vec![0u32; n];
        let mut queue: BTreeSet<usize> = (0..order.len()).filter(|&p| dirty[order[p]]).collect();
        while let Some(p) = queue.pop_first() {
            let i = order[p];
            runs[i] += 1;
            if runs[i] > MAX_RUNS_PER_ROUND {
                // Its callees changed again: next round.
                skipped[i] = true;
                continue;
            }
            let mut fx = Fx::new(m, &cat, opts, ext, &shape, &shared, FuncId(i as u32));
            fx.run();
            fx.out.fields_read = fx.fields_read.take();
            outs[i] = fx.out;
            analysed += 1;
            if round == 0 {
                // An enclosing function (the module's code first) comes
                // before what it defines, so what it hands them (the
                // globals, closure environments, callback seeds) is known by
                // the time they are analysed, instead of making every
                // function run again next round.
                absorb(i, &outs[i], &mut shared);
            } else {
                for g in &outs[i].callees {
                    if let Some(c) = callers.get_mut(g.index())
                        && !c.contains(&i)
                    {
                        c.push(i);
                    }
                }
            }
            // A callee's summary, settled for the callers after it.
            let mut s = summary_of(m, FuncId(i as u32), &outs[i]);
            if round > 0
                && let Some(prev) = &shared.summaries[i]
            {
                keep_summary_name(prev, &mut s);
                if round >= WIDEN_FROM {
                    s = widened(prev, &s);
                }
            }
            if shared.summaries[i].as_ref() != Some(&s) {
                changed_now[i] = true;
                for &j in callers.get(i).into_iter().flatten() {
                    queue.insert(position[j]);
                }
                shared.summaries[i] = Some(s);
            }
        }
        let mut next = settle(m, &outs);
        // This round's summaries, already in place (kept names, widened).
        next.summaries.clone_from(&shared.summaries);
        seed_fields(m, opts, &mut next.fields);
        if round > 0 {
            keep_names(&shared, &mut next);
        }
        if round >= WIDEN_FROM {
            widen(&shared, &mut next);
        }
        // In the first round a function saw the summaries of the callees
        // analysed before it; one calling a function analysed after it (a
        // cycle of calls) saw none, and runs again. After it, one whose
        // callees changed once too often this round runs again next round.
        let stale: Vec<bool> = if round == 0 {
            (0..n)
                .map(|i| {
                    outs[i]
                        .callees
                        .iter()
                        .any(|g| changed_now[g.index()] && position[g.index()] > position[i])
                })
                .collect()
        } else {
            skipped
        };
        if next == shared && !stale.contains(&true) {
            settled = true;
            break;
        }
        let globals_changed = next.globals != shared.globals;
        let changed_fields: BTreeSet<(ClassId, Rc<str>)> = next
            .fields
            .iter()
            .filter(|(k, v)| shared.fields.get(*k) != Some(*v))
            .map(|(k, _)| k.clone())
            .chain(
                shared
                    .fields
                    .keys()
                    .filter(|k| !next.fields.contains_key(*k))
                    .cloned(),
            )
            .collect();
        for (i, d) in dirty.iter_mut().enumerate() {
            let func = m.func(FuncId(i as u32));
            *d = stale[i]
                || next.env[i] != shared.env[i]
                || next.seeds[i] != shared.seeds[i]
                || (i != 0 && globals_changed)
                || func.class.is_some_and(|c| {
                    outs[i]
                        .fields_read
                        .iter()
                        .any(|f| changed_fields.contains(&(c, f.clone())))
                });
        }
        shared = next;
    }
    if !settled {
        truncated.push(Truncation {
            function: "<module>".into(),
            span: Span::default(),
            reason: format!(
                "function summaries still changing after {} rounds",
                opts.max_rounds.max(1)
            ),
        });
    }
    let mut hits = Vec::new();
    let mut calls = Vec::new();
    let mut named = Vec::new();
    let mut summaries = Vec::with_capacity(n);
    for (i, out) in outs.into_iter().enumerate() {
        summaries.push(
            shared.summaries[i]
                .clone()
                .unwrap_or_else(|| summary_of(m, FuncId(i as u32), &out)),
        );
        calls.extend(out.calls.into_values());
        named.extend(out.named.into_values());
        hits.extend(out.hits.into_values());
        truncated.extend(out.truncated);
    }
    hits.sort_by(|a, b| {
        (a.span.start, a.span.line, &a.kind, &a.callee).cmp(&(
            b.span.start,
            b.span.line,
            &b.kind,
            &b.callee,
        ))
    });
    calls.sort_by(|a, b| {
        (a.span.start, a.span.line, &a.module, &a.name).cmp(&(
            b.span.start,
            b.span.line,
            &b.module,
            &b.name,
        ))
    });
    named.sort_by_key(|c: &crate::NamedCall| (c.span.start, c.span.line, c.call));
    let mut exports = BTreeMap::new();
    for (s, f) in &shape.toplevel {
        exports.insert(m.name(*s).to_string(), f.0);
    }
    for e in &m.exports {
        if let Some(f) = shape.toplevel.get(&e.local) {
            exports.insert(e.name.clone(), f.0);
        }
    }
    ModuleResult {
        module: m.id.clone(),
        path: m.path.clone(),
        hits,
        calls,
        named,
        summaries,
        exports,
        truncated,
        analysed,
        link_rounds: 0,
    }
}

/// The order functions are analysed in: the module's code first; then
/// each top-level function after the top-level functions it calls (a
/// chain of helpers, callee first, settles in one round instead of one
/// round per link), followed by the functions it defines, in the order
/// they are defined (an enclosing function before what it defines).
fn analysis_order(m: &Module, shape: &Shape) -> Vec<usize> {
    let n = m.functions.len();
    if n == 0 {
        return Vec::new();
    }
    let top = |mut i: usize| {
        while let Some(p) = m.functions[i].parent {
            if p == FuncId::MODULE || p.index() >= i {
                break;
            }
            i = p.index();
        }
        i
    };
    let mut nested: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut tops = Vec::new();
    for i in 1..n {
        match top(i) {
            t if t == i => tops.push(i),
            t => nested[t].push(i),
        }
    }
    let callees = |i: usize| -> Vec<usize> {
        let mut c: Vec<usize> = shape.free[i]
            .iter()
            .filter_map(|s| shape.toplevel.get(s))
            .map(|f| f.index())
            .filter(|&j| j != i && j != 0 && top(j) == j)
            .collect();
        c.sort_unstable();
        c
    };
    let mut order = vec![0];
    let mut seen = vec![false; n];
    seen[0] = true;
    // Depth first, without recursion: a chain of helpers may be long.
    for &t in &tops {
        if seen[t] {
            continue;
        }
        seen[t] = true;
        let mut stack: Vec<(usize, Vec<usize>)> = vec![(t, callees(t))];
        while let Some((f, pending)) = stack.last_mut() {
            match pending.pop() {
                Some(c) if !seen[c] => {
                    seen[c] = true;
                    let cc = callees(c);
                    stack.push((c, cc));
                }
                Some(_) => {}
                None => {
                    let f = *f;
                    stack.pop();
                    order.push(f);
                    order.extend(nested[f].iter().copied());
                }
            }
        }
    }
    // Anything not reached that way (a function whose parent comes after
    // it), in index order.
    let placed: std::collections::HashSet<usize> = order.iter().copied().collect();
    order.extend((0..n).filter(|i| !placed.contains(i)));
    order
}

/// Add what function `i` hands the functions it defines (closure
/// environments, callback seeds, and for the module's code the globals) to
/// `shared`, as [`settle`] would.
fn absorb(i: usize, out: &FnOut, shared: &mut Shared) {
    hand_on(out, &mut shared.env, &mut shared.seeds);
    if i == 0 {
        shared.globals = exit_globals(out);
    }
}

/// What a function's output hands the functions it defines.
fn hand_on(out: &FnOut, env: &mut [BTreeMap<Sym, Value>], seeds: &mut [Option<Value>]) {
    for (g, s, v) in &out.env {
        env[g.index()]
            .entry(*s)
            .and_modify(|x| x.join(v))
            .or_insert_with(|| v.clone());
    }
    for (g, v) in &out.seeds {
        match &mut seeds[g.index()] {
            Some(x) => x.join(v),
            slot => *slot = Some(v.clone()),
        }
    }
}

/// The module's globals as its top-level code leaves them.
fn exit_globals(out: &FnOut) -> BTreeMap<Sym, Value> {
    let mut globals = BTreeMap::new();
    if let Some(st) = &out.exit_state {
        st.each(|ap, v| {
            if let (Root::Var(s), true) = (&ap.root, ap.keys.is_empty()) {
                globals.insert(*s, v.clone());
            }
        });
    }
    globals
}

/// The fields a framework sets on instances ([`crate::FieldSeed`]), joined
/// with what the class's own methods write to them.
fn seed_fields(m: &Module, opts: &Options, fields: &mut BTreeMap<(ClassId, Rc<str>), Value>) {
    for s in &opts.fields {
        if s.class.index() >= m.classes.len() {
            continue;
        }
        let mut v = match &s.source {
            Some(kind) => Value::source(Source {
                kind: kind.clone(),
                path: m.path.clone(),
                span: m.classes[s.class.index()].span,
                label: format!("self.{}", s.field),
            }),
            None => Value::default(),
        };
        v.ty = s.ty.as_deref().map(Rc::from);
        fields
            .entry((s.class, Rc::from(s.field.as_str())))
            .and_modify(|x| x.join(&v))
            .or_insert(v);
    }
}

/// The shared knowledge the next round starts from.
fn settle(m: &Module, outs: &[FnOut]) -> Shared {
    let n = m.functions.len();
    let mut next = Shared::new(n);
    for (i, out) in outs.iter().enumerate() {
        let f = FuncId(i as u32);
        next.summaries[i] = Some(summary_of(m, f, out));
        hand_on(out, &mut next.env, &mut next.seeds);
        if let Some(c) = m.func(f).class {
            for (name, v) in &out.field_writes {
                // The writer's parameters mean nothing to another method:
                // what they carry is of unknown origin there.
                let mut v = v.clone();
                if v.params != 0 {
                    v.params = 0;
                    v.unknown = true;
                }
                next.fields
                    .entry((c, name.clone()))
                    .and_modify(|x| x.join(&v))
                    .or_insert(v);
            }
        }
    }
    if let Some(o) = outs.first() {
        next.globals = exit_globals(o);
    }
    next
}

fn summary_of(m: &Module, f: FuncId, out: &FnOut) -> FnSummary {
    let func = m.func(f);
    let ret = out.ret.clone().unwrap_or_default();
    let mut param_to_sink = Vec::new();
    for h in out.hits.values() {
        if h.verdict == Verdict::Safe {
            continue;
        }
        for p in &h.params {
            let (path, span, callee) = match &h.via {
                Some(v) => (v.path.clone(), v.span, h.callee.clone()),
                None => (m.path.clone(), h.span, h.callee.clone()),
            };
            param_to_sink.push(ParamSink {
                param: *p,
                kind: h.kind.clone(),
                callee,
                path,
                span,
            });
        }
    }
    let mut param_to_field = Vec::new();
    for (name, v) in &out.field_writes {
        for p in v.param_list() {
            param_to_field.push((p, name.to_string()));
        }
    }
    FnSummary {
        qualified: func.qualified.clone(),
        params: func
            .params
            .iter()
            .map(|p| match &p.pattern {
                Pattern::Name(s) => Some(m.name(*s).to_string()),
                Pattern::Default(inner, _) => match &**inner {
                    Pattern::Name(s) => Some(m.name(*s).to_string()),
                    _ => None,
                },
                _ => None,
            })
            .collect(),
        param_to_return: ret.param_list(),
        source_to_return: ret.sources.iter().map(|s| (**s).clone()).collect(),
        return_unknown: ret.unknown,
        return_clean: if ret.is_constant() {
            Vec::new()
        } else {
            mask_kinds(ret.clean)
        },
        return_src_clean: if ret.sources.is_empty() {
            Vec::new()
        } else {
            mask_kinds(ret.src_clean)
        },
        return_ty: ret.ty.as_deref().map(str::to_string),
        param_to_sink,
        param_to_field,
        return_func: ret.func.map(|g| g.0),
        // A value clean for every kind is clean whatever the calls in it
        // return.
        return_calls: if ret.clean == ALL_KINDS {
            Vec::new()
        } else {
            ret.calls.iter().map(|c| c.to_string()).collect()
        },
    }
}

// ---------------------------------------------------------------- shape

fn shape(m: &Module) -> Shape {
    let mut toplevel = BTreeMap::new();
    let mut classes = BTreeMap::new();
    if let Some(f0) = m.functions.first() {
        for b in &f0.blocks {
            for (s, _) in &b.stmts {
                if let Stmt::Assign {
                    target: Pattern::Name(n),
                    value,
                } = s
                {
                    match m.expr(*value) {
                        Expr::Func(g) => {
                            toplevel.insert(*n, *g);
                        }
                        Expr::Class(c) => {
                            classes.insert(*n, *c);
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    for (i, f) in m.functions.iter().enumerate() {
        if f.parent == Some(FuncId::MODULE)
            && f.class.is_none()
            && f.kind != bw_ir::FuncKind::Lambda
        {
            toplevel.entry(f.name).or_insert(FuncId(i as u32));
        }
    }
    for (i, c) in m.classes.iter().enumerate() {
        classes.entry(c.name).or_insert(ClassId(i as u32));
    }
    // Free names, children before parents (a nested function is created
    // after the one enclosing it, so descending order sees it first).
    let n = m.functions.len();
    let mut free: Vec<BTreeSet<Sym>> = vec![BTreeSet::new(); n];
    for i in (0..n).rev() {
        let f = &m.functions[i];
        let (reads, locals) = names_of(m, f);
        let mut fr: BTreeSet<Sym> = reads.difference(&locals).copied().collect();
        let inner = std::mem::take(&mut free[i]);
        fr.extend(inner.difference(&locals).copied());
        if let Some(r) = f.receiver {
            fr.remove(&r);
        }
        if let Some(p) = f.parent
            && p.index() < i
        {
            let parent = &mut free[p.index()];
            parent.extend(fr.iter().copied());
        }
        free[i] = fr;
    }
    let mut imports: Vec<Option<u32>> = Vec::new();
    for (i, imp) in m.imports.iter().enumerate() {
        let at = imp.local.0 as usize;
        if imports.len() <= at {
            imports.resize(at + 1, None);
        }
        imports[at].get_or_insert(i as u32);
    }
    Shape {
        toplevel,
        classes,
        free,
        imports,
        returns: vec![Vec::new(); n],
    }
}

/// The names a function reads and the names it binds.
fn names_of(m: &Module, f: &Function) -> (BTreeSet<Sym>, BTreeSet<Sym>) {
    let mut reads = BTreeSet::new();
    let mut locals = BTreeSet::new();
    let mut stack: Vec<ExprId> = Vec::new();
    let mut pats: Vec<&Pattern> = Vec::new();
    for p in &f.params {
        pats.push(&p.pattern);
    }
    for b in &f.blocks {
        for (s, _) in &b.stmts {
            match s {
                Stmt::Assign { target, value } | Stmt::AugAssign { target, value, .. } => {
                    pats.push(target);
                    stack.push(*value);
                }
                Stmt::Eval(e) => stack.push(*e),
                Stmt::Iterate { target, iter, .. } => {
                    pats.push(target);
                    stack.push(*iter);
                }
                Stmt::Catch { target, types } => {
                    if let Some(t) = target {
                        pats.push(t);
                    }
                    stack.extend(types.iter().copied());
                }
                Stmt::Delete(p) => pats.push(p),
            }
        }
        match &b.term {
            Terminator::Branch { cond, .. } => stack.push(*cond),
            Terminator::Switch { on, cases, .. } => {
                stack.push(*on);
                stack.extend(cases.iter().map(|c| c.0));
            }
            Terminator::Return(Some(e)) | Terminator::Throw(Some(e)) => stack.push(*e),
            _ => {}
        }
    }
    while let Some(p) = pats.pop() {
        match p {
            Pattern::Name(s) => {
                locals.insert(*s);
            }
            Pattern::Field { obj, .. } => stack.push(*obj),
            Pattern::Index { obj, index } => {
                stack.push(*obj);
                stack.push(*index);
            }
            Pattern::Seq { items, rest } => {
                pats.extend(items.iter());
                if let Some(r) = rest {
                    pats.push(r);
                }
            }
            Pattern::Object { props, rest } => {
                pats.extend(props.iter().map(|p| &p.1));
                if let Some(r) = rest {
                    pats.push(r);
                }
            }
            Pattern::Default(p, d) => {
                pats.push(p);
                stack.push(*d);
            }
            Pattern::Ignore => {}
        }
    }
    let mut seen = HashSet::new();
    while let Some(e) = stack.pop() {
        if !seen.insert(e) {
            continue;
        }
        match m.expr(e) {
            Expr::Name(s) => {
                reads.insert(*s);
            }
            Expr::Field { obj, .. } => stack.push(*obj),
            Expr::Index { obj, index } => {
                stack.push(*obj);
                stack.push(*index);
            }
            Expr::Call { callee, args, .. } => {
                stack.push(*callee);
                stack.extend(args.iter().map(|a| a.value));
            }
            Expr::Binary(_, a, b) | Expr::Compare(_, a, b) | Expr::Logical(_, a, b) => {
                stack.push(*a);
                stack.push(*b);
            }
            Expr::Unary(_, a) | Expr::Await(a) | Expr::Yield(Some(a)) => stack.push(*a),
            Expr::Cond { test, then, other } => stack.extend([*test, *then, *other]),
            Expr::Template(parts) => stack.extend(parts.iter().filter_map(|p| match p {
                TemplatePart::Expr(e) => Some(*e),
                TemplatePart::Text(_) => None,
            })),
            Expr::Seq(_, elems) => stack.extend(elems.iter().map(|x| match x {
                Elem::Item(e) | Elem::Spread(e) => *e,
            })),
            Expr::Dict(entries) => {
                for en in entries {
                    match en {
                        Entry::Pair(k, v) => stack.extend([*k, *v]),
                        Entry::Spread(v) => stack.push(*v),
                    }
                }
            }
            Expr::Comprehension { elt, clauses, .. } => {
                stack.push(*elt);
                for c in clauses {
                    match c {
                        CompClause::For { target, iter } => {
                            stack.push(*iter);
                            let mut ps = vec![target];
                            while let Some(p) = ps.pop() {
                                match p {
                                    Pattern::Name(s) => {
                                        locals.insert(*s);
                                    }
                                    Pattern::Seq { items, .. } => ps.extend(items.iter()),
                                    _ => {}
                                }
                            }
                        }
                        CompClause::If(e) => stack.push(*e),
                    }
                }
            }
            _ => {}
        }
    }
    (reads, locals)
}

// ---------------------------------------------------------------- one function

/// What a container method does (named by the catalogue's `[containers]`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Append,
    Pop,
    Shift,
    Get,
    Update,
}

/// What a parsed URL's host field guards: the host guard's kinds, the
/// variable holding the parsed URL and the path that was parsed.
type HostOf = (Kinds, Option<Ap>, Option<Ap>);

/// A call's callee, resolved to something with a summary.
enum Target {
    Local(FuncId),
    External(String, String),
    Class(ClassId),
}

struct Fx<'a> {
    m: &'a Module,
    cat: &'a Cat<'a>,
    opts: &'a Options,
    ext: &'a Externals,
    shape: &'a Shape,
    shared: &'a Shared,
    f: FuncId,
    func: &'a Function,
    out: FnOut,
    /// A never-returning call ran in the statement just evaluated.
    exited: bool,
    /// Fields a constructor call stores on the object it makes (taken by
    /// the assignment of its result).
    pending_fields: Vec<(Key, Value)>,
    /// What each variable holding a parsed URL parsed (`u = urlparse(url)`).
    parsed: BTreeMap<Ap, Ap>,
    /// Receiver fields read from the class's shared fields ([`FnOut::fields_read`]).
    fields_read: std::cell::RefCell<BTreeSet<Rc<str>>>,
    /// Variables holding a parsed URL's host (`host = urlparse(url).hostname`):
    /// the host guard's kinds and what a check of it cleans.
    hosts: BTreeMap<Ap, HostOf>,
    depth_noted: bool,
}

impl<'a> Fx<'a> {
    fn new(
        m: &'a Module,
        cat: &'a Cat<'a>,
        opts: &'a Options,
        ext: &'a Externals,
        shape: &'a Shape,
        shared: &'a Shared,
        f: FuncId,
    ) -> Fx<'a> {
        Fx {
            m,
            cat,
            opts,
            ext,
            shape,
            shared,
            f,
            func: m.func(f),
            out: FnOut::default(),
            exited: false,
            pending_fields: Vec::new(),
            parsed: BTreeMap::new(),
            hosts: BTreeMap::new(),
            fields_read: std::cell::RefCell::default(),
            depth_noted: false,
        }
    }

    fn note(&mut self, span: Span, reason: String) {
        self.out.truncated.push(Truncation {
            function: self.func.qualified.clone(),
            span,
            reason,
        });
    }

    fn step(&self, span: Span, label: String) -> Step {
        Step {
            path: self.m.path.clone(),
            span,
            label,
        }
    }

    // ------------------------------------------------------------ fixpoint

    fn run(&mut self) {
        let cfg = Cfg::new(self.func);
        let n = self.func.blocks.len();
        if n == 0 {
            return;
        }
        let mut ins: Vec<Option<State>> = vec![None; n];
        ins[0] = Some(self.entry_state());
        let mut work: BTreeSet<u32> = BTreeSet::new();
        work.insert(0);
        let mut visits = vec![0u32; n];
        while let Some(o) = work.pop_first() {
            let b = cfg.rpo[o as usize];
            visits[b.index()] += 1;
            if visits[b.index()] > self.opts.max_block_visits {
                let span = self.func.blocks[b.index()].term_span;
                self.note(
                    span,
                    format!(
                        "fixpoint cut short: a block was visited {} times",
                        self.opts.max_block_visits
                    ),
                );
                break;
            }
            let Some(entry) = ins[b.index()].clone() else {
                continue;
            };
            let block = &self.func.blocks[b.index()];
            let (mut st, entry) = if block.handler.is_some() {
                (entry.clone(), Some(entry))
            } else {
                (entry, None)
            };
            self.exited = false;
            for (s, span) in &block.stmts {
                self.stmt(s, *span, &mut st);
                if self.exited {
                    break;
                }
            }
            let mut edges: Vec<(BlockId, State)> = Vec::new();
            if let (Some(h), Some(entry)) = (block.handler, entry) {
                let mut hs = entry;
                self.join_into(&mut hs, &st);
                edges.push((h, hs));
            }
            if !self.exited {
                match &block.term {
                    Terminator::Goto(t) => edges.push((*t, st)),
                    Terminator::Branch { cond, then, other } => {
                        let c = self.eval(*cond, &mut st, 0);
                        match c.konst.as_ref().filter(|_| c.is_constant()) {
                            Some(k) if k.truthy() => edges.push((*then, st)),
                            Some(_) => edges.push((*other, st)),
                            None => {
                                let mut ts = st.clone();
                                self.refine(*cond, true, &mut ts, 0);
                                self.refine(*cond, false, &mut st, 0);
                                edges.push((*then, ts));
                                edges.push((*other, st));
                            }
                        }
                    }
                    Terminator::Switch { on, cases, default } => {
                        let sel = self.eval(*on, &mut st, 0);
                        let sel_k = sel.konst.clone().filter(|_| sel.is_constant());
                        // With a constant selector, the first case equal to it
                        // runs and nothing after it (nor the default) does.
                        let mut taken = false;
                        for (c, t) in cases {
                            let cv = self.eval(*c, &mut st, 0);
                            let ck = cv.konst.clone().filter(|_| cv.is_constant());
                            if taken {
                                continue;
                            }
                            match (&sel_k, ck) {
                                (Some(s), Some(k)) if *s == k => {
                                    taken = true;
                                    edges.push((*t, st.clone()));
                                }
                                (Some(_), Some(_)) => {}
                                (_, ck) => {
                                    let mut cs = st.clone();
                                    if let (Some(k), Some(ap)) = (ck, self.access(*on, &st)) {
                                        cs.insert(ap, Value::konst(Some(k)));
                                    }
                                    edges.push((*t, cs));
                                }
                            }
                        }
                        if !taken {
                            edges.push((*default, st));
                        }
                    }
                    Terminator::Return(e) => {
                        let v = match e {
                            Some(e) => self.eval(*e, &mut st, 0),
                            None => Value::default(),
                        };
                        if let Some(e) = e {
                            self.return_sinks(*e, &v);
                        }
                        match &mut self.out.ret {
                            Some(r) => r.join(&v),
                            slot => *slot = Some(v),
                        }
                        if self.f == FuncId::MODULE {
                            let joined = match self.out.exit_state.take() {
                                Some(mut old) => {
                                    self.join_into(&mut old, &st);
                                    old
                                }
                                None => st,
                            };
                            self.out.exit_state = Some(joined);
                        }
                    }
                    Terminator::Throw(e) => {
                        if let Some(e) = e {
                            self.eval(*e, &mut st, 0);
                        }
                    }
                    Terminator::Unreachable => {}
                }
            }
            for (t, s) in edges {
                let changed = match &mut ins[t.index()] {
                    slot @ None => {
                        *slot = Some(s);
                        true
                    }
                    Some(old) => self.join_into(old, &s),
                };
                if changed && cfg.reachable(t) {
                    work.insert(cfg.order[t.index()]);
                }
            }
        }
    }

    /// Join `b` into `a`: a path missing on one side takes that side's
    /// fallback (its base, the enclosing scope, the globals). Returns
    /// whether `a` changed. States sharing a base join only their writes.
    fn join_into(&self, a: &mut State, b: &State) -> bool {
        // The joined value of every path that differs, then written: one
        // ordered walk over both states (states with one base only over
        // their writes), never a lookup per path on either side.
        let mut updates: Vec<(Ap, Option<Value>)> = Vec::new();
        let mut visit = |k: &Ap, x: Option<&Value>, y: Option<&Value>| {
            let joined = match (x, y) {
                (Some(x), Some(y)) => {
                    if x == y {
                        return;
                    }
                    x.clone().joined(y)
                }
                // A side that never wrote a source's path reads the source
                // itself there (`request.args["q"]`): whatever the other side
                // proved of it (a guard, a test) holds on one path only.
                (Some(_), None) if self.reads_source(b, k) => {
                    updates.push((k.clone(), None));
                    return;
                }
                (None, Some(_)) if self.reads_source(a, k) => return,
                (Some(x), None) => x.clone().joined(&self.lookup(b, k)),
                (None, Some(y)) => self.lookup(a, k).joined(y),
                (None, None) => return,
            };
            if x != Some(&joined) {
                updates.push((k.clone(), Some(joined)));
            }
        };
        if Rc::ptr_eq(&a.base, &b.base) {
            // Both writes are in order: merge them, each key once.
            state::walk_both(
                a.delta.keys().map(|k| (k, ())),
                b.delta.keys().map(|k| (k, ())),
                &mut |k, _, _| visit(k, a.get(k), b.get(k)),
            );
        } else {
            state::zip(a, b, &mut visit);
        }
        let changed = !updates.is_empty();
        for (k, v) in updates {
            match v {
                Some(v) => a.insert(k, v),
                None => {
                    a.remove(&k);
                }
            }
        }
        changed
    }

    /// Whether `st` holds nothing of its own at `ap` and reading it there
    /// reads an outside source (a path of `flask.request`, `req.query`).
    fn reads_source(&self, st: &State, ap: &Ap) -> bool {
        if st.contains_key(ap) {
            return false;
        }
        let v = self.lookup(st, ap);
        v.sources.is_empty()
            && v.ty
                .as_deref()
                .is_some_and(|t| self.cat.source_kind(t).is_some())
    }

    fn entry_state(&mut self) -> State {
        let mut st = State::default();
        let seed = self.shared.seeds[self.f.index()].clone();
        let params = self.func.params.clone();
        for (i, p) in params.iter().enumerate() {
            let mut v = Value::param(i as u32);
            for s in self
                .opts
                .params
                .iter()
                .filter(|s| s.func == self.f && s.param == i as u32)
            {
                if let Some(kind) = &s.source {
                    let label = match &p.pattern {
                        Pattern::Name(n) => format!("parameter `{}`", self.m.name(*n)),
                        _ => format!("parameter {i}"),
                    };
                    v.join(&Value::source(Source {
                        kind: kind.clone(),
                        path: self.m.path.clone(),
                        span: p.span,
                        label,
                    }));
                }
                if let Some(ty) = &s.ty {
                    // The framework's request or response object: its
                    // catalogued parts are sources (read by their paths),
                    // the rest is what the server put there (`ctx.state`,
                    // `req.user`), and no caller passes it.
                    if s.source.is_none() {
                        v = Value::default();
                    }
                    v.ty = Some(Rc::from(ty.as_str()));
                }
                if s.clean {
                    v.sanitise(ALL_KINDS);
                }
                if s.text {
                    v.sanitise(kind_bit("nosql"));
                }
                if s.from_default && p.default.is_some() {
                    v = Value::default();
                }
            }
            if let Some(sd) = &seed {
                v.join(&sd.taint_only());
            }
            if let Some(d) = p.default {
                let dv = self.eval(d, &mut st, 0);
                v.join(&dv);
            }
            // A named parameter holds its value from the start: no step.
            if let Pattern::Name(n) = &p.pattern {
                let ap = Ap {
                    root: Root::Var(*n),
                    keys: Vec::new(),
                };
                self.store(&mut st, ap, v);
                continue;
            }
            self.bind(&p.pattern, v, None, &mut st, p.span);
        }
        st
    }

    // ------------------------------------------------------------ paths

    /// The class of the method being analysed, as a path (`app.Repo()`).
    fn class_ty(&self, c: ClassId) -> Rc<str> {
        Rc::from(format!("{}.{}()", self.m.id, self.m.class(c).qualified).as_str())
    }

    fn class_of_ty(&self, ty: &str) -> Option<ClassId> {
        let rest = ty.strip_prefix(self.m.id.as_str())?.strip_prefix('.')?;
        let q = rest.strip_suffix("()")?;
        self.m
            .classes
            .iter()
            .position(|c| c.qualified == q)
            .map(|i| ClassId(i as u32))
    }

    /// The value of a name nobody in this function has bound.
    fn root_value(&self, root: &Root) -> Value {
        match root {
            Root::Recv => Value {
                ty: self.func.class.map(|c| self.class_ty(c)),
                ..Value::default()
            },
            Root::Var(s) => {
                if let Some(v) = self.shared.env[self.f.index()].get(s) {
                    return v.clone();
                }
                if self.f != FuncId::MODULE
                    && let Some(v) = self.shared.globals.get(s)
                {
                    return v.clone();
                }
                // A reference: an import, a function, a class, a builtin.
                Value {
                    ty: Some(Rc::from(self.name_path(*s).as_str())),
                    func: self.shape.toplevel.get(s).copied(),
                    ..Value::default()
                }
            }
        }
    }

    /// The dotted path a free name stands for.
    fn name_path(&self, s: Sym) -> String {
        if let Some(i) = self.import_of(s) {
            return i.path();
        }
        if self.shape.toplevel.contains_key(&s) || self.shape.classes.contains_key(&s) {
            return format!("{}.{}", self.m.id, self.m.name(s));
        }
        self.m.name(s).to_string()
    }

    /// The import binding `local`, as [`Module::import_of`] finds it.
    fn import_of(&self, local: Sym) -> Option<&'a bw_ir::Import> {
        let i = (*self.shape.imports.get(local.0 as usize)?)?;
        self.m.imports.get(i as usize)
    }

    /// The value at an access path (no descendants joined).
    fn lookup(&self, st: &State, ap: &Ap) -> Value {
        if let Some(v) = st.get(ap) {
            return v.clone();
        }
        let Some((last, init)) = ap.keys.split_last() else {
            return self.root_value(&ap.root);
        };
        if ap.root == Root::Recv
            && init.is_empty()
            && let (Some(c), Key::Str(name)) = (self.func.class, last)
            && {
                // Read whether or not another method wrote it yet.
                self.fields_read.borrow_mut().insert(name.clone());
                true
            }
            && let Some(v) = self.shared.fields.get(&(c, name.clone()))
        {
            // What another method wrote, at a time this one cannot know:
            // its taint and type, never a constant to fold a branch on (a
            // guard `if not self.done: … self.done = True` would turn its
            // own write off, and the module's analysis never settle).
            let mut v = v.clone();
            v.konst = None;
            v.len = None;
            return v;
        }
        let base = self.lookup(
            st,
            &Ap {
                root: ap.root.clone(),
                keys: init.to_vec(),
            },
        );
        let mut v = base.taint_only();
        v.made = base.made;
        v.ty = base.ty.as_ref().map(|t| {
            Rc::from(match last {
                Key::Str(s) => format!("{t}.{s}"),
                Key::Int(_) => format!("{t}[]"),
            })
        });
        v
    }

    /// The value at a path with everything stored below it joined in: the
    /// object as a whole.
    fn deep(&self, st: &State, ap: &Ap) -> Value {
        let mut v = self.lookup(st, ap);
        st.under(ap, |k, x| {
            if k.keys.len() > ap.keys.len() {
                let (konst, len, ty) = (v.konst.take(), v.len, v.ty.take());
                v.join(&x.taint_only());
                v.konst = konst;
                v.len = len;
                v.ty = ty;
            }
        });
        v
    }

    fn kill(&self, st: &mut State, ap: &Ap) {
        for k in st.keys_under(ap) {
            st.remove(&k);
        }
    }

    /// A constant key of an index expression (no side effects).
    fn const_key(&self, e: ExprId, st: &State) -> Option<Key> {
        match self.m.expr(e) {
            Expr::Const(Const::Str(s)) => Some(Key::Str(Rc::from(&**s))),
            Expr::Const(Const::Int(i)) => Some(Key::Int(*i)),
            Expr::Unary(UnOp::Neg, x) => match self.m.expr(*x) {
                Expr::Const(Const::Int(i)) => Some(Key::Int(-*i)),
                _ => None,
            },
            Expr::Name(_) => {
                let ap = self.access(e, st)?;
                let v = self.lookup(st, &ap);
                if !v.is_constant() {
                    return None;
                }
                match v.konst? {
                    K::Str(s) => Some(Key::Str(s)),
                    K::Int(i) => Some(Key::Int(i)),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The access path an expression names, if it is one.
    fn access(&self, e: ExprId, st: &State) -> Option<Ap> {
        let mut keys = Vec::new();
        let mut cur = e;
        for _ in 0..PATH_DEPTH {
            match self.m.expr(cur) {
                Expr::Name(s) => {
                    let root = if Some(*s) == self.func.receiver {
                        Root::Recv
                    } else {
                        Root::Var(*s)
                    };
                    keys.reverse();
                    keys.truncate(MAX_KEYS);
                    return Some(Ap { root, keys });
                }
                Expr::This => {
                    keys.reverse();
                    keys.truncate(MAX_KEYS);
                    return Some(Ap {
                        root: Root::Recv,
                        keys,
                    });
                }
                Expr::Field { obj, name, .. } => {
                    keys.push(Key::Str(Rc::from(self.m.name(*name))));
                    cur = *obj;
                }
                Expr::Index { obj, index } => {
                    let mut k = self.const_key(*index, st)?;
                    if let Key::Int(i) = k
                        && i < 0
                    {
                        // `xs[-1]` with a known length
                        let base = self.access(*obj, st)?;
                        let len = self.lookup(st, &base).len?;
                        k = Key::Int(i64::from(len) + i);
                    }
                    keys.push(k);
                    cur = *obj;
                }
                _ => return None,
            }
        }
        None
    }

    /// Whether the object of a field or index read is a path whose value
    /// already carries outside sources: reading from it derives from that
    /// value (and keeps what guards proved of it), not from its path.
    fn base_has_sources(&self, obj: ExprId, st: &State) -> bool {
        self.access(obj, st)
            .is_some_and(|ap| !self.lookup(st, &ap).sources.is_empty())
    }

    /// The resolved dotted path of an expression, through imports and the
    /// paths values were made by.
    fn path_of(&self, e: ExprId, st: &State) -> Option<String> {
        self.path_within(e, st, 0)
    }

    fn path_within(&self, e: ExprId, st: &State, depth: usize) -> Option<String> {
        if depth > PATH_DEPTH {
            return None;
        }
        if matches!(
            self.m.expr(e),
            Expr::Name(_) | Expr::This | Expr::Field { .. }
        ) && let Some(ap) = self.access(e, st)
        {
            let v = self.lookup(st, &ap);
            if let Some(t) = &v.ty {
                return Some(t.to_string());
            }
        }
        match self.m.expr(e) {
            Expr::Name(s) => Some(self.name_path(*s)),
            Expr::This => Some("this".into()),
            Expr::Field { obj, name, .. } => Some(format!(
                "{}.{}",
                self.path_within(*obj, st, depth + 1)?,
                self.m.name(*name)
            )),
            Expr::Call { callee, .. } => {
                Some(format!("{}()", self.path_within(*callee, st, depth + 1)?))
            }
            Expr::Index { obj, .. } => {
                Some(format!("{}[]", self.path_within(*obj, st, depth + 1)?))
            }
            Expr::Await(x) => self.path_within(*x, st, depth + 1),
            _ => None,
        }
    }

    fn label(&self, e: ExprId, path: &str) -> String {
        match self.m.expr(e) {
            Expr::Call { callee, .. } => {
                dotted(self.m, *callee).map_or_else(|| path.to_string(), |d| format!("{d}()"))
            }
            _ => dotted(self.m, e).unwrap_or_else(|| path.to_string()),
        }
    }

    fn source_value(&self, kind: &str, e: ExprId, path: &str) -> Value {
        let kind = self.secret_kind(kind, e).unwrap_or(kind);
        let mut v = Value::source(Source {
            kind: kind.to_string(),
            path: self.m.path.clone(),
            span: self.m.span(e),
            label: self.label(e, path),
        });
        v.sanitise(self.cat.source_clean(path));
        v.ty = Some(Rc::from(path));
        v
    }

    /// `secret` for a read of a source whose entry lists secret words, by
    /// a constant key holding one (`os.environ["DB_PASSWORD"]`,
    /// `os.getenv("API_TOKEN")`).
    fn secret_kind(&self, kind: &str, e: ExprId) -> Option<&'static str> {
        let mut words = self
            .cat
            .secret_keys
            .iter()
            .filter(|(k, _)| *k == kind)
            .flat_map(|(_, w)| w.iter())
            .peekable();
        words.peek()?;
        let key = match self.m.expr(e) {
            Expr::Index { index, .. } => self.m.str_const(*index),
            Expr::Field { name, .. } => Some(self.m.name(*name)),
            Expr::Call { args, .. } => args.first().and_then(|a| self.m.str_const(a.value)),
            _ => None,
        }?;
        let up = key.to_ascii_uppercase();
        words
            .any(|w| up.contains(&w.to_ascii_uppercase()))
            .then_some("secret")
    }

    // ------------------------------------------------------------ statements

    fn stmt(&mut self, s: &Stmt, span: Span, st: &mut State) {
        match s {
            Stmt::Assign { target, value } => {
                self.pending_fields.clear();
                let v = self.eval(*value, st, 0);
                let pending = std::mem::take(&mut self.pending_fields);
                if let Some(parsed) = self.parsed_arg(*value, st)
                    && let Some(ap) = self.pattern_access(target, st)
                {
                    self.parsed.insert(ap, parsed);
                }
                if let Some(ap) = self.pattern_access(target, st) {
                    match self.host_field(*value, st) {
                        Some(h) => {
                            self.hosts.insert(ap, h);
                        }
                        None => {
                            self.hosts.remove(&ap);
                        }
                    }
                }
                self.store_sinks(target, *value, &v, st);
                self.bind(target, v, Some(*value), st, span);
                if let (Pattern::Name(_), false) = (target, pending.is_empty())
                    && let Some(ap) = self.pattern_access(target, st)
                {
                    for (k, v) in pending {
                        if let Some(c) = ap.child(k) {
                            st.insert(c, v);
                        }
                    }
                }
            }
            Stmt::AugAssign { target, op, value } => {
                let cur = self.read_pattern(target, st);
                let rhs = self.eval(*value, st, 0);
                let mut v = fold_binary(*op, &cur, &rhs);
                if let Some(ap) = self.pattern_access(target, st) {
                    let name = self.ap_text(&ap);
                    v.step(self.step(span, format!("appended to `{name}`")));
                    self.kill(st, &ap);
                    self.store(st, ap, v);
                }
            }
            Stmt::Eval(e) => {
                self.eval(*e, st, 0);
            }
            Stmt::Iterate { target, iter, .. } => {
                let v = match self.access(*iter, st) {
                    Some(ap) => self.deep(st, &ap),
                    None => self.eval(*iter, st, 0),
                };
                let mut el = v.taint_only();
                el.ty = v.ty.as_ref().map(|t| Rc::from(format!("{t}[]").as_str()));
                self.bind(target, el, None, st, span);
            }
            Stmt::Catch { target, .. } => {
                if let Some(t) = target {
                    self.bind(t, Value::unknown(), None, st, span);
                }
            }
            Stmt::Delete(p) => {
                if let Some(ap) = self.pattern_access(p, st) {
                    self.kill(st, &ap);
                }
            }
        }
    }

    fn ap_text(&self, ap: &Ap) -> String {
        let mut s = match &ap.root {
            Root::Recv => self
                .func
                .receiver
                .map_or("this".to_string(), |r| self.m.name(r).to_string()),
            Root::Var(v) => self.m.name(*v).to_string(),
        };
        for k in &ap.keys {
            match k {
                Key::Str(x) => {
                    s.push('.');
                    s.push_str(x);
                }
                Key::Int(i) => s.push_str(&format!("[{i}]")),
            }
        }
        s
    }

    fn pattern_access(&self, p: &Pattern, st: &State) -> Option<Ap> {
        match p {
            Pattern::Name(s) => Some(Ap {
                root: if Some(*s) == self.func.receiver {
                    Root::Recv
                } else {
                    Root::Var(*s)
                },
                keys: Vec::new(),
            }),
            Pattern::Field { obj, name } => self
                .access(*obj, st)?
                .child(Key::Str(Rc::from(self.m.name(*name)))),
            Pattern::Index { obj, index } => {
                let k = self.const_key(*index, st)?;
                self.access(*obj, st)?.child(k)
            }
            _ => None,
        }
    }

    fn read_pattern(&mut self, p: &Pattern, st: &mut State) -> Value {
        match self.pattern_access(p, st) {
            Some(ap) => self.deep(st, &ap),
            None => match p {
                Pattern::Field { obj, .. } | Pattern::Index { obj, .. } => {
                    self.eval(*obj, st, 0).taint_only()
                }
                _ => Value::unknown(),
            },
        }
    }

    /// Store a value at a path, noting receiver fields for the class.
    fn store(&mut self, st: &mut State, ap: Ap, v: Value) {
        if ap.root == Root::Recv
            && ap.keys.len() == 1
            && let Key::Str(name) = &ap.keys[0]
        {
            let mut w = v.clone();
            // A field made from itself (`self.qs = self.qs.filter(…)`): its
            // path stays the field's own, or every round of the module's
            // analysis would read a longer one back and never settle.
            if let (Some(c), Some(ty)) = (self.func.class, &w.ty) {
                let own = format!("{}.{name}", self.class_ty(c));
                if ty.len() > own.len() && ty.starts_with(&own) {
                    w.ty = Some(Rc::from(own.as_str()));
                }
            }
            self.out
                .field_writes
                .entry(name.clone())
                .and_modify(|x| x.join(&w))
                .or_insert(w);
        }
        st.insert(ap, v);
    }

    /// Bind a pattern to a value. `src` is the expression the value came
    /// from, when it is known (its per-key contents are copied).
    fn bind(&mut self, p: &Pattern, mut v: Value, src: Option<ExprId>, st: &mut State, span: Span) {
        match p {
            Pattern::Name(_) | Pattern::Field { .. } | Pattern::Index { .. } => {
                let Some(ap) = self.pattern_access(p, st) else {
                    match p {
                        // `obj[k] = v` with an unknown key: every entry may now be `v`.
                        Pattern::Index { obj, index } => {
                            self.eval(*index, st, 0);
                            if let Some(base) = self.access(*obj, st) {
                                self.weak_store(st, &base, &v);
                            } else {
                                self.eval(*obj, st, 0);
                            }
                        }
                        Pattern::Field { obj, .. } => {
                            self.eval(*obj, st, 0);
                        }
                        _ => {}
                    }
                    return;
                };
                let name = self.ap_text(&ap);
                v.step(self.step(span, format!("assigned to `{name}`")));
                let children = src.map(|e| self.children_of(e, st)).unwrap_or_default();
                self.kill(st, &ap);
                for (k, cv) in children {
                    if let Some(c) = ap.child(k) {
                        st.insert(c, cv);
                    }
                }
                self.store(st, ap, v);
            }
            Pattern::Seq { items, rest } => {
                let base = src.and_then(|e| self.access(e, st));
                // `a, b = x, "const"`: each name takes its own element.
                // (Not past a starred name: its length is unknown.)
                let literal = match (&base, src) {
                    (None, Some(e)) if rest.is_none() => self.children_of(e, st),
                    _ => Vec::new(),
                };
                for (i, item) in items.iter().enumerate() {
                    let key = Key::Int(i as i64);
                    let own = literal
                        .iter()
                        .find(|(k, _)| *k == key)
                        .map(|(_, x)| x.clone());
                    let el = match base.as_ref().and_then(|b| b.child(key)) {
                        Some(c) if st.contains_key(&c) => self.deep(st, &c),
                        _ => own.unwrap_or_else(|| v.taint_only()),
                    };
                    self.bind(item, el, None, st, span);
                }
                if let Some(r) = rest {
                    self.bind(r, v.taint_only(), None, st, span);
                }
            }
            Pattern::Object { props, rest } => {
                let base = src.and_then(|e| self.access(e, st));
                for (key, p) in props {
                    let kname: Rc<str> = Rc::from(self.m.name(*key));
                    let el = match base.as_ref().and_then(|b| b.child(Key::Str(kname.clone()))) {
                        Some(c) => self.deep(st, &c),
                        None => {
                            let mut el = v.taint_only();
                            el.ty =
                                v.ty.as_ref()
                                    .map(|t| Rc::from(format!("{t}.{kname}").as_str()));
                            el
                        }
                    };
                    // `({ query }, res) => …` on a request: `req.query` is a source.
                    let el = match el.ty.clone() {
                        Some(t) if el.sources.is_empty() => match self.cat.source_kind(&t) {
                            Some(kind) => {
                                let mut s = Value::source(Source {
                                    kind: kind.to_string(),
                                    path: self.m.path.clone(),
                                    span,
                                    label: t.to_string(),
                                });
                                s.sanitise(self.cat.source_clean(&t));
                                s.ty = Some(t);
                                s.joined(&el)
                            }
                            None => el,
                        },
                        _ => el,
                    };
                    self.bind(p, el, None, st, span);
                }
                if let Some(r) = rest {
                    self.bind(r, v.taint_only(), None, st, span);
                }
            }
            Pattern::Default(p, d) => {
                let dv = self.eval(*d, st, 0);
                let v = v.joined(&dv);
                self.bind(p, v, src, st, span);
            }
            Pattern::Ignore => {}
        }
    }

    /// Join `v` into a path and everything stored below it.
    fn weak_store(&mut self, st: &mut State, base: &Ap, v: &Value) {
        let keys = st.keys_under(base);
        let mut whole = self.lookup(st, base);
        whole.join(&v.taint_only());
        whole.len = None;
        self.store(st, base.clone(), whole);
        for k in keys {
            if k != *base
                && let Some(x) = st.get_mut(&k)
            {
                x.join(&v.taint_only());
            }
        }
    }

    /// Per-key contents of a container literal, or of the path it copies.
    fn children_of(&mut self, e: ExprId, st: &mut State) -> Vec<(Key, Value)> {
        let mut out = Vec::new();
        match self.m.expr(e).clone() {
            Expr::Dict(entries) => {
                for en in entries {
                    if let Entry::Pair(k, val) = en
                        && let Some(key) = self.const_key(k, st)
                    {
                        let v = self.eval(val, st, 1);
                        out.push((key, v));
                    }
                }
            }
            Expr::Seq(SeqKind::List | SeqKind::Tuple, elems) => {
                let mut i: i64 = 0;
                for el in elems {
                    match el {
                        Elem::Item(x) => {
                            let v = self.eval(x, st, 1);
                            out.push((Key::Int(i), v));
                            i += 1;
                        }
                        Elem::Spread(x) => {
                            let Some(ap) = self.access(x, st) else {
                                break;
                            };
                            let Some(len) = self.lookup(st, &ap).len else {
                                break;
                            };
                            for j in 0..len {
                                let c = ap.child(Key::Int(i64::from(j)));
                                let v = match c {
                                    Some(c) => self.deep(st, &c),
                                    None => Value::unknown(),
                                };
                                out.push((Key::Int(i), v));
                                i += 1;
                            }
                        }
                    }
                    if out.len() > MAX_INDICES {
                        out.clear();
                        break;
                    }
                }
            }
            Expr::Name(_) | Expr::Field { .. } | Expr::Index { .. } => {
                if let Some(ap) = self.access(e, st) {
                    st.under(&ap, |k, v| {
                        if k.keys.len() == ap.keys.len() + 1 {
                            out.push((k.keys[ap.keys.len()].clone(), v.clone()));
                        }
                    });
                }
            }
            _ => {}
        }
        out
    }

    // ------------------------------------------------------------ expressions

    /// Evaluate `e` where `test` evaluated to `truth`: on a copy of `st`
    /// refined by what the test proves (a guard, an equality), as a branch
    /// is. The copy, with what `e` did to it, is handed back for the
    /// caller to join where the paths meet.
    fn eval_refined(
        &mut self,
        test: ExprId,
        truth: bool,
        e: ExprId,
        st: &State,
        depth: u32,
    ) -> (Value, State) {
        let mut s = st.clone();
        self.refine(test, truth, &mut s, 0);
        let v = self.eval(e, &mut s, depth);
        (v, s)
    }

    fn eval(&mut self, e: ExprId, st: &mut State, depth: u32) -> Value {
        if depth > self.opts.max_expr_depth {
            if !self.depth_noted {
                self.depth_noted = true;
                self.note(
                    self.m.span(e),
                    format!(
                        "expression nested deeper than {}: taken as of unknown origin",
                        self.opts.max_expr_depth
                    ),
                );
            }
            return Value::unknown();
        }
        let d = depth + 1;
        match self.m.expr(e) {
            Expr::Const(c) => Value::konst(K::of(c)),
            Expr::Name(_) | Expr::This => {
                let ap = self.access(e, st).expect("a name is an access path");
                let mut v = self.deep(st, &ap);
                if v.sources.is_empty()
                    && let Some(t) = v.ty.clone()
                    && let Some(kind) = self.cat.source_kind(&t)
                {
                    v.join(&self.source_value(kind, e, &t));
                }
                v
            }
            Expr::Field { obj, .. } => self.read(e, *obj, None, st, d),
            Expr::Index { obj, index } => self.read(e, *obj, Some(*index), st, d),
            Expr::Call { .. } => {
                // A chain of method calls (`x.strip().strip()…`): the
                // receivers innermost first, in a loop, so a long chain
                // costs no depth.
                let mut spine = vec![e];
                let mut cur = e;
                while let Expr::Call { callee, .. } = self.m.expr(cur)
                    && let Expr::Field { obj, .. } = self.m.expr(*callee)
                    && matches!(self.m.expr(*obj), Expr::Call { .. })
                {
                    spine.push(*obj);
                    cur = *obj;
                }
                let mut recv = None;
                for &c in spine.iter().rev() {
                    recv = Some(self.eval_call_on(c, st, d, recv));
                }
                recv.unwrap_or_default()
            }
            Expr::Binary(..) => {
                // The left spine iteratively: `a + b + c + …` costs no depth.
                let mut rights = Vec::new();
                let mut cur = e;
                while let Expr::Binary(op, l, r) = self.m.expr(cur) {
                    rights.push((*op, *r, cur));
                    cur = *l;
                }
                let mut v = self.eval(cur, st, d);
                let mut first = true;
                let mut pinned = false;
                let mut on_site = false;
                while let Some((op, r, at)) = rights.pop() {
                    let rv = self.eval(r, st, d);
                    if first && op == BinOp::Add {
                        pinned = pins_host(&v, &rv);
                        on_site = pinned || v.const_str().is_some_and(|t| keeps_site(t));
                    }
                    first = false;
                    v = fold_binary(op, &v, &rv);
                    if matches!(op, BinOp::Add | BinOp::Mod) && !rv.sources.is_empty() {
                        v.step(self.step(self.m.span(at), "built into a string".into()));
                    }
                }
                if pinned {
                    v.sanitise(kind_bit("ssrf"));
                }
                if on_site {
                    v.sanitise(kind_bit("redirect"));
                }
                v
            }
            Expr::Unary(op, x) => {
                let (op, x) = (*op, *x);
                let v = self.eval(x, st, d);
                match op {
                    UnOp::Not => Value::konst(
                        v.konst
                            .as_ref()
                            .filter(|_| v.is_constant())
                            .map(|k| K::Bool(!k.truthy())),
                    ),
                    UnOp::Neg => match v.konst.clone().filter(|_| v.is_constant()) {
                        Some(K::Int(i)) => Value::konst(Some(K::Int(i.wrapping_neg()))),
                        Some(K::Float(f)) => Value::konst(Some(K::Float(-f))),
                        _ => v.taint_only(),
                    },
                    UnOp::TypeOf | UnOp::Void | UnOp::Delete => Value::default(),
                    UnOp::Pos | UnOp::BitNot => v.taint_only(),
                }
            }
            Expr::Compare(op, l, r) => {
                let (op, l, r) = (*op, *l, *r);
                let a = self.eval(l, st, d);
                let b = self.eval(r, st, d);
                Value::konst(fold_compare(op, &a, &b))
            }
            Expr::Logical(op, a, b) => {
                let (op, a, b) = (*op, *a, *b);
                let av = self.eval(a, st, d);
                let ak = av.konst.clone().filter(|_| av.is_constant());
                match (op, ak) {
                    (LogicOp::And, Some(k)) if !k.truthy() => av,
                    (LogicOp::And, Some(_)) => self.eval(b, st, d),
                    (LogicOp::Or, Some(k)) if k.truthy() => av,
                    (LogicOp::Or, Some(_)) => self.eval(b, st, d),
                    (LogicOp::Nullish, Some(K::Null)) => self.eval(b, st, d),
                    (LogicOp::Nullish, Some(_)) => av,
                    // `ok(x) && x`, `x in ALLOWED and x`: the right side
                    // runs only where the left held (or, for `||`, failed).
                    (LogicOp::And | LogicOp::Or, None) => {
                        let (bv, bs) = self.eval_refined(a, op == LogicOp::And, b, st, d);
                        self.join_into(st, &bs);
                        av.joined(&bv)
                    }
                    _ => {
                        let bv = self.eval(b, st, d);
                        av.joined(&bv)
                    }
                }
            }
            Expr::Cond { test, then, other } => {
                let (test, then, other) = (*test, *then, *other);
                let t = self.eval(test, st, d);
                match t.konst.as_ref().filter(|_| t.is_constant()) {
                    Some(k) if k.truthy() => self.eval(then, st, d),
                    Some(_) => self.eval(other, st, d),
                    // `ALLOWED.includes(o) ? o : DEFAULT`: each side runs
                    // where the test held or failed, as a branch does.
                    None => {
                        let (a, mut ts) = self.eval_refined(test, true, then, st, d);
                        let (b, fs) = self.eval_refined(test, false, other, st, d);
                        self.join_into(&mut ts, &fs);
                        *st = ts;
                        a.joined(&b)
                    }
                }
            }
            Expr::Template(parts) => {
                let parts = parts.clone();
                let mut text = Some(String::new());
                let mut v = Value::default();
                let mut lead: Option<Value> = None;
                let mut pinned = false;
                let mut on_site = false;
                for (i, p) in parts.iter().enumerate() {
                    match p {
                        TemplatePart::Text(t) => {
                            if i == 0 {
                                pinned = literal_base(t);
                                on_site = keeps_site(t);
                            } else if i == 1
                                && let Some(l) = &lead
                            {
                                pinned = pins_host(l, &Value::konst(Some(K::Str(Rc::from(&**t)))));
                            }
                            if let Some(s) = &mut text {
                                s.push_str(t);
                            }
                        }
                        TemplatePart::Expr(x) => {
                            let pv = self.eval(*x, st, d);
                            if i == 0 {
                                lead = Some(pv.clone());
                            }
                            match (&mut text, pv.konst.as_ref().filter(|_| pv.is_constant())) {
                                (Some(s), Some(k)) => s.push_str(&k.text()),
                                _ => text = None,
                            }
                            v.join(&pv.taint_only());
                        }
                    }
                }
                v.konst = text.map(|s| K::Str(Rc::from(s.as_str())));
                v.step(self.step(self.m.span(e), "formatted into a string".into()));
                // Formatted text is a string: it holds no query operator.
                v.sanitise(kind_bit("nosql"));
                if pinned {
                    v.sanitise(kind_bit("ssrf"));
                }
                if pinned || on_site {
                    v.sanitise(kind_bit("redirect"));
                }
                v
            }
            Expr::Seq(_, elems) => {
                let elems = elems.clone();
                let mut v = Value::default();
                let mut len = Some(0u32);
                for el in elems {
                    match el {
                        Elem::Item(x) => {
                            let xv = self.eval(x, st, d);
                            v.join(&xv.taint_only());
                            len = len.map(|n| n + 1);
                        }
                        Elem::Spread(x) => {
                            let xv = self.eval(x, st, d);
                            len = len.and_then(|n| xv.len.map(|m| n + m));
                            v.join(&xv.taint_only());
                        }
                    }
                }
                v.konst = None;
                v.len = len;
                v
            }
            Expr::Dict(entries) => {
                let entries = entries.clone();
                let mut v = Value::default();
                for en in entries {
                    match en {
                        Entry::Pair(k, val) => {
                            self.eval(k, st, d);
                            let xv = self.eval(val, st, d);
                            v.join(&xv.taint_only());
                        }
                        Entry::Spread(x) => {
                            let xv = self.eval(x, st, d);
                            v.join(&xv.taint_only());
                        }
                    }
                }
                v.konst = None;
                v
            }
            Expr::Comprehension { elt, clauses, .. } => {
                let (elt, clauses) = (*elt, clauses.clone());
                // The comprehension's variables are its own: restore after.
                let mut saved: Vec<(Ap, Option<Value>)> = Vec::new();
                for c in &clauses {
                    match c {
                        CompClause::For { target, iter } => {
                            let iv = match self.access(*iter, st) {
                                Some(ap) => self.deep(st, &ap),
                                None => self.eval(*iter, st, d),
                            };
                            if let Pattern::Name(s) = target {
                                let ap = Ap {
                                    root: Root::Var(*s),
                                    keys: Vec::new(),
                                };
                                saved.push((ap.clone(), st.get(&ap).cloned()));
                            }
                            self.bind(target, iv.taint_only(), None, st, self.m.span(e));
                        }
                        CompClause::If(x) => {
                            self.eval(*x, st, d);
                        }
                    }
                }
                let v = self.eval(elt, st, d).taint_only();
                for (ap, old) in saved.into_iter().rev() {
                    self.kill(st, &ap);
                    if let Some(o) = old {
                        st.insert(ap, o);
                    }
                }
                v
            }
            Expr::Func(g) => {
                let g = *g;
                // A closure sees the enclosing function's variables (a
                // function defined at module level reads the globals as they
                // are when the module has run).
                let free: Vec<Sym> = if self.f == FuncId::MODULE {
                    Vec::new()
                } else {
                    self.shape.free[g.index()].iter().copied().collect()
                };
                for s in free {
                    if self.import_of(s).is_some() {
                        continue;
                    }
                    let ap = Ap {
                        root: Root::Var(s),
                        keys: Vec::new(),
                    };
                    if st.contains_key(&ap) || self.shared.env[self.f.index()].contains_key(&s) {
                        let v = self.deep(st, &ap);
                        self.out.env.push((g, s, v));
                    }
                }
                Value {
                    func: Some(g),
                    ..Value::default()
                }
            }
            Expr::Class(c) => Value {
                ty: Some(self.class_ty(*c)),
                ..Value::default()
            },
            Expr::Await(x) => self.eval(*x, st, d),
            Expr::Yield(x) => {
                if let Some(x) = x {
                    let v = self.eval(*x, st, d);
                    match &mut self.out.ret {
                        Some(r) => r.join(&v),
                        slot => *slot = Some(v),
                    }
                }
                Value::unknown()
            }
            Expr::Super => Value::default(),
            Expr::Unknown => Value::unknown(),
        }
    }

    /// A field or index read ([`Self::read_raw`]), cleaned where it reads
    /// a part of a parsed URL that cannot move it ([`Self::prefixed_part`]).
    fn read(
        &mut self,
        e: ExprId,
        obj: ExprId,
        index: Option<ExprId>,
        st: &mut State,
        d: u32,
    ) -> Value {
        let mut v = self.read_raw(e, obj, index, st, d);
        if index.is_none() {
            let mask = self.prefixed_part(e, st);
            if mask != 0 {
                // Clean for those kinds, and so are its sources as read
                // here (joined to an unknown prefix, they stay so).
                v.sanitise(mask);
                if !v.sources.is_empty() {
                    v.src_clean |= mask;
                }
            }
        }
        v
    }

    /// `new URL(u).search`, `.hash`: a part of a parsed URL that begins
    /// with its own delimiter ([`crate::catalogue::GuardSpec::prefixed_fields`]);
    /// the kinds its host guard protects, or none.
    fn prefixed_part(&self, e: ExprId, st: &State) -> Kinds {
        self.parsed_field(e, st, |g| g.prefixed_fields.as_slice())
            .map_or(0, |(mask, _)| mask)
    }

    /// A field or index read: a source when its path is one (and its
    /// object carries no sources of its own), else the value at its
    /// access path, else its object's taint (an unknown or tainted key
    /// reads the join of every entry).
    fn read_raw(
        &mut self,
        e: ExprId,
        obj: ExprId,
        index: Option<ExprId>,
        st: &mut State,
        d: u32,
    ) -> Value {
        // A path this code stored (or a guard proved something of) is
        // what was stored, even where its path names a source.
        if let Some(ap) = self.access(e, st)
            && st.contains_key(&ap)
        {
            return self.deep(st, &ap);
        }
        let path = self.path_of(e, st);
        if let Some(p) = &path
            && !self.base_has_sources(obj, st)
            && let Some(kind) = self.cat.source_kind(p)
        {
            // Evaluate the rest for what it does (a call in it).
            if let Some(i) = index {
                self.eval(i, st, d);
            }
            if self.access(obj, st).is_none() {
                self.eval(obj, st, d);
            }
            return self.source_value(kind, e, p);
        }
        let ty = path.as_deref().map(Rc::from);
        if let Some(ap) = self.access(e, st) {
            let mut v = self.deep(st, &ap);
            if v.ty.is_none() {
                v.ty = ty;
            }
            return v;
        }
        if let Some(i) = index {
            self.eval(i, st, d);
        }
        let base = match self.access(obj, st) {
            Some(ap) => self.deep(st, &ap),
            None => self.eval(obj, st, d),
        };
        let mut v = base.taint_only();
        self.widen_sources(&mut v, obj, e);
        v.ty = ty;
        v
    }

    /// A source read by `inner` and at once indexed or called on by
    /// `outer` (`request.args["q"]`, `request.args.get("q")`) is shown as
    /// the whole access: the key read is what a reader wants to see.
    fn widen_sources(&self, v: &mut Value, inner: ExprId, outer: ExprId) {
        let (at, to) = (self.m.span(inner), self.m.span(outer));
        for s in &mut v.sources {
            if s.span == at && s.path == self.m.path {
                let mut w = Source::clone(s);
                w.span = to;
                w.label = self.label(outer, &w.label);
                *s = Rc::new(w);
            }
        }
    }

    // ------------------------------------------------------------ calls

    fn target(&self, callee: ExprId, st: &State) -> Option<Target> {
        match self.m.expr(callee) {
            Expr::Name(s) => {
                let ap = Ap {
                    root: Root::Var(*s),
                    keys: Vec::new(),
                };
                if let Some(v) = st.get(&ap) {
                    return v.func.map(Target::Local);
                }
                if let Some(g) = self.shared.env[self.f.index()].get(s).and_then(|v| v.func) {
                    return Some(Target::Local(g));
                }
                if let Some(f) = self.shape.toplevel.get(s) {
                    return Some(Target::Local(*f));
                }
                if let Some(c) = self.shape.classes.get(s) {
                    return Some(Target::Class(*c));
                }
                let i = self.import_of(*s)?;
                let member = i.member.as_ref()?;
                Some(Target::External(i.module.clone(), member.clone()))
            }
            Expr::Field { obj, name, .. } => {
                let mname = self.m.name(*name);
                if let Expr::Name(s) = self.m.expr(*obj)
                    && let Some(i) = self.import_of(*s)
                    && i.member.is_none()
                    && !self.shape.toplevel.contains_key(s)
                {
                    return Some(Target::External(i.module.clone(), mname.to_string()));
                }
                let recv = self.access(*obj, st).map(|ap| self.lookup(st, &ap));
                let class = match (&recv, self.access(*obj, st)) {
                    (
                        _,
                        Some(Ap {
                            root: Root::Recv,
                            keys,
                        }),
                    ) if keys.is_empty() => self.func.class,
                    (Some(v), _) => v.ty.as_deref().and_then(|t| self.class_of_ty(t)),
                    _ => None,
                }?;
                self.method_of(class, mname, 0).map(Target::Local)
            }
            _ => None,
        }
    }

    /// Method `name` of class `c`, or of the first of its bases (in order,
    /// depth first) defined in this module that has it.
    fn method_of(&self, c: ClassId, name: &str, depth: u32) -> Option<FuncId> {
        let class = self.m.class(c);
        if let Some(f) = class
            .methods
            .iter()
            .find(|f| self.m.name(self.m.func(**f).name) == name)
        {
            return Some(*f);
        }
        // Deeper than any real hierarchy: a cycle of names.
        if depth >= 8 {
            return None;
        }
        class.bases.iter().find_map(|b| match self.m.expr(*b) {
            Expr::Name(s) => self
                .shape
                .classes
                .get(s)
                .filter(|b| **b != c)
                .and_then(|b| self.method_of(*b, name, depth + 1)),
            _ => None,
        })
    }

    fn summary(&self, t: &Target) -> Option<FnSummary> {
        match t {
            Target::Local(f) => self.shared.summaries[f.index()].clone(),
            Target::External(m, n) => self.ext.get(m, n).cloned(),
            Target::Class(c) => {
                let ctors = &self.cat.spec.containers.constructors;
                let init = self.m.class(*c).methods.iter().find(|f| {
                    let name = self.m.name(self.m.func(**f).name);
                    ctors.iter().any(|c| c == name)
                })?;
                self.shared.summaries[init.index()].clone()
            }
        }
    }

    /// A call, its receiver's value given when the caller evaluated it
    /// already (a chain of method calls).
    fn eval_call_on(&mut self, e: ExprId, st: &mut State, d: u32, recv: Option<Value>) -> Value {
        let Expr::Call { callee, args, .. } = self.m.expr(e).clone() else {
            return Value::unknown();
        };
        let span = self.m.span(e);
        // A JSX element is lowered as a call of its tag (`"div"({props}, …)`):
        // an intrinsic element's path is `jsx.div`.
        let path = match self.m.expr(callee) {
            Expr::Const(Const::Str(tag)) => format!("jsx.{tag}"),
            _ => self.path_of(callee, st).unwrap_or_default(),
        };
        let (method, recv_e) = match self.m.expr(callee) {
            Expr::Field { obj, name, .. } => (Some(self.m.name(*name).to_string()), Some(*obj)),
            _ => (None, None),
        };
        let recv = match (recv, recv_e) {
            (Some(v), Some(_)) => v,
            (_, Some(r)) => self.eval(r, st, d),
            (_, None) => Value::default(),
        };
        // `make()(x)`: the callee is evaluated for what it does and is.
        let callee_fn = match self.m.expr(callee) {
            Expr::Name(_) | Expr::Field { .. } => None,
            _ => self.eval(callee, st, d).func,
        };
        let mut vals: Vec<Value> = Vec::with_capacity(args.len());
        for a in &args {
            vals.push(self.eval(a.value, st, d));
        }
        let method = method.as_deref();
        if self.cat.exits(&path, method) {
            self.exited = true;
        }
        let mut all = Value::default();
        for v in &vals {
            all.join(&v.taint_only());
        }
        // `res.type('json')`: the receiver's declared content type.
        if let (Some(m), Some(r)) = (method, recv_e)
            && let Some(spec) = self.cat.response_type(m)
            && let Some(ap) = self.fluent_base(r, st)
            && let Some(c) = ap.child(Key::Str(Rc::from(CONTENT_TYPE)))
        {
            match self.declared_type(spec, &args, &vals) {
                Some(Some(t)) => {
                    st.insert(c, Value::konst(Some(K::Str(Rc::from(t.as_str())))));
                }
                // Another header, or a type not known here.
                Some(None) => {
                    st.insert(c, Value::unknown());
                }
                None => {}
            }
        }
        // `new URL("/login", request.url)`: a constant path keeps the
        // base's site; a constant URL names its own host.
        if let Some(r) = self.cat.resolver(&path)
            && let Some(pv) = vals.get(r.path as usize)
            && let Some(t) = pv.const_str()
        {
            let base = vals.get(r.base as usize).cloned().unwrap_or_default();
            let mut v = base.taint_only();
            if literal_base(t) {
                v = Value::default();
            } else if site_relative(t) {
                v.sanitise(kind_bit("redirect"));
            }
            self.sinks_at(e, &path, method, recv_e, &recv, &args, &vals, st);
            return v;
        }
        // `Depends(get_query)`: what the framework's call of the function
        // returns (its own parameters are the framework's to fill).
        if self.cat.invokes(&path)
            && let Some(g) = vals.first().and_then(|v| v.func)
        {
            self.out.callees.insert(g);
            let t = Target::Local(g);
            return match self.summary(&t) {
                Some(s) => self.apply_summary(&s, &[], &[], &Value::default(), e),
                None => Value::unknown(),
            };
        }

        // Containers kept per index or key (ones this code stored: a read
        // from a source path is no container of ours).
        if let (Some(m), Some(r)) = (method, recv_e)
            && let Some(ap) = self.access(r, st)
            && st.contains_key(&ap)
            && let Some(v) = self.container_op(m, &ap, &args, &vals, st)
        {
            self.sinks_at(e, &path, method, recv_e, &recv, &args, &vals, st);
            return v;
        }

        // A method of an object made here (`Repo().find(q)`, `new
        // Repo().find(q)`): its class's.
        let target = self
            .target(callee, st)
            .or(callee_fn.map(Target::Local))
            .or_else(|| {
                let c = recv.ty.as_deref().and_then(|t| self.class_of_ty(t))?;
                self.method_of(c, method?, 0).map(Target::Local)
            });
        match &target {
            Some(Target::Local(g)) => {
                self.out.callees.insert(*g);
            }
            Some(Target::Class(c)) => {
                self.out
                    .callees
                    .extend(self.m.class(*c).methods.iter().copied());
            }
            _ => {}
        }
        let summary = target.as_ref().and_then(|t| self.summary(t));
        if self.opts.record_calls {
            self.record_call(e, callee, target.as_ref(), summary.as_ref(), &args, &vals);
        }
        if self.opts.record_named {
            let last = method.unwrap_or_else(|| path.rsplit('.').next().unwrap_or(&path));
            let watched = self.cat.spec.watches(&path, last)
                || args.iter().any(|a| match a.kind {
                    ArgKind::Keyword(k) => self.cat.spec.watches_keyword(self.m.name(k)),
                    _ => false,
                });
            if watched {
                self.out.named.insert(
                    e,
                    crate::NamedCall {
                        function: self.f,
                        call: e,
                        span,
                        path: path.clone(),
                        made: recv.made,
                        consts: vals
                            .iter()
                            .map(|v| v.const_str().map(|s| s.to_string()))
                            .collect(),
                    },
                );
            }
        }
        let result_path = format!("{path}()");
        // A path through a value that already carries its sources (a
        // variable read from the request, maybe guarded since) is no new
        // source: what the value says stands.
        // A read naming a constant (`readFileSync('./package.json')`) is
        // of the program's own data: no source, and no type that would
        // make reads through its result one. (So are items a function
        // made of nothing, below.)
        let mut own_data = false;
        // Nor is a call on the result of a call that was none (`ids.map(()
        // => '?').join(',')`, `readFileSync('./a.json').split()`): its path
        // still names the source, its value does not carry it.
        let on_call = recv_e.is_some_and(|r| {
            let mut r = r;
            while let Expr::Await(x) = self.m.expr(r) {
                r = *x;
            }
            matches!(self.m.expr(r), Expr::Call { .. })
        });
        let propagator = self.cat.propagates(&path, method);
        let path_source = if recv.sources.is_empty() && !on_call {
            self.cat
                .source_of(&result_path)
                .filter(|s| {
                    own_data = s
                        .constant_arg
                        .is_some_and(|i| vals.get(i as usize).is_some_and(Value::is_constant));
                    !own_data
                })
                .map(|s| s.kind.as_str())
        } else {
            None
        };
        let mut result = if let Some(kind) =
            path_source.or_else(|| method.and_then(|m| self.cat.method_source(m)))
        {
            self.source_value(kind, e, &result_path)
        } else if let Some(kinds) = self.cat.sanitiser(&path, method) {
            let mut v = all.clone();
            if method.is_some() && recv.carries_data() {
                v.join(&recv.taint_only());
            }
            v.sanitise(kinds);
            v
        } else if let Some(p) = propagator {
            // `ids.map(() => '?')`: items the function made of nothing.
            // (Its summary is read: the call waits for it like a callee's.)
            let made_by = vals.iter().find_map(|v| v.func).filter(|_| p.maps);
            if let Some(g) = made_by {
                self.out.callees.insert(g);
            }
            let constant_items = made_by
                .and_then(|g| self.summary(&Target::Local(g)))
                .is_some_and(|s| {
                    s.param_to_return.is_empty()
                        && s.source_to_return.is_empty()
                        && !s.return_unknown
                });
            if constant_items {
                own_data = true;
                Value::default()
            } else {
                let mut v = all.clone();
                v.join(&recv.taint_only());
                v.unclean(kinds_mask(&p.decodes));
                v.sanitise(kinds_mask(&p.clean));
                v
            }
        } else if let Some(s) = &summary {
            self.apply_summary(s, &args, &vals, &all, e)
        } else if method.is_some() && recv.carries_data() {
            if recv.sources.is_empty() {
                // A method of an object of unknown origin (a service the
                // constructor was given: `this.webhooks.parse(req.body,
                // sig)`): what it returns is its own, of unknown origin
                // where outside data went in, not that data confirmed (nor
                // the parameters passed in: their callers' data would be
                // no more than of unknown origin here).
                let mut v = recv.taint_only();
                v.unknown |= all.carries_data();
                v
            } else {
                all.joined(&recv.taint_only())
            }
        } else {
            // No model: of unknown origin when its inputs are not constant
            // (outside data does not pass through unmodelled code, nor do
            // the parameters: what a caller passes would be no more than
            // of unknown origin here, as its own data is). A function of
            // another module may be the repository's: its parameters pass,
            // for the callers to decide, unless the module is a package the
            // catalogue names (`from sqlalchemy import update`). Not clean even when its inputs
            // are: a call is no pure function of them (a cache read by a
            // clean key returns what was stored).
            let external =
                matches!(&target, Some(Target::External(m, _)) if !self.cat.is_library(m));
            let mut v = Value {
                params: if external { all.params } else { 0 },
                unknown: all.carries_data(),
                ..Value::default()
            };
            // A function of another module: the linker follows its return.
            if let Some(Target::External(m, n)) = &target {
                v.calls = Rc::new(vec![Rc::from(format!("{m}.{n}").as_str())]);
            }
            v
        };
        if let Some(r) = recv_e {
            self.widen_sources(&mut result, r, e);
        }
        result.konst = None;
        result.len = None;
        result.func = match (&target, &summary) {
            (Some(Target::Local(_)), Some(s)) => s.return_func.map(FuncId),
            _ => None,
        };
        if result.ty.is_none() && !path.is_empty() && !own_data {
            result.ty = Some(Rc::from(result_path.as_str()));
            result.made = Some(e);
        }
        if let Some(Target::Class(c)) = &target {
            result.ty = Some(self.class_ty(*c));
        }

        // Callbacks: a function passed as an argument receives the other
        // arguments and a receiver that holds data (an error handler, an
        // error: nothing of them).
        let errors = propagator.is_some_and(|p| p.errors);
        for (i, v) in vals.iter().enumerate().filter(|_| !errors) {
            if let Some(g) = v.func {
                let mut seed = Value::default();
                for (j, o) in vals.iter().enumerate() {
                    if j != i && o.func.is_none() {
                        seed.join(&o.taint_only());
                    }
                }
                if recv.carries_data() {
                    seed.join(&recv.taint_only());
                }
                if !seed.is_constant() {
                    self.out.seeds.push((g, seed));
                }
            }
        }

        // A constructor storing its parameters on the object.
        if let (Some(Target::Class(_)), Some(s)) = (&target, &summary) {
            self.pending_fields.clear();
            for (p, field) in &s.param_to_field {
                if let Some(v) = arg_for(s, *p, &args, &vals, self.m) {
                    self.pending_fields
                        .push((Key::Str(Rc::from(field.as_str())), v));
                }
            }
        }

        // Sinks reached inside the callee.
        if let Some(s) = &summary {
            let name = match &target {
                Some(Target::Local(f)) => self.m.func(*f).qualified.clone(),
                Some(Target::External(m, n)) => format!("{m}.{n}"),
                Some(Target::Class(c)) => self.m.class(*c).qualified.clone(),
                None => String::new(),
            };
            for ps in &s.param_to_sink {
                let Some(v) = arg_for(s, ps.param, &args, &vals, self.m) else {
                    continue;
                };
                let bit = kind_bit(&ps.kind);
                let vd = verdict(&v, bit);
                if vd == Verdict::Safe {
                    continue;
                }
                let mut v = v;
                v.step(self.step(span, format!("passed to `{name}()`")));
                let key = (e, 1000 + kind_index(&ps.kind) * 64 + ps.param);
                let hit = self.hit(
                    &ps.kind,
                    &ps.callee,
                    span,
                    Some(ArgRef::Positional(ps.param)),
                    &v,
                    bit,
                );
                self.out.hits.insert(
                    key,
                    SinkHit {
                        via: Some(Via {
                            function: name.clone(),
                            path: ps.path.clone(),
                            span: ps.span,
                        }),
                        ..hit
                    },
                );
            }
        }

        // Sinks of this call; its result is not reported again downstream.
        let kinds = self.sinks_at(e, &path, method, recv_e, &recv, &args, &vals, st);
        result.sanitise(kinds);
        if !result.sources.is_empty()
            && method.is_none()
            && (matches!(target, Some(Target::Local(_) | Target::External(..))))
        {
            let short = dotted(self.m, callee).unwrap_or_else(|| path.clone());
            result.step(self.step(span, format!("passed to `{short}()`")));
        }
        result
    }

    /// A call of a function the repository may define, for the model's
    /// linker: this module's functions and classes, an imported one, or a
    /// dotted name through an import (`helpers.run` with `from . import
    /// helpers`, `pkg.mod.f` with `import pkg.mod`).
    fn record_call(
        &mut self,
        e: ExprId,
        callee: ExprId,
        target: Option<&Target>,
        summary: Option<&FnSummary>,
        args: &[bw_ir::Arg],
        vals: &[Value],
    ) {
        let (module, name, method) = match target {
            Some(Target::Local(g)) => {
                let f = self.m.func(*g);
                (self.m.id.clone(), f.qualified.clone(), f.receiver.is_some())
            }
            Some(Target::Class(c)) => {
                (self.m.id.clone(), self.m.class(*c).qualified.clone(), false)
            }
            Some(Target::External(m, n)) => (m.clone(), n.clone(), false),
            None => {
                let Some(d) = dotted(self.m, callee) else {
                    return;
                };
                let rest = d.split_once('.').map_or("", |(_, r)| r);
                // The name the dotted callee starts from.
                let mut root = callee;
                while let Expr::Field { obj, .. } = self.m.expr(root) {
                    root = *obj;
                }
                let Expr::Name(s) = self.m.expr(root) else {
                    return;
                };
                let Some(i) = self.import_of(*s) else {
                    return;
                };
                let mut full = i.module.clone();
                if let Some(mem) = &i.member {
                    if !full.is_empty() {
                        full.push('.');
                    }
                    full.push_str(mem);
                }
                if !rest.is_empty() {
                    full.push('.');
                    full.push_str(rest);
                }
                let Some((module, name)) = full.rsplit_once('.') else {
                    return;
                };
                (module.to_string(), name.to_string(), false)
            }
        };
        let flow = |v: &Value| {
            // The worst verdict for any sink kind (the callee's sinks are
            // the linker's to match).
            let vd = (0..SINK_KINDS.len())
                .map(|i| verdict(v, 1 << i))
                .min()
                .unwrap_or(Verdict::Safe);
            ArgFlow {
                verdict: vd,
                source: if vd == Verdict::Confirmed {
                    v.primary_source().map(|s| (**s).clone())
                } else {
                    None
                },
                params: if vd == Verdict::Safe {
                    Vec::new()
                } else {
                    v.param_list()
                },
                clean: if vd == Verdict::Safe {
                    Vec::new()
                } else {
                    // What its sources are clean for counts only when no
                    // parameter of the caller's rides along.
                    let src = if v.sources.is_empty() || v.params != 0 {
                        0
                    } else {
                        v.src_clean
                    };
                    mask_kinds(v.clean | src)
                },
                text: v.const_str().map(|t| t.to_string()),
            }
        };
        let mut slots: Vec<Option<ArgFlow>> = Vec::new();
        let mut extra: Vec<ArgFlow> = Vec::new();
        for (a, v) in args.iter().zip(vals) {
            if matches!(a.kind, ArgKind::Positional | ArgKind::Spread) {
                slots.push(Some(flow(v)));
            }
        }
        for (a, v) in args.iter().zip(vals) {
            match a.kind {
                ArgKind::Keyword(k) => {
                    let at = summary.and_then(|s| {
                        s.params
                            .iter()
                            .position(|p| p.as_deref() == Some(self.m.name(k)))
                    });
                    match at {
                        Some(i) if slots.get(i).is_none_or(|s| s.is_none()) => {
                            if slots.len() <= i {
                                slots.resize(i + 1, None);
                            }
                            slots[i] = Some(flow(v));
                        }
                        _ => extra.push(flow(v)),
                    }
                }
                ArgKind::KwSpread => extra.push(flow(v)),
                _ => {}
            }
        }
        let mut out: Vec<ArgFlow> = slots
            .into_iter()
            .map(|s| s.unwrap_or_else(|| flow(&Value::default())))
            .collect();
        out.extend(extra);
        self.out.calls.insert(
            e,
            CallSite {
                function: self.func.qualified.clone(),
                module,
                name,
                method,
                span: self.m.span(e),
                args: out,
            },
        );
    }

    fn apply_summary(
        &self,
        s: &FnSummary,
        args: &[bw_ir::Arg],
        vals: &[Value],
        all: &Value,
        _e: ExprId,
    ) -> Value {
        let mut v = Value::default();
        for p in &s.param_to_return {
            if let Some(a) = arg_for(s, *p, args, vals, self.m) {
                v.join(&a.taint_only());
            }
        }
        if args
            .iter()
            .any(|a| matches!(a.kind, ArgKind::Spread | ArgKind::KwSpread))
            && !s.param_to_return.is_empty()
        {
            v.join(all);
        }
        let src_clean = kinds_mask(&s.return_src_clean);
        for src in &s.source_to_return {
            let mut sv = Value::source(src.clone());
            sv.src_clean = src_clean;
            v.join(&sv);
        }
        if s.return_unknown {
            v.join(&Value::unknown());
        }
        v.sanitise(kinds_mask(&s.return_clean));
        v.ty = s.return_ty.as_deref().map(Rc::from);
        v
    }

    /// The catalogue's append, pop, shift and get methods (`[containers]`)
    /// on a container whose per-index contents are known.
    fn container_op(
        &mut self,
        m: &str,
        ap: &Ap,
        args: &[bw_ir::Arg],
        vals: &[Value],
        st: &mut State,
    ) -> Option<Value> {
        let whole = self.lookup(st, ap);
        let spec = &self.cat.spec.containers;
        let is = |names: &[String]| names.iter().any(|n| n == m);
        let op = if is(&spec.append) {
            Op::Append
        } else if is(&spec.pop) {
            Op::Pop
        } else if is(&spec.shift) {
            Op::Shift
        } else if is(&spec.get) {
            Op::Get
        } else if is(&spec.update) {
            Op::Update
        } else {
            return None;
        };
        match op {
            Op::Append if vals.len() == 1 => {
                let v = vals[0].clone();
                match whole.len {
                    Some(n) if (n as usize) < MAX_INDICES => {
                        if let Some(c) = ap.child(Key::Int(i64::from(n))) {
                            self.kill(st, &c);
                            st.insert(c, v);
                        }
                        let mut w = whole;
                        w.len = Some(n + 1);
                        self.store(st, ap.clone(), w);
                    }
                    _ => self.weak_store(st, ap, &v),
                }
                Some(Value::default())
            }
            Op::Pop | Op::Shift => {
                let idx = match (op, args.first()) {
                    (Op::Shift, _) => Some(0i64),
                    (_, None) => whole.len.map(|n| i64::from(n) - 1),
                    (_, Some(a)) => match self.const_key(a.value, st) {
                        Some(Key::Int(i)) if i < 0 => whole.len.map(|n| i64::from(n) + i),
                        Some(Key::Int(i)) => Some(i),
                        Some(k @ Key::Str(_)) => {
                            // `d.pop("k")`
                            let c = ap.child(k)?;
                            let v = self.deep(st, &c);
                            self.kill(st, &c);
                            return Some(v);
                        }
                        None => None,
                    },
                };
                let (Some(i), Some(n)) = (idx, whole.len) else {
                    return Some(self.deep(st, ap).taint_only());
                };
                if i < 0 || i >= i64::from(n) {
                    return Some(Value::default());
                }
                let c = ap.child(Key::Int(i))?;
                let v = self.deep(st, &c);
                // Shift the later entries down.
                for j in i + 1..i64::from(n) {
                    let (Some(from), Some(to)) = (ap.child(Key::Int(j)), ap.child(Key::Int(j - 1)))
                    else {
                        break;
                    };
                    let moved = st.remove(&from);
                    self.kill(st, &to);
                    if let Some(mv) = moved {
                        st.insert(to, mv);
                    }
                }
                if let Some(last) = ap.child(Key::Int(i64::from(n) - 1)) {
                    self.kill(st, &last);
                }
                let mut w = whole;
                w.len = Some(n - 1);
                // What remains is the entries left: recompute the whole.
                w.sources.clear();
                w.params = 0;
                w.unknown = false;
                w.steps = Rc::default();
                self.store(st, ap.clone(), w);
                Some(v)
            }
            Op::Get if !args.is_empty() => {
                let k = self.const_key(args[0].value, st)?;
                let c = ap.child(k)?;
                if !st.contains_key(&c) {
                    return None;
                }
                let mut v = self.deep(st, &c);
                if let Some(dflt) = vals.get(1) {
                    v.join(dflt);
                }
                Some(v)
            }
            Op::Update => {
                for (a, v) in args.iter().zip(vals) {
                    let entries = match a.kind {
                        ArgKind::Keyword(k) => {
                            vec![(Key::Str(Rc::from(self.m.name(k))), v.clone())]
                        }
                        ArgKind::Positional if matches!(self.m.expr(a.value), Expr::Dict(_)) => {
                            self.children_of(a.value, st)
                        }
                        _ => {
                            // A mapping of unknown keys: any entry may be it.
                            self.weak_store(st, ap, v);
                            continue;
                        }
                    };
                    for (k, cv) in entries {
                        if let Some(c) = ap.child(k) {
                            self.kill(st, &c);
                            st.insert(c, cv);
                        }
                    }
                }
                Some(Value::default())
            }
            _ => None,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn sinks_at(
        &mut self,
        e: ExprId,
        path: &str,
        method: Option<&str>,
        recv_e: Option<ExprId>,
        recv: &Value,
        args: &[bw_ir::Arg],
        vals: &[Value],
        st: &State,
    ) -> Kinds {
        let span = self.m.span(e);
        let mut specs: Vec<&SinkSpec> = self.cat.sinks(path, method).collect();
        // A call an entry names (`child_process.exec`) is that entry's:
        // entries matching its method name alone (SQL's `exec`) are not.
        let by_name = |s: &SinkSpec| s.callees.iter().any(|c| name_matches(c, path));
        if specs.iter().any(|s| by_name(s)) {
            specs.retain(|s| by_name(s));
        }
        // A regular expression literal's methods (`/re/.exec(s)`) match
        // text: no entry matching a method name alone (SQL's `exec`) is
        // one of them.
        if recv_e.is_some_and(|r| matches!(self.m.expr(r), Expr::Const(Const::Regex(..)))) {
            specs.retain(|s| by_name(s));
        }
        let mut kinds: Kinds = 0;
        let callee = if path.is_empty() {
            method.map_or_else(String::new, |m| format!("*.{m}"))
        } else {
            path.to_string()
        };
        for spec in specs {
            let bit = kind_bit(&spec.kind);
            if kinds & bit != 0 {
                continue;
            }
            if let Some(req) = &spec.requires_keyword
                && !args.iter().zip(vals).any(|(a, v)| {
                    matches!(a.kind, ArgKind::Keyword(k) if self.m.name(k) == req)
                        && v.konst == Some(K::Bool(true))
                })
            {
                continue;
            }
            if !spec.imports.is_empty() && !self.m.imports_any(&spec.imports) && !by_name(spec) {
                continue;
            }
            if !spec.receivers.is_empty()
                && !by_name(spec)
                && !receiver_named(path, &spec.receivers)
            {
                continue;
            }
            if spec.except.iter().any(|c| name_matches(c, path)) {
                continue;
            }
            if self.made_safe(spec, args, vals, st) {
                continue;
            }
            // `res.type('json'); res.send(x)`: sent as that type. A type
            // declared from a variable (`{ 'Content-Type': mime }`) is not
            // known to be HTML: the body counts only when it is outside
            // data, not when it is merely of unknown origin.
            let mut declared_unknown = false;
            if let (Some(w), Some(r)) = (&spec.content_type_without, recv_e)
                && let Some(ap) = self.fluent_base(r, st)
                && let Some(c) = ap.child(Key::Str(Rc::from(CONTENT_TYPE)))
                && let Some(declared) = st.get(&c)
            {
                match &declared.konst {
                    Some(K::Str(t)) => {
                        if !t.to_ascii_lowercase().contains(&w.to_ascii_lowercase()) {
                            continue;
                        }
                    }
                    _ => declared_unknown = true,
                }
            }
            kinds |= bit;
            let every = spec.args.is_empty() && spec.keywords.is_empty();
            let mut worst: Option<(Verdict, ArgRef, Value)> = None;
            // Where the worst argument is, when not at the call: the item
            // of a literal list it is in (a message of a chat's messages).
            let mut worst_at: Option<Span> = None;
            let consider = |r: ArgRef, v: &Value, worst: &mut Option<(Verdict, ArgRef, Value)>| {
                let vd = verdict(v, bit);
                if worst.as_ref().is_none_or(|w| vd < w.0) {
                    *worst = Some((vd, r, v.clone()));
                    true
                } else {
                    false
                }
            };
            // `get(url, **kwargs)`: with every checked position given
            // positionally, a keyword spread cannot hold those arguments
            // again (the entry's keywords are their names).
            let given = args
                .iter()
                .filter(|a| matches!(a.kind, ArgKind::Positional))
                .count() as u32;
            let kw_spread_moot = !every
                && !spec.args.is_empty()
                && spec.args.iter().all(|i| *i < given)
                && spec.keywords.len() <= spec.args.len();
            let mut pos = 0u32;
            for (a, v) in args.iter().zip(vals) {
                if kw_spread_moot && matches!(a.kind, ArgKind::KwSpread) {
                    continue;
                }
                let r = match a.kind {
                    ArgKind::Positional => {
                        let i = pos;
                        pos += 1;
                        if !every && !spec.args.contains(&i) {
                            // An options object: its properties are keywords.
                            if let Expr::Dict(entries) = self.m.expr(a.value).clone() {
                                for en in entries {
                                    if let Entry::Pair(k, x) = en
                                        && let Some(kn) = self.m.str_const(k)
                                        && spec.keywords.iter().any(|w| w == kn)
                                    {
                                        let kn = kn.to_string();
                                        let (ev, at) = self.items_at(x, bit, st);
                                        if consider(ArgRef::Keyword(kn), &ev, &mut worst) {
                                            worst_at = at.filter(|_| spec.per_item);
                                        }
                                    }
                                }
                            }
                            continue;
                        }
                        ArgRef::Positional(i)
                    }
                    ArgKind::Keyword(k) => {
                        let kn = self.m.name(k);
                        if !every && !spec.keywords.iter().any(|x| x == kn) {
                            continue;
                        }
                        ArgRef::Keyword(kn.to_string())
                    }
                    ArgKind::Spread | ArgKind::KwSpread => ArgRef::Spread,
                };
                // `execute(text(q))`: the inner call is the sink.
                if let Expr::Call { callee: ic, .. } = self.m.expr(a.value)
                    && let Some(ip) = self.path_of(*ic, st)
                {
                    let im = match self.m.expr(*ic) {
                        Expr::Field { name, .. } => Some(self.m.name(*name)),
                        _ => None,
                    };
                    if self.cat.sinks(&ip, im).any(|s| s.kind == spec.kind) {
                        continue;
                    }
                }
                if (!spec.dict_keys.is_empty() || spec.bound_dicts)
                    && let Expr::Dict(entries) = self.m.expr(a.value)
                {
                    let v = self.dict_code(entries, &spec.dict_keys, st);
                    if consider(r, &v, &mut worst) {
                        worst_at = None;
                    }
                    continue;
                }
                let at = match self.m.expr(a.value) {
                    Expr::Seq(..) if spec.per_item => self.items_at(a.value, bit, st).1,
                    _ => None,
                };
                if consider(r, v, &mut worst) {
                    worst_at = at;
                }
            }
            if spec.args.iter().any(|i| *i as usize >= 99)
                && recv_e.is_some()
                && consider(ArgRef::Receiver, recv, &mut worst)
            {
                worst_at = None;
            }
            if declared_unknown && worst.as_ref().is_some_and(|w| w.0 == Verdict::Unknown) {
                continue;
            }
            let (r, v) = match worst {
                Some((_, r, v)) => (Some(r), v),
                None => (None, Value::default()),
            };
            let at = worst_at.filter(|_| verdict(&v, bit) != Verdict::Safe);
            let mut hit = self.hit(&spec.kind, &callee, at.unwrap_or(span), r, &v, bit);
            // `shell=True`; a file opened for writing (`open(p, "w")`).
            let kw = |name: &str| {
                args.iter()
                    .zip(vals)
                    .find(|(a, _)| matches!(a.kind, ArgKind::Keyword(k) if self.m.name(k) == name))
                    .map(|(_, v)| v)
            };
            // `shell=True`, or `{ shell: true }` in an options object.
            hit.shell = spec.shell
                || spec.shell_keyword.as_ref().is_some_and(|k| {
                    let literal_true = crate::catalogue::SafeArg {
                        keyword: k.clone(),
                        literal: Some(true),
                        ..Default::default()
                    };
                    self.arg_holds(&literal_true, args, vals, st)
                });
            hit.write = spec.write_mode_arg.map(|i| {
                let positional = args
                    .iter()
                    .zip(vals)
                    .filter(|(a, _)| a.kind == ArgKind::Positional)
                    .nth(i as usize)
                    .map(|(_, v)| v);
                match positional
                    .or_else(|| kw("mode"))
                    .and_then(|v| v.konst.as_ref())
                {
                    Some(K::Str(m)) => m.contains(['w', 'a', 'x', '+']),
                    _ => false,
                }
            });
            self.out.hits.insert((e, kind_index(&spec.kind)), hit);
        }
        kinds
    }

    /// A write into an object a sink entry's `stores` names: that sink,
    /// with the written value.
    fn store_sinks(&mut self, target: &Pattern, value: ExprId, v: &Value, st: &State) {
        let obj = match target {
            Pattern::Index { obj, .. } | Pattern::Field { obj, .. } => *obj,
            _ => return,
        };
        let Some(path) = self.path_of(obj, st).or_else(|| {
            let ap = self.access(obj, st)?;
            self.lookup(st, &ap).ty.map(|t| t.to_string())
        }) else {
            return;
        };
        let span = self.m.span(value);
        // `el.innerHTML = v`: the field written, on any object.
        let field = match target {
            Pattern::Field { name, .. } => Some(format!("{path}.{}", self.m.name(*name))),
            _ => None,
        };
        let specs: Vec<&SinkSpec> = self
            .cat
            .spec
            .sinks
            .iter()
            .filter(|s| {
                s.stores.iter().any(|n| {
                    name_matches(n, &path) || field.as_deref().is_some_and(|f| name_matches(n, f))
                })
            })
            .collect();
        for spec in specs {
            let bit = kind_bit(&spec.kind);
            let at = match &field {
                Some(f) if spec.stores.iter().any(|n| name_matches(n, f)) => f.as_str(),
                _ => path.as_str(),
            };
            let hit = self.hit(&spec.kind, at, span, None, v, bit);
            self.out.hits.insert((value, kind_index(&spec.kind)), hit);
        }
    }

    /// A returned value the framework sends as a sink ([`crate::ReturnSink`]).
    fn return_sinks(&mut self, e: ExprId, v: &Value) {
        let kinds: Vec<(String, bool)> = self.shape.returns[self.f.index()]
            .iter()
            .map(|&i| {
                (
                    self.opts.returns[i].kind.clone(),
                    self.opts.returns[i].markup,
                )
            })
            .collect();
        for (kind, markup) in kinds {
            if markup && !self.has_markup(e, 0) {
                continue;
            }
            let bit = kind_bit(&kind);
            let hit = self.hit(&kind, "return", self.m.span(e), None, v, bit);
            self.out.hits.insert((e, kind_index(&kind)), hit);
        }
    }

    /// Whether the literal text of an expression holds an HTML tag (`<h1>`,
    /// `</div>`, `<!doctype`): through string building, formatting and
    /// conditionals, not into calls.
    fn has_markup(&self, e: ExprId, depth: u32) -> bool {
        let tag = |t: &str| {
            t.as_bytes().windows(2).any(|w| {
                w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!')
            })
        };
        if depth > 64 {
            return false;
        }
        match self.m.expr(e) {
            Expr::Const(Const::Str(s)) => tag(s),
            Expr::Template(parts) => parts.iter().any(|p| match p {
                bw_ir::TemplatePart::Text(t) => tag(t),
                bw_ir::TemplatePart::Expr(x) => self.has_markup(*x, depth + 1),
            }),
            Expr::Binary(_, a, b) | Expr::Logical(_, a, b) => {
                self.has_markup(*a, depth + 1) || self.has_markup(*b, depth + 1)
            }
            Expr::Cond { then, other, .. } => {
                self.has_markup(*then, depth + 1) || self.has_markup(*other, depth + 1)
            }
            _ => false,
        }
    }

    /// Whether the module imports one of `packages` (or a module of theirs).
    /// Whether an argument makes this sink call safe ([`crate::catalogue::SafeArg`]).
    fn made_safe(&self, spec: &SinkSpec, args: &[bw_ir::Arg], vals: &[Value], st: &State) -> bool {
        spec.safe
            .iter()
            .any(|safe| self.arg_holds(safe, args, vals, st))
            || spec
                .requires
                .iter()
                .any(|r| !self.arg_holds(r, args, vals, st))
    }

    /// Whether the call's arguments pass `safe`'s test.
    fn arg_holds(
        &self,
        safe: &crate::catalogue::SafeArg,
        args: &[bw_ir::Arg],
        vals: &[Value],
        st: &State,
    ) -> bool {
        // A property of an options object (`{ root: UPLOADS }`).
        let in_options = args.iter().any(|a| {
            let (ArgKind::Positional, Expr::Dict(entries)) = (&a.kind, self.m.expr(a.value)) else {
                return false;
            };
            entries.iter().any(|en| match en {
                Entry::Pair(k, x) if self.m.str_const(*k) == Some(safe.keyword.as_str()) => {
                    safe.present
                        || safe.literal.is_some_and(
                            |b| matches!(self.m.expr(*x), Expr::Const(Const::Bool(v)) if *v == b),
                        )
                        || (!safe.names.is_empty()
                            && self
                                .path_of(*x, st)
                                .is_some_and(|p| safe.names.iter().any(|n| name_matches(n, &p))))
                }
                _ => false,
            })
        });
        if in_options {
            return true;
        }
        let mut pos = 0u32;
        args.iter().zip(vals).any(|(a, v)| {
            let here = match a.kind {
                ArgKind::Keyword(k) => self.m.name(k) == safe.keyword,
                ArgKind::Positional => {
                    pos += 1;
                    safe.position == Some(pos - 1)
                }
                _ => false,
            };
            here && (safe.present
                || safe.literal.is_some_and(|b| v.konst == Some(K::Bool(b)))
                || safe.text_without.as_deref().is_some_and(|w| {
                    v.const_str()
                        .is_some_and(|t| !t.to_ascii_lowercase().contains(&w.to_ascii_lowercase()))
                })
                || (!safe.text_not_in.is_empty()
                    && v.const_str().is_some_and(|t| {
                        !safe.text_not_in.iter().any(|n| n.eq_ignore_ascii_case(t))
                    }))
                || (!safe.names.is_empty()
                    && self
                        .path_of(a.value, st)
                        .is_some_and(|p| safe.names.iter().any(|n| name_matches(n, &p)))))
        })
    }

    /// The object a fluent chain of method calls is on
    /// (`res.status(200).type('json')` is on `res`).
    fn fluent_base(&self, mut e: ExprId, st: &State) -> Option<Ap> {
        for _ in 0..PATH_DEPTH {
            match self.m.expr(e) {
                Expr::Call { callee, .. } => match self.m.expr(*callee) {
                    Expr::Field { obj, .. } => e = *obj,
                    _ => return None,
                },
                _ => return self.access(e, st),
            }
        }
        None
    }

    /// What a `[[response_type]]` call declares: `None` when it declares
    /// no content type (another header), `Some(None)` for a type not
    /// known here, `Some(Some(t))` for a constant.
    fn declared_type(
        &self,
        spec: &crate::catalogue::ResponseTypeSpec,
        args: &[bw_ir::Arg],
        vals: &[Value],
    ) -> Option<Option<String>> {
        let text = |v: &Value| v.const_str().map(|t| t.to_string());
        let dict_at = |i: usize| {
            args.get(i)
                .is_some_and(|a| matches!(self.m.expr(a.value), Expr::Dict(_)))
        };
        let mut i = spec.arg as usize;
        if let Some(h) = spec.header {
            if dict_at(h as usize) {
                // `res.set({ 'Content-Type': … })`: the headers at once.
                i = h as usize;
            } else {
                let name = vals.get(h as usize).and_then(text)?;
                if !name.eq_ignore_ascii_case("content-type") {
                    return None;
                }
            }
        }
        let a = args.get(i)?;
        if let Expr::Dict(entries) = self.m.expr(a.value) {
            let t = entries.iter().find_map(|en| match en {
                Entry::Pair(k, x)
                    if self
                        .m
                        .str_const(*k)
                        .is_some_and(|k| k.eq_ignore_ascii_case("content-type")) =>
                {
                    Some(self.m.str_const(*x).map(str::to_string))
                }
                _ => None,
            })?;
            return Some(t);
        }
        Some(vals.get(i).and_then(text))
    }

    /// The value of `e` as an argument (evaluated on a copy of the state:
    /// the call's arguments were evaluated already), and for a literal
    /// list, where its worst item for `bit` is.
    fn items_at(&mut self, e: ExprId, bit: Kinds, st: &State) -> (Value, Option<Span>) {
        let mut scratch = st.clone();
        let Expr::Seq(_, elems) = self.m.expr(e).clone() else {
            return (self.eval(e, &mut scratch, 0), None);
        };
        let mut all = Value::default();
        let mut worst: Option<(Verdict, Span)> = None;
        for el in elems {
            let x = match el {
                Elem::Item(x) | Elem::Spread(x) => x,
            };
            let v = self.eval(x, &mut scratch, 0);
            let vd = verdict(&v, bit);
            if worst.is_none_or(|(w, _)| vd < w) {
                worst = Some((vd, self.m.span(x)));
            }
            all.join(&v);
        }
        (all, worst.map(|(_, at)| at))
    }

    /// What of a dictionary literal a query runs as code: the values of
    /// `keys`, computed keys and spreads (evaluated on a copy of the state:
    /// the argument was evaluated already).
    fn dict_code(&mut self, entries: &[Entry], keys: &[String], st: &State) -> Value {
        let mut scratch = st.clone();
        let mut v = Value::default();
        for en in entries {
            match en {
                Entry::Pair(k, x) => match self.m.str_const(*k) {
                    Some(name) if keys.iter().any(|c| c == name) => {
                        v.join(&self.eval(*x, &mut scratch, 0));
                    }
                    Some(_) => {}
                    None => v.join(&self.eval(*k, &mut scratch, 0)),
                },
                Entry::Spread(x) => v.join(&self.eval(*x, &mut scratch, 0)),
            }
        }
        v
    }

    fn hit(
        &self,
        kind: &str,
        callee: &str,
        span: Span,
        arg: Option<ArgRef>,
        v: &Value,
        bit: Kinds,
    ) -> SinkHit {
        let vd = verdict(v, bit);
        SinkHit {
            function: self.func.qualified.clone(),
            kind: kind.to_string(),
            callee: callee.to_string(),
            span,
            arg,
            verdict: vd,
            source: if vd == Verdict::Confirmed {
                v.primary_source().map(|s| (**s).clone())
            } else {
                None
            },
            steps: if vd == Verdict::Confirmed {
                v.steps.to_vec()
            } else {
                Vec::new()
            },
            others: if vd == Verdict::Confirmed {
                let primary = v.primary_source();
                v.sources
                    .iter()
                    .filter(|s| Some(*s) != primary)
                    .map(|s| (**s).clone())
                    .collect()
            } else {
                Vec::new()
            },
            params: if vd == Verdict::Safe {
                Vec::new()
            } else {
                v.param_list()
            },
            // A value clean for this kind (`int(x)`) is clean whatever the
            // calls in it return.
            calls: if vd == Verdict::Confirmed || v.clean & bit != 0 {
                Vec::new()
            } else {
                v.calls.iter().map(|c| c.to_string()).collect()
            },
            calls_dropped: vd != Verdict::Confirmed && v.clean & bit == 0 && v.calls_dropped,
            via: None,
            shell: false,
            write: None,
        }
    }
}

/// `https://host/…`: a URL text that names its host in full.
fn literal_base(s: &str) -> bool {
    s.split_once("://").is_some_and(|(scheme, rest)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
            && rest.find(['/', '?', '#']).is_some_and(|i| i > 0)
    })
}

/// The child key under a response object holding its declared content
/// type (not a name code can write).
const CONTENT_TYPE: &str = "<content-type>";

/// `/login`: a path on the site it is resolved against (not `//host`,
/// not `/\host`, which browsers take for another host).
fn site_relative(s: &str) -> bool {
    let mut c = s.chars();
    c.next() == Some('/') && !matches!(c.next(), Some('/' | '\\'))
}

/// Literal text that fixes the site of whatever is appended to it: a
/// URL naming its host in full, or a path with a first segment (`/users/`;
/// not `/` alone, which `/evil.example` after it turns into `//host`).
fn keeps_site(s: &str) -> bool {
    literal_base(s) || (site_relative(s) && s.len() > 1)
}

/// A URL built as `lead + next` has its host fixed (so what follows
/// picks a path on that host, no other host): `lead` is literal text
/// naming the host in full (`"https://api.example/v1/"`), or a setting —
/// a value of the environment or configuration, of no parameter and no
/// outside input — followed by a path (`BASE_URL + "/items/"`).
fn pins_host(lead: &Value, next: &Value) -> bool {
    if let Some(t) = lead.const_str() {
        return literal_base(t);
    }
    let setting = lead.params == 0
        && !lead.unknown
        && lead
            .sources
            .iter()
            .all(|s| matches!(s.kind.as_str(), "env" | "secret"));
    setting && next.const_str().is_some_and(|t| t.starts_with('/'))
}

/// Whether the receiver part of a resolved call path (all but its last
/// segment) holds one of `words`, any case.
fn receiver_named(path: &str, words: &[String]) -> bool {
    let recv = path
        .rsplit_once('.')
        .map_or("", |(r, _)| r)
        .to_ascii_lowercase();
    words.iter().any(|w| recv.contains(&w.to_ascii_lowercase()))
}

/// The dotted path an expression spells through names and fields, as
/// written (no resolution); `None` beyond [`PATH_DEPTH`] segments. A loop,
/// not recursion: a chain from the input can be long.
fn dotted(m: &Module, e: ExprId) -> Option<String> {
    let mut parts = Vec::new();
    let mut cur = e;
    for _ in 0..PATH_DEPTH {
        match m.expr(cur) {
            Expr::Name(s) => {
                parts.push(m.name(*s));
                parts.reverse();
                return Some(parts.join("."));
            }
            Expr::This => {
                parts.push("this");
                parts.reverse();
                return Some(parts.join("."));
            }
            Expr::Field { obj, name, .. } => {
                parts.push(m.name(*name));
                cur = *obj;
            }
            _ => return None,
        }
    }
    None
}

fn kind_index(kind: &str) -> u32 {
    SINK_KINDS.iter().position(|k| *k == kind).unwrap_or(63) as u32
}

/// The value a call passes for parameter `p` of a summarised function.
fn arg_for(
    s: &FnSummary,
    p: u32,
    args: &[bw_ir::Arg],
    vals: &[Value],
    m: &Module,
) -> Option<Value> {
    let mut pos = 0u32;
    for (a, v) in args.iter().zip(vals) {
        match a.kind {
            ArgKind::Positional => {
                if pos == p {
                    return Some(v.clone());
                }
                pos += 1;
            }
            ArgKind::Keyword(k) => {
                if s.params.get(p as usize).and_then(|n| n.as_deref()) == Some(m.name(k)) {
                    return Some(v.clone());
                }
            }
            ArgKind::Spread | ArgKind::KwSpread => return Some(v.clone()),
        }
    }
    None
}
