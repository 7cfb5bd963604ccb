//! Access paths and the states that map them to values.

use crate::value::Value;
use bw_ir::Sym;
use std::collections::BTreeMap;
use std::rc::Rc;

/// Keys an access path may have (`a.b.c.d`): deeper writes and reads go
/// to the deepest path kept.
pub(super) const MAX_KEYS: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Root {
    /// The method's receiver (`self`, `this`).
    Recv,
    Var(Sym),
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Key {
    Int(i64),
    Str(Rc<str>),
}

/// An access path: a root and up to [`MAX_KEYS`] constant keys.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct Ap {
    pub(super) root: Root,
    pub(super) keys: Vec<Key>,
}

impl Ap {
    pub(super) fn child(&self, k: Key) -> Option<Ap> {
        if self.keys.len() >= MAX_KEYS {
            return None;
        }
        let mut keys = self.keys.clone();
        keys.push(k);
        Some(Ap {
            root: self.root.clone(),
            keys,
        })
    }
    pub(super) fn is_prefix_of(&self, other: &Ap) -> bool {
        self.root == other.root
            && other.keys.len() >= self.keys.len()
            && other.keys[..self.keys.len()] == self.keys[..]
    }
}

/// Writes a state keeps apart from the base it shares before folding them
/// in: states along a path share one base, so copying one costs its recent
/// writes, not every path of the function.
const FOLD_AT: usize = 32;

/// The values of the access paths at one point of a function: a base
/// shared between states (copied only when written to while shared) and
/// the writes since (`None`: removed).
#[derive(Debug, Clone, Default)]
pub(super) struct State {
    pub(super) base: Rc<BTreeMap<Ap, Value>>,
    pub(super) delta: BTreeMap<Ap, Option<Value>>,
}

impl State {
    pub(super) fn get(&self, k: &Ap) -> Option<&Value> {
        match self.delta.get(k) {
            Some(x) => x.as_ref(),
            None => self.base.get(k),
        }
    }
    pub(super) fn contains_key(&self, k: &Ap) -> bool {
        self.get(k).is_some()
    }
    pub(super) fn insert(&mut self, k: Ap, v: Value) {
        self.delta.insert(k, Some(v));
        self.fold();
    }
    pub(super) fn remove(&mut self, k: &Ap) -> Option<Value> {
        let old = self.get(k).cloned();
        if self.base.contains_key(k) {
            self.delta.insert(k.clone(), None);
        } else {
            self.delta.remove(k);
        }
        old
    }
    pub(super) fn get_mut(&mut self, k: &Ap) -> Option<&mut Value> {
        if !self.delta.contains_key(k) {
            let v = self.base.get(k)?.clone();
            self.delta.insert(k.clone(), Some(v));
        }
        self.delta.get_mut(k).and_then(|x| x.as_mut())
    }
    fn fold(&mut self) {
        if self.delta.len() <= FOLD_AT {
            return;
        }
        let base = Rc::make_mut(&mut self.base);
        for (k, v) in std::mem::take(&mut self.delta) {
            match v {
                Some(v) => {
                    base.insert(k, v);
                }
                None => {
                    base.remove(&k);
                }
            }
        }
    }
    /// Every path under `p` (itself included), in order.
    pub(super) fn under(&self, p: &Ap, mut f: impl FnMut(&Ap, &Value)) {
        let mut bi = self
            .base
            .range(p.clone()..)
            .take_while(|(k, _)| p.is_prefix_of(k))
            .peekable();
        let mut di = self
            .delta
            .range(p.clone()..)
            .take_while(|(k, _)| p.is_prefix_of(k))
            .peekable();
        merge(&mut bi, &mut di, &mut f);
    }
    /// Every path, in order.
    pub(super) fn each(&self, mut f: impl FnMut(&Ap, &Value)) {
        merge(
            &mut self.base.iter().peekable(),
            &mut self.delta.iter().peekable(),
            &mut f,
        );
    }
    /// The paths under `p` (itself included).
    pub(super) fn keys_under(&self, p: &Ap) -> Vec<Ap> {
        let mut out = Vec::new();
        self.under(p, |k, _| out.push(k.clone()));
        out
    }
}

/// Every path of `a` or `b`, in order, with its value on each side
/// (`None`: not there).
pub(super) fn zip(a: &State, b: &State, f: &mut impl FnMut(&Ap, Option<&Value>, Option<&Value>)) {
    walk_both(Entries::of(a), Entries::of(b), f);
}

/// Walk two streams ordered by path as one: each path once, with what
/// each side has for it.
pub(super) fn walk_both<'k, X, Y>(
    a: impl Iterator<Item = (&'k Ap, X)>,
    b: impl Iterator<Item = (&'k Ap, Y)>,
    f: &mut impl FnMut(&'k Ap, Option<X>, Option<Y>),
) {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    loop {
        let (x, y) = match (a.peek(), b.peek()) {
            (None, None) => return,
            (Some(_), None) => (a.next(), None),
            (None, Some(_)) => (None, b.next()),
            (Some((ka, _)), Some((kb, _))) => match ka.cmp(kb) {
                std::cmp::Ordering::Less => (a.next(), None),
                std::cmp::Ordering::Greater => (None, b.next()),
                std::cmp::Ordering::Equal => (a.next(), b.next()),
            },
        };
        match (x, y) {
            (Some((k, x)), y) => f(k, Some(x), y.map(|(_, y)| y)),
            (None, Some((k, y))) => f(k, None, Some(y)),
            (None, None) => return,
        }
    }
}

/// The paths of a state in order: its base and its writes merged, writes
/// winning, removed paths skipped.
struct Entries<'a> {
    base: std::iter::Peekable<std::collections::btree_map::Iter<'a, Ap, Value>>,
    delta: std::iter::Peekable<std::collections::btree_map::Iter<'a, Ap, Option<Value>>>,
}

impl<'a> Entries<'a> {
    fn of(st: &'a State) -> Entries<'a> {
        Entries {
            base: st.base.iter().peekable(),
            delta: st.delta.iter().peekable(),
        }
    }
}

impl<'a> Iterator for Entries<'a> {
    type Item = (&'a Ap, &'a Value);
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let order = match (self.base.peek(), self.delta.peek()) {
                (None, None) => return None,
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (Some(b), Some(d)) => b.0.cmp(d.0),
            };
            let (k, v) = match order {
                std::cmp::Ordering::Less => return self.base.next(),
                std::cmp::Ordering::Greater => self.delta.next()?,
                std::cmp::Ordering::Equal => {
                    self.base.next();
                    self.delta.next()?
                }
            };
            if let Some(v) = v {
                return Some((k, v));
            }
        }
    }
}

/// Walk a base and the writes over it in key order, writes winning.
fn merge<'a>(
    bi: &mut std::iter::Peekable<impl Iterator<Item = (&'a Ap, &'a Value)>>,
    di: &mut std::iter::Peekable<impl Iterator<Item = (&'a Ap, &'a Option<Value>)>>,
    f: &mut impl FnMut(&Ap, &Value),
) {
    walk_both(bi, di, &mut |k, b, d| match (b, d) {
        (_, Some(Some(v))) | (Some(v), None) => f(k, v),
        _ => {}
    });
}
