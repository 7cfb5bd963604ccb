//! The abstract value the engine keeps per access path: where the value
//! may have come from, which sink kinds it is clean for, its constant when
//! known, and what made it.

use crate::{Source, Step};
use bw_ir::{Const, FuncId};
use std::rc::Rc;

/// Sources kept per value: the most dangerous ones (see [`source_rank`]).
pub(crate) const MAX_SOURCES: usize = 3;
/// Steps kept per value (for showing: the verdict does not depend on them).
pub(crate) const MAX_STEPS: usize = 8;
/// Parameters tracked by index; a value from a later one is unknown.
pub(crate) const MAX_PARAMS: u32 = 64;
/// Calls into other modules kept per value (see [`Value::calls`]).
pub(crate) const MAX_CALLS: usize = 4;

/// Sink kinds as a bit set over [`crate::catalogue::SINK_KINDS`].
pub(crate) type Kinds = u32;
pub(crate) const ALL_KINDS: Kinds = u32::MAX;

/// Order of source kinds by how directly an attacker controls them.
pub fn source_rank(kind: &str) -> u8 {
    match kind {
        "request" => 0,
        "dom" => 1,
        "tool-input" => 2,
        "llm-output" => 3,
        "retrieved" => 4,
        "file" => 5,
        "secret" => 6,
        "env" => 7,
        _ => 8,
    }
}

/// Add `s` to a capped list of sources, keeping the most dangerous ones
/// (by [`source_rank`] of `kind`): when full, `s` replaces the least
/// dangerous if it is more dangerous. Shared with breakwater's older
/// per-language analysis so both keep the same sources.
pub fn keep_ranked<S: Clone + PartialEq>(
    list: &mut Vec<S>,
    s: &S,
    max: usize,
    kind: impl Fn(&S) -> &str,
) {
    if list.contains(s) {
        return;
    }
    if list.len() < max {
        list.push(s.clone());
    } else if let Some((i, worst)) = list
        .iter()
        .enumerate()
        .max_by_key(|(i, x)| (source_rank(kind(x)), *i))
        && source_rank(kind(s)) < source_rank(kind(worst))
    {
        list[i] = s.clone();
    }
}

/// A folded constant.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum K {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
}

impl K {
    pub(crate) fn of(c: &Const) -> Option<K> {
        Some(match c {
            Const::Null => K::Null,
            Const::Bool(b) => K::Bool(*b),
            Const::Int(i) => K::Int(*i),
            Const::Float(f) => K::Float(*f),
            Const::Str(s) => K::Str(Rc::from(&**s)),
            Const::Bytes(_) | Const::Regex(..) => return None,
        })
    }
    pub(crate) fn truthy(&self) -> bool {
        match self {
            K::Null => false,
            K::Bool(b) => *b,
            K::Int(i) => *i != 0,
            K::Float(f) => *f != 0.0,
            K::Str(s) => !s.is_empty(),
        }
    }
    pub(crate) fn num(&self) -> Option<f64> {
        match self {
            K::Bool(b) => Some(f64::from(u8::from(*b))),
            K::Int(i) => Some(*i as f64),
            K::Float(f) => Some(*f),
            _ => None,
        }
    }
    pub(crate) fn text(&self) -> String {
        match self {
            K::Null => "None".into(),
            K::Bool(b) => b.to_string(),
            K::Int(i) => i.to_string(),
            K::Float(f) => f.to_string(),
            K::Str(s) => s.to_string(),
        }
    }
}

/// What the engine knows of one value.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Value {
    /// Outside sources reaching it.
    pub sources: Vec<Rc<Source>>,
    /// Parameters of the enclosing function it derives from (bit `i`).
    pub params: u64,
    /// Part of it is non-literal with unknown origin.
    pub unknown: bool,
    /// Its value, when every path gives the same constant.
    pub konst: Option<K>,
    /// Sink kinds it is clean for (sanitiser calls, passed guards).
    pub clean: Kinds,
    /// Sink kinds every one of its sources is clean for (by its type:
    /// a raw URL cannot break a log line), whatever else flowed in: a
    /// parameter joined to it does not make those sources confirmed.
    pub src_clean: Kinds,
    /// Hops taken since the first source.
    pub steps: Rc<Vec<Step>>,
    /// The path of the call that made it (`openai.OpenAI()`), or the path
    /// it was read from (`flask.request.args`): methods called on it
    /// resolve through this.
    pub ty: Option<Rc<str>>,
    /// The call that made it, where [`Value::ty`] is that call's path:
    /// what the constructor was given (`OpenAI(timeout=5)`) holds for the
    /// calls made on it.
    pub made: Option<bw_ir::ExprId>,
    /// The function it is (a lambda, a nested `def`), for callbacks.
    pub func: Option<FuncId>,
    /// A known sequence length (list literals, `append`, `pop`).
    pub len: Option<u32>,
    /// Functions of other modules with no summary here whose results
    /// reach it (`app.helpers.search_term`): what they return is decided
    /// where those modules are analysed, by the model's linker.
    pub calls: Rc<Vec<Rc<str>>>,
    /// More calls reached it than [`MAX_CALLS`]: some are not in `calls`.
    pub calls_dropped: bool,
}

impl Value {
    pub(crate) fn unknown() -> Value {
        Value {
            unknown: true,
            ..Value::default()
        }
    }
    pub(crate) fn konst(k: Option<K>) -> Value {
        Value {
            konst: k,
            ..Value::default()
        }
    }
    pub(crate) fn source(src: Source) -> Value {
        Value {
            sources: vec![Rc::new(src)],
            ..Value::default()
        }
    }
    pub(crate) fn param(i: u32) -> Value {
        if i >= MAX_PARAMS {
            return Value::unknown();
        }
        Value {
            params: 1 << i,
            ..Value::default()
        }
    }
    /// Its text, when it is a string constant and nothing else flows in.
    pub(crate) fn const_str(&self) -> Option<&Rc<str>> {
        match self.konst.as_ref().filter(|_| self.is_constant()) {
            Some(K::Str(s)) => Some(s),
            _ => None,
        }
    }
    /// Nothing non-literal flows into it.
    pub(crate) fn is_constant(&self) -> bool {
        self.sources.is_empty() && self.params == 0 && !self.unknown
    }
    /// It may hold data (as opposed to a handle built from configuration):
    /// methods called on it pass their receiver on.
    pub(crate) fn carries_data(&self) -> bool {
        self.unknown
            || self.params != 0
            || self
                .sources
                .iter()
                .any(|s| !matches!(s.kind.as_str(), "env" | "secret"))
    }
    /// Only the taint of it: no constant, type, function or length.
    pub(crate) fn taint_only(&self) -> Value {
        Value {
            sources: self.sources.clone(),
            params: self.params,
            unknown: self.unknown,
            konst: None,
            clean: self.clean,
            src_clean: self.src_clean,
            steps: self.steps.clone(),
            ty: None,
            made: None,
            func: None,
            len: None,
            calls: self.calls.clone(),
            calls_dropped: self.calls_dropped,
        }
    }

    /// Combine a value flowing in from elsewhere (another path, another
    /// operand). Constants stay only when both sides agree.
    pub(crate) fn join(&mut self, other: &Value) {
        if self.konst != other.konst {
            self.konst = None;
        }
        if self.len != other.len {
            self.len = None;
        }
        if self.ty.is_none() {
            self.ty.clone_from(&other.ty);
            self.made = other.made;
        }
        if self.func.is_none() {
            self.func = other.func;
        }
        self.add_calls(&other.calls);
        self.calls_dropped |= other.calls_dropped;
        if other.is_constant() {
            return;
        }
        // A value clean for every sink kind (an input an allow-list
        // passed) brings nothing dangerous into a value that is not
        // constant: its sources would otherwise make `f"{image_id}.{fmt}"`
        // confirmed once the unclean parameter `image_id` undid its
        // cleanliness. (Into a constant it comes whole, still clean.)
        if other.clean == ALL_KINDS && !self.is_constant() {
            return;
        }
        if self.is_constant() || self.clean == ALL_KINDS {
            self.sources.clone_from(&other.sources);
            self.params = other.params;
            self.unknown = other.unknown;
            self.clean = other.clean;
            self.src_clean = other.src_clean;
            self.steps = other.steps.clone();
            return;
        }
        self.clean &= other.clean;
        // Only a side with sources says what its sources are clean for;
        // between two without, keep what both say (a join that took the
        // last side's would flip at a loop's head and never settle).
        if self.sources.is_empty() && !other.sources.is_empty() {
            self.src_clean = other.src_clean;
        } else if self.sources.is_empty() == other.sources.is_empty() {
            self.src_clean &= other.src_clean;
        }
        for s in &other.sources {
            self.add_source(s);
        }
        if self.steps.is_empty() {
            self.steps = other.steps.clone();
        }
        self.params |= other.params;
        self.unknown |= other.unknown;
    }

    pub(crate) fn joined(mut self, other: &Value) -> Value {
        self.join(other);
        self
    }

    /// Note calls into other modules that reach it (at most
    /// [`MAX_CALLS`], the first ones).
    pub(crate) fn add_calls(&mut self, calls: &Rc<Vec<Rc<str>>>) {
        if calls.is_empty() || Rc::ptr_eq(&self.calls, calls) {
            return;
        }
        if self.calls.is_empty() {
            self.calls = calls.clone();
            return;
        }
        for c in calls.iter() {
            if self.calls.len() >= MAX_CALLS {
                self.calls_dropped |= !self.calls.contains(c);
                continue;
            }
            if !self.calls.contains(c) {
                Rc::make_mut(&mut self.calls).push(c.clone());
            }
        }
    }

    fn add_source(&mut self, s: &Rc<Source>) {
        keep_ranked(&mut self.sources, s, MAX_SOURCES, |x| &x.kind);
    }

    /// Record a hop on the path (only for values carrying a source).
    pub(crate) fn step(&mut self, step: Step) {
        if self.sources.is_empty() || self.steps.len() >= MAX_STEPS {
            return;
        }
        if self.steps.last() == Some(&step) {
            return;
        }
        Rc::make_mut(&mut self.steps).push(step);
    }

    /// Clean for the given kinds.
    pub(crate) fn sanitise(&mut self, kinds: Kinds) {
        self.clean |= kinds;
        self.src_clean |= kinds;
    }

    /// No longer clean for the given kinds (decoded: `%0A` is a line
    /// break again), its sources neither.
    pub(crate) fn unclean(&mut self, kinds: Kinds) {
        self.clean &= !kinds;
        self.src_clean &= !kinds;
    }

    pub(crate) fn primary_source(&self) -> Option<&Rc<Source>> {
        self.sources.iter().min_by_key(|s| source_rank(&s.kind))
    }

    /// The parameters it derives from, in order.
    pub(crate) fn param_list(&self) -> Vec<u32> {
        (0..MAX_PARAMS)
            .filter(|i| self.params & (1 << i) != 0)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(kind: &str, label: &str) -> Source {
        Source {
            kind: kind.into(),
            path: "a.py".into(),
            span: bw_ir::Span::default(),
            label: label.into(),
        }
    }

    #[test]
    fn sources_clean_for_a_kind_stay_so_beside_a_parameter() {
        // A raw URL (clean for logs by its type) joined with a parameter:
        // the value is not clean for logs (the parameter may not be), but
        // its source is, so it is no confirmed flow into a log.
        let mut url = Value::source(src("request", "req.path"));
        url.sanitise(0b10);
        let mut v = Value::param(0);
        v.join(&url);
        assert_eq!((v.clean & 0b10, v.src_clean & 0b10), (0, 0b10));
        // A source that is not clean for logs joined after it is.
        v.join(&Value::source(src("request", "req.body")));
        assert_eq!(v.src_clean & 0b10, 0);
        // Decoding undoes both.
        let mut d = url.clone();
        d.unclean(0b10);
        assert_eq!((d.clean & 0b10, d.src_clean & 0b10), (0, 0));
    }

    #[test]
    fn joining_values_without_sources_settles_whatever_the_order() {
        // Two parameters, one of them formatted (clean for a kind): their
        // join is the same either way, and joining again changes nothing
        // (a loop's head joins the value from before it with the one from
        // its body until nothing changes).
        let a = Value::param(0);
        let mut b = Value::param(0);
        b.sanitise(0b100);
        let ab = a.clone().joined(&b);
        let ba = b.clone().joined(&a);
        assert_eq!(ab, ba);
        assert_eq!(ab.clone().joined(&b), ab);
        assert_eq!(ab.clone().joined(&a), ab);
    }

    #[test]
    fn join_keeps_the_worst_sources_and_intersects_cleanliness() {
        let mut a = Value::source(src("env", "os.environ"));
        a.sanitise(1);
        let mut b = Value::source(src("request", "request.args"));
        b.sanitise(1 | 2);
        a.join(&b);
        assert_eq!(a.clean, 1, "clean only for what both sides are clean for");
        for k in ["file", "secret", "retrieved"] {
            a.join(&Value::source(src(k, k)));
        }
        assert_eq!(a.sources.len(), MAX_SOURCES);
        assert_eq!(a.primary_source().unwrap().kind, "request");
        assert!(
            !a.sources
                .iter()
                .any(|s| s.kind == "env" || s.kind == "secret"),
            "{:?}",
            a.sources
        );
        // A constant joined in changes nothing but the constant.
        let mut c = Value::konst(Some(K::Int(1)));
        c.join(&Value::konst(Some(K::Int(1))));
        assert_eq!(c.konst, Some(K::Int(1)));
        c.join(&Value::konst(Some(K::Int(2))));
        assert_eq!(c.konst, None);
        assert!(c.is_constant());
    }

    #[test]
    fn a_value_clean_for_every_kind_brings_no_sources_into_a_join() {
        let mut guarded = Value::source(src("request", "request.args"));
        guarded.sanitise(ALL_KINDS);
        // Joined with a parameter (a string built from both): the result
        // derives from the parameter only.
        let mut built = Value::param(0);
        built.join(&guarded);
        assert!(built.sources.is_empty());
        assert_eq!((built.params, built.clean), (1, 0));
        let mut built = guarded.clone();
        built.join(&Value::param(1));
        assert!(built.sources.is_empty());
        assert_eq!((built.params, built.clean), (2, 0));
        // Joined with a dirty source (another path): dirty.
        let mut merged = guarded.clone();
        merged.join(&Value::source(src("request", "request.form")));
        assert_eq!(merged.sources.len(), 1);
        assert_eq!(merged.sources[0].label, "request.form");
        assert_eq!(merged.clean, 0);
        // Clean for only some kinds: the sources stay.
        let mut partly = Value::source(src("request", "request.args"));
        partly.sanitise(1);
        let mut built = Value::param(0);
        built.join(&partly);
        assert_eq!(built.sources.len(), 1);
        assert_eq!(built.clean, 0);
        // Both clean for every kind: still clean.
        let mut both = guarded.clone();
        both.join(&guarded);
        assert_eq!(both.clean, ALL_KINDS);
        // Into a constant (a string literal part) it comes whole: clean,
        // and no constant (an unmodelled call on it is of unknown origin).
        let mut lit = Value::konst(Some(K::Str("a".into())));
        lit.join(&guarded);
        assert!(!lit.is_constant());
        assert_eq!(lit.clean, ALL_KINDS);
        assert_eq!(lit.sources.len(), 1);
    }
}
