//! Branch refinement: what a condition proves on the edge where it holds
//! (or fails), from the catalogue's guards and from equality with a
//! constant.

use super::state::{Ap, State};
use super::{Cat, Fx, HostOf, kinds_mask};
use crate::catalogue::{GuardKind, GuardSpec, name_matches};
use crate::value::{K, Kinds, Value};
use bw_ir::{CmpOp, Const, Expr, ExprId, LogicOp, UnOp};

impl Fx<'_> {
    /// The access path a URL parser call parses (`urlparse(url)`).
    pub(super) fn parsed_arg(&self, e: ExprId, st: &State) -> Option<Ap> {
        let e = match self.m.expr(e) {
            Expr::Await(x) => *x,
            _ => e,
        };
        let Expr::Call { callee, args, .. } = self.m.expr(e) else {
            return None;
        };
        let path = self.path_of(*callee, st)?;
        if !self.cat.is_parser(&path) {
            return None;
        }
        self.access(args.first()?.value, st)
    }

    /// Make the access path `e` names clean for `mask` in `st` (its value
    /// as read here: a source read directly is stored, cleaned).
    fn clean(&mut self, e: ExprId, mask: Kinds, st: &mut State) {
        if let Some(ap) = self.access(e, st) {
            let mut v = self.eval(e, st, 1);
            v.sanitise(mask);
            st.insert(ap, v);
        }
    }

    fn clean_ap(&self, ap: Ap, mask: Kinds, st: &mut State) {
        let mut v = self.lookup(st, &ap);
        v.sanitise(mask);
        st.insert(ap, v);
    }

    /// Whether an expression can serve as an allow-list: the server's own
    /// collection, not one the caller or an attacker chose. A literal of
    /// constants, a name holding one, or data the server holds (its
    /// configuration, its settings, what its own calls return): no
    /// outside source but the environment reaches it, and no parameter of
    /// the function (whose caller may pass anything). A value found in
    /// such a collection is one the server already had.
    fn is_allowlist_expr(&mut self, e: ExprId, st: &mut State) -> bool {
        let v = self.eval(e, st, 1);
        v.params == 0
            && v.sources
                .iter()
                .all(|s| matches!(s.kind.as_str(), "env" | "secret"))
    }

    /// Record on `st` what `cond` evaluating to `truth` proves.
    pub(super) fn refine(&mut self, cond: ExprId, truth: bool, st: &mut State, depth: u32) {
        if depth > 16 {
            return;
        }
        match self.m.expr(cond).clone() {
            Expr::Unary(UnOp::Not, x) => self.refine(x, !truth, st, depth + 1),
            Expr::Logical(LogicOp::And, a, b) if truth => {
                self.refine(a, true, st, depth + 1);
                self.refine(b, true, st, depth + 1);
            }
            Expr::Logical(LogicOp::Or, a, b) if !truth => {
                self.refine(a, false, st, depth + 1);
                self.refine(b, false, st, depth + 1);
            }
            Expr::Compare(op, l, r) => self.refine_compare(op, l, r, truth, st, depth),
            Expr::Call { .. } => self.refine_call(cond, truth, st),
            // `if not name: log(name)`: where a value tested is false it is
            // empty, zero or none, which injects nothing.
            Expr::Name(_) | Expr::Field { .. } | Expr::Index { .. }
                if !truth && self.access(cond, st).is_some() =>
            {
                self.clean(cond, crate::value::ALL_KINDS, st);
            }
            _ => {}
        }
    }

    fn refine_compare(
        &mut self,
        op: CmpOp,
        l: ExprId,
        r: ExprId,
        truth: bool,
        st: &mut State,
        depth: u32,
    ) {
        match op {
            CmpOp::In | CmpOp::NotIn => {
                let inside = (op == CmpOp::In) == truth;
                // `".." in p` rejected: `p` is clean of traversal.
                if let Some(k) = self.m.str_const(l) {
                    let mask = self
                        .cat
                        .guards(GuardKind::Path)
                        .filter(|g| g.substrings.iter().any(|s| s == k))
                        .fold(0, |m, g| m | kinds_mask(&g.protects));
                    if !inside && mask != 0 {
                        self.clean(r, mask, st);
                    }
                    return;
                }
                if !inside || !self.is_allowlist_expr(r, st) {
                    return;
                }
                if self.host_of(l, st).is_some() {
                    self.clean_host(l, st);
                    return;
                }
                let mask = self
                    .cat
                    .guards(GuardKind::Allowlist)
                    .fold(0, |m, g| m | kinds_mask(&g.protects));
                if mask != 0 {
                    self.clean(l, mask, st);
                }
            }
            CmpOp::Eq
            | CmpOp::StrictEq
            | CmpOp::NotEq
            | CmpOp::StrictNotEq
            | CmpOp::Is
            | CmpOp::IsNot => {
                let equal = matches!(op, CmpOp::Eq | CmpOp::StrictEq | CmpOp::Is) == truth;
                // `check(x) is None`, `m === null`: the check failed when equal.
                if matches!(self.m.expr(r), Expr::Const(Const::Null)) {
                    if let Expr::Call { .. } = self.m.expr(l) {
                        self.refine(l, !equal, st, depth + 1);
                    }
                    return;
                }
                if !equal {
                    return;
                }
                for (x, c) in [(l, r), (r, l)] {
                    let Expr::Const(k) = self.m.expr(c) else {
                        continue;
                    };
                    if self.host_of(x, st).is_some() {
                        self.clean_host(x, st);
                        return;
                    }
                    // `x == "asc"`: here `x` is that constant.
                    if let Some(ap) = self.access(x, st) {
                        self.kill(st, &ap);
                        st.insert(ap, Value::konst(K::of(k)));
                    }
                    return;
                }
            }
            _ => {}
        }
    }

    /// `new URL(u).<field>`, `urlparse(u).<field>`: the kinds protected by
    /// the host guards whose `fields` list the field read and whose
    /// parsers made its object, with that object (`None`: no such guard).
    /// The field's name is looked up before the object's path is made.
    pub(super) fn parsed_field(
        &self,
        e: ExprId,
        st: &State,
        fields: fn(&GuardSpec) -> &[String],
    ) -> Option<(Kinds, ExprId)> {
        let Expr::Field { obj, name, .. } = self.m.expr(e) else {
            return None;
        };
        let field = self.m.name(*name);
        let mut guards = self
            .cat
            .guards(GuardKind::Host)
            .filter(|g| fields(g).iter().any(|f| f == field))
            .peekable();
        guards.peek()?;
        let obj_path = self.path_of(*obj, st)?;
        let parser = obj_path.strip_suffix("()")?;
        let mask = guards
            .filter(|g| g.parsers.iter().any(|p| name_matches(p, parser)))
            .fold(0, |m, g| m | kinds_mask(&g.protects));
        (mask != 0).then_some((mask, *obj))
    }

    /// `parsed.hostname`, `urlparse(u).netloc`, `new URL(u).host`: the
    /// host guard whose field it reads, with the parsed path.
    pub(super) fn host_field(&self, e: ExprId, st: &State) -> Option<HostOf> {
        let (mask, obj) = self.parsed_field(e, st, |g| g.host_fields.as_slice())?;
        let holder = self.access(obj, st);
        let parsed = match &holder {
            Some(h) => self.parsed.get(h).cloned(),
            None => self.parsed_arg(obj, st),
        };
        Some((mask, holder, parsed))
    }

    /// [`Self::host_field`], or what a variable assigned one holds
    /// (`host = urlparse(url).hostname; if host in ALLOWED: …`).
    fn host_of(&self, e: ExprId, st: &State) -> Option<HostOf> {
        self.host_field(e, st).or_else(|| {
            let ap = self.access(e, st)?;
            self.hosts.get(&ap).cloned()
        })
    }

    fn clean_host(&self, e: ExprId, st: &mut State) {
        if let Some((mask, holder, parsed)) = self.host_of(e, st) {
            for ap in [holder, parsed].into_iter().flatten() {
                self.clean_ap(ap, mask, st);
            }
        }
    }

    /// A guard call that holds: regex, type or number check, allow-list
    /// method, path prefix or `..` check.
    fn refine_call(&mut self, call: ExprId, truth: bool, st: &mut State) {
        let Expr::Call { callee, args, .. } = self.m.expr(call).clone() else {
            return;
        };
        let path = self.path_of(callee, st).unwrap_or_default();
        let (method, recv) = match self.m.expr(callee) {
            Expr::Field { obj, name, .. } => (Some(self.m.name(*name).to_string()), Some(*obj)),
            _ => (None, None),
        };
        let method = method.as_deref();
        let guards: Vec<&GuardSpec> = self
            .cat
            .spec
            .guards
            .iter()
            .filter(|g| Cat::matches(&g.callees, &g.methods, &path, method))
            .collect();
        for g in guards {
            let by_method = method.is_some_and(|m| g.methods.iter().any(|x| x == m))
                && !g.callees.iter().any(|c| name_matches(c, &path));
            let checked = match g.arg {
                Some(i) => args.get(i as usize).map(|a| a.value),
                None if by_method => recv,
                None => args.first().map(|a| a.value),
            };
            let mask = kinds_mask(&g.protects);
            match g.kind {
                GuardKind::Regex => {
                    if !truth || !self.regex_anchored(g, recv, &args, st) {
                        continue;
                    }
                    if let Some(c) = checked {
                        self.clean(c, mask, st);
                    }
                }
                GuardKind::Coerce | GuardKind::Validator => {
                    if truth && let Some(c) = checked {
                        self.clean(c, mask, st);
                    }
                }
                GuardKind::Allowlist => {
                    // `ALLOWED.includes(x)`: the server's own receiver.
                    if truth
                        && let (Some(r), Some(c)) = (recv, checked)
                        && self.is_allowlist_expr(r, st)
                    {
                        // `ALLOWED.has(new URL(u).hostname)`: the URL.
                        if self.host_of(c, st).is_some() {
                            self.clean_host(c, st);
                        }
                        self.clean(c, mask, st);
                    }
                }
                GuardKind::Path => {
                    let Some(r) = recv else { continue };
                    let first = args.first().and_then(|a| self.m.str_const(a.value));
                    if let Some(k) = first
                        && g.substrings.iter().any(|s| s == k)
                    {
                        // `p.includes("..")` rejected.
                        if !truth {
                            self.clean(r, mask, st);
                        }
                        continue;
                    }
                    // A prefix check holds only of a normalised path.
                    let normalised = self.path_of(r, st).is_some_and(|t| {
                        t.strip_suffix("()")
                            .is_some_and(|c| g.normalisers.iter().any(|n| name_matches(n, c)))
                    });
                    if truth
                        && normalised
                        && !g.substrings.iter().any(|s| Some(s.as_str()) == first)
                    {
                        self.clean(r, mask, st);
                    }
                }
                GuardKind::Host => {}
            }
        }
    }

    /// Whether a regex guard's pattern matches whole values.
    fn regex_anchored(
        &self,
        g: &GuardSpec,
        recv: Option<ExprId>,
        args: &[bw_ir::Arg],
        st: &State,
    ) -> bool {
        if g.full {
            return true;
        }
        let pattern = match g.pattern_arg {
            Some(i) => args.get(i as usize).map(|a| a.value),
            None => recv,
        };
        let Some(p) = pattern else {
            return false;
        };
        let text = match self.m.expr(p) {
            Expr::Const(Const::Str(s)) | Expr::Const(Const::Regex(s, _)) => Some(s.to_string()),
            _ => self
                .access(p, st)
                .and_then(|ap| match self.lookup(st, &ap).konst {
                    Some(K::Str(s)) => Some(s.to_string()),
                    _ => None,
                }),
        };
        text.is_some_and(|t| {
            t.starts_with('^') && (t.ends_with('$') || t.ends_with("\\Z") || t.ends_with("\\z"))
        })
    }
}
