//! Expression evaluation (taint) and everything recognised at a call.

use super::*;
use crate::flowspec::SinkSpec;
use crate::types::FlowState;
use bw_lang::{FieldExt, KindExt};

/// A property of an object-literal argument, evaluated.
pub(super) struct PropT<'t> {
    pub key: String,
    pub taint: Taint,
    pub node: Node<'t>,
    pub value: Node<'t>,
    /// Array-valued properties: each element's taint.
    pub elems: Vec<(Taint, Node<'t>)>,
}

const CONST_GLOBALS: &[&str] = &[
    "undefined",
    "NaN",
    "Infinity",
    "__dirname",
    "__filename",
    "console",
    "Math",
    "JSON",
    "Object",
    "Array",
    "Date",
    "Promise",
    "Number",
    "String",
    "Boolean",
    "Symbol",
    "Error",
    "module",
    "exports",
    "require",
    "process",
    "Buffer",
];

const DB_WORDS: &[&str] = &[
    "db",
    "pool",
    "client",
    "conn",
    "connection",
    "sql",
    "knex",
    "sequelize",
    "manager",
    "source",
    "datasource",
    "repo",
    "repository",
    "prisma",
    "tx",
    "trx",
    "database",
    "query",
    "runner",
    "pg",
    "mysql",
    "sqlite",
];

const DB_MODULES: &[&str] = &[
    "pg",
    "mysql",
    "mysql2",
    "better-sqlite3",
    "sqlite3",
    "sqlite",
    "knex",
    "sequelize",
    "typeorm",
    "@prisma/client",
    "drizzle-orm",
    "postgres",
    "mssql",
    "oracledb",
    "@vercel/postgres",
    "@neondatabase/serverless",
];

pub(super) fn http_verb(m: &str) -> Option<&'static str> {
    Some(match m {
        "get" => "GET",
        "post" => "POST",
        "put" => "PUT",
        "patch" => "PATCH",
        "delete" | "del" => "DELETE",
        "options" => "OPTIONS",
        "head" => "HEAD",
        "all" => "ANY",
        _ => return None,
    })
}

impl<'a> Ex<'a> {
    pub(super) fn eval(&mut self, n: Node, d: usize) -> Taint {
        self.eval_node(n, d)
    }

    /// The next link of a linear chain below `n`: the left operand of a
    /// binary operator, the object of a member or subscript, the receiver
    /// of a method call, the inside of parentheses or `await` — the child
    /// the evaluation of `n` reads and whose evaluation may nest again.
    fn spine_child<'t>(n: Node<'t>) -> Option<Node<'t>> {
        match n.node_kind() {
            "binary_expression" => n.field("left"),
            "member_expression" | "subscript_expression" => n.field("object"),
            "call_expression" => n
                .field("function")
                .filter(|f| f.node_kind() == "member_expression")
                .and_then(|f| f.field("object")),
            "parenthesized_expression" | "await_expression" if n.named_child_count() == 1 => {
                n.named_child(0)
            }
            _ => None,
        }
    }

    fn eval_node(&mut self, n: Node, d: usize) -> Taint {
        if !self.memo.is_empty()
            && let Some(t) = self.memo.remove(&n.id())
        {
            return t;
        }
        // Past the file's budget the whole file is dropped with a reason:
        // no truncation note.
        if crate::budget::spent() {
            return Taint::unknown();
        }
        if d > self.max_depth {
            self.truncate(n);
            return Taint::unknown();
        }
        // A long chain (`a + b + …`, `x.trim().trim()…`) is evaluated from
        // its far end up, each link reading the one below from the memo:
        // its length costs no stack and no depth.
        let chain = crate::chain::below(n, Self::spine_child, |c| self.memo.contains_key(&c.id()));
        for link in chain.into_iter().rev() {
            let t = self.eval_node(link, d + 1);
            self.memo.insert(link.id(), t);
        }
        match n.node_kind() {
            "string"
            | "number"
            | "true"
            | "false"
            | "null"
            | "undefined"
            | "regex"
            | "this"
            | "super"
            | "comment"
            | "property_identifier"
            | "private_property_identifier"
            | "type_annotation"
            | "type_arguments"
            | "import"
            | "predefined_type"
            | "type_identifier"
            | "meta_property"
            | "string_fragment"
            | "escape_sequence" => Taint::constant(),
            "template_string" => {
                let mut t = Taint::constant();
                for c in kids(n) {
                    if c.node_kind() == "template_substitution" {
                        t.join(&self.eval_node(c, d + 1));
                    }
                }
                t
            }
            "identifier" | "shorthand_property_identifier" => self.ident_taint(n),
            "member_expression" => self.member(n, d),
            "subscript_expression" => {
                let mut t = n
                    .field("object")
                    .map(|o| self.eval_node(o, d + 1))
                    .unwrap_or_default();
                if let Some(i) = n.field("index") {
                    self.eval_node(i, d + 1);
                }
                if let Some(p) = self.path_of(n)
                    && p.root != Root::Local
                    && let Some(s) = self.source_taint(&p.text, n, self.text(n))
                {
                    t = s;
                }
                t
            }
            "call_expression" => self.call(n, false, d),
            "new_expression" => self.call(n, true, d),
            "binary_expression" => {
                let op = n.field("operator").map(|o| self.text(o)).unwrap_or("");
                let l = n
                    .field("left")
                    .map(|x| self.eval_node(x, d + 1))
                    .unwrap_or_default();
                let r = n
                    .field("right")
                    .map(|x| self.eval_node(x, d + 1))
                    .unwrap_or_default();
                if matches!(op, "===" | "==" | "!==" | "!=") {
                    self.method_check(n);
                }
                if matches!(
                    op,
                    "==="
                        | "=="
                        | "!=="
                        | "!="
                        | "<"
                        | ">"
                        | "<="
                        | ">="
                        | "instanceof"
                        | "in"
                        | "-"
                        | "*"
                        | "/"
                        | "%"
                        | "**"
                        | "&"
                        | "|"
                        | "^"
                        | "<<"
                        | ">>"
                        | ">>>"
                ) {
                    Taint::constant()
                } else {
                    l.joined(&r)
                }
            }
            "unary_expression" | "update_expression" => {
                for c in kids(n) {
                    self.eval_node(c, d + 1);
                }
                Taint::constant()
            }
            "ternary_expression" => {
                if let Some(c) = n.field("condition") {
                    self.eval_node(c, d + 1);
                }
                let a = n
                    .field("consequence")
                    .map(|x| self.eval_node(x, d + 1))
                    .unwrap_or_default();
                let b = n
                    .field("alternative")
                    .map(|x| self.eval_node(x, d + 1))
                    .unwrap_or_default();
                a.joined(&b)
            }
            "assignment_expression" | "augmented_assignment_expression" => self.assign(n, d),
            "object" => self.eval_object(n, d).0,
            "pair" => {
                let key = n.field("key");
                if let Some(k) = key.filter(|k| k.node_kind() == "computed_property_name") {
                    self.eval_node(k, d + 1);
                }
                let Some(v) = n.field("value") else {
                    return Taint::constant();
                };
                let sv = strip(v);
                if is_function(sv) {
                    let name = key.map(|k| self.lit(k).unwrap_or_else(|| self.text(k).to_string()));
                    self.function(sv, name, None, d + 1);
                    Taint::constant()
                } else {
                    self.eval_node(v, d + 1)
                }
            }
            "arrow_function" | "function_expression" | "function" | "generator_function" => {
                let own = n.field("name").map(|x| self.text(x).to_string());
                self.function(n, own, None, d + 1);
                Taint::constant()
            }
            "method_definition" => {
                let own = n.field("name").map(|x| self.text(x).to_string());
                self.function(n, own, None, d + 1);
                Taint::constant()
            }
            "class" => {
                self.class(n, &[], d + 1);
                Taint::constant()
            }
            "jsx_attribute" => self.jsx_attribute(n, d),
            "statement_block" => {
                self.walk(n, d + 1);
                Taint::constant()
            }
            _ => {
                let mut t = Taint::constant();
                for c in kids(n) {
                    if is_statement(c.node_kind()) {
                        self.walk(c, d + 1);
                    } else {
                        t.join(&self.eval_node(c, d + 1));
                    }
                }
                t
            }
        }
    }

    fn ident_taint(&self, n: Node) -> Taint {
        let name = self.text(n);
        if let Some(v) = self.lookup(name) {
            return v.taint.clone();
        }
        if self.import_map.contains_key(name)
            || self.top_names.contains(name)
            || CONST_GLOBALS.contains(&name)
        {
            return Taint::constant();
        }
        if let Some(s) = self.source_taint(name, n, name) {
            return s;
        }
        Taint::unknown()
    }

    fn member(&mut self, n: Node, d: usize) -> Taint {
        let t = n
            .field("object")
            .map(|o| self.eval_node(o, d + 1))
            .unwrap_or_default();
        let Some(p) = self.path_of(n) else { return t };
        if p.root == Root::Local {
            return t;
        }
        let user = [
            "req.user",
            "ctx.state.user",
            "request.user",
            "req.session",
            "ctx.session",
            "session.user",
            "req.auth",
        ];
        if user
            .iter()
            .any(|u| p.text == *u || p.text.starts_with(&format!("{u}.")))
        {
            self.cur_traits().user_check = true;
        }
        if let Some(s) = self.source_taint(&p.text, n, self.text(n)) {
            return s;
        }
        t
    }

    /// Next.js pages: `req.method === 'POST'` decides the method.
    fn method_check(&mut self, n: Node) {
        let (Some(l), Some(r)) = (n.field("left"), n.field("right")) else {
            return;
        };
        for (a, b) in [(l, r), (r, l)] {
            if self
                .path_of(a)
                .is_some_and(|p| p.text == "req.method" || p.text == "request.method")
                && let Some(m) = self.lit(b)
            {
                self.cur_traits().methods.insert(m.to_ascii_uppercase());
            }
        }
    }

    /// Evaluate an object literal: its join and each property's taint.
    pub(super) fn eval_object<'t>(&mut self, n: Node<'t>, d: usize) -> (Taint, Vec<PropT<'t>>) {
        let mut all = Taint::constant();
        let mut props = vec![];
        let mut keys: Vec<(String, Node<'t>)> = vec![];
        for c in kids(n) {
            match c.node_kind() {
                "pair" => {
                    let key = c
                        .field("key")
                        .map(|k| self.lit(k).unwrap_or_else(|| self.text(k).to_string()))
                        .unwrap_or_default();
                    let Some(v) = c.field("value") else {
                        continue;
                    };
                    keys.push((key.clone(), v));
                    let sv = strip(v);
                    let mut elems = vec![];
                    let t = if sv.node_kind() == "array" {
                        let mut t = Taint::constant();
                        for e in kids(sv) {
                            let et = self.eval_node(e, d + 1);
                            t.join(&et);
                            elems.push((et, e));
                        }
                        t
                    } else {
                        self.eval_node(c, d + 1)
                    };
                    all.join(&t);
                    props.push(PropT {
                        key,
                        taint: t,
                        node: c,
                        value: v,
                        elems,
                    });
                }
                "shorthand_property_identifier" => {
                    let key = self.text(c).to_string();
                    let t = self.ident_taint(c);
                    all.join(&t);
                    keys.push((key.clone(), c));
                    props.push(PropT {
                        key,
                        taint: t,
                        node: c,
                        value: c,
                        elems: vec![],
                    });
                }
                _ => {
                    let t = self.eval_node(c, d + 1);
                    all.join(&t);
                }
            }
        }
        self.object_facts(n, &keys);
        (all, props)
    }

    fn assign(&mut self, n: Node, d: usize) -> Taint {
        let (Some(left), Some(right)) = (n.field("left"), n.field("right")) else {
            return Taint::constant();
        };
        let sr = strip(right);
        let lt = self.text(left).to_string();
        if is_function(sr) {
            let name = lt.rsplit('.').next().unwrap_or(&lt).to_string();
            let exported = if lt == "module.exports" || lt == "exports.default" {
                Some("default".to_string())
            } else {
                lt.strip_prefix("module.exports.")
                    .or_else(|| lt.strip_prefix("exports."))
                    .map(|x| x.to_string())
            };
            let name = if exported.as_deref() == Some("default") {
                "default".to_string()
            } else {
                name
            };
            self.function(sr, Some(name), exported, d + 1);
            return Taint::constant();
        }
        let mut t = self.eval_node(right, d + 1);
        if n.node_kind() == "augmented_assignment_expression" {
            t.join(&self.eval_node(left, d + 1));
        } else if left.node_kind() != "identifier" {
            // Evaluate the target's object for its own facts.
            if let Some(o) = left.field("object") {
                self.eval_node(o, d + 1);
            }
        }
        // Sinks and settings on assignment targets.
        self.assign_facts(n, left, right, &t);
        let t = t.step(self.loc(n), format!("assigned to `{}`", normalise(&lt)));
        match left.node_kind() {
            "identifier" => {
                let prev = self.lookup(&lt).cloned().unwrap_or_default();
                let var = Var {
                    taint: t.clone(),
                    alias: self.alias_of(right).or(prev.alias),
                    body: self.is_whole_body(right),
                    stringy: self.is_stringy(right)
                        || (n.node_kind() == "augmented_assignment_expression" && prev.stringy),
                    ctor: self.ctor_of(right).or(prev.ctor),
                    func: prev.func,
                };
                self.bind(&lt, var);
            }
            "member_expression" | "subscript_expression" => {
                // `obj.x = tainted` taints `obj` (containers).
                let mut root = left;
                while let Some(o) = root.field("object") {
                    root = o;
                }
                if root.node_kind() == "identifier" && !t.is_constant() {
                    let name = self.text(root).to_string();
                    if let Some(mut v) = self.lookup(&name).cloned()
                        && v.alias.is_none()
                    {
                        v.taint.join(&t);
                        self.bind(&name, v);
                    }
                }
            }
            "object_pattern" | "array_pattern" => {
                let p = self.path_of(right);
                self.bind_pattern(left, &t, p, d + 1);
            }
            _ => {}
        }
        t
    }

    // ---------------------------------------------------------------- calls

    fn call(&mut self, n: Node, is_new: bool, d: usize) -> Taint {
        let func = n.field(if is_new { "constructor" } else { "function" });
        let Some(func) = func else {
            return Taint::unknown();
        };
        let args_node = n.field("arguments");
        if let Some(a) = args_node.filter(|a| a.node_kind() == "template_string") {
            // Tagged template: the tag receives the values separately (parameterised).
            self.eval_node(func, d + 1);
            self.eval_node(a, d + 1);
            return Taint::constant();
        }
        if !is_new && func.node_kind() == "identifier" && self.text(func) == "require" {
            return Taint::constant();
        }
        let arg_nodes: Vec<Node> = args_node.map(kids).unwrap_or_default();
        let fpath = self.path_of(func);
        let method = if func.node_kind() == "member_expression" {
            func.field("property").map(|p| self.text(p).to_string())
        } else {
            None
        };
        let recv_node = if func.node_kind() == "member_expression" {
            func.field("object")
        } else {
            None
        };
        // Entries, mounts and middleware: decided before the handler is walked.
        self.plan_call(
            n,
            func,
            fpath.as_ref(),
            method.as_deref(),
            &arg_nodes,
            is_new,
        );
        let recv = match recv_node {
            Some(o) => self.eval_node(o, d + 1),
            None if func.node_kind() == "identifier" => Taint::constant(),
            None => self.eval_node(func, d + 1),
        };
        let mut args = vec![];
        let mut props: Vec<(usize, PropT)> = vec![];
        for (i, a) in arg_nodes.iter().enumerate() {
            let sa = strip(*a);
            if is_function(sa) {
                if !self.overrides.contains_key(&sa.id()) && method.is_some() {
                    self.overrides
                        .insert(sa.id(), (Role::Callback(recv.clone()), None));
                }
                self.overrides
                    .entry(sa.id())
                    .or_insert_with(|| (Role::Callback(Taint::constant()), None));
                self.function(sa, None, None, d + 1);
                args.push(Taint::constant());
            } else if sa.node_kind() == "object" {
                let (t, ps) = self.eval_object(sa, d + 1);
                props.extend(ps.into_iter().map(|p| (i, p)));
                args.push(t);
            } else {
                args.push(self.eval_node(*a, d + 1));
            }
        }
        let callee = fpath
            .as_ref()
            .map(|p| p.text.clone())
            .unwrap_or_else(|| normalise(self.text(func)));
        let cx = CallCx {
            node: n,
            func,
            callee: &callee,
            root: fpath.as_ref().map(|p| p.root),
            method: method.as_deref(),
            recv_node,
            recv: &recv,
            arg_nodes: &arg_nodes,
            args: &args,
            props: &props,
            is_new,
        };
        self.call_facts(&cx);
        self.result_taint(&cx)
    }

    fn result_taint(&mut self, cx: &CallCx) -> Taint {
        let mut joined = Taint::constant();
        for a in cx.args {
            joined.join(a);
        }
        let step_label = format!("passed through `{}()`", short(cx.callee));
        if cx.is_new
            && cx.callee == "URL"
            && cx
                .arg_nodes
                .first()
                .and_then(|a| self.lit(*a))
                .is_some_and(|u| u.starts_with('/'))
        {
            return Taint::constant();
        }
        // Sources by callee (`request.json()`, `req.get('x')`) or by method.
        if cx.root != Some(Root::Local)
            && let Some(s) = self.source_taint(cx.callee, cx.node, self.text(cx.node))
        {
            // A file read is outside data only when its path is not a constant.
            let file_const = s.sources.iter().all(|x| x.kind == "file") && joined.is_constant();
            if !file_const {
                return s;
            }
        }
        if let Some(m) = cx.method
            && let Some(spec) = self.spec.source_for_method(m)
        {
            return Taint::source(Source {
                kind: spec.kind.clone(),
                location: self.loc(cx.node),
                label: normalise(self.text(cx.node)),
            });
        }
        if self.llm_kind(cx).is_some() {
            return Taint::source(Source {
                kind: "llm-output".into(),
                location: self.loc(cx.node),
                label: normalise(self.text(cx.func)),
            });
        }
        if self.is_retriever_call(cx) {
            return Taint::source(Source {
                kind: "retrieved".into(),
                location: self.loc(cx.node),
                label: normalise(self.text(cx.func)),
            });
        }
        if let Some(kinds) = self.spec.sanitizes(Some(cx.callee), cx.method) {
            let kinds = kinds.to_vec();
            let base = if cx.method.is_some()
                && !self
                    .spec
                    .sanitizers
                    .iter()
                    .any(|s| s.callees.iter().any(|c| c == cx.callee))
            {
                cx.recv.clone().joined(&joined)
            } else {
                joined
            };
            return base.sanitize(&kinds);
        }
        if matches!(cx.method, Some("map" | "flatMap"))
            && let Some(f) = cx
                .arg_nodes
                .first()
                .map(|a| strip(*a))
                .filter(|a| is_function(*a))
        {
            let t = self.fn_returns.remove(&f.id()).unwrap_or_default();
            return t.step(self.loc(cx.node), step_label);
        }
        // A propagator method only passes data its receiver holds:
        // `body.get("q")` does, `redis.get(key)` (a client) does not.
        if self.spec.propagates(Some(cx.callee), None)
            || (self.spec.propagates(None, cx.method) && cx.recv.carries_data())
        {
            return cx
                .recv
                .clone()
                .joined(&joined)
                .step(self.loc(cx.node), step_label);
        }
        // A same-file function already summarised.
        if cx.root == Some(Root::Module)
            && let Some(f) = self
                .fn_by_export
                .get(cx.callee)
                .and_then(|&i| self.functions.get(i))
        {
            let mut t = Taint::constant();
            for p in &f.returns_params {
                if let Some(a) = cx.args.get(*p as usize) {
                    t.join(a);
                }
            }
            if let Some(s) = &f.returns_source {
                t.join(&Taint::source(s.clone()));
            }
            // What it returns from other calls, the engine follows (when
            // what is known of it brings no outside data already).
            if !f.returns_calls.is_empty() && t.sources.is_empty() {
                t.remember_call(cx.callee);
            }
            return t.step(self.loc(cx.node), step_label);
        }
        if cx.method.is_some() && cx.recv.carries_data() {
            return cx
                .recv
                .clone()
                .joined(&joined)
                .step(self.loc(cx.node), step_label);
        }
        // Unknown function of non-constant input: origin unknown, but keep
        // parameters for linking — and the callee when it is one of the
        // repository's own modules (`src/db::find`), whose return the
        // engine can follow; library calls (`*.join`) are not worth it.
        let repo_callee = if cx.callee.contains("::") {
            cx.callee
        } else {
            ""
        };
        Taint::opaque_call(&joined, repo_callee)
    }

    /// Everything recognised at one call.
    fn call_facts(&mut self, cx: &CallCx) {
        self.sinks(cx);
        self.conventions_at(cx);
        self.llm(cx);
        self.clients(cx);
        self.settings(cx);
        self.traits_at(cx);
        if cx.callee.contains("::") && !cx.callee.contains("()") && !cx.is_new {
            let callee = cx.callee.to_string();
            self.record_call(&callee, cx.node, cx.args, cx.arg_nodes);
            if cx.root == Some(Root::Module)
                && let Some((_, name)) = callee.split_once("::")
            {
                let name = name.to_string();
                self.cur_traits().local_calls.insert(name);
            }
        }
    }

    fn traits_at(&mut self, cx: &CallCx) {
        let last = cx
            .method
            .or_else(|| cx.callee.rsplit(['.', ':']).next())
            .unwrap_or("")
            .to_string();
        let last_l = last.to_ascii_lowercase();
        let auth_fn = matches!(
            last.as_str(),
            "getServerSession"
                | "getSession"
                | "auth"
                | "currentUser"
                | "getAuth"
                | "verifyToken"
                | "verifyIdToken"
                | "getToken"
                | "requireAuth"
                | "requireUser"
                | "jwtVerify"
                | "verifySession"
        ) || matches!(cx.callee, "jsonwebtoken.verify" | "jose.jwtVerify")
            || cx.callee.ends_with("auth.getUser");
        if auth_fn && !cx.is_new {
            self.cur_traits().auth_calls.insert(last.clone());
        }
        if cx.func.node_kind() == "identifier"
            && let Some(sym) = self.lookup(self.text(cx.func)).and_then(|v| v.func.clone())
        {
            self.cur_traits().local_calls.insert(sym);
        }
        let recv_words = cx
            .recv_node
            .map(|r| words(self.short_text(r)))
            .unwrap_or_default();
        if recv_words.iter().any(|w| {
            matches!(
                w.as_str(),
                "logger" | "log" | "winston" | "pino" | "audit" | "auditlog"
            )
        }) || last_l.starts_with("audit")
            || recv_words.iter().any(|w| w.starts_with("audit"))
        {
            self.cur_traits().audit = true;
        }
        if [
            "confirm",
            "approve",
            "askuser",
            "requestapproval",
            "requireapproval",
            "humanapproval",
            "askforconfirmation",
        ]
        .iter()
        .any(|w| last_l.starts_with(w))
        {
            self.cur_traits().confirmation = true;
        }
        // Record lookup by a route parameter.
        let fetch = [
            "findbyid",
            "findone",
            "findunique",
            "findbypk",
            "findfirst",
            "findoneby",
            "findoneorfail",
            "findbyidandupdate",
            "findbyidanddelete",
            "query",
            "get",
        ];
        if fetch.contains(&last_l.as_str()) && cx.method.is_some() {
            let from_param = |t: &Taint| t.sources.iter().any(|s| is_param_label(&s.label));
            let direct = cx.args.iter().any(from_param)
                || cx.props.iter().any(|(_, p)| from_param(&p.taint));
            let where_param = cx.props.iter().any(|(_, p)| {
                p.key == "where" && p.taint.sources.iter().any(|s| is_param_label(&s.label))
            });
            if direct || where_param {
                let recv_ok = last_l != "get"
                    || cx.recv_node.is_some_and(|r| {
                        words(self.short_text(r))
                            .iter()
                            .any(|w| DB_WORDS.contains(&w.as_str()) || w == "repository")
                    });
                if recv_ok {
                    self.cur_traits().id_lookup = true;
                }
            }
            // An ownership filter in the same lookup counts as a check.
            if cx.props.iter().any(|(_, p)| {
                let t = self.text(p.node);
                t.contains("req.user")
                    || t.contains("userId")
                    || t.contains("ownerId")
                    || t.contains("user.id")
            }) {
                self.cur_traits().user_check = true;
            }
        }
        // Mass assignment: the whole body into a create/update.
        let mass_methods = [
            "create",
            "insert",
            "insertone",
            "insertmany",
            "update",
            "updateone",
            "updatemany",
            "findbyidandupdate",
            "findoneandupdate",
            "upsert",
            "build",
            "assign",
            "merge",
            "save",
            "set",
            "createmany",
        ];
        let mut mass = false;
        if cx.is_new {
            let ctor = self.text(cx.func);
            let capital = ctor.chars().next().is_some_and(char::is_uppercase);
            let not_builtin = ![
                "URL",
                "Error",
                "Map",
                "Set",
                "Date",
                "Promise",
                "Response",
                "Request",
                "Headers",
                "URLSearchParams",
            ]
            .contains(&ctor);
            mass = capital
                && not_builtin
                && cx.arg_nodes.first().is_some_and(|a| self.is_whole_body(*a));
        } else if mass_methods.contains(&last_l.as_str()) && cx.method.is_some() {
            let skip_first = last_l == "assign"
                || last_l == "updateone"
                || last_l == "updatemany"
                || last_l == "findbyidandupdate"
                || last_l == "findoneandupdate"
                || last_l == "merge";
            let start = if skip_first { 1 } else { 0 };
            mass = cx
                .arg_nodes
                .iter()
                .skip(start)
                .any(|a| self.is_whole_body(*a))
                || cx
                    .props
                    .iter()
                    .any(|(_, p)| p.key == "data" && self.is_whole_body(p.value));
            if last_l == "set" {
                mass = false;
            }
        }
        if mass {
            self.cur_traits().mass_assign = true;
            let i = self.fact(Subject::Setting, "mass-assignment", cx.node);
            let callee = normalise(self.text(cx.func));
            self.facts[i]
                .props
                .insert("callee".into(), Prop::Str(callee));
        }
    }

    // ---------------------------------------------------------------- sinks

    fn sinks(&mut self, cx: &CallCx) {
        let specs: Vec<SinkSpec> = self
            .spec
            .sinks_for(Some(cx.callee), cx.method)
            .cloned()
            .collect();
        let mut done: Vec<String> = vec![];
        for s in specs {
            if done.contains(&s.kind) {
                continue;
            }
            let by_callee = s.callees.iter().any(|c| c == cx.callee);
            // A method of the repository's own class is linked by the engine, not matched by name.
            let this_field = cx
                .recv_node
                .is_some_and(|r| self.text(r).starts_with("this."));
            if !by_callee
                && this_field
                && cx.method.is_some_and(|m| !m.starts_with('$'))
                && let Some((_, tail)) = cx.callee.split_once("::")
                && tail.matches('.').count() <= 1
            {
                continue;
            }
            if !self.sink_applies(&s, cx, by_callee) {
                continue;
            }
            if let Some(kw) = &s.requires_keyword
                && !cx
                    .props
                    .iter()
                    .any(|(_, p)| &p.key == kw && self.text(strip(p.value)) == "true")
            {
                continue;
            }
            let mut t = Taint::constant();
            let mut any = false;
            if s.args.is_empty() && s.keywords.is_empty() {
                for a in cx.args {
                    t.join(a);
                }
                any = !cx.args.is_empty();
            }
            for i in &s.args {
                if let Some(a) = cx.args.get(*i as usize) {
                    let a = if s.kind == "nosql" {
                        self.nosql_taint(cx, *i as usize, a)
                    } else {
                        a.clone()
                    };
                    t.join(&a);
                    any = true;
                }
            }
            for (_, p) in cx.props {
                if s.keywords.contains(&p.key) {
                    t.join(&p.taint);
                    any = true;
                }
            }
            if !any {
                continue;
            }
            // Capabilities reached, whatever the data.
            let write = s.kind == "path"
                && is_write_op(
                    cx.method
                        .unwrap_or_else(|| cx.callee.rsplit('.').next().unwrap_or("")),
                );
            let cap = match s.kind.as_str() {
                "exec" => Some("exec"),
                "eval" => Some("eval"),
                "path" if write => Some("file-write"),
                "sql" if self.sql_writes(cx) => Some("sql-write"),
                _ => None,
            };
            if let Some(c) = cap {
                self.cur_traits().writes.insert(c.to_string());
            }
            let html_ok =
                s.kind != "html" || !by_callee_is_send(cx.callee) || self.html_send_ok(cx, &t);
            // A redirect to a literal local path, or a request to a literal host, stays put.
            let pinned = match s.kind.as_str() {
                "redirect" => cx
                    .arg_nodes
                    .last()
                    .is_some_and(|a| self.leading_literal(*a).is_some_and(|l| local_path(&l))),
                "ssrf" => {
                    cx.arg_nodes.first().is_some_and(|a| self.host_pinned(*a))
                        || self.host_guarded(cx.arg_nodes.first(), cx.args.first())
                }
                _ => false,
            };
            if pinned {
                continue;
            }
            // Safe values are not sinks — unless they went through a call the
            // engine may resolve to one of the repository's own functions.
            if !t.worth_recording(&s.kind) || !html_ok {
                continue;
            }
            done.push(s.kind.clone());
            let shell = s.kind == "exec"
                && (matches!(cx.callee, "child_process.exec" | "child_process.execSync")
                    || s.shell_keyword.as_ref().is_some_and(|k| {
                        cx.props
                            .iter()
                            .any(|(_, p)| &p.key == k && self.text(strip(p.value)) == "true")
                    }));
            if t.calls_dropped && t.state_for(&s.kind) != FlowState::Tainted {
                let at = Truncation::new(
                    TruncationLimit::UnresolvedCalls,
                    self.loc(cx.node),
                    &self.symbol(),
                );
                Truncation::note(&mut self.truncated, at);
            }
            let i = self.fact(Subject::Sink, &s.kind, cx.node);
            let f = &mut self.facts[i];
            f.props
                .insert("callee".into(), Prop::Str(cx.callee.to_string()));
            if shell {
                f.props.insert("shell".into(), Prop::Bool(true));
            }
            if write {
                f.props.insert("write".into(), Prop::Bool(true));
            }
            f.flow = Some(t.to_flow(&s.kind));
        }
    }

    fn sink_applies(&self, s: &SinkSpec, cx: &CallCx, by_callee: bool) -> bool {
        match s.kind.as_str() {
            "sql" if !by_callee && matches!(cx.method, Some("where" | "andWhere" | "orWhere")) => {
                cx.arg_nodes.first().is_some_and(|a| self.is_stringy(*a)) && self.db_receiver(cx)
            }
            "sql" if !by_callee => {
                if cx
                    .arg_nodes
                    .first()
                    .is_some_and(|a| strip(*a).node_kind() == "object" || is_function(strip(*a)))
                {
                    return false;
                }
                self.db_receiver(cx)
            }
            "nosql" => {
                if cx
                    .arg_nodes
                    .first()
                    .is_some_and(|a| is_function(strip(*a)) || self.is_stringy(*a))
                {
                    return false;
                }
                if cx.props.iter().any(|(_, p)| {
                    ["where", "data", "select", "include", "relations", "order"]
                        .contains(&p.key.as_str())
                }) {
                    return false;
                }
                let Some(r) = cx.recv_node else { return false };
                let rp = self.path_of(r).map(|p| p.text).unwrap_or_default();
                let rt = self.short_text(r);
                let ident_cap = strip(r).node_kind() == "identifier"
                    && rt.chars().next().is_some_and(char::is_uppercase);
                ident_cap
                    || rp.starts_with("mongoose")
                    || rp.starts_with("mongodb")
                    || rp.contains(".collection(")
                    || words(rt)
                        .iter()
                        .any(|w| ["collection", "coll", "col", "model", "db"].contains(&w.as_str()))
            }
            "path" => {
                if cx.method == Some("sendFile") {
                    return !cx.props.iter().any(|(_, p)| p.key == "root");
                }
                true
            }
            "eval" => {
                if matches!(cx.callee, "setTimeout" | "setInterval" | "setImmediate") {
                    return cx.arg_nodes.first().is_some_and(|a| {
                        let a = strip(*a);
                        matches!(
                            a.node_kind(),
                            "string" | "template_string" | "binary_expression"
                        ) || (a.node_kind() == "identifier"
                            && self
                                .lookup(self.text(a))
                                .is_some_and(|v| v.stringy || !v.taint.sources.is_empty()))
                    });
                }
                true
            }
            "deserialize" => {
                if cx.callee.starts_with("js-yaml.") || cx.callee.starts_with("yaml.") {
                    return cx.props.iter().any(|(_, p)| {
                        p.key == "schema" && {
                            let t = self.text(p.value).to_ascii_uppercase();
                            t.contains("FULL") || t.contains("UNSAFE")
                        }
                    });
                }
                true
            }
            "log" if !by_callee => cx.recv_node.is_some_and(|r| {
                words(self.short_text(r)).iter().any(|w| {
                    matches!(
                        w.as_str(),
                        "logger" | "log" | "winston" | "pino" | "console"
                    )
                })
            }),
            "html" if by_callee_is_send(cx.callee) => cx.recv_node.is_some_and(|r| {
                self.path_of(r)
                    .is_some_and(|p| p.text == "res" || p.text.starts_with("res."))
            }),
            _ => true,
        }
    }

    /// The literal text a string expression starts with (`'/users/' + id`, `` `/a/${b}` ``).
    fn leading_literal(&self, n: Node) -> Option<String> {
        let mut cur = strip(n);
        for _ in 0..50 {
            match cur.node_kind() {
                "string" => return self.lit(cur),
                "template_string" => {
                    let first = kids(cur).into_iter().next()?;
                    return (first.node_kind() == "string_fragment")
                        .then(|| self.text(first).to_string());
                }
                "binary_expression" => cur = strip(cur.field("left")?),
                _ => return None,
            }
        }
        None
    }

    /// A URL whose scheme and host are fixed: by a literal (`https://api.x.com/…`)
    /// or by configuration (`${API_BASE}/…`, `process.env.API + '/…'`).
    fn host_pinned(&self, n: Node) -> bool {
        if let Some(l) = self.leading_literal(n) {
            if let Some((_, rest)) = l.split_once("://") {
                return rest.contains('/') || rest.contains('?');
            }
            return false;
        }
        let s = strip(n);
        let (head, next) = match s.node_kind() {
            "template_string" => {
                let k = kids(s);
                let Some(sub) = k
                    .first()
                    .filter(|x| x.node_kind() == "template_substitution")
                else {
                    return false;
                };
                let Some(expr) = kids(*sub).into_iter().next() else {
                    return false;
                };
                let next = k
                    .get(1)
                    .filter(|x| x.node_kind() == "string_fragment")
                    .map(|x| self.text(*x).to_string());
                (expr, next)
            }
            "binary_expression" => {
                let Some(l) = s.field("left") else {
                    return false;
                };
                let next = s.field("right").and_then(|r| self.leading_literal(r));
                (l, next)
            }
            _ => return false,
        };
        if !next.is_some_and(|x| x.starts_with('/')) {
            return false;
        }
        // The base must come from configuration: a constant or the environment.
        let base = strip(head);
        let from_config = |t: &Taint| {
            t.sources
                .iter()
                .all(|x| x.kind == "env" || x.kind == "secret")
                && t.params.is_empty()
                && !t.unknown
        };
        match base.node_kind() {
            "identifier" => {
                self.lookup(self.text(base))
                    .is_some_and(|v| from_config(&v.taint))
                    || self.import_map.contains_key(self.text(base))
            }
            "member_expression" => self
                .path_of(base)
                .is_some_and(|p| p.text.starts_with("process.env.")),
            _ => false,
        }
    }

    fn db_receiver(&self, cx: &CallCx) -> bool {
        let Some(r) = cx.recv_node else { return false };
        if let Some(p) = self.path_of(r)
            && DB_MODULES.iter().any(|m| {
                p.text == *m
                    || p.text.starts_with(&format!("{m}."))
                    || p.text.starts_with(&format!("{m}("))
            })
        {
            return true;
        }
        let t = self.text(r);
        let last = t.rsplit('.').next().unwrap_or(t);
        words(last).iter().any(|w| DB_WORDS.contains(&w.as_str()))
    }

    fn sql_writes(&self, cx: &CallCx) -> bool {
        let Some(a) = cx.arg_nodes.first() else {
            return false;
        };
        let t = self
            .text(*a)
            .trim_start_matches(['\'', '"', '`', ' ', '\n'])
            .to_ascii_uppercase();
        [
            "INSERT", "UPDATE", "DELETE", "DROP", "ALTER", "CREATE", "TRUNCATE", "REPLACE", "MERGE",
        ]
        .iter()
        .any(|w| t.starts_with(w))
    }

    /// `res.send(...)`: an HTML sink only when the body is a string built from input.
    fn html_send_ok(&self, cx: &CallCx, t: &Taint) -> bool {
        if t.sources.is_empty() && t.params.is_empty() {
            return false;
        }
        let Some(a) = cx.arg_nodes.last() else {
            return false;
        };
        let a = strip(*a);
        match a.node_kind() {
            "template_string" | "binary_expression" => true,
            "identifier" => self
                .lookup(self.text(a))
                .is_some_and(|v| v.stringy || !v.taint.sources.is_empty() && v.alias.is_none()),
            "member_expression" | "subscript_expression" => !t.sources.is_empty(),
            "call_expression" => true,
            _ => false,
        }
    }

    fn nosql_taint(&self, cx: &CallCx, i: usize, a: &Taint) -> Taint {
        let Some(node) = cx.arg_nodes.get(i) else {
            return a.clone();
        };
        if strip(*node).node_kind() != "object" {
            return a.clone();
        }
        let mut t = Taint::constant();
        for (_, p) in cx.props.iter().filter(|(j, _)| *j == i) {
            if p.key == "$where" {
                t.join(&p.taint);
                continue;
            }
            if matches!(
                strip(p.value).node_kind(),
                "template_string" | "binary_expression" | "string" | "number"
            ) {
                continue;
            }
            // Path parameters are always strings; body and query values can be objects (`{$ne: null}`).
            if p.taint
                .sources
                .iter()
                .any(|s| s.kind == "request" && !is_param_label(&s.label))
            {
                t.join(&p.taint);
            }
        }
        t
    }

    // ---------------------------------------------------------------- assignment targets

    fn assign_facts(&mut self, n: Node, left: Node, right: Node, t: &Taint) {
        let lt = self.text(left);
        let prop = left.field("property").map(|p| self.text(p)).unwrap_or("");
        if matches!(prop, "innerHTML" | "outerHTML") && left.node_kind() == "member_expression" {
            let state = t.state_for("html");
            if state != crate::FlowState::Safe {
                let i = self.fact(Subject::Sink, "html", n);
                self.facts[i]
                    .props
                    .insert("callee".into(), Prop::Str(format!("Element.{prop}")));
                self.facts[i].flow = Some(t.to_flow("html"));
            }
        }
        if lt == "process.env.NODE_TLS_REJECT_UNAUTHORIZED"
            && self.lit(right).as_deref() == Some("0")
        {
            let i = self.fact(Subject::Setting, "tls-verify-disabled", n);
            self.facts[i].props.insert(
                "callee".into(),
                Prop::Str("NODE_TLS_REJECT_UNAUTHORIZED".into()),
            );
            self.facts[i]
                .props
                .insert("value".into(), Prop::Str("0".into()));
        }
        if (lt.ends_with(".keys") || lt == "app.keys")
            && strip(right).node_kind() == "array"
            && kids(strip(right)).iter().all(|k| self.lit(*k).is_some())
            && !kids(strip(right)).is_empty()
        {
            let i = self.fact(Subject::Setting, "secret-key-weak", n);
            self.facts[i]
                .props
                .insert("callee".into(), Prop::Str(normalise(lt)));
        }
    }

    fn jsx_attribute(&mut self, n: Node, d: usize) -> Taint {
        let name = kids(n)
            .into_iter()
            .next()
            .map(|k| self.text(k).to_string())
            .unwrap_or_default();
        let mut t = Taint::constant();
        for c in kids(n).into_iter().skip(1) {
            if name == "dangerouslySetInnerHTML" {
                // {{__html: x}}
                let obj = kids(c).into_iter().find(|k| k.node_kind() == "object");
                if let Some(o) = obj {
                    let (_, props) = self.eval_object(o, d + 1);
                    for p in props {
                        if p.key == "__html" && p.taint.state_for("html") != crate::FlowState::Safe
                        {
                            let i = self.fact(Subject::Sink, "html", n);
                            self.facts[i].props.insert(
                                "callee".into(),
                                Prop::Str("dangerouslySetInnerHTML".into()),
                            );
                            self.facts[i]
                                .props
                                .insert("framework".into(), Prop::Str("react".into()));
                            self.facts[i].flow = Some(p.taint.to_flow("html"));
                        }
                    }
                    continue;
                }
            }
            t.join(&self.eval_node(c, d + 1));
        }
        t
    }

    /// `if (!ALLOWED.includes(x)) return ...` cleans `x` afterwards.
    pub(super) fn allowlist_guard(&mut self, cond: Node, consequence: Option<Node>) {
        let c = strip(cond);
        if c.node_kind() != "unary_expression" || !self.text(c).starts_with('!') {
            return;
        }
        let Some(arg) = c.field("argument").map(strip) else {
            return;
        };
        if arg.node_kind() != "call_expression" {
            return;
        }
        let Some(f) = arg.field("function") else {
            return;
        };
        let m = f.field("property").map(|p| self.text(p)).unwrap_or("");
        if !matches!(m, "includes" | "has") {
            return;
        }
        let exits = consequence.is_some_and(|b| {
            let t = self.text(b);
            t.contains("return") || t.contains("throw")
        });
        if !exits {
            return;
        }
        let Some(a) = arg
            .field("arguments")
            .and_then(|x| kids(x).into_iter().next())
        else {
            return;
        };
        if a.node_kind() == "identifier" {
            let name = self.text(a).to_string();
            if let Some(mut v) = self.lookup(&name).cloned() {
                v.taint = Taint::constant();
                self.bind(&name, v);
            }
        }
    }

    /// A block that ends the function: a `return` or `throw` statement, or
    /// a block holding one at its top level.
    pub(super) fn exits(&self, b: Node) -> bool {
        match b.node_kind() {
            "return_statement" | "throw_statement" => true,
            "statement_block" => kids(b)
                .iter()
                .any(|k| matches!(k.node_kind(), "return_statement" | "throw_statement")),
            _ => false,
        }
    }

    /// `C.includes(v)` / `C.has(v)` (or negated with `!`) where `v` derives
    /// from the function's parameters and from nothing else, `C` is a
    /// module-level constant or imported configuration (not a local of the
    /// function), and the collection's name or the checked expression
    /// names a host or URL. Returns the guard and whether it is negated.
    pub(super) fn host_guard(&self, cond: Node) -> Option<(HostGuard, bool)> {
        if !self.stack.last().is_some_and(|c| c.conv.named) {
            return None;
        }
        let mut c = strip(cond);
        let mut negated = false;
        while c.node_kind() == "unary_expression" && self.text(c).starts_with('!') {
            negated = !negated;
            c = strip(c.field("argument")?);
        }
        if c.node_kind() != "call_expression" {
            return None;
        }
        let f = c.field("function")?;
        if f.node_kind() != "member_expression" {
            return None;
        }
        let method = self.text(f.field("property")?);
        if !matches!(method, "includes" | "has") {
            return None;
        }
        let coll = strip(f.field("object")?);
        if !matches!(coll.node_kind(), "identifier" | "member_expression") {
            return None;
        }
        let collection = self.text(coll);
        if collection.contains(['(', '[']) {
            return None;
        }
        let root = collection.split('.').next().unwrap_or(collection);
        let module_level = self.stack.first().is_some_and(|m| m.env.contains_key(root))
            && self.stack[1..].iter().all(|c| !c.env.contains_key(root));
        let imported = self.import_map.contains_key(root)
            && self.stack[1..].iter().all(|c| !c.env.contains_key(root));
        if !(module_level || imported) {
            return None;
        }
        let args = kids(c.field("arguments")?);
        let [arg] = args.as_slice() else {
            return None;
        };
        let checked = self.local_taint(*arg, 0);
        if checked.params.is_empty() || !checked.sources.is_empty() {
            return None;
        }
        let arg_text = self.text(*arg);
        if !(crate::words::hostish(collection) || crate::words::hostish(arg_text)) {
            return None;
        }
        Some((
            HostGuard {
                collection: collection.to_string(),
                name: (strip(*arg).node_kind() == "identifier").then(|| arg_text.to_string()),
                params: checked.params,
            },
            negated,
        ))
    }

    /// The joined taint of the function's locals an expression names.
    /// Reads, never evaluates: nothing is recorded twice.
    fn local_taint(&self, n: Node, d: usize) -> Taint {
        if d > 20 {
            return Taint::unknown();
        }
        if n.node_kind() == "identifier" {
            return self.stack[1..]
                .iter()
                .rev()
                .find_map(|c| c.env.get(self.text(n)))
                .map(|v| v.taint.clone())
                .unwrap_or_default();
        }
        let mut t = Taint::constant();
        for k in kids(n) {
            t.join(&self.local_taint(k, d + 1));
        }
        t
    }

    /// A URL argument checked by the host guard in force: derived from the
    /// guarded parameters only, or the checked name itself.
    fn host_guarded(&self, node: Option<&Node>, t: Option<&Taint>) -> bool {
        let Some(g) = self.stack.last().and_then(|c| c.conv.host_guard.as_ref()) else {
            return false;
        };
        if let Some(n) = node
            && strip(*n).node_kind() == "identifier"
            && g.name.as_deref() == Some(self.text(strip(*n)))
        {
            return true;
        }
        t.is_some_and(|t| {
            !t.params.is_empty()
                && t.params.is_subset(&g.params)
                && t.sources.is_empty()
                && !t.unknown
        })
    }

    /// The parameter `n` names, when it still holds what the caller passed.
    fn untouched_param(&self, n: Node) -> Option<u32> {
        let n = strip(n);
        if n.node_kind() != "identifier" {
            return None;
        }
        let c = self.stack.last()?;
        let name = self.text(n);
        let i = c.conv.params.iter().position(|p| p == name)? as u32;
        if c.conv.assigned.contains(name) {
            return None;
        }
        let v = c.env.get(name)?;
        (v.taint.params == BTreeSet::from([i]) && v.taint.sources.is_empty() && !v.taint.unknown)
            .then_some(i)
    }

    /// What this call says about the enclosing named function's
    /// conventions: a query helper (SQL text from a parameter, bound
    /// values passed separately) or an HTTP wrapper (a client called on a
    /// URL whose host was checked against an allowlist).
    fn conventions_at(&mut self, cx: &CallCx) {
        let Some(c) = self.stack.last() else { return };
        if !c.conv.named || cx.is_new {
            return;
        }
        let helper = if c.conv.query_helper.is_none() {
            self.query_helper(cx)
        } else {
            None
        };
        let wrapper = if c.conv.http_wrapper.is_none() {
            self.http_wrapper(cx)
        } else {
            None
        };
        if let Some(c) = self.stack.last_mut() {
            if helper.is_some() {
                c.conv.query_helper = helper;
            }
            if wrapper.is_some() {
                c.conv.http_wrapper = wrapper;
            }
        }
    }

    fn query_helper(&self, cx: &CallCx) -> Option<QueryHelper> {
        if matches!(cx.method, Some("where" | "andWhere" | "orWhere")) {
            return None;
        }
        let spec = self
            .spec
            .sinks_for(Some(cx.callee), cx.method)
            .find(|s| s.kind == "sql" && s.args.contains(&0) && s.requires_keyword.is_none())?;
        let by_callee = spec.callees.iter().any(|c| c == cx.callee);
        if !self.sink_applies(spec, cx, by_callee) {
            return None;
        }
        let i = self.untouched_param(*cx.arg_nodes.first()?)?;
        let binds = cx.args.get(1)?;
        if binds.params.is_empty() || binds.params.contains(&i) || !binds.sources.is_empty() {
            return None;
        }
        Some(QueryHelper {
            param: i,
            call: cx.callee.to_string(),
            location: self.loc(cx.node),
        })
    }

    fn http_wrapper(&self, cx: &CallCx) -> Option<HttpWrapper> {
        let g = self.stack.last()?.conv.host_guard.as_ref()?;
        let spec = self
            .spec
            .sinks_for(Some(cx.callee), cx.method)
            .find(|s| s.kind == "ssrf" && s.callees.iter().any(|c| c == cx.callee))?;
        let idx = *spec.args.first()? as usize;
        if !self.host_guarded(cx.arg_nodes.get(idx), cx.args.get(idx)) {
            return None;
        }
        let param = *g.params.iter().next()?;
        Some(HttpWrapper::new(
            param,
            cx.callee,
            &g.collection,
            self.loc(cx.node),
        ))
    }

    // ---------------------------------------------------------------- bindings

    /// The alias a variable takes from its initialiser (a client, an app, a router).
    pub(super) fn alias_of(&self, value: Node) -> Option<String> {
        let v = strip(value);
        match v.node_kind() {
            "new_expression" => {
                let c = v.field("constructor")?;
                let p = self.path_of(c)?;
                (p.root != Root::Local && p.root != Root::Global || is_known_ctor(&p.text))
                    .then_some(p.text)
            }
            "call_expression" => {
                let p = self.path_of(v)?;
                let data = self.spec.source_for_path(&p.text).is_some();
                (p.root != Root::Local && !data).then_some(p.text)
            }
            "identifier" | "member_expression" => {
                let p = self.path_of(v)?;
                // Request data is taint, not an alias.
                let data = self.spec.source_for_path(&p.text).is_some();
                ((p.root == Root::Alias || p.root == Root::Import) && !data).then_some(p.text)
            }
            _ => None,
        }
    }

    pub(super) fn is_whole_body(&self, value: Node) -> bool {
        let v = strip(value);
        match v.node_kind() {
            "identifier" => self.lookup(self.text(v)).is_some_and(|x| x.body),
            "member_expression" => self
                .path_of(v)
                .is_some_and(|p| p.root != Root::Local && is_body_path(&p.text)),
            "call_expression" => self.path_of(v).is_some_and(|p| {
                matches!(p.text.as_str(), "request.json()" | "request.formData()")
            }),
            "object" => kids(v).iter().any(|k| {
                k.node_kind() == "spread_element"
                    && kids(*k).first().is_some_and(|x| {
                        strip(*x).node_kind() != "object" && self.is_whole_body(*x)
                    })
            }),
            _ => false,
        }
    }

    pub(super) fn is_stringy(&self, value: Node) -> bool {
        let v = strip(value);
        match v.node_kind() {
            "template_string" => kids(v)
                .iter()
                .any(|k| k.node_kind() == "template_substitution"),
            "binary_expression" => v.field("operator").is_some_and(|o| self.text(o) == "+"),
            _ => false,
        }
    }

    pub(super) fn ctor_of(&self, value: Node) -> Option<Ctor> {
        let v = strip(value);
        if !matches!(v.node_kind(), "new_expression" | "call_expression") {
            return None;
        }
        let args = v.field("arguments")?;
        let mut ctor = Ctor::default();
        for a in kids(args) {
            if strip(a).node_kind() != "object" {
                continue;
            }
            for p in kids(strip(a)) {
                if p.node_kind() != "pair" {
                    continue;
                }
                let k = p.field("key").map(|k| self.text(k)).unwrap_or("");
                let Some(val) = p.field("value") else {
                    continue;
                };
                match k {
                    "model" | "modelName" => ctor.model = self.lit(val),
                    "timeout" | "signal" | "timeoutMs" => ctor.timeout = true,
                    "prefix" => ctor.prefix = self.lit(val),
                    "maxTokens"
                    | "max_tokens"
                    | "maxOutputTokens"
                    | "numPredict"
                    | "maxCompletionTokens" => ctor.max_tokens = true,
                    "baseURL" | "baseUrl" | "host" | "endpoint" => {
                        ctor.host = Some(
                            self.lit(val)
                                .map(|u| host_of(&u))
                                .unwrap_or_else(|| "dynamic".into()),
                        )
                    }
                    _ => {}
                }
            }
        }
        Some(ctor)
    }
}

/// What a call looks like, shared by the recognisers.
pub(super) struct CallCx<'c, 't> {
    pub node: Node<'t>,
    pub func: Node<'t>,
    pub callee: &'c str,
    pub root: Option<Root>,
    pub method: Option<&'c str>,
    pub recv_node: Option<Node<'t>>,
    pub recv: &'c Taint,
    pub arg_nodes: &'c [Node<'t>],
    pub args: &'c [Taint],
    pub props: &'c [(usize, PropT<'t>)],
    pub is_new: bool,
}

pub(super) fn short(callee: &str) -> &str {
    let s = callee.rsplit("::").next().unwrap_or(callee);
    s.trim_end_matches("()")
}

fn by_callee_is_send(callee: &str) -> bool {
    matches!(callee, "res.send" | "res.write" | "res.end")
}

pub(super) fn is_param_label(label: &str) -> bool {
    label.contains("params") || label.starts_with("@Param(")
}

/// A path on this site: `/x`, never `//host` or `/\\host`.
fn local_path(l: &str) -> bool {
    l.starts_with('/') && !l.starts_with("//") && !l.starts_with("/\\")
}

fn is_write_op(m: &str) -> bool {
    let m = m.to_ascii_lowercase();
    [
        "write", "append", "unlink", "rm", "rmdir", "mkdir", "rename", "copy", "cp", "chmod",
        "chown", "truncate", "symlink", "link", "utimes",
    ]
    .iter()
    .any(|w| m.starts_with(w) || m.starts_with(&format!("create{w}")))
        || m == "createwritestream"
}

fn is_known_ctor(p: &str) -> bool {
    matches!(p, "URL" | "Function" | "RegExp")
}

/// Host of a URL literal (`https://api.x.com/v1` -> `api.x.com`).
pub(super) fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let hostport = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = hostport
        .rsplit_once('@')
        .map(|(_, h)| h)
        .unwrap_or(hostport);
    let host = if host.starts_with('[') {
        host
    } else {
        host.split(':').next().unwrap_or(host)
    };
    if host.is_empty() || host.contains("${") {
        "dynamic".into()
    } else {
        host.to_string()
    }
}
