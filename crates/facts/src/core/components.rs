//! The components a file's calls reveal (data stores, outbound HTTP calls,
//! calls to language models, message queues), from the catalogue's
//! `[[component]]` entries (`rules/flow/*.toml`) and the calls the
//! dataflow engine resolved ([`bw_flow::NamedCall`]): one reading for
//! every language, the library knowledge in data.

use crate::flowspec::{
    ArgCondition, ArgPlaces, ComponentArgs, ComponentSpec, FlowSpecFile, Literal, name_matches,
};
use crate::types::{Fact, Prop, Subject};
use bw_ir::{ArgKind, Const, Entry, Expr, ExprId, Module, Span, TemplatePart};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The component facts of one analysed file.
pub fn facts(
    path: &str,
    text: &str,
    m: &Module,
    named: &[bw_flow::NamedCall],
    cat: &FlowSpecFile,
    symbols: &BTreeMap<String, String>,
) -> Vec<Fact> {
    let mut r = Reader {
        path,
        text,
        m,
        args: &cat.component_args,
        out: Vec::new(),
        parents: std::cell::OnceCell::new(),
    };
    if cat.components.is_empty() {
        return vec![];
    }
    for nc in named {
        let mut symbol = None;
        // One fact per subject for a call (the first entry matching), and
        // per kind for settings (`jwt.decode` may skip two checks).
        let mut done: BTreeSet<(&str, &str)> = BTreeSet::new();
        for spec in cat.components_for(&nc.path) {
            let key = done_key(spec);
            if done.contains(&key) || !gated_in(m, &spec.imports) {
                continue;
            }
            let symbol = symbol.get_or_insert_with(|| symbol_of(m, nc.function, symbols));
            let found = if spec.subject == "setting" {
                r.setting_fact(cat, spec, nc, symbol)
            } else {
                r.call_fact(spec, nc, symbol)
            };
            if let Some(f) = found {
                done.insert(key);
                r.push(spec, f);
            }
        }
    }
    r.assigned(cat, symbols);
    r.written(cat, symbols);
    r.decorated(cat, symbols);
    r.extended(cat, symbols);
    r.class_fields(cat);
    // A component counted once per file is at its first use.
    let mut found = std::mem::take(&mut r.out);
    found.sort_by_key(|(f, _)| {
        (
            f.evidence.location.start_line,
            f.evidence.location.start_col,
        )
    });
    let mut once = BTreeSet::new();
    found
        .into_iter()
        .filter(|(f, first)| {
            !*first
                || once.insert((
                    f.subject,
                    f.kind.clone(),
                    f.str("library").map(str::to_string),
                ))
        })
        .map(|(f, _)| f)
        .collect()
}

/// What one call is counted once for: its subject, and a setting's kind
/// (`jwt.decode` may skip two checks).
fn done_key(spec: &ComponentSpec) -> (&str, &str) {
    let kind = if spec.subject == "setting" {
        spec.kind.as_deref().unwrap_or("")
    } else {
        ""
    };
    (spec.subject.as_str(), kind)
}

fn symbol_of(m: &Module, f: bw_ir::FuncId, symbols: &BTreeMap<String, String>) -> String {
    let q = &m.func(f).qualified;
    symbols.get(q).cloned().unwrap_or_else(|| q.clone())
}

/// The innermost function whose definition holds `sp` (the module's
/// top-level code when none does).
fn innermost(m: &Module, sp: Span) -> bw_ir::FuncId {
    let mut best = bw_ir::FuncId(0);
    let mut best_start = 0;
    for (i, f) in m.functions.iter().enumerate() {
        if f.kind != bw_ir::FuncKind::Module
            && f.span.start <= sp.start
            && sp.end <= f.span.end
            && f.span.start >= best_start
        {
            best = bw_ir::FuncId(i as u32);
            best_start = f.span.start;
        }
    }
    best
}

/// Whether an entry's `imports` gate lets it apply in `m`: none given,
/// or the module imports one of them.
fn gated_in(m: &Module, imports: &[String]) -> bool {
    imports.is_empty() || m.imports_any(imports)
}

/// What a call's argument at some place holds, as far as it is known
/// without running anything.
#[derive(Debug, Clone, PartialEq)]
enum Text {
    /// The whole value is this constant.
    Whole(String),
    /// It begins with this constant (`f"https://api.example.com/{id}"`).
    Prefix(String),
    /// Given, but of unknown text.
    Other,
}

struct Reader<'a> {
    path: &'a str,
    text: &'a str,
    m: &'a Module,
    args: &'a ComponentArgs,
    /// Each fact, and whether it counts once per file.
    out: Vec<(Fact, bool)>,
    /// Each expression's parent, and the names values are assigned to:
    /// made when an entry with a purpose first needs them.
    parents: std::cell::OnceCell<Parents>,
}

/// What holds each expression of a module.
struct Parents {
    /// The expression each one is an operand of (`u32::MAX`: none).
    of: Vec<u32>,
    /// The target each top expression of an assignment is assigned to,
    /// as written (`reset_token`, `user.otp`), and whether it is added to
    /// it (`text += …`: an accumulator, whose name says less than the
    /// function's).
    named: HashMap<ExprId, (String, bool)>,
}

/// A call's arguments, with the engine's folded constants of each.
struct CallArgs<'a> {
    args: &'a [bw_ir::Arg],
    consts: &'a [Option<String>],
}

impl<'a> CallArgs<'a> {
    /// The positional arguments, with each one's index among all.
    fn positional(&self) -> Vec<(usize, &'a bw_ir::Arg)> {
        self.args
            .iter()
            .enumerate()
            .filter(|(_, a)| a.kind == ArgKind::Positional)
            .collect()
    }
}

impl<'a> Reader<'a> {
    fn push(&mut self, spec: &ComponentSpec, f: Fact) {
        self.out.push((f, spec.once));
    }

    /// A fact of `spec`'s subject and library (an ORM's, a queue's role)
    /// at `sp`: what every component fact says.
    fn fact_of(&self, spec: &ComponentSpec, kind: String, sp: Span, symbol: &str) -> Option<Fact> {
        let subject = subject_of(&spec.subject)?;
        let mut f = Fact::new(
            subject,
            kind,
            super::evidence_at(self.path, self.text, sp, symbol, &self.m.comments),
        )
        .with("library", Prop::Str(spec.library.clone()));
        if spec.orm {
            f = f.with("orm", Prop::Bool(true));
        }
        if subject == Subject::Queue
            && let Some(r) = &spec.role
        {
            f = f.with("role", Prop::Str(r.clone()));
        }
        Some(f)
    }

    fn call_args(&self, e: ExprId) -> Option<&'a [bw_ir::Arg]> {
        match self.m.expr(e) {
            Expr::Call { args, .. } => Some(args),
            _ => None,
        }
    }

    /// The value given at the first of `places` the call fills: a
    /// positional argument (not an options object), a keyword, or (where
    /// the language passes options objects) a property of one.
    fn at(&self, c: &CallArgs<'_>, places: &ArgPlaces) -> Option<(ExprId, Option<String>)> {
        let positional = c.positional();
        for &i in &places.args {
            if let Some((j, a)) = positional.get(i as usize)
                && !matches!(self.m.expr(a.value), Expr::Dict(_))
            {
                return Some((a.value, c.consts.get(*j).cloned().flatten()));
            }
        }
        for k in &places.keywords {
            if let Some(v) = self.keyword(c, k) {
                return Some(v);
            }
        }
        None
    }

    /// The value of keyword `k` (or of the options-object property `k`).
    fn keyword(&self, c: &CallArgs<'_>, k: &str) -> Option<(ExprId, Option<String>)> {
        for (j, a) in c.args.iter().enumerate() {
            match a.kind {
                ArgKind::Keyword(s) if self.m.name(s) == k => {
                    return Some((a.value, c.consts.get(j).cloned().flatten()));
                }
                ArgKind::Positional if self.args.options_objects => {
                    if let Some(v) = self.property(a.value, k) {
                        return Some((v, None));
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// The value of property `k` of an object literal.
    fn property(&self, obj: ExprId, k: &str) -> Option<ExprId> {
        let Expr::Dict(entries) = self.m.expr(obj) else {
            return None;
        };
        entries.iter().find_map(|en| match en {
            Entry::Pair(key, v) if self.m.str_const(*key) == Some(k) => Some(*v),
            _ => None,
        })
    }

    /// Whether any of `names` is given (and not `None`/`null`), as a
    /// keyword, an options-object property, or a key of a dictionary
    /// passed (`options={"num_predict": 256}`).
    fn given(&self, c: &CallArgs<'_>, names: &[String]) -> bool {
        names.iter().any(|k| {
            self.keyword(c, k)
                .is_some_and(|(v, _)| !matches!(self.m.expr(v), Expr::Const(Const::Null)))
        }) || c.args.iter().any(|a| {
            matches!(a.kind, ArgKind::Keyword(_))
                && names.iter().any(|k| self.property(a.value, k).is_some())
        })
    }

    /// The text of a value: the engine's constant, a literal, or the
    /// literal start of a formatted string or a concatenation.
    fn text_of(&self, e: ExprId, folded: Option<String>) -> Text {
        if let Some(s) = folded {
            return Text::Whole(s);
        }
        // The left operand of a concatenation begins the value.
        let mut e = e;
        let mut whole = true;
        for _ in 0..64 {
            match self.m.expr(e) {
                Expr::Const(Const::Str(s)) if whole => return Text::Whole(s.to_string()),
                Expr::Const(Const::Str(s)) => return Text::Prefix(s.to_string()),
                Expr::Template(parts) => {
                    let mut out = String::new();
                    for p in parts {
                        match p {
                            TemplatePart::Text(t) => out.push_str(t),
                            TemplatePart::Expr(_) => return Text::Prefix(out),
                        }
                    }
                    return if whole {
                        Text::Whole(out)
                    } else {
                        Text::Prefix(out)
                    };
                }
                Expr::Binary(bw_ir::BinOp::Add, l, _) => {
                    e = *l;
                    whole = false;
                }
                _ => return Text::Other,
            }
        }
        Text::Other
    }

    /// A string constant at `places` of the call (a topic, a kind's value).
    fn constant(&self, c: &CallArgs<'_>, places: &ArgPlaces) -> Option<String> {
        let (e, folded) = self.at(c, places)?;
        match self.text_of(e, folded) {
            Text::Whole(s) => Some(s),
            _ => None,
        }
    }

    /// The settings made by assigning (`DEBUG = True` in a settings
    /// module, `app.config["DEBUG"] = True`, `ctx.check_hostname =
    /// False`): the `[[setting]]` entries with `assigns`, over every
    /// assignment of the module and every field of a class body.
    fn assigned(&mut self, cat: &FlowSpecFile, symbols: &BTreeMap<String, String>) {
        let m = self.m;
        let specs: Vec<&ComponentSpec> = cat
            .components
            .iter()
            .filter(|c| !c.assigns.is_empty() && gated_in(m, &c.imports))
            .collect();
        if specs.is_empty() {
            return;
        }
        let wanted: BTreeSet<&str> = specs
            .iter()
            .flat_map(|c| c.assigns.iter().map(String::as_str))
            .collect();
        let mut found: Vec<Assigned<'_>> = Vec::new();
        for (i, f) in m.functions.iter().enumerate() {
            let module = f.kind == bw_ir::FuncKind::Module;
            let mut symbol = None;
            for b in &f.blocks {
                for (st, sp) in &b.stmts {
                    let bw_ir::Stmt::Assign { target, value } = st else {
                        continue;
                    };
                    let Some((shown, name, bare)) = self.target_names(target, module, &wanted)
                    else {
                        continue;
                    };
                    let symbol = symbol
                        .get_or_insert_with(|| symbol_of(m, bw_ir::FuncId(i as u32), symbols))
                        .clone();
                    found.push(Assigned {
                        shown,
                        name,
                        bare,
                        value: *value,
                        span: *sp,
                        symbol,
                        class: None,
                        func: Some(bw_ir::FuncId(i as u32)),
                    });
                }
            }
        }
        for c in &m.classes {
            for (name, value, sp) in &c.fields {
                let Some(value) = value else { continue };
                if !wanted.contains(m.name(*name)) {
                    continue;
                }
                let n = m.name(*name).to_string();
                found.push(Assigned {
                    shown: n.clone(),
                    name: n,
                    bare: true,
                    value: *value,
                    span: *sp,
                    symbol: c.qualified.clone(),
                    class: Some(m.name(c.name)),
                    func: None,
                });
            }
        }
        for a in found {
            for spec in &specs {
                if !spec.assigns.contains(&a.name) {
                    continue;
                }
                let counts = match a.class {
                    Some(c) => {
                        spec.in_classes
                            && !crate::words::words(c)
                                .iter()
                                .any(|w| spec.except_classes.iter().any(|x| x == w))
                    }
                    None => !a.bare || spec.in_files(self.path),
                };
                if !counts {
                    continue;
                }
                let at = (a.span, a.symbol.as_str(), a.shown.as_str());
                if let Some(mut f) =
                    self.setting_of(spec, |c| self.meets_value(c, a.value, None), at)
                {
                    if a.func.is_some_and(|g| self.in_development(g, a.value)) {
                        f = f.with("development", Prop::Bool(true));
                    }
                    self.push(spec, f);
                    break;
                }
            }
        }
    }

    /// The settings made by writing a value: an entry of a mapping or
    /// object literal anywhere in the code (`rejectUnauthorized: false`,
    /// the `[[setting]]` entries with `entries`), or a value used
    /// (`ssl.CERT_NONE`, with `uses`) given to a call, assigned, or written
    /// as a mapping's entry; never one compared.
    fn written(&mut self, cat: &FlowSpecFile, symbols: &BTreeMap<String, String>) {
        let m = self.m;
        let specs: Vec<&ComponentSpec> = cat
            .components
            .iter()
            .filter(|c| (!c.entries.is_empty() || !c.uses.is_empty()) && gated_in(m, &c.imports))
            .collect();
        if specs.is_empty() {
            return;
        }
        let keys: BTreeSet<&str> = specs
            .iter()
            .flat_map(|c| c.entries.iter().map(String::as_str))
            .collect();
        // The last names of the values used: a name or a field with none of
        // them is resolved no further.
        let lasts: BTreeSet<&str> = specs
            .iter()
            .flat_map(|c| c.uses.iter().map(|u| u.rsplit('.').next().unwrap_or(u)))
            .collect();
        // (where, what it shows, the value tested, the entry)
        let mut found: Vec<(Span, String, ExprId, usize)> = Vec::new();
        let used = |e: ExprId, found: &mut Vec<(Span, String, ExprId, usize)>| {
            let last = match m.expr(e) {
                Expr::Field { name, .. } => m.name(*name),
                Expr::Name(s) => m.name(*s),
                _ => return,
            };
            if !lasts.contains(last) && !lasts.contains("*") {
                return;
            }
            let Some(path) = self.resolved(e) else { return };
            for (i, spec) in specs.iter().enumerate() {
                if spec
                    .uses
                    .iter()
                    .any(|u| bw_flow::catalogue::name_matches(u, &path))
                {
                    let shown = spec.shown_as.clone().unwrap_or_else(|| path.clone());
                    found.push((m.span(e), shown, e, i));
                }
            }
        };
        for x in &m.exprs {
            match x {
                Expr::Dict(entries) => {
                    for en in entries {
                        let Entry::Pair(k, v) = en else { continue };
                        used(*v, &mut found);
                        let Some(key) = m.str_const(*k).filter(|k| keys.contains(k)) else {
                            continue;
                        };
                        // The whole `key: value`.
                        let (ks, vs) = (m.span(*k), m.span(*v));
                        let sp = Span {
                            end: vs.end,
                            end_line: vs.end_line,
                            end_col: vs.end_col,
                            ..ks
                        };
                        for (i, spec) in specs.iter().enumerate() {
                            if spec.entries.iter().any(|x| x == key) {
                                let shown =
                                    spec.shown_as.clone().unwrap_or_else(|| key.to_string());
                                found.push((sp, shown, *v, i));
                            }
                        }
                    }
                }
                Expr::Call { args, .. } => {
                    for a in args {
                        used(a.value, &mut found);
                    }
                }
                _ => {}
            }
        }
        if !lasts.is_empty() {
            for f in &m.functions {
                for b in &f.blocks {
                    for (st, _) in &b.stmts {
                        if let bw_ir::Stmt::Assign { value, .. } = st {
                            used(*value, &mut found);
                        }
                    }
                }
            }
            for c in &m.classes {
                for (_, value, _) in &c.fields {
                    if let Some(v) = value {
                        used(*v, &mut found);
                    }
                }
            }
        }
        // A lowering may copy an expression (a default, a decorator): one
        // fact for each place and entry.
        found.sort_by_key(|(sp, _, _, i)| (sp.start, sp.end, *i));
        found.dedup_by_key(|(sp, _, _, i)| (sp.start, sp.end, *i));
        let mut done: BTreeSet<(u32, u32, &str)> = BTreeSet::new();
        for (sp, shown, v, i) in found {
            let spec = specs[i];
            let kind = spec.kind.as_deref().unwrap_or("");
            if done.contains(&(sp.start, sp.end, kind)) {
                continue;
            }
            let func = innermost(m, sp);
            let symbol = symbol_of(m, func, symbols);
            if let Some(mut f) = self.setting_of(
                spec,
                |c| self.meets_value(c, v, None),
                (sp, &symbol, &shown),
            ) {
                if self.in_development(func, v) {
                    f = f.with("development", Prop::Bool(true));
                }
                done.insert((sp.start, sp.end, kind));
                self.push(spec, f);
            }
        }
    }

    /// An assignment target as written, the name a `[[setting]]`'s
    /// `assigns` gives it (`DEBUG` at module level only, `*.debug`,
    /// `*.config[DEBUG]` or `config[DEBUG]`), and whether it is a bare name;
    /// none for a target no entry assigns (`wanted`).
    fn target_names(
        &self,
        target: &bw_ir::Pattern,
        module: bool,
        wanted: &BTreeSet<&str>,
    ) -> Option<(String, String, bool)> {
        let m = self.m;
        // The name first: what it shows is made only for one an entry
        // assigns (every `self.x = …` of the file passes here).
        match target {
            bw_ir::Pattern::Name(s) if module && wanted.contains(m.name(*s)) => {
                let n = m.name(*s).to_string();
                Some((n.clone(), n, true))
            }
            bw_ir::Pattern::Field { obj, name } => {
                let n = m.name(*name);
                let key = format!("*.{n}");
                if !wanted.contains(key.as_str()) {
                    return None;
                }
                let sp = m.span(*obj);
                let obj = self
                    .text
                    .get(sp.start as usize..sp.end as usize)
                    .unwrap_or("");
                Some((
                    format!("{}.{n}", crate::evidence::normalise(obj)),
                    key,
                    false,
                ))
            }
            bw_ir::Pattern::Index { obj, index } => {
                let key = m.str_const(*index)?;
                let (on, field) = match m.expr(*obj) {
                    Expr::Field { name, .. } => (m.name(*name), true),
                    Expr::Name(s) => (m.name(*s), false),
                    _ => return None,
                };
                let shown = format!("{on}[{key}]");
                let name = if field {
                    format!("*.{shown}")
                } else {
                    shown.clone()
                };
                wanted
                    .contains(name.as_str())
                    .then_some((shown, name, false))
            }
            _ => None,
        }
    }

    /// The setting fact of a call a `[[setting]]` entry matched, if its
    /// conditions hold.
    fn setting_fact(
        &self,
        cat: &FlowSpecFile,
        spec: &ComponentSpec,
        nc: &bw_flow::NamedCall,
        symbol: &str,
    ) -> Option<Fact> {
        let call = CallArgs {
            args: self.call_args(nc.call)?,
            consts: &nc.consts,
        };
        let mut f = self.setting_of(spec, |c| self.meets(&call, c), (nc.span, symbol, &nc.path))?;
        if self.in_development(nc.function, nc.call) {
            f = f.with("development", Prop::Bool(true));
        }
        match &spec.purpose {
            None => Some(f),
            Some(p) => {
                let data = cat.purposes.get(p).is_some_and(|p| p.data);
                let words = self.purpose_words(nc.call, symbol, data);
                let context = cat.purpose_of(p, &words)?;
                Some(f.with("context", Prop::Str(context.to_string())))
            }
        }
    }

    /// Whether `e` (of function `f`) runs only where a development check
    /// holds: in a branch entered only when a condition naming debug,
    /// development or a local run holds (`if in_debug_mode():`, `if
    /// settings.DEBUG:`, `if ENV == "development":`), or only when one
    /// naming production does not (`if not IS_PRODUCTION: return` above
    /// it). A branch also reached another way (the code after an `if`
    /// without an exit) does not count.
    fn in_development(&self, f: bw_ir::FuncId, e: ExprId) -> bool {
        let m = self.m;
        let parents = self.parents.get_or_init(|| self.parents());
        let mut top = e;
        for _ in 0..64 {
            match parents.of.get(top.index()) {
                Some(&p) if p != u32::MAX => top = ExprId(p),
                _ => break,
            }
        }
        let func = m.func(f);
        let holds = |st: &bw_ir::Stmt| match st {
            bw_ir::Stmt::Assign { value, .. }
            | bw_ir::Stmt::AugAssign { value, .. }
            | bw_ir::Stmt::Eval(value)
            | bw_ir::Stmt::Iterate { iter: value, .. } => *value == top,
            _ => false,
        };
        let term_holds = |t: &bw_ir::Terminator| match t {
            bw_ir::Terminator::Branch { cond, .. } => *cond == top,
            bw_ir::Terminator::Return(Some(x)) | bw_ir::Terminator::Throw(Some(x)) => *x == top,
            bw_ir::Terminator::Switch { on, .. } => *on == top,
            _ => false,
        };
        let Some(b) = func
            .blocks
            .iter()
            .position(|b| b.stmts.iter().any(|(st, _)| holds(st)) || term_holds(&b.term))
        else {
            return false;
        };
        let cfg = bw_ir::cfg::Cfg::new(func);
        let b = bw_ir::BlockId(b as u32);
        func.blocks.iter().enumerate().any(|(a, blk)| {
            let bw_ir::Terminator::Branch { cond, then, other } = &blk.term else {
                return false;
            };
            if then == other {
                return false;
            }
            let Some(dev) = self.development_when(*cond, 0) else {
                return false;
            };
            let arm = if dev { *then } else { *other };
            cfg.preds[arm.index()].len() == 1
                && cfg.preds[arm.index()][0].index() == a
                && cfg.dominates(arm, b)
        })
    }

    /// Whether condition `c` holding means a development run (`Some(true)`:
    /// `DEBUG`, `in_debug_mode()`, `env == "development"`), a production
    /// one (`Some(false)`: `not DEBUG`, `env == "production"`), or
    /// neither is said.
    fn development_when(&self, c: ExprId, depth: u32) -> Option<bool> {
        if depth > 8 {
            return None;
        }
        let m = self.m;
        let says = |e: ExprId| -> Option<bool> {
            let sp = m.span(e);
            let text = self.text.get(sp.start as usize..sp.end as usize)?;
            let ws = crate::words::words(text);
            let has = |set: &[&str]| ws.iter().any(|w| set.contains(&w.as_str()));
            if has(&["debug", "dev", "development", "develop", "local", "testing"]) {
                Some(true)
            } else if has(&["production", "prod"]) {
                Some(false)
            } else {
                None
            }
        };
        match m.expr(c) {
            Expr::Unary(bw_ir::UnOp::Not, x) => self.development_when(*x, depth + 1).map(|d| !d),
            Expr::Compare(op, l, r) => {
                // `DEBUG is False`, `DEBUG == false`: the other way round.
                let negated = [l, r]
                    .iter()
                    .any(|x| matches!(m.expr(**x), Expr::Const(Const::Bool(false) | Const::Null)));
                let d = says(c)? != negated;
                match op {
                    bw_ir::CmpOp::Eq | bw_ir::CmpOp::StrictEq | bw_ir::CmpOp::Is => Some(d),
                    bw_ir::CmpOp::NotEq | bw_ir::CmpOp::StrictNotEq | bw_ir::CmpOp::IsNot => {
                        Some(!d)
                    }
                    _ => None,
                }
            }
            // Both must hold: either one saying development is enough.
            Expr::Logical(bw_ir::LogicOp::And, a, b) => {
                let (a, b) = (
                    self.development_when(*a, depth + 1),
                    self.development_when(*b, depth + 1),
                );
                (a == Some(true) || b == Some(true)).then_some(true)
            }
            Expr::Logical(..) => None,
            Expr::Name(_) | Expr::Field { .. } | Expr::Call { .. } | Expr::Index { .. } => says(c),
            _ => None,
        }
    }

    /// The words that say what the value of `call` is for: those of the
    /// data it is given (with `data`); going out through what it is an operand of (a
    /// method called on it, a call it is given to, an operator, a
    /// formatted string), the names of the calls (and what `update` is
    /// given, the data of a hash made step by step); and the name the
    /// value is given (a variable, a field, a keyword, a key). A value
    /// given no name takes the enclosing function's (`symbol`): one
    /// given a name says what it is, whatever the function is about
    /// (`delay = random.uniform(…)` in `session_cleanup`).
    fn purpose_words(&self, call: ExprId, symbol: &str, data: bool) -> Vec<String> {
        let m = self.m;
        let parents = self.parents.get_or_init(|| self.parents());
        let source = |e: ExprId| {
            let sp = m.span(e);
            self.text
                .get(sp.start as usize..sp.end as usize)
                .unwrap_or("")
        };
        let last_name = |e: ExprId| match m.expr(e) {
            Expr::Field { name, .. } => Some(m.name(*name)),
            Expr::Name(s) => Some(m.name(*s)),
            _ => None,
        };
        let mut ws = Vec::new();
        if data && let Some(args) = self.call_args(call) {
            for a in args {
                ws.extend(crate::words::words(source(a.value)));
            }
        }
        let mut cur = call;
        let mut named = false;
        for _ in 0..16 {
            let p = parents.of[cur.index()];
            if p == u32::MAX {
                if let Some((t, added)) = parents.named.get(&cur) {
                    ws.extend(crate::words::words(t));
                    named = !added;
                }
                break;
            }
            let p = ExprId(p);
            match m.expr(p) {
                Expr::Field { .. }
                | Expr::Await(_)
                | Expr::Binary(..)
                | Expr::Unary(..)
                | Expr::Template(_)
                | Expr::Comprehension { .. } => cur = p,
                Expr::Call { callee, args, .. } => {
                    if let Some(a) = args.iter().find(|a| a.value == cur)
                        && let ArgKind::Keyword(k) = a.kind
                    {
                        ws.extend(crate::words::words(m.name(k)));
                        named = true;
                        break;
                    }
                    let name = last_name(*callee).unwrap_or("");
                    ws.extend(crate::words::words(name));
                    if name == "update" {
                        for a in args {
                            ws.extend(crate::words::words(source(a.value)));
                        }
                    }
                    cur = p;
                }
                Expr::Dict(entries) => {
                    if let Some(k) = entries.iter().find_map(|en| match en {
                        Entry::Pair(k, v) if *v == cur => Some(*k),
                        _ => None,
                    }) {
                        ws.extend(crate::words::words(
                            m.str_const(k).unwrap_or_else(|| source(k)),
                        ));
                        named = true;
                    }
                    break;
                }
                _ => break,
            }
        }
        if !named {
            ws.extend(crate::words::words(
                symbol.rsplit('.').next().unwrap_or(symbol),
            ));
        }
        ws
    }

    fn parents(&self) -> Parents {
        let m = self.m;
        let mut of = vec![u32::MAX; m.exprs.len()];
        for (i, e) in m.exprs.iter().enumerate() {
            e.each_child(|c| {
                if let Some(x) = of.get_mut(c.index()) {
                    *x = i as u32;
                }
            });
        }
        let mut named = HashMap::new();
        let text = |e: ExprId| {
            let sp = m.span(e);
            self.text
                .get(sp.start as usize..sp.end as usize)
                .unwrap_or("")
        };
        for f in &m.functions {
            for b in &f.blocks {
                for (st, _) in &b.stmts {
                    let (target, value, added) = match st {
                        bw_ir::Stmt::Assign { target, value } => (target, value, false),
                        bw_ir::Stmt::AugAssign { target, value, .. } => (target, value, true),
                        _ => continue,
                    };
                    let name = match target {
                        bw_ir::Pattern::Name(s) => m.name(*s).to_string(),
                        bw_ir::Pattern::Field { obj, name } => {
                            format!("{}.{}", text(*obj), m.name(*name))
                        }
                        bw_ir::Pattern::Index { obj, index } => {
                            format!("{}[{}]", text(*obj), text(*index))
                        }
                        _ => continue,
                    };
                    named.insert(*value, (name, added));
                }
            }
        }
        for c in &m.classes {
            for (name, value, _) in &c.fields {
                if let Some(v) = value {
                    named.insert(*v, (m.name(*name).to_string(), false));
                }
            }
        }
        Parents { of, named }
    }

    /// The fact of setting `spec` at `(span, symbol, callee)`, if its
    /// conditions hold by `met` (the text a condition met, if it did).
    /// The value is the condition's, or the entry's: `{}` is the text met,
    /// `{name}` and `{receiver}` the callee's last two names
    /// (`Crypto.Cipher.DES.new`: `new`, `DES`).
    fn setting_of(
        &self,
        spec: &ComponentSpec,
        met: impl Fn(&ArgCondition) -> Option<String>,
        (span, symbol, callee): (Span, &str, &str),
    ) -> Option<Fact> {
        // A condition on another name's value tests that value instead.
        let met = |c: &ArgCondition| match &c.assigned {
            Some(n) => self.meets_value(c, self.module_value(n)?, None),
            None => met(c),
        };
        if !spec.requires.iter().all(|c| met(c).is_some())
            || spec.unless.iter().any(|c| met(c).is_some())
        {
            return None;
        }
        let (value, text) = if spec.when.is_empty() {
            (spec.value.as_ref(), None)
        } else {
            let (c, t) = spec.when.iter().find_map(|c| met(c).map(|t| (c, t)))?;
            (c.value.as_ref().or(spec.value.as_ref()), Some(t))
        };
        let mut names = callee.rsplit('.');
        let (name, receiver) = (names.next().unwrap_or(""), names.next().unwrap_or(""));
        let value = value.map(|v| {
            v.replace("{}", text.as_deref().unwrap_or(""))
                .replace("{name}", name)
                .replace("{receiver}", receiver.trim_end_matches("()"))
        });
        let shown = spec.shown_as.as_deref().unwrap_or(callee);
        let mut f = Fact::new(
            Subject::Setting,
            spec.kind.clone()?,
            super::evidence_at(self.path, self.text, span, symbol, &self.m.comments),
        )
        .with("callee", Prop::Str(shown.to_string()));
        if let Some(v) = value {
            f = f.with("value", Prop::Str(v));
        }
        if let Some(c) = &spec.context {
            f = f.with("context", Prop::Str(c.clone()));
        }
        Some(f)
    }

    /// The text of a value the call is given at one of `c`'s places that
    /// meets its tests, if one does.
    fn meets(&self, call: &CallArgs<'_>, c: &ArgCondition) -> Option<String> {
        let positional = call.positional();
        if c.absent {
            return self.absent(call, c, &positional).then(String::new);
        }
        let mut given: Vec<(ExprId, Option<String>)> = Vec::new();
        for &i in &c.args {
            if let Some((j, a)) = positional.get(i as usize) {
                given.push((a.value, call.consts.get(*j).cloned().flatten()));
            }
        }
        for k in &c.keywords {
            given.extend(self.keyword(call, k));
        }
        given
            .into_iter()
            .find_map(|(e, folded)| self.meets_value(c, e, folded))
    }

    /// Whether nothing is given at `c`'s places, as far as the call can be
    /// read (see [`ArgCondition::absent`]).
    fn absent(
        &self,
        call: &CallArgs<'_>,
        c: &ArgCondition,
        positional: &[(usize, &bw_ir::Arg)],
    ) -> bool {
        if call
            .args
            .iter()
            .any(|a| matches!(a.kind, ArgKind::Spread | ArgKind::KwSpread))
            || c.keywords.iter().any(|k| self.keyword(call, k).is_some())
        {
            return false;
        }
        c.args.iter().all(|&i| match positional.get(i as usize) {
            None => true,
            Some((_, a)) => match self.m.expr(a.value) {
                Expr::Dict(entries) => !entries.iter().any(|en| match en {
                    Entry::Spread(_) => true,
                    Entry::Pair(k, _) => self
                        .m
                        .str_const(*k)
                        .is_none_or(|k| c.keywords.iter().any(|x| x == k)),
                }),
                _ => false,
            },
        })
    }

    /// The value last assigned to `name` at the module's top level.
    fn module_value(&self, name: &str) -> Option<ExprId> {
        let m = self.m;
        let top = m.functions.first()?;
        let mut last = None;
        for b in &top.blocks {
            for (st, sp) in &b.stmts {
                if let bw_ir::Stmt::Assign {
                    target: bw_ir::Pattern::Name(s),
                    value,
                } = st
                    && m.name(*s) == name
                    && last.is_none_or(|(at, _): (u32, ExprId)| at < sp.start)
                {
                    last = Some((sp.start, *value));
                }
            }
        }
        last.map(|(_, v)| v)
    }

    /// The text of value `e` (or of its entry at `c`'s key, or of its
    /// items) if it meets `c`'s tests.
    fn meets_value(&self, c: &ArgCondition, e: ExprId, folded: Option<String>) -> Option<String> {
        // A dotted key walks nested mappings (`cookie.secure`).
        let (e, folded) = match &c.key {
            Some(k) => (k.split('.').try_fold(e, |o, k| self.property(o, k))?, None),
            None => (e, folded),
        };
        if c.every {
            // Every item, and a spread is one the test cannot read.
            let Expr::Seq(_, elems) = self.m.expr(e) else {
                return None;
            };
            let texts: Option<Vec<String>> = elems
                .iter()
                .map(|el| match el {
                    bw_ir::Elem::Item(x) => self.passes(c, *x, None),
                    bw_ir::Elem::Spread(_) => None,
                })
                .collect();
            match texts {
                Some(t) if !t.is_empty() => return Some(t.join(", ")),
                _ => return None,
            }
        }
        let values: Vec<(ExprId, Option<String>)> = match (c.item, self.m.expr(e)) {
            (true, Expr::Seq(_, elems)) => elems
                .iter()
                .filter_map(|el| match el {
                    bw_ir::Elem::Item(x) => Some((*x, None)),
                    bw_ir::Elem::Spread(_) => None,
                })
                .collect(),
            (true, _) => vec![],
            (false, _) => vec![(e, folded)],
        };
        for (x, folded) in values {
            if let Some(t) = self.passes(c, x, folded) {
                return Some(t);
            }
        }
        None
    }

    /// A path joined of constants and calls given nothing
    /// (`path.join(os.tmpdir(), 'a.csv')`: `os.tmpdir()/a.csv`), by the
    /// catalogue's `path_joins`.
    fn joined_path(&self, e: ExprId) -> Option<String> {
        let Expr::Call { callee, args, .. } = self.m.expr(e) else {
            return None;
        };
        let f = self.resolved(*callee)?;
        if !self.args.path_joins.contains(&f) || args.is_empty() {
            return None;
        }
        let parts: Option<Vec<String>> = args
            .iter()
            .map(|a| match self.m.expr(a.value) {
                _ if a.kind != ArgKind::Positional => None,
                Expr::Const(Const::Str(s)) => Some(s.trim_end_matches('/').to_string()),
                Expr::Call { callee, args, .. } if args.is_empty() => {
                    self.resolved(*callee).map(|p| format!("{p}()"))
                }
                _ => None,
            })
            .collect();
        Some(parts?.join("/"))
    }

    /// Whether value `e` passes every test `c` gives, with its text.
    fn passes(&self, c: &ArgCondition, e: ExprId, folded: Option<String>) -> Option<String> {
        let sp = self.m.span(e);
        let source = self
            .text
            .get(sp.start as usize..sp.end as usize)
            .unwrap_or("");
        let string = match (self.m.expr(e), &folded) {
            (Expr::Const(Const::Str(s) | Const::Bytes(s)), _) => Some(s.to_string()),
            (_, Some(s)) => Some(s.clone()),
            (Expr::Call { .. }, None) => self.joined_path(e),
            _ => None,
        };
        let int = match self.m.expr(e) {
            Expr::Const(Const::Int(i)) => Some(*i),
            _ => None,
        };
        let ok = c.is.as_ref().is_none_or(|lit| match (lit, self.m.expr(e)) {
            (Literal::Bool(b), Expr::Const(Const::Bool(v))) => b == v,
            (Literal::Int(i), _) => int == Some(*i),
            (Literal::Str(s), _) => string.as_deref() == Some(s.as_str()),
            _ => false,
        }) && (c.like.is_empty() || string.as_deref().is_some_and(|s| c.like_matches(s)))
            && (!c.nonempty || string.as_deref().is_some_and(|s| !s.is_empty()))
            && c.bits.is_none_or(|bits| {
                int.or_else(|| {
                    string
                        .as_deref()
                        .filter(|s| !s.is_empty())
                        .and_then(|s| i64::from_str_radix(s, 8).ok())
                })
                .is_some_and(|v| v & bits != 0)
            })
            && (c.holds.is_empty() || c.holds.iter().any(|h| source.contains(h.as_str())))
            && (c.names.is_empty()
                || self.resolved(e).is_some_and(|p| {
                    c.names
                        .iter()
                        .any(|n| bw_flow::catalogue::name_matches(n, &p))
                }));
        ok.then(|| string.unwrap_or_else(|| crate::evidence::normalise(source)))
    }

    fn call_fact(
        &self,
        spec: &ComponentSpec,
        nc: &bw_flow::NamedCall,
        symbol: &str,
    ) -> Option<Fact> {
        let call = CallArgs {
            args: self.call_args(nc.call)?,
            consts: &nc.consts,
        };
        // What the receiver's constructor, and the calls it went through
        // (`ChatOpenAI(model=…).bind_tools(tools)`), were given.
        let chain = nc.made.map(|e| self.chain(e)).unwrap_or_default();
        let made: Vec<CallArgs<'_>> = chain
            .iter()
            .filter_map(|e| self.call_args(*e))
            .map(|args| CallArgs { args, consts: &[] })
            .collect();
        let bound_tools = chain.iter().any(|e| {
            matches!(self.m.expr(*e), Expr::Call { callee, .. }
                if matches!(self.m.expr(*callee), Expr::Field { name, .. }
                    if self.args.tools_methods.iter().any(|t| t == self.m.name(*name))))
        });
        let topic = if spec.on_function {
            Some(self.function_receiver(nc.call)?)
        } else {
            self.constant(&call, &spec.topic)
        };
        let kind = match &spec.kind_by {
            Some(by) => {
                let picked = self
                    .constant(&call, &by.at)
                    .map(|v| scheme(&v))
                    .and_then(|v| {
                        by.values
                            .iter()
                            .find(|(_, vals)| vals.iter().any(|x| x.eq_ignore_ascii_case(&v)))
                            .map(|(k, _)| k.clone())
                    });
                picked.or_else(|| spec.kind.clone())?
            }
            None => spec.kind.clone()?,
        };
        let mut f = self.fact_of(spec, kind, nc.span, symbol)?;
        let subject = f.subject;
        let last = nc.path.rsplit('.').next().unwrap_or(&nc.path);
        match subject {
            Subject::Store | Subject::Outbound => {
                let at_call = self
                    .at(&call, &spec.address)
                    .map(|(e, folded)| self.text_of(e, folded));
                // A path relative to the client's base URL
                // (`axios.create({ baseURL }).get('/users')`), or no
                // address at all: the constructor's address.
                let relative = match &at_call {
                    None => true,
                    Some(Text::Whole(s) | Text::Prefix(s)) => !s.contains("://"),
                    Some(Text::Other) => false,
                };
                let places = ArgPlaces {
                    args: vec![],
                    keywords: self.args.address.clone(),
                };
                let base = (subject == Subject::Outbound && relative)
                    .then(|| made.iter().find_map(|c| self.at(c, &places)))
                    .flatten()
                    .map(|(e, folded)| self.text_of(e, folded));
                match base.or(at_call) {
                    Some(t) => {
                        let (host, tls) = address(&t);
                        if let Some(h) = host {
                            f = f.with("host", Prop::Str(h));
                        } else if subject == Subject::Outbound {
                            f = f.with("host", Prop::Str("dynamic".into()));
                        }
                        if let Some(t) = tls {
                            f = f.with("tls", Prop::Bool(t));
                        }
                    }
                    None if subject == Subject::Outbound => {
                        f = f.with("host", Prop::Str("dynamic".into()));
                    }
                    None => {}
                }
                if subject == Subject::Outbound {
                    let timeout = self.given(&call, &self.args.timeout)
                        || made.iter().any(|c| self.given(c, &self.args.timeout))
                        || spec.default_timeout;
                    f = f.with("timeout", Prop::Bool(timeout));
                }
            }
            Subject::Llm => {
                let model = self
                    .model(&call)
                    .or_else(|| made.iter().find_map(|c| self.model(c)));
                if let Some(model) = model {
                    f = f.with("model", Prop::Str(model));
                }
                let max_tokens = self.given(&call, &self.args.max_tokens)
                    || made.iter().any(|c| self.given(c, &self.args.max_tokens));
                let tools = bound_tools
                    || self.given(&call, &self.args.tools)
                    || made.iter().any(|c| self.given(c, &self.args.tools));
                let streaming = last.to_ascii_lowercase().contains("stream")
                    || self.args.stream.iter().any(|k| {
                        self.keyword(&call, k).is_some_and(|(v, _)| {
                            matches!(self.m.expr(v), Expr::Const(Const::Bool(true)))
                        })
                    });
                f = f
                    .with("max_tokens", Prop::Bool(max_tokens))
                    .with("tools", Prop::Bool(tools))
                    .with("streaming", Prop::Bool(streaming));
                let places = ArgPlaces {
                    args: vec![],
                    keywords: self.args.address.clone(),
                };
                if let Some((e, folded)) = made.iter().find_map(|c| self.at(c, &places))
                    && let Some(h) = address(&self.text_of(e, folded)).0
                {
                    f = f.with("host", Prop::Str(h));
                }
            }
            Subject::Queue => {
                if let Some(t) = topic {
                    f = f.with("topic", Prop::Str(t));
                }
            }
            _ => {}
        }
        Some(f)
    }

    /// A call and the calls it was made on, written as one chain
    /// (`ChatOpenAI(…).bind_tools(…)`), outermost first.
    fn chain(&self, e: ExprId) -> Vec<ExprId> {
        let mut out = vec![];
        let mut cur = e;
        while out.len() < 16 {
            let Expr::Call { callee, .. } = self.m.expr(cur) else {
                break;
            };
            out.push(cur);
            match self.m.expr(*callee) {
                Expr::Field { obj, .. } => cur = *obj,
                _ => break,
            }
            while let Expr::Await(x) = self.m.expr(cur) {
                cur = *x;
            }
        }
        out
    }

    /// The model a call names: a constant, or the constant a provider
    /// function is given (`model: openai('gpt-4o')`).
    fn model(&self, c: &CallArgs<'_>) -> Option<String> {
        self.args.model.iter().find_map(|k| {
            let (e, folded) = self.keyword(c, k)?;
            if let Text::Whole(s) = self.text_of(e, folded) {
                return Some(s);
            }
            let Expr::Call { args, .. } = self.m.expr(e) else {
                return None;
            };
            args.first()
                .and_then(|a| self.m.str_const(a.value))
                .map(str::to_string)
        })
    }

    /// The name of the function a method is called on (`send_email` of
    /// `send_email.delay(…)`), when the receiver is a name the module
    /// defines as a function or imports.
    fn function_receiver(&self, call: ExprId) -> Option<String> {
        let Expr::Call { callee, .. } = self.m.expr(call) else {
            return None;
        };
        let Expr::Field { obj, .. } = self.m.expr(*callee) else {
            return None;
        };
        let mut root = *obj;
        let mut last = None;
        loop {
            match self.m.expr(root) {
                Expr::Name(s) => {
                    let defined = self
                        .m
                        .functions
                        .iter()
                        .any(|f| f.name == *s && f.parent.is_some_and(|p| p.index() == 0));
                    if !defined && self.m.import_of(*s).is_none() {
                        return None;
                    }
                    return Some(last.unwrap_or_else(|| self.m.name(*s).to_string()));
                }
                Expr::Field { obj, name, .. } => {
                    last.get_or_insert_with(|| self.m.name(*name).to_string());
                    root = *obj;
                }
                _ => return None,
            }
        }
    }

    /// Functions whose decorator is a component's (`@shared_task`): a
    /// consumer of the queue named after the function.
    fn decorated(&mut self, cat: &FlowSpecFile, symbols: &BTreeMap<String, String>) {
        let m = self.m;
        for (i, f) in m.functions.iter().enumerate() {
            for &d in &f.decorators {
                let target = match m.expr(d) {
                    Expr::Call { callee, .. } => *callee,
                    _ => d,
                };
                let Some(path) = self.resolved(target) else {
                    continue;
                };
                // A decorator's call may be a setting (`@cross_origin()`):
                // the engine never evaluates it, so its arguments are read
                // as written.
                if let Expr::Call { args, .. } = m.expr(d) {
                    let call = CallArgs { args, consts: &[] };
                    let mut done = BTreeSet::new();
                    for spec in cat.components_for(&path) {
                        if spec.subject != "setting"
                            || spec.purpose.is_some()
                            || !gated_in(m, &spec.imports)
                            || done.contains(&done_key(spec))
                        {
                            continue;
                        }
                        let symbol = symbol_of(m, bw_ir::FuncId(i as u32), symbols);
                        if let Some(f) = self.setting_of(
                            spec,
                            |c| self.meets(&call, c),
                            (m.span(d), &symbol, &path),
                        ) {
                            done.insert(done_key(spec));
                            self.push(spec, f);
                        }
                    }
                }
                let Some(spec) = cat.components.iter().find(|c| {
                    c.decorators.iter().any(|x| name_matches(x, &path)) && gated_in(m, &c.imports)
                }) else {
                    continue;
                };
                let symbol = symbol_of(m, bw_ir::FuncId(i as u32), symbols);
                let Some(fact) = spec
                    .kind
                    .clone()
                    .and_then(|k| self.fact_of(spec, k, m.span(d), &symbol))
                else {
                    continue;
                };
                let fact = fact.with("topic", Prop::Str(m.name(f.name).to_string()));
                self.push(spec, fact);
                break;
            }
        }
    }

    /// Classes extending a component's base class (`class Db extends
    /// PrismaClient`).
    fn extended(&mut self, cat: &FlowSpecFile, symbols: &BTreeMap<String, String>) {
        let m = self.m;
        for c in &m.classes {
            for &b in &c.bases {
                let Some(path) = self.resolved(b) else {
                    continue;
                };
                let Some(spec) = cat.components.iter().find(|s| {
                    s.bases.iter().any(|x| name_matches(x, &path)) && gated_in(m, &s.imports)
                }) else {
                    continue;
                };
                // The code the class is defined in.
                let symbol = symbol_of(m, super::enclosing(m, c.span), symbols);
                if let Some(fact) = spec
                    .kind
                    .clone()
                    .and_then(|k| self.fact_of(spec, k, m.span(b), &symbol))
                {
                    self.push(spec, fact);
                }
            }
        }
    }

    /// Calls in class-level fields (`queryset = Item.objects.all()`,
    /// `role = ModelChoiceField(queryset=Group.objects.all())`), which
    /// run when the class is defined: matched by their written path, its
    /// root resolved through the imports.
    fn class_fields(&mut self, cat: &FlowSpecFile) {
        let m = self.m;
        for c in &m.classes {
            for (_, value, _) in &c.fields {
                let mut todo: Vec<ExprId> = value.iter().copied().collect();
                let mut seen = 0;
                while let Some(e) = todo.pop() {
                    seen += 1;
                    if seen > 256 {
                        break;
                    }
                    let Expr::Call { callee, args, .. } = m.expr(e) else {
                        continue;
                    };
                    todo.extend(args.iter().map(|a| a.value));
                    if let Expr::Call { .. } = m.expr(*callee) {
                        todo.push(*callee);
                    }
                    let Some(path) = self.resolved(*callee) else {
                        continue;
                    };
                    let nc = bw_flow::NamedCall {
                        function: bw_ir::FuncId(0),
                        call: e,
                        span: m.span(e),
                        path: path.clone(),
                        made: None,
                        consts: vec![],
                    };
                    let mut done: BTreeSet<(&str, &str)> = BTreeSet::new();
                    for spec in cat.components_for(&path) {
                        let key = done_key(spec);
                        if done.contains(&key) || !gated_in(m, &spec.imports) {
                            continue;
                        }
                        let found = if spec.subject == "setting" {
                            self.setting_fact(cat, spec, &nc, &c.qualified)
                        } else {
                            self.call_fact(spec, &nc, &c.qualified)
                        };
                        if let Some(f) = found {
                            done.insert(key);
                            self.push(spec, f);
                        }
                    }
                }
            }
        }
    }

    /// A dotted expression's path with its root resolved through the
    /// module's imports (`celery.shared_task` for `shared_task` imported
    /// from `celery`).
    fn resolved(&self, e: ExprId) -> Option<String> {
        let dotted = self.m.dotted(e)?;
        let root = super::shape::root(self.m, e)?;
        let rest = dotted.split_once('.').map(|(_, r)| r);
        let head = self
            .m
            .import_of(root)
            .map_or_else(|| self.m.name(root).to_string(), bw_ir::Import::path);
        Some(match rest {
            Some(r) => format!("{head}.{r}"),
            None => head,
        })
    }
}

/// The subject the vocabulary names `s` (the catalogue allows only the
/// component subjects).
fn subject_of(s: &str) -> Option<Subject> {
    crate::vocab::VOCABULARY
        .iter()
        .map(|d| d.subject)
        .find(|d| d.name() == s)
}

/// The part of a value that names a kind: a URL's scheme without its
/// driver (`postgresql` of `postgresql+psycopg2://…`), or the value.
fn scheme(v: &str) -> String {
    let s = v.split_once("://").map_or(v, |(s, _)| s);
    let s = s.split_once(':').map_or(s, |(s, _)| s);
    s.split('+').next().unwrap_or(s).to_ascii_lowercase()
}

/// The host an address names (`dynamic` when it is not constant) and,
/// for a URL, whether it keeps TLS on: off for `http://` (or
/// `sslmode=disable`) to another machine, on for `https://`, `rediss://`
/// or a required `sslmode`.
fn address(t: &Text) -> (Option<String>, Option<bool>) {
    let (s, whole) = match t {
        Text::Whole(s) => (s.as_str(), true),
        Text::Prefix(s) => (s.as_str(), false),
        Text::Other => return (Some("dynamic".into()), None),
    };
    if let Some((scheme, host)) = url_parts(s, whole) {
        let local = is_local_host(&host);
        let tls = if !local && (scheme == "http" || s.contains("sslmode=disable")) {
            Some(false)
        } else if scheme == "https"
            || scheme == "rediss"
            || s.contains("sslmode=require")
            || s.contains("sslmode=verify")
        {
            Some(true)
        } else {
            None
        };
        return (Some(host), tls);
    }
    if whole {
        // A bare host name given where an address goes
        // (`host="db.internal"`); another constant (`"dbname=app"`, a
        // file's path) names no host.
        let bare = !s.is_empty() && !s.contains("://") && !s.contains(['=', '/', ' ']);
        return (bare.then(|| s.to_string()), None);
    }
    (Some("dynamic".into()), None)
}

/// `scheme://user@host:port/…` → (scheme, host); `None` without a
/// complete host (the start of a value cut before its host ended names
/// none: `https://api.` of `f"https://api.{domain}/"`).
pub(crate) fn url_parts(url: &str, whole: bool) -> Option<(String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?', '#']);
    // Cut before the host ended, unless its port had begun.
    if end.is_none() && !whole && !rest.rsplit('@').next().unwrap_or("").contains(':') {
        return None;
    }
    let auth_host = &rest[..end.unwrap_or(rest.len())];
    let host_port = auth_host.rsplit('@').next().unwrap_or("");
    let host = if host_port.starts_with('[') {
        host_port
            .split(']')
            .next()
            .unwrap_or("")
            .trim_start_matches('[')
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    if host.is_empty() || host.contains(['{', '$']) {
        return None;
    }
    Some((scheme.to_ascii_lowercase(), host.to_string()))
}

/// A host on this machine or this network's own names (no dot).
pub(crate) fn is_local_host(h: &str) -> bool {
    matches!(
        h,
        "localhost" | "127.0.0.1" | "0.0.0.0" | "::1" | "host.docker.internal"
    ) || h.ends_with(".local")
        || h.ends_with(".localhost")
        || h.starts_with("127.")
        || !h.contains('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_give_their_host_and_tls() {
        let w = |s: &str| Text::Whole(s.into());
        let host = |h: &str| Some(h.to_string());
        assert_eq!(
            address(&w(
                "postgresql://u:p@db.example.com:5432/app?sslmode=disable"
            )),
            (host("db.example.com"), Some(false))
        );
        assert_eq!(
            address(&w("rediss://cache.example.com")),
            (host("cache.example.com"), Some(true))
        );
        assert_eq!(
            address(&w("http://localhost:8080/x")),
            (host("localhost"), None)
        );
        assert_eq!(address(&w("db.internal")), (host("db.internal"), None));
        assert_eq!(
            address(&Text::Prefix("https://".into())),
            (host("dynamic"), None)
        );
        assert_eq!(
            address(&Text::Prefix("https://api.".into())),
            (host("dynamic"), None)
        );
        assert_eq!(
            address(&Text::Prefix("http://127.0.0.1:".into())),
            (host("127.0.0.1"), None)
        );
        assert_eq!(
            address(&Text::Prefix("https://api.example.com/v1/".into())),
            (host("api.example.com"), Some(true))
        );
        assert_eq!(address(&Text::Other), (host("dynamic"), None));
        assert_eq!(address(&w("dbname=x user=y")), (None, None));
    }

    #[test]
    fn a_scheme_names_the_kind_without_its_driver() {
        assert_eq!(scheme("postgresql+psycopg2://x/y"), "postgresql");
        assert_eq!(scheme("sqlite:///app.db"), "sqlite");
        assert_eq!(scheme("mysql2"), "mysql2");
    }
}

#[cfg(test)]
mod vocabulary {
    /// Every built-in `[[component]]` entry names a subject and kinds the
    /// vocabulary has; a team's entry naming another is refused when its
    /// file is loaded.
    #[test]
    fn components_use_the_vocabulary() {
        let mut spec = crate::flowspec::FlowSpec::builtin();
        assert!(!spec.python.components.is_empty() && !spec.javascript.components.is_empty());
        crate::vocab::check_components(&spec).unwrap();
        spec.add(
            "t.toml",
            "language = \"javascript\"\n[[component]]\nsubject = \"store\"\nkind = \"graphdb\"\nlibrary = \"neo\"\ncallees = [\"neo4j.driver\"]\n",
        )
        .unwrap();
        let e = crate::vocab::check_components(&spec).unwrap_err();
        assert!(e.contains("store kind `graphdb`"), "{e}");
        let mut spec = crate::flowspec::FlowSpec::builtin();
        spec.add(
            "t.toml",
            "language = \"python\"\n[[setting]]\nkind = \"debug-on\"\ncallees = [\"x.run\"]\n",
        )
        .unwrap();
        let e = crate::vocab::check_components(&spec).unwrap_err();
        assert!(
            e.contains("a [[setting]] names setting kind `debug-on`"),
            "{e}"
        );
    }
}

/// One assignment a `[[setting]]` may be: the target as written, the name
/// entries give it, whether that is a bare name, the value and where it is.
struct Assigned<'m> {
    shown: String,
    name: String,
    bare: bool,
    value: ExprId,
    span: Span,
    symbol: String,
    /// The class whose body it is in.
    class: Option<&'m str>,
    /// The function whose code assigns it (none for a class body's field).
    func: Option<bw_ir::FuncId>,
}
