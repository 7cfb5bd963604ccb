//! Python extractor: one walk over the tree produces the import table,
//! entries (routes, MCP and agent tools), stores, outbound calls, LLM calls,
//! queues, settings, sinks with intraprocedural taint, and function
//! summaries for cross-file linking.
//!
//! Recursion is bounded by [`MAX_DEPTH`]; deeper subtrees are treated as
//! values of unknown origin and not looked into, and the file records an
//! "analysis truncated" note (limit, line, enclosing symbol) saying so.
//! Linear chains (`a + b + …`, `x.strip().strip()…`, `a.b.c…`) cost no
//! depth: they are evaluated bottom-up ([`crate::chain`]), however long.

mod detect;
pub(crate) mod names;
mod routes;

use crate::evidence;
use crate::flowspec::{FlowSpec, FlowSpecFile, SinkSpec};
use crate::taint::Taint;
use crate::types::*;
use bw_lang::{FieldExt, KindExt};
use foldhash::{HashMap, HashSet};
use names::*;
use std::collections::BTreeSet;
use std::rc::Rc;
use tree_sitter::Node;

/// How deep statements, expressions and functions may nest before the
/// analysis stops and notes the file as truncated. Each level costs a few
/// frames of the walk stack ([`crate::WALK_STACK`]); measured in debug
/// builds, several thousand levels fit, so this keeps a wide margin.
pub(crate) const MAX_DEPTH: usize = 1000;

/// How deep a dotted name is resolved (`a.b.c()`): catalogue names are a
/// few segments long, so a longer one never names a source or a sink by
/// its path (its last method still counts).
const PATH_DEPTH: usize = 40;

/// Literal keyword arguments of a constructor, kept on the variable it is
/// assigned to (`llm = ChatOpenAI(model="x", max_tokens=100)`).
#[derive(Debug, Clone, Default)]
pub(crate) struct CtorInfo {
    pub model: Option<String>,
    pub max_tokens: bool,
    pub tools: bool,
    pub timeout: bool,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Var {
    pub taint: Taint,
    /// Resolved dotted path of the object (`openai.OpenAI()`), if known.
    pub ty: Option<String>,
    pub ctor: Option<Rc<CtorInfo>>,
}

/// What a function body does, for entry properties.
#[derive(Debug, Clone, Default)]
pub(crate) struct FnInfo {
    pub caps: BTreeSet<String>,
    pub audit_log: bool,
    pub confirmation: bool,
    pub id_lookup: bool,
    pub user_check: bool,
    pub mass_assign: bool,
    pub method_write: bool,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Scope {
    pub symbol: String,
    pub class: Option<String>,
    pub vars: HashMap<String, Var>,
    pub outer: Rc<HashMap<String, Var>>,
    pub is_module: bool,
    pub cond: u32,
    pub returns: Taint,
    pub calls: Vec<CallSite>,
    pub info: FnInfo,
    pub path_params: Vec<String>,
    pub framework: Option<String>,
    /// The function's parameter names, in order (`self` included).
    pub params: Vec<String>,
    /// Names assigned in this function so far: a parameter among them no
    /// longer holds what the caller passed.
    pub assigned: HashSet<String>,
    /// A host allowlist check in force at this point of the body.
    pub host_guard: Option<HostGuard>,
    pub query_helper: Option<QueryHelper>,
    pub http_wrapper: Option<HttpWrapper>,
}

/// `if host not in ALLOWED_HOSTS: raise …` (or the body of `if host in …:`):
/// a value derived from the function's parameters, checked for membership
/// in a constant collection whose name or whose checked value names a host.
#[derive(Debug, Clone, Default)]
pub(crate) struct HostGuard {
    /// The collection as written (`ALLOWED_HOSTS`, `settings.ALLOWED_HOSTS`).
    pub collection: String,
    /// The checked variable, when the left side is a plain name.
    pub name: Option<String>,
    /// The parameters the checked value derives from.
    pub params: BTreeSet<u32>,
}

pub(crate) struct Arg<'t> {
    pub kw: Option<String>,
    pub node: Node<'t>,
    pub taint: Taint,
    /// 0 plain, 1 `*x`, 2 `**x`.
    pub splat: u8,
}

pub(crate) struct Call<'t> {
    pub node: Node<'t>,
    /// Resolved callee path (`subprocess.run`, `openai.OpenAI().chat.completions.create`).
    pub path: String,
    pub method: Option<String>,
    pub recv: Option<Node<'t>>,
    pub recv_taint: Taint,
    pub recv_ctor: Option<Rc<CtorInfo>>,
    pub args: Vec<Arg<'t>>,
}

impl<'t> Call<'t> {
    pub fn kw(&self, name: &str) -> Option<&Arg<'t>> {
        self.args.iter().find(|a| a.kw.as_deref() == Some(name))
    }
    pub fn pos(&self, i: usize) -> Option<&Arg<'t>> {
        self.args
            .iter()
            .filter(|a| a.kw.is_none() && a.splat == 0)
            .nth(i)
    }
    /// Positional argument `i`, or keyword `name`.
    pub fn arg(&self, i: usize, name: &str) -> Option<&Arg<'t>> {
        self.kw(name).or_else(|| self.pos(i))
    }
    pub fn last(&self) -> &str {
        self.path.rsplit('.').next().unwrap_or(&self.path)
    }
}

/// An entry whose handler is named, not decorated (Starlette `Route`,
/// LangChain `Tool(func=)`, `add_url_rule`): resolved at the end.
pub(crate) struct Deferred {
    pub draft: routes::EntryDraft,
    pub func: String,
}

pub(crate) struct Ctx<'s> {
    pub path: &'s str,
    pub src: &'s str,
    pub spec: &'s FlowSpecFile,
    /// Every dotted segment that begins a source name (`flask`, `request`
    /// for `*.request.GET`): a path holding none of them is no source.
    pub source_heads: HashSet<&'s str>,
    pub module: String,
    pub imports: Imports,
    pub defs: HashSet<String>,
    pub globals: HashMap<String, Var>,
    pub self_types: HashMap<String, Var>,
    pub facts: Vec<Fact>,
    pub functions: Vec<FunctionSummary>,
    pub fn_infos: HashMap<String, (String, FnInfo)>,
    /// Same-file functions already walked: the parameters and the source
    /// reaching their return value, and whether unresolved calls do too.
    pub returns: HashMap<String, (Vec<u32>, Option<Source>, bool)>,
    pub fn_params: HashMap<String, Vec<String>>,
    pub deferred: Vec<Deferred>,
    /// Router variables with their own prefix (`APIRouter(prefix=)`, `Blueprint(url_prefix=)`).
    pub router_prefix: HashMap<String, String>,
    pub tool_funcs: HashSet<String>,
    pub seen_store: HashSet<String>,
    pub module_settings: HashMap<String, (bool, Evidence)>,
    pub assign_target: Option<String>,
    pub last_ctor: Option<Rc<CtorInfo>>,
    pub is_settings: bool,
    /// The file imports an LLM framework (LangChain, LlamaIndex, LangGraph).
    pub llm_file: bool,
    pub is_config: bool,
    /// Where the analysis stopped short (see [`Truncation`]).
    pub truncated: Vec<Truncation>,
    /// Values of chain links already evaluated bottom-up, by node id, with
    /// the constructor info they left (taken when the parent reads them).
    pub memo: HashMap<usize, (Taint, Option<Rc<CtorInfo>>)>,
}

/// The facts of a Python file, handing the parsed tree to `see` before
/// extracting (a caller that also lowers the file parses it once).
pub fn extract_seeing(
    path: &str,
    text: &str,
    spec: &FlowSpec,
    see: crate::TreeHook<'_>,
) -> Result<FileFacts, bw_lang::ParseError> {
    crate::with_walk_stack(
        || extract_inner(path, text, spec, see),
        || Err(bw_lang::ParseError::Failed),
    )
}

fn extract_inner(
    path: &str,
    text: &str,
    spec: &FlowSpec,
    see: crate::TreeHook<'_>,
) -> Result<FileFacts, bw_lang::ParseError> {
    // Long runs of comment lines blanked (the grammar is quadratic on
    // them); offsets are kept, so every location is the file's own.
    let parsed_text = bw_lang::python_text(text);
    let text: &str = &parsed_text;
    let tree = crate::budget::parse(bw_files::Lang::Python, text)?;
    see(&tree);
    let root = tree.root_node();
    let file = path.rsplit('/').next().unwrap_or(path);
    let mut cx = Ctx {
        path,
        src: text,
        spec: &spec.python,
        source_heads: spec
            .python
            .sources
            .iter()
            .flat_map(|s| s.names.iter())
            .filter_map(|n| n.trim_start_matches("*.").split('.').next())
            .map(|h| h.split(['[', '(']).next().unwrap_or(h))
            .collect(),
        module: module_of(path),
        imports: Imports::default(),
        defs: HashSet::default(),
        globals: HashMap::default(),
        self_types: HashMap::default(),
        facts: Vec::new(),
        functions: Vec::new(),
        fn_infos: HashMap::default(),
        returns: HashMap::default(),
        fn_params: HashMap::default(),
        deferred: Vec::new(),
        router_prefix: HashMap::default(),
        tool_funcs: HashSet::default(),
        seen_store: HashSet::default(),
        module_settings: HashMap::default(),
        assign_target: None,
        last_ctor: None,
        is_settings: file.starts_with("settings") || path.contains("/settings/"),
        llm_file: false,
        is_config: file.starts_with("config")
            || file.starts_with("settings")
            || path.contains("/settings/"),
        truncated: Vec::new(),
        memo: HashMap::default(),
    };
    cx.prescan(root);
    cx.llm_file = [
        "langchain",
        "langchain_core",
        "langchain_openai",
        "langchain_anthropic",
        "langchain_community",
        "langchain_ollama",
        "langchain_google_genai",
        "langgraph",
        "llama_index",
        "google",
    ]
    .iter()
    .any(|r| cx.imports_root(r));
    let mut sc = Scope {
        symbol: "<module>".into(),
        is_module: true,
        ..Default::default()
    };
    cx.block(root, &mut sc, 0);
    cx.finish();
    Ok(FileFacts {
        path: path.to_string(),
        lang: "python".into(),
        facts: cx.facts,
        imports: cx.imports.list,
        functions: cx.functions,
        ignores: Vec::new(),
        partial: root.has_error(),
        unread: None,
        truncated: cx.truncated,
    })
}

impl<'s> Ctx<'s> {
    pub fn text(&self, n: Node<'_>) -> &'s str {
        text(n, self.src)
    }
    pub fn ev(&self, n: Node<'_>, symbol: &str) -> Evidence {
        evidence::evidence(self.path, n, self.src, symbol)
    }
    pub fn loc(&self, n: Node<'_>) -> Location {
        evidence::location(self.path, n, self.src)
    }
    /// Evidence from the start of `a` to the end of `b`.
    pub fn ev_span(&self, a: Node<'_>, b: Node<'_>, symbol: &str) -> Evidence {
        let mut e = self.ev(a, symbol);
        let end = self.loc(b);
        e.location.end_line = end.end_line;
        e.location.end_col = end.end_col;
        e.text = evidence::normalise(
            self.src
                .get(a.start_byte()..b.end_byte().max(a.start_byte()))
                .unwrap_or(""),
        );
        e
    }
    pub fn imports_root(&self, root: &str) -> bool {
        self.imports.roots.contains(root)
    }
    pub fn push(&mut self, f: Fact) {
        self.facts.push(f);
    }

    /// Note that the analysis stopped at `n` (in `symbol`): nesting deeper
    /// than [`MAX_DEPTH`] is not looked into.
    pub fn truncate(&mut self, n: Node<'_>, symbol: &str) {
        let t = Truncation::new(TruncationLimit::NestingDepth, self.loc(n), symbol);
        Truncation::note(&mut self.truncated, t);
    }

    // ---------------------------------------------------------------- prescan

    /// Imports, top-level definitions and functions registered as tools by
    /// name, gathered before the walk so resolution does not depend on order.
    /// Iterative: an import however deeply nested in blocks is seen.
    fn prescan(&mut self, root: Node<'_>) {
        // Depth first, in source order: a later import of a name wins.
        let mut stack: Vec<(Node<'_>, bool)> = named_kids(root)
            .into_iter()
            .rev()
            .map(|c| (c, true))
            .collect();
        while let Some((c, top)) = stack.pop() {
            if crate::budget::spent() {
                return;
            }
            match c.node_kind() {
                "import_statement" | "import_from_statement" => {
                    self.imports.add_statement(c, self.src, self.path)
                }
                "function_definition" | "class_definition" if top => {
                    if let Some(name) = c.field("name") {
                        self.defs.insert(self.text(name).to_string());
                    }
                }
                "decorated_definition" if top => {
                    if let Some(d) = c.field("definition")
                        && let Some(name) = d.field("name")
                    {
                        self.defs.insert(self.text(name).to_string());
                    }
                }
                "if_statement" | "try_statement" | "block" | "else_clause" | "except_clause"
                | "finally_clause" | "elif_clause" => {
                    stack.extend(named_kids(c).into_iter().rev().map(|k| (k, false)))
                }
                "expression_statement" if top => self.prescan_tools(c),
                _ => {}
            }
        }
    }

    /// `Tool(func=name)` and the like: functions registered by name.
    fn prescan_tools(&mut self, n: Node<'_>) {
        let mut stack = vec![n];
        while let Some(n) = stack.pop() {
            if crate::budget::spent() {
                return;
            }
            if n.node_kind() == "keyword_argument"
                && let (Some(k), Some(v)) = (n.field("name"), n.field("value"))
                && matches!(self.text(k), "func" | "fn" | "coroutine")
                && v.node_kind() == "identifier"
            {
                self.tool_funcs.insert(self.text(v).to_string());
            }
            stack.extend(named_kids(n));
        }
    }

    // ---------------------------------------------------------------- statements

    pub fn block(&mut self, n: Node<'_>, sc: &mut Scope, depth: usize) {
        for c in named_kids(n) {
            self.stmt(c, sc, depth + 1);
        }
    }

    /// A block that may or may not run: afterwards each variable it
    /// assigned holds the join of its value before and after the block.
    fn cond_block(&mut self, n: Option<Node<'_>>, sc: &mut Scope, depth: usize) {
        let Some(b) = n else { return };
        let before = if sc.is_module {
            self.globals.clone()
        } else {
            sc.vars.clone()
        };
        sc.cond += 1;
        self.block(b, sc, depth);
        sc.cond -= 1;
        let after = if sc.is_module {
            &mut self.globals
        } else {
            &mut sc.vars
        };
        for (k, v) in after.iter_mut() {
            if let Some(old) = before.get(k) {
                let mut t = old.taint.clone();
                t.join(&v.taint);
                v.taint = t;
            }
        }
    }

    pub(crate) fn stmt(&mut self, n: Node<'_>, sc: &mut Scope, depth: usize) {
        if crate::budget::spent() {
            return;
        }
        if depth > MAX_DEPTH {
            self.truncate(n, &sc.symbol);
            return;
        }
        match n.node_kind() {
            "expression_statement" => {
                for c in named_kids(n) {
                    match c.node_kind() {
                        "assignment" => self.assign(c, sc, depth + 1),
                        "augmented_assignment" => self.aug_assign(c, sc, depth + 1),
                        _ => {
                            self.eval(c, sc, depth + 1);
                        }
                    }
                }
            }
            "return_statement" => {
                for c in named_kids(n) {
                    let t = self.eval(c, sc, depth + 1);
                    if sc.framework.as_deref() == Some("flask") && self.html_literal(c) {
                        // A Flask view returning a string serves it as text/html.
                        let flow = t.to_flow("html");
                        if flow.state != FlowState::Safe {
                            let mut f = Fact::new(Subject::Sink, "html", self.ev(n, &sc.symbol))
                                .with("callee", Prop::Str("return".into()))
                                .with("framework", Prop::Str("flask".into()));
                            f.flow = Some(flow);
                            self.push(f);
                        }
                    }
                    sc.returns.join(&t);
                }
            }
            "if_statement" => self.if_stmt(n, sc, depth),
            "for_statement" => {
                let t = n
                    .field("right")
                    .map(|r| self.eval(r, sc, depth + 1))
                    .unwrap_or_default();
                let ty = n.field("right").and_then(|r| self.path_of(r, sc));
                if let Some(l) = n.field("left") {
                    let t = t.step(self.loc(l), format!("iterated as `{}`", self.text(l)));
                    self.bind(l, t, ty.map(|p| format!("{p}[]")), None, sc, depth + 1);
                }
                self.cond_block(n.field("body"), sc, depth);
                if let Some(a) = n.field("alternative") {
                    self.cond_block(a.field("body"), sc, depth);
                }
            }
            "while_statement" => {
                if let Some(c) = n.field("condition") {
                    self.eval(c, sc, depth + 1);
                }
                self.cond_block(n.field("body"), sc, depth);
                if let Some(a) = n.field("alternative") {
                    self.cond_block(a.field("body"), sc, depth);
                }
            }
            "try_statement" => {
                for c in named_kids(n) {
                    match c.node_kind() {
                        "block" => self.block(c, sc, depth + 1),
                        "except_clause"
                        | "else_clause"
                        | "finally_clause"
                        | "except_group_clause" => {
                            for b in named_kids(c) {
                                if b.node_kind() == "block" {
                                    self.cond_block(Some(b), sc, depth + 1);
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            "with_statement" => {
                for c in named_kids(n) {
                    if c.node_kind() == "with_clause" {
                        for item in named_kids(c) {
                            let Some(v) = item.field("value") else {
                                continue;
                            };
                            if v.node_kind() == "as_pattern" {
                                let expr = v.named_child(0);
                                let alias = v.field("alias");
                                if let Some(e) = expr {
                                    let t = self.eval(e, sc, depth + 1);
                                    let ty = self.path_of(e, sc);
                                    let ctor = self.last_ctor.take();
                                    if let Some(a) = alias {
                                        let target = a.named_child(0).unwrap_or(a);
                                        self.bind(target, t, ty, ctor, sc, depth + 1);
                                    }
                                }
                            } else {
                                self.eval(v, sc, depth + 1);
                            }
                        }
                    }
                }
                if let Some(b) = n.field("body") {
                    self.block(b, sc, depth + 1);
                }
            }
            "function_definition" => self.def_function(n, &[], sc, None, depth + 1),
            "class_definition" => self.def_class(n, &[], sc, depth + 1),
            "decorated_definition" => {
                let decs: Vec<Node<'_>> = named_kids(n)
                    .into_iter()
                    .filter(|c| c.node_kind() == "decorator")
                    .collect();
                if let Some(d) = n.field("definition") {
                    match d.node_kind() {
                        "function_definition" => self.def_function(d, &decs, sc, None, depth + 1),
                        "class_definition" => self.def_class(d, &decs, sc, depth + 1),
                        _ => {}
                    }
                }
            }
            "import_statement" | "import_from_statement" if !sc.is_module => {
                self.imports.add_statement(n, self.src, self.path);
            }
            "raise_statement" | "assert_statement" | "delete_statement" | "print_statement"
            | "exec_statement" => {
                for c in named_kids(n) {
                    self.eval(c, sc, depth + 1);
                }
            }
            "match_statement" => {
                if let Some(s) = n.field("subject") {
                    self.eval(s, sc, depth + 1);
                }
                if let Some(b) = n.field("body") {
                    for case in named_kids(b) {
                        if let Some(cb) = case.field("consequence") {
                            self.cond_block(Some(cb), sc, depth + 1);
                        }
                    }
                }
            }
            "block" | "module" => self.block(n, sc, depth + 1),
            _ => {}
        }
    }

    fn if_stmt(&mut self, n: Node<'_>, sc: &mut Scope, depth: usize) {
        let cond = n.field("condition");
        if let Some(c) = cond {
            self.eval(c, sc, depth + 1);
        }
        // `if x in ALLOWED:` -> x is clean inside; `if x not in ALLOWED: return` -> clean after.
        let guard = cond.and_then(|c| {
            self.allowlist_guard(c)
                .or_else(|| self.validation_guard(c, sc))
        });
        let cons = n.field("consequence");
        let host = cond.and_then(|c| self.host_guard(c, sc));
        // `if host in ALLOWED_HOSTS:` guards its own block.
        let outer_guard = match &host {
            Some((g, false)) if !sc.is_module => sc.host_guard.replace(g.clone()),
            _ => sc.host_guard.clone(),
        };
        match &guard {
            Some((name, false)) => {
                let saved = self.lookup(name, sc);
                if let Some(v) = &saved {
                    let mut clean = v.clone();
                    clean.taint = Taint::constant();
                    sc.vars.insert(name.clone(), clean);
                }
                self.cond_block(cons, sc, depth);
                if let Some(v) = saved {
                    sc.vars.insert(name.clone(), v);
                }
            }
            _ => self.cond_block(cons, sc, depth),
        }
        sc.host_guard = outer_guard;
        let mut cur = n.walk();
        let alts: Vec<Node<'_>> = n.children_by_field_name("alternative", &mut cur).collect();
        for a in alts {
            if let Some(c) = a.field("condition") {
                self.eval(c, sc, depth + 1);
            }
            let body = a.field("consequence").or_else(|| a.field("body"));
            self.cond_block(body, sc, depth);
        }
        // `if host not in ALLOWED_HOSTS: raise`: guards the rest of the body.
        if let (Some((g, true)), Some(cons)) = (host, cons)
            && !sc.is_module
            && block_exits(cons, self.src)
        {
            sc.host_guard = Some(g);
        }
        if let (Some((name, true)), Some(cons)) = (guard, cons)
            && block_exits(cons, self.src)
            && let Some(v) = self.lookup(&name, sc)
        {
            let mut clean = v;
            clean.taint = Taint::constant();
            sc.vars.insert(name, clean);
        }
    }

    /// `re.fullmatch(P, x)`, `PATTERN.match(x)`, `x.isdigit()` (or their
    /// negation): returns the validated variable and whether it is negated.
    fn validation_guard(&self, cond: Node<'_>, sc: &Scope) -> Option<(String, bool)> {
        let mut c = cond;
        let mut negated = false;
        for _ in 0..4 {
            match c.node_kind() {
                "parenthesized_expression" => c = c.named_child(0)?,
                "not_operator" => {
                    negated = !negated;
                    c = c.field("argument")?;
                }
                _ => break,
            }
        }
        if c.node_kind() != "call" {
            return None;
        }
        let f = c.field("function")?;
        let args = named_kids(c.field("arguments")?);
        let path = self.path_of(f, sc).unwrap_or_default();
        let method = if f.node_kind() == "attribute" {
            f.field("attribute").map(|a| self.text(a))
        } else {
            None
        };
        let checked = match (path.as_str(), method) {
            ("re.match" | "re.fullmatch", _) => args.get(1).copied(),
            (p, Some("match" | "fullmatch")) if p.starts_with("re.compile(") => {
                args.first().copied()
            }
            (
                _,
                Some(
                    "isdigit" | "isnumeric" | "isdecimal" | "isalnum" | "isalpha" | "isidentifier",
                ),
            ) => f.field("object"),
            _ => None,
        }?;
        (checked.node_kind() == "identifier").then(|| (self.text(checked).to_string(), negated))
    }

    /// `x in ALLOWED` / `x not in ALLOWED` with a constant right side:
    /// returns the checked variable and whether the test is negated.
    fn allowlist_guard(&self, cond: Node<'_>) -> Option<(String, bool)> {
        let c = if cond.node_kind() == "parenthesized_expression" {
            cond.named_child(0)?
        } else {
            cond
        };
        if c.node_kind() != "comparison_operator" {
            return None;
        }
        let ops: Vec<&str> = kids(c)
            .into_iter()
            .filter(|k| !k.is_named())
            .map(|k| self.text(k))
            .collect();
        let parts = named_kids(c);
        if parts.len() != 2 || parts[0].node_kind() != "identifier" {
            return None;
        }
        let negated = match ops.as_slice() {
            ["not", "in"] | ["not in"] => true,
            ["in"] => false,
            _ => return None,
        };
        let rhs = parts[1];
        let constant = match rhs.node_kind() {
            "list" | "tuple" | "set" | "dictionary" => named_kids(rhs).iter().all(|k| {
                matches!(k.node_kind(), "string" | "integer" | "pair")
                    && !self.text(*k).contains('{')
            }),
            "identifier" | "attribute" => {
                let t = self.text(rhs);
                let last = t.rsplit('.').next().unwrap_or(t);
                last.chars()
                    .all(|ch| ch.is_uppercase() || ch == '_' || ch.is_ascii_digit())
            }
            _ => false,
        };
        constant.then(|| (self.text(parts[0]).to_string(), negated))
    }

    /// `v in C` / `v not in C` where `v` derives from the function's
    /// parameters (and from nothing else), `C` is a constant collection (an
    /// upper-case name, possibly an attribute of a module or settings
    /// object, or a literal upper-case key of a config mapping) that is not
    /// a local of this function, and the collection's name or the checked
    /// expression names a host or URL. Returns the guard and whether the
    /// test is negated.
    fn host_guard(&self, cond: Node<'_>, sc: &Scope) -> Option<(HostGuard, bool)> {
        let mut c = cond;
        while c.node_kind() == "parenthesized_expression" {
            c = c.named_child(0)?;
        }
        if c.node_kind() != "comparison_operator" {
            return None;
        }
        let ops: Vec<&str> = kids(c)
            .into_iter()
            .filter(|k| !k.is_named())
            .map(|k| self.text(k))
            .collect();
        let negated = match ops.as_slice() {
            ["not", "in"] | ["not in"] => true,
            ["in"] => false,
            _ => return None,
        };
        let parts = named_kids(c);
        let [lhs, rhs] = parts.as_slice() else {
            return None;
        };
        let upper = |t: &str| {
            t.chars().any(|ch| ch.is_ascii_uppercase())
                && t.chars()
                    .all(|ch| ch.is_ascii_uppercase() || ch == '_' || ch.is_ascii_digit())
        };
        let collection = match rhs.node_kind() {
            "identifier" => {
                let t = self.text(*rhs);
                (upper(t) && !sc.vars.contains_key(t)).then(|| t.to_string())
            }
            "attribute" => {
                let t = self.text(*rhs);
                let last = t.rsplit('.').next().unwrap_or(t);
                let root = t.split('.').next().unwrap_or(t);
                (upper(last) && !t.contains(['(', '[']) && !sc.vars.contains_key(root))
                    .then(|| t.to_string())
            }
            // `current_app.config["ALLOWED_HOSTS"]`, `settings["ALLOWED_HOSTS"]`
            "subscript" => {
                let key = rhs.field("subscript").and_then(|k| lit_str(k, self.src))?;
                let value = rhs.field("value")?;
                let vt = self.text(value);
                let root = vt.split('.').next().unwrap_or(vt);
                (upper(&key)
                    && matches!(value.node_kind(), "identifier" | "attribute")
                    && !vt.contains(['(', '['])
                    && crate::words::words(vt)
                        .iter()
                        .any(|w| matches!(w.as_str(), "config" | "settings" | "conf"))
                    && !sc.vars.contains_key(root))
                .then_some(key)
            }
            _ => None,
        }?;
        let checked = self.local_taint(*lhs, sc, 0);
        if checked.params.is_empty() || !checked.sources.is_empty() {
            return None;
        }
        let lhs_text = self.text(*lhs);
        if !(crate::words::hostish(&collection) || crate::words::hostish(lhs_text)) {
            return None;
        }
        Some((
            HostGuard {
                collection,
                name: (lhs.node_kind() == "identifier").then(|| lhs_text.to_string()),
                params: checked.params,
            },
            negated,
        ))
    }

    /// The joined taint of the function's locals an expression reads
    /// (names only: attribute names and called functions are not values).
    /// Reads, never evaluates: nothing is recorded twice.
    fn local_taint(&self, n: Node<'_>, sc: &Scope, depth: usize) -> Taint {
        let mut t = Taint::constant();
        if depth > 20 {
            return Taint::unknown();
        }
        match n.node_kind() {
            "identifier" => {
                if let Some(v) = sc.vars.get(self.text(n)) {
                    t.join(&v.taint);
                }
            }
            "attribute" => {
                if let Some(o) = n.field("object") {
                    t.join(&self.local_taint(o, sc, depth + 1));
                }
            }
            "call" => {
                if let Some(f) = n.field("function")
                    && f.node_kind() == "attribute"
                    && let Some(o) = f.field("object")
                {
                    t.join(&self.local_taint(o, sc, depth + 1));
                }
                if let Some(a) = n.field("arguments") {
                    t.join(&self.local_taint(a, sc, depth + 1));
                }
            }
            "keyword_argument" => {
                if let Some(v) = n.field("value") {
                    t.join(&self.local_taint(v, sc, depth + 1));
                }
            }
            _ => {
                for k in named_kids(n) {
                    t.join(&self.local_taint(k, sc, depth + 1));
                }
            }
        }
        t
    }

    /// The parameter `n` names, when it still holds what the caller passed.
    fn untouched_param(&self, n: Node<'_>, sc: &Scope) -> Option<u32> {
        if n.node_kind() != "identifier" {
            return None;
        }
        let name = self.text(n);
        let i = sc.params.iter().position(|p| p == name)? as u32;
        if sc.assigned.contains(name) {
            return None;
        }
        let v = sc.vars.get(name)?;
        (v.taint.params == BTreeSet::from([i]) && v.taint.sources.is_empty() && !v.taint.unknown)
            .then_some(i)
    }

    /// A URL argument checked by the host guard in force: derived from the
    /// guarded parameters only, or the checked name itself.
    fn host_guarded(&self, a: &Arg<'_>, sc: &Scope) -> bool {
        let Some(g) = &sc.host_guard else {
            return false;
        };
        if a.node.node_kind() == "identifier" && g.name.as_deref() == Some(self.text(a.node)) {
            return true;
        }
        !a.taint.params.is_empty()
            && a.taint.params.is_subset(&g.params)
            && a.taint.sources.is_empty()
            && !a.taint.unknown
    }

    /// What this call says about the enclosing function's conventions: a
    /// query helper (SQL text from a parameter, bound parameters passed
    /// separately) or an HTTP wrapper (a client called on a URL whose host
    /// was checked against an allowlist).
    fn conventions_at(&self, call: &Call<'_>, sc: &mut Scope) {
        if sc.is_module {
            return;
        }
        if sc.query_helper.is_none()
            && let Some(h) = self.query_helper(call, sc)
        {
            sc.query_helper = Some(h);
        }
        if sc.http_wrapper.is_none()
            && let Some(w) = self.http_wrapper(call, sc)
        {
            sc.http_wrapper = Some(w);
        }
    }

    fn query_helper(&self, call: &Call<'_>, sc: &Scope) -> Option<QueryHelper> {
        let spec = self.spec.sinks.iter().find(|s| {
            s.kind == "sql"
                && s.args.contains(&0)
                && s.requires_keyword.is_none()
                && Self::sink_matches(s, call)
        })?;
        if self.sink_excluded(spec, call) {
            return None;
        }
        let sql = call.pos(0)?;
        // `execute(text(sql), params)`: the SQL text goes through `text()`.
        let mut node = sql.node;
        if node.node_kind() == "call" && self.is_sink_call(node, "sql", sc) {
            let inner = named_kids(node.field("arguments")?);
            let [only] = inner.as_slice() else {
                return None;
            };
            node = *only;
        }
        let i = self.untouched_param(node, sc)?;
        // The bound parameters: the second positional argument, a `*args`
        // splat, or a `params=` keyword, each from other parameters.
        let binds = call
            .pos(1)
            .into_iter()
            .chain(call.args.iter().filter(|a| {
                a.splat == 1
                    || matches!(
                        a.kw.as_deref(),
                        Some("params" | "parameters" | "args" | "values" | "vars")
                    )
            }))
            .any(|a| {
                !a.taint.params.is_empty()
                    && !a.taint.params.contains(&i)
                    && a.taint.sources.is_empty()
            });
        if !binds {
            return None;
        }
        let callee = if call.path.is_empty() || call.path.contains("()") {
            format!("*.{}", call.method.clone().unwrap_or_default())
        } else {
            call.path.clone()
        };
        Some(QueryHelper {
            param: i,
            call: callee,
            location: self.loc(call.node),
        })
    }

    fn http_wrapper(&self, call: &Call<'_>, sc: &Scope) -> Option<HttpWrapper> {
        let g = sc.host_guard.as_ref()?;
        let spec = self
            .spec
            .sinks
            .iter()
            .find(|s| s.kind == "ssrf" && Self::sink_matches(s, call))?;
        let idx = *spec.args.first()? as usize;
        let url = call.arg(idx, "url")?;
        if !self.host_guarded(url, sc) {
            return None;
        }
        let param = *g.params.iter().next()?;
        Some(HttpWrapper::new(
            param,
            &call.path,
            &g.collection,
            self.loc(call.node),
        ))
    }

    // ---------------------------------------------------------------- assignment

    fn assign(&mut self, n: Node<'_>, sc: &mut Scope, depth: usize) {
        let (Some(left), Some(right)) = (n.field("left"), n.field("right")) else {
            // annotated declaration without a value: `x: Foo`
            return;
        };
        // Tuple unpacking of a tuple literal: pair the elements.
        if matches!(
            left.node_kind(),
            "pattern_list" | "tuple_pattern" | "list_pattern"
        ) && matches!(right.node_kind(), "expression_list" | "tuple" | "list")
        {
            let ls = named_kids(left);
            let rs = named_kids(right);
            if ls.len() == rs.len() {
                for (l, r) in ls.into_iter().zip(rs) {
                    self.assign_target = Some(self.text(l).to_string());
                    let rt = self.eval(r, sc, depth + 1);
                    self.assign_target = None;
                    let rt = rt.step(self.loc(l), format!("assigned to `{}`", self.text(l)));
                    self.bind(l, rt, None, None, sc, depth + 1);
                }
                return;
            }
        }
        let target_name = self.text(left).to_string();
        self.assign_target = Some(target_name.clone());
        self.last_ctor = None;
        let t = if right.node_kind() == "assignment" {
            self.assign(right, sc, depth + 1);
            right
                .field("left")
                .map(|l| self.eval(l, sc, depth + 1))
                .unwrap_or_default()
        } else {
            self.eval(right, sc, depth + 1)
        };
        let ctor = self
            .last_ctor
            .take()
            .filter(|_| matches!(right.node_kind(), "call" | "await"))
            .or_else(|| self.ctor_of(right, sc, 0));
        self.assign_target = None;
        let ty = self
            .path_of(right, sc)
            .filter(|p| p.contains('.') || p.contains('('));
        self.assign_settings(left, right, sc);
        if left.node_kind() == "subscript" {
            self.subscript_store(left, right, &t, sc, depth + 1);
        }
        let t = t.step(self.loc(left), format!("assigned to `{target_name}`"));
        self.bind(left, t, ty, ctor, sc, depth + 1);
    }

    fn aug_assign(&mut self, n: Node<'_>, sc: &mut Scope, depth: usize) {
        let (Some(left), Some(right)) = (n.field("left"), n.field("right")) else {
            return;
        };
        let rt = self.eval(right, sc, depth + 1);
        let lt = self.eval(left, sc, depth + 1);
        let t = lt
            .joined(&rt)
            .step(self.loc(left), format!("appended to `{}`", self.text(left)));
        if left.node_kind() == "identifier" {
            let name = self.text(left).to_string();
            let mut v = self.lookup(&name, sc).unwrap_or_default();
            v.taint = t;
            self.set_var(name, v, sc);
        } else if left.node_kind() == "attribute" {
            self.bind(left, t, None, None, sc, depth + 1);
        }
        // Django: `urlpatterns += router.urls`
        if self.text(left) == "urlpatterns" {
            self.urlpatterns_extend(right, sc);
        }
    }

    fn set_var(&mut self, name: String, v: Var, sc: &mut Scope) {
        if sc.is_module {
            self.globals.insert(name, v);
        } else {
            sc.assigned.insert(name.clone());
            sc.vars.insert(name, v);
        }
    }

    /// Bind a target pattern to a value.
    pub fn bind(
        &mut self,
        target: Node<'_>,
        t: Taint,
        ty: Option<String>,
        ctor: Option<Rc<CtorInfo>>,
        sc: &mut Scope,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        match target.node_kind() {
            "identifier" => {
                let name = self.text(target).to_string();
                self.set_var(name, Var { taint: t, ty, ctor }, sc);
            }
            "pattern_list" | "tuple_pattern" | "list_pattern" | "tuple" | "list"
            | "expression_list" => {
                for c in named_kids(target) {
                    self.bind(c, t.clone(), None, None, sc, depth + 1);
                }
            }
            "list_splat_pattern" | "parenthesized_expression" => {
                for c in named_kids(target) {
                    self.bind(c, t.clone(), None, None, sc, depth + 1);
                }
            }
            "attribute" => {
                let obj = target.field("object");
                let attr = target.field("attribute").map(|a| self.text(a).to_string());
                if let (Some(o), Some(a)) = (obj, attr.as_deref())
                    && self.text(o) == "self"
                    && let Some(cls) = sc.class.clone()
                {
                    self.self_types
                        .insert(format!("{cls}.{a}"), Var { taint: t, ty, ctor });
                } else if let (Some(o), Some(a)) = (obj, attr.as_deref())
                    && o.node_kind() == "identifier"
                {
                    // `obj.name = value` on a local object: the field carries
                    // the value (read back as `obj.name`), the rest of the
                    // object does not — `ticket.resolution = text` must not
                    // make `ticket.id` outside data.
                    let field = format!("{}.{a}", self.text(o));
                    let mut v = self.lookup(&field, sc).unwrap_or(Var {
                        taint: Taint::constant(),
                        ty: None,
                        ctor: None,
                    });
                    v.taint = t;
                    self.set_var(field, v, sc);
                } else if let Some(o) = obj {
                    // `a.b.c = value`: the object now carries the value.
                    self.taint_base(o, &t, sc);
                }
            }
            "subscript" => {
                // `data["q"] = value`: the container now carries the value.
                if let Some(v) = target.field("value") {
                    self.taint_base(v, &t, sc);
                }
            }

            _ => {}
        }
    }

    /// Weak update: join a value into the variable at the root of `n`
    /// (`data` in `data["k"]`, `obj` in `obj.a.b`).
    fn taint_base(&mut self, n: Node<'_>, t: &Taint, sc: &mut Scope) {
        if t.is_constant() {
            return;
        }
        // Down to the root however long the chain (`a.b.c…[k] = value`).
        let mut cur = n;
        loop {
            match cur.node_kind() {
                "identifier" => {
                    let name = self.text(cur).to_string();
                    if name == "self" {
                        return;
                    }
                    // Only variables: never a module, function or class name.
                    let Some(mut v) = self.lookup(&name, sc) else {
                        return;
                    };
                    // Library objects (`app = Flask()`) are not data containers.
                    let container = |ty: &str| {
                        [
                            "list(",
                            "dict(",
                            "set(",
                            "collections.",
                            "bytearray(",
                            "defaultdict(",
                            "OrderedDict(",
                        ]
                        .iter()
                        .any(|c| ty.starts_with(c))
                    };
                    if v.ty.as_deref().is_some_and(|ty| {
                        ty.contains("()") && !ty.ends_with("[]") && !container(ty)
                    }) {
                        return;
                    }
                    v.taint.join(t);
                    self.set_var(name, v, sc);
                    return;
                }
                "attribute" => match cur.field("object") {
                    Some(o) => cur = o,
                    None => return,
                },
                "subscript" => match cur.field("value") {
                    Some(o) => cur = o,
                    None => return,
                },
                _ => return,
            }
        }
    }

    pub fn lookup(&self, name: &str, sc: &Scope) -> Option<Var> {
        sc.vars
            .get(name)
            .or_else(|| sc.outer.get(name))
            .or_else(|| self.globals.get(name))
            .cloned()
    }

    /// A string built with literal HTML markup (`f"<p>{x}</p>"`, `"<b>" + x`),
    /// however long the concatenation.
    fn html_literal(&self, n: Node<'_>) -> bool {
        let mut stack = vec![n];
        while let Some(n) = stack.pop() {
            match n.node_kind() {
                "string"
                    if named_kids(n).iter().any(|c| {
                        c.node_kind() == "string_content" && {
                            let t = self.text(*c);
                            t.contains('<') && t.contains('>')
                        }
                    }) =>
                {
                    return true;
                }
                "binary_operator" | "concatenated_string" | "parenthesized_expression" => {
                    stack.extend(named_kids(n))
                }
                _ => {}
            }
        }
        false
    }

    /// The constructor info an expression carries (`llm`, `prompt | llm`).
    fn ctor_of(&self, n: Node<'_>, sc: &Scope, depth: usize) -> Option<Rc<CtorInfo>> {
        if depth > MAX_DEPTH {
            return None;
        }
        match n.node_kind() {
            "identifier" => self.lookup(self.text(n), sc).and_then(|v| v.ctor),
            "binary_operator" => n
                .field("right")
                .and_then(|r| self.ctor_of(r, sc, depth + 1))
                .or_else(|| n.field("left").and_then(|l| self.ctor_of(l, sc, depth + 1))),
            "parenthesized_expression" => named_kids(n)
                .into_iter()
                .next()
                .and_then(|c| self.ctor_of(c, sc, depth + 1)),
            _ => None,
        }
    }

    // ---------------------------------------------------------------- paths

    /// The resolved dotted path of an expression, through the import table
    /// and known object types.
    pub fn path_of(&self, n: Node<'_>, sc: &Scope) -> Option<String> {
        self.path_within(n, sc, 0)
    }

    fn path_within(&self, n: Node<'_>, sc: &Scope, depth: usize) -> Option<String> {
        if depth > PATH_DEPTH {
            return None;
        }
        match n.node_kind() {
            "identifier" => {
                let name = self.text(n);
                if let Some(v) = sc.vars.get(name).or_else(|| sc.outer.get(name)) {
                    return Some(v.ty.clone().unwrap_or_else(|| name.to_string()));
                }
                if let Some(m) = self.imports.map.get(name) {
                    return Some(m.clone());
                }
                if let Some(v) = self.globals.get(name) {
                    return Some(v.ty.clone().unwrap_or_else(|| name.to_string()));
                }
                if self.defs.contains(name) {
                    return Some(if self.module.is_empty() {
                        name.to_string()
                    } else {
                        format!("{}.{name}", self.module)
                    });
                }
                Some(name.to_string())
            }
            "attribute" => {
                let obj = n.field("object")?;
                let attr = self.text(n.field("attribute")?);
                if obj.node_kind() == "identifier" && self.text(obj) == "self" {
                    if let Some(cls) = &sc.class {
                        if let Some(v) = self.self_types.get(&format!("{cls}.{attr}"))
                            && let Some(ty) = &v.ty
                        {
                            return Some(ty.clone());
                        }
                        if attr == "request"
                            && (self.imports_root("django") || self.imports_root("rest_framework"))
                        {
                            return Some("django.request".into());
                        }
                    }
                    return Some(format!("self.{attr}"));
                }
                Some(format!("{}.{attr}", self.path_within(obj, sc, depth + 1)?))
            }
            "call" => Some(format!(
                "{}()",
                self.path_within(n.field("function")?, sc, depth + 1)?
            )),
            "subscript" => Some(format!(
                "{}[]",
                self.path_within(n.field("value")?, sc, depth + 1)?
            )),
            "await" | "parenthesized_expression" => {
                self.path_within(n.named_child(0)?, sc, depth + 1)
            }
            "binary_operator" => {
                // LangChain pipes: `prompt | llm` behaves like its last stage.
                let op = n.field("operator").map(|o| self.text(o));
                if op != Some("|") {
                    return None;
                }
                let right = n
                    .field("right")
                    .and_then(|r| self.path_within(r, sc, depth + 1));
                let llmish = |p: &str| {
                    p.contains("Chat")
                        || p.contains("LLM")
                        || p.contains("OpenAI")
                        || p.contains(".llms.")
                };
                if right.as_deref().is_some_and(llmish) {
                    return right;
                }
                let left = n
                    .field("left")
                    .and_then(|l| self.path_within(l, sc, depth + 1));
                if left.as_deref().is_some_and(llmish) {
                    left
                } else {
                    right
                }
            }
            _ => None,
        }
    }

    // ---------------------------------------------------------------- expressions

    fn src_taint(&self, kind: &str, n: Node<'_>) -> Taint {
        Taint::source(Source {
            kind: kind.to_string(),
            location: self.loc(n),
            label: evidence::normalise(self.text(n)),
        })
    }

    /// The source kind of a resolved path, if it is a source.
    fn source_kind(&self, path: &str) -> Option<String> {
        // Cheap rejection first: this runs for every name in the file.
        let head = |seg: &str| {
            self.source_heads
                .contains(seg.split(['[', '(']).next().unwrap_or(seg))
        };
        if !path.split('.').any(head) {
            return None;
        }
        for s in &self.spec.sources {
            if s.names.iter().any(|nm| {
                source_matches(nm, path)
                    && (!generic_llm_name(nm) || (self.llm_file && llmish_receiver(path)))
            }) {
                return Some(s.kind.clone());
            }
        }
        None
    }

    /// Environment reads: `secret` when the variable name looks like a secret.
    fn env_kind(&self, key: Option<String>) -> &'static str {
        match key {
            Some(k) => {
                let up = k.to_ascii_uppercase();
                if ["KEY", "SECRET", "TOKEN", "PASSWORD", "PASSWD", "CREDENTIAL"]
                    .iter()
                    .any(|w| up.contains(w))
                {
                    "secret"
                } else {
                    "env"
                }
            }
            None => "env",
        }
    }

    /// The next link of a linear chain below `n`: the left operand of an
    /// operator, the object of an attribute or subscript, the receiver of
    /// a method call, the inside of parentheses or `await` — the child the
    /// evaluation of `n` reads first and whose own evaluation may nest
    /// again the same way.
    fn spine_child<'t>(n: Node<'t>) -> Option<Node<'t>> {
        match n.node_kind() {
            "binary_operator" | "boolean_operator" => n.field("left"),
            "attribute" => n.field("object"),
            "subscript" => n.field("value"),
            "call" => n
                .field("function")
                .filter(|f| f.node_kind() == "attribute")
                .and_then(|f| f.field("object")),
            "parenthesized_expression" | "await" if n.named_child_count() == 1 => n.named_child(0),
            _ => None,
        }
    }

    pub fn eval(&mut self, n: Node<'_>, sc: &mut Scope, depth: usize) -> Taint {
        if !self.memo.is_empty()
            && let Some((t, ctor)) = self.memo.remove(&n.id())
        {
            self.last_ctor = ctor;
            return t;
        }
        // Past the file's budget the whole file is dropped with a reason:
        // no truncation note.
        if crate::budget::spent() {
            return Taint::unknown();
        }
        if depth > MAX_DEPTH {
            self.truncate(n, &sc.symbol);
            return Taint::unknown();
        }
        // A long chain (`a + b + …`, `x.strip().strip()…`) is evaluated
        // from its far end up, each link reading the one below from the
        // memo: its length costs no stack and no depth.
        let chain = crate::chain::below(n, Self::spine_child, |c| self.memo.contains_key(&c.id()));
        if !chain.is_empty() {
            let target = self.assign_target.take();
            for link in chain.into_iter().rev() {
                let t = self.eval(link, sc, depth + 1);
                let ctor = self.last_ctor.take();
                self.memo.insert(link.id(), (t, ctor));
            }
            self.assign_target = target;
        }
        match n.node_kind() {
            "string" => {
                let mut t = Taint::constant();
                for c in named_kids(n) {
                    if c.node_kind() == "interpolation"
                        && let Some(e) = c.field("expression")
                    {
                        let it = self.eval(e, sc, depth + 1);
                        t.join(&it);
                    }
                }
                t
            }
            "integer" | "float" | "true" | "false" | "none" | "ellipsis" | "comment" | "slice"
            | "type" => Taint::constant(),
            "lambda" => {
                // The body runs later, with the names it closes over: a
                // sink in it is one of this function's. Its parameters hold
                // what its caller passes, which is not seen here.
                if let Some(body) = n.field("body") {
                    let saved: Vec<(String, Option<Var>)> = n
                        .field("parameters")
                        .map(|p| lambda_params(p, self.src))
                        .unwrap_or_default()
                        .into_iter()
                        .map(|name| {
                            let old = sc.vars.insert(name.clone(), Var::default());
                            (name, old)
                        })
                        .collect();
                    self.eval(body, sc, depth + 1);
                    for (name, old) in saved {
                        match old {
                            Some(v) => sc.vars.insert(name, v),
                            None => sc.vars.remove(&name),
                        };
                    }
                }
                // The value is a function, not data.
                Taint::constant()
            }
            "identifier" => {
                let name = self.text(n);
                match self.lookup(name, sc) {
                    Some(v) => v.taint,
                    None => Taint::constant(),
                }
            }
            "attribute" => {
                let path = self.path_of(n, sc);
                let obj = n.field("object");
                // Evaluate the object first: it may hold calls (sinks, LLM calls).
                let obj_taint = obj.map(|o| self.eval(o, sc, depth + 1)).unwrap_or_default();
                if let Some(p) = &path {
                    // Set or passed, not compared: `ctx.verify_mode = ssl.CERT_NONE`, `cert_reqs=ssl.CERT_NONE`.
                    if p == "ssl.CERT_NONE"
                        && n.parent().is_some_and(|pa| {
                            matches!(pa.node_kind(), "assignment" | "keyword_argument")
                        })
                    {
                        self.setting(
                            n,
                            sc,
                            "tls-verify-disabled",
                            "ssl.CERT_NONE",
                            Some("CERT_NONE"),
                            None,
                        );
                    }
                    if let Some(k) = self.source_kind(p) {
                        // `os.environ` as a whole
                        return self.src_taint(&k, n);
                    }
                }
                if let Some(o) = obj
                    && self.text(o) == "self"
                    && let Some(cls) = &sc.class
                    && let Some(a) = n.field("attribute")
                {
                    return self
                        .self_types
                        .get(&format!("{cls}.{}", self.text(a)))
                        .map(|v| v.taint.clone())
                        .unwrap_or_default();
                }
                // A field assigned earlier in this function (`obj.name = value`).
                if let Some(o) = obj
                    && o.node_kind() == "identifier"
                    && let Some(a) = n.field("attribute")
                    && let Some(v) = self.lookup(&format!("{}.{}", self.text(o), self.text(a)), sc)
                {
                    return obj_taint.joined(&v.taint);
                }
                obj_taint
            }
            "subscript" => {
                let path = self.path_of(n, sc);
                let idx: Vec<Node<'_>> = {
                    let mut cur = n.walk();
                    n.children_by_field_name("subscript", &mut cur).collect()
                };
                for i in &idx {
                    self.eval(*i, sc, depth + 1);
                }
                let val_taint = n
                    .field("value")
                    .map(|v| self.eval(v, sc, depth + 1))
                    .unwrap_or_default();
                if let Some(p) = &path
                    && let Some(k) = self.source_kind(p)
                {
                    let k = if k == "env" {
                        self.env_kind(idx.first().and_then(|i| lit_str(*i, self.src)))
                    } else {
                        &k
                    };
                    let k = k.to_string();
                    return self.src_taint(&k, n);
                }
                val_taint
            }
            "call" => self.eval_call(n, sc, depth + 1),
            "comparison_operator" | "not_operator" => {
                let txt = self.text(n);
                if n.node_kind() == "comparison_operator" {
                    if [
                        "request.user",
                        "current_user",
                        "user_id",
                        "g.user",
                        "user.id",
                        "owner",
                    ]
                    .iter()
                    .any(|w| txt.contains(w))
                    {
                        sc.info.user_check = true;
                    }
                    if txt.contains("request.method")
                        && [
                            "\"POST\"",
                            "'POST'",
                            "\"PUT\"",
                            "'PUT'",
                            "\"DELETE\"",
                            "'DELETE'",
                            "\"PATCH\"",
                            "'PATCH'",
                        ]
                        .iter()
                        .any(|w| txt.contains(w))
                    {
                        sc.info.method_write = true;
                    }
                }
                for c in named_kids(n) {
                    self.eval(c, sc, depth + 1);
                }
                Taint::constant()
            }
            "list_comprehension"
            | "set_comprehension"
            | "generator_expression"
            | "dictionary_comprehension" => {
                for c in named_kids(n) {
                    if c.node_kind() == "for_in_clause" {
                        let right = c.field("right");
                        let t = right
                            .map(|r| self.eval(r, sc, depth + 1))
                            .unwrap_or_default();
                        if let Some(l) = c.field("left") {
                            self.bind(l, t, None, None, sc, depth + 1);
                        }
                    } else if c.node_kind() == "if_clause" {
                        for k in named_kids(c) {
                            self.eval(k, sc, depth + 1);
                        }
                    }
                }
                n.field("body")
                    .map(|b| self.eval(b, sc, depth + 1))
                    .unwrap_or_default()
            }
            "conditional_expression" => {
                let parts = named_kids(n);
                let mut t = Taint::constant();
                for (i, c) in parts.iter().enumerate() {
                    let ct = self.eval(*c, sc, depth + 1);
                    if i != 1 {
                        t.join(&ct);
                    }
                }
                t
            }
            "named_expression" => {
                let t = n
                    .field("value")
                    .map(|v| self.eval(v, sc, depth + 1))
                    .unwrap_or_default();
                if let Some(name) = n.field("name") {
                    self.bind(name, t.clone(), None, None, sc, depth + 1);
                }
                t
            }
            "keyword_argument" => n
                .field("value")
                .map(|v| self.eval(v, sc, depth + 1))
                .unwrap_or_default(),
            "pair" => {
                let mut t = Taint::constant();
                if let Some(k) = n.field("key") {
                    t.join(&self.eval(k, sc, depth + 1));
                }
                if let Some(v) = n.field("value") {
                    t.join(&self.eval(v, sc, depth + 1));
                }
                t
            }
            _ => {
                // Containers, operators, f-string parts, await, parentheses:
                // the value carries the taint of every part.
                let mut t = Taint::constant();
                for c in named_kids(n) {
                    let ct = self.eval(c, sc, depth + 1);
                    t.join(&ct);
                }
                t
            }
        }
    }

    fn eval_call(&mut self, n: Node<'_>, sc: &mut Scope, depth: usize) -> Taint {
        let Some(func) = n.field("function") else {
            return Taint::unknown();
        };
        let path = self.path_of(func, sc).unwrap_or_default();
        let (method, recv) = if func.node_kind() == "attribute" {
            (
                func.field("attribute").map(|a| self.text(a).to_string()),
                func.field("object"),
            )
        } else {
            (None, None)
        };
        let target = self.assign_target.take();
        self.last_ctor = None;
        let recv_taint = recv
            .map(|r| self.eval(r, sc, depth + 1))
            .unwrap_or_default();
        let recv_ctor = match recv {
            // `ChatOpenAI(model=...).bind_tools(...)`: the receiver call just ran.
            Some(r) if matches!(r.node_kind(), "call" | "await" | "parenthesized_expression") => {
                self.last_ctor.take()
            }
            Some(r) if r.node_kind() == "identifier" => {
                self.lookup(self.text(r), sc).and_then(|v| v.ctor)
            }
            Some(r) if r.node_kind() == "attribute" && self.text(r).starts_with("self.") => sc
                .class
                .as_ref()
                .and_then(|c| {
                    self.self_types
                        .get(&format!("{c}.{}", self.text(r).trim_start_matches("self.")))
                })
                .and_then(|v| v.ctor.clone()),
            _ => None,
        };
        let mut args = Vec::new();
        if let Some(al) = n.field("arguments") {
            if al.node_kind() == "generator_expression" {
                let t = self.eval(al, sc, depth + 1);
                args.push(Arg {
                    kw: None,
                    node: al,
                    taint: t,
                    splat: 0,
                });
            } else {
                for a in named_kids(al) {
                    match a.node_kind() {
                        "comment" => {}
                        "keyword_argument" => {
                            let name = a.field("name").map(|k| self.text(k).to_string());
                            let Some(v) = a.field("value") else {
                                continue;
                            };
                            if name
                                .as_deref()
                                .is_some_and(|k| k.contains("user") || k.contains("owner"))
                                || ["request.user", "current_user", "g.user"]
                                    .iter()
                                    .any(|w| self.text(v).contains(w))
                            {
                                sc.info.user_check = true;
                            }
                            let t = self.eval(v, sc, depth + 1);
                            args.push(Arg {
                                kw: name,
                                node: v,
                                taint: t,
                                splat: 0,
                            });
                        }
                        "list_splat" | "dictionary_splat" => {
                            let inner = a.named_child(0).unwrap_or(a);
                            let t = self.eval(inner, sc, depth + 1);
                            let splat = if a.node_kind() == "list_splat" { 1 } else { 2 };
                            args.push(Arg {
                                kw: None,
                                node: inner,
                                taint: t,
                                splat,
                            });
                        }
                        _ => {
                            let t = self.eval(a, sc, depth + 1);
                            args.push(Arg {
                                kw: None,
                                node: a,
                                taint: t,
                                splat: 0,
                            });
                        }
                    }
                }
            }
        }
        self.assign_target = target.clone();
        let call = Call {
            node: n,
            path,
            method,
            recv,
            recv_taint,
            recv_ctor,
            args,
        };

        // Result taint.
        let mut all = Taint::constant();
        for a in &call.args {
            all.join(&a.taint);
        }
        // `parts.append(x)`, `params.update(x)`: the container now carries the value.
        if let (Some(r), Some(m)) = (call.recv, call.method.as_deref())
            && matches!(
                m,
                "append"
                    | "extend"
                    | "insert"
                    | "add"
                    | "update"
                    | "setdefault"
                    | "appendleft"
                    | "write"
                    | "writelines"
            )
            && !all.is_constant()
            && (r.node_kind() == "identifier"
                || r.node_kind() == "subscript"
                || r.node_kind() == "attribute")
            && !call.path.ends_with("__dict__.update")
        {
            let all2 = all.clone();
            self.taint_base(r, &all2, sc);
        }
        // An inline authorization check (`Permission(...)`, `has_perm`,
        // `check_object_permissions`, `can_edit`) scopes what the handler
        // loads: not an unchecked lookup by id.
        let last = call.path.rsplit('.').next().unwrap_or("");
        if crate::words::words(last).iter().any(|w| {
            matches!(
                w.as_str(),
                "permission"
                    | "permissions"
                    | "perm"
                    | "perms"
                    | "authorize"
                    | "authorise"
                    | "authorized"
                    | "allowed"
                    | "can"
                    | "owner"
                    | "owns"
                    | "policy"
            )
        }) {
            sc.info.user_check = true;
        }
        let callee_opt = (!call.path.is_empty()).then_some(call.path.as_str());
        let method_opt = call.method.as_deref();
        let result_path = format!("{}()", call.path);
        let mut result = if let Some(k) = self.call_source(&call, &result_path) {
            self.src_taint(&k, n)
        } else if let Some(kinds) = self.sanitizes(callee_opt, method_opt) {
            let kinds = kinds.to_vec();
            let mut t = all.clone();
            if call.method.is_some()
                && !self
                    .imports
                    .map
                    .contains_key(call.path.split('.').next().unwrap_or(""))
            {
                t.join(&call.recv_taint);
            }
            t.sanitize(&kinds)
        } else if call.method.is_some() {
            // Modelled propagators and methods of a value that is itself
            // outside data (`body.get(...)`, `"…".join(...)`) carry taint;
            // a method of a module, class or client (`Ticket.query.get(id)`,
            // `client.fetch(url)`) returns data of its own: origin unknown.
            // A propagator method only passes data its receiver holds:
            // `body.get("q")` does, `db.session.get(Ticket, id)` does not.
            if self.spec.propagates(callee_opt, None)
                || call.recv.is_some_and(|r| r.node_kind() == "string")
                || call.recv_taint.carries_data()
            {
                let mut t = all.clone();
                t.join(&call.recv_taint);
                t
            } else {
                Taint::opaque_call(&all, &call.path)
            }
        } else {
            self.local_call_result(&call, &all)
        };
        // Steps through calls into named functions.
        if call.method.is_none()
            && !result.sources.is_empty()
            && !self.spec.propagates(callee_opt, None)
        {
            let short = self.text(func).to_string();
            if self.defs.contains(&short)
                || self
                    .imports
                    .map
                    .contains_key(short.split('.').next().unwrap_or(""))
            {
                result = result.step(self.loc(n), format!("passed to `{short}()`"));
            }
        }

        // The result of a sink call is not reported again downstream
        // (`stmt = text(q); db.execute(stmt)`, `HttpResponse(mark_safe(x))`).
        let kinds = self.sinks(&call, sc);
        if !kinds.is_empty() {
            result = result.sanitize(&kinds);
        }
        self.detect(&call, sc, target.as_deref());
        self.conventions_at(&call, sc);
        self.record_call(&call, sc);
        self.last_ctor = Some(Rc::new(self.ctor_info(&call)));
        result
    }

    fn call_source(&self, call: &Call<'_>, result_path: &str) -> Option<String> {
        if matches!(
            call.path.as_str(),
            "os.getenv" | "os.environ.get" | "os.environ.setdefault" | "os.getenvb"
        ) {
            return Some(
                self.env_kind(call.pos(0).and_then(|a| lit_str(a.node, self.src)))
                    .to_string(),
            );
        }
        if let Some(k) = self.source_kind(result_path) {
            return Some(k);
        }
        let m = call.method.as_deref()?;
        self.spec
            .sources
            .iter()
            .find(|s| s.methods.iter().any(|x| x == m))
            .map(|s| s.kind.clone())
    }

    fn sanitizes(&self, callee: Option<&str>, method: Option<&str>) -> Option<&'s [String]> {
        self.spec
            .sanitizers
            .iter()
            .find(|s| {
                callee.is_some_and(|c| s.callees.iter().any(|x| name_matches(x, c)))
                    || method.is_some_and(|m| s.methods.iter().any(|x| x == m))
            })
            .map(|s| s.kinds.as_slice())
    }

    /// A call of a plain function: same-file functions with a known
    /// summary pass on the taint of the parameters that reach their
    /// return value; anything else passes on all its arguments.
    fn local_call_result(&self, call: &Call<'_>, all: &Taint) -> Taint {
        if let Some((rp, rs, returns_calls)) = self.returns.get(&call.path) {
            let mut t = Taint::constant();
            if let Some(s) = rs {
                t.join(&Taint::source(s.clone()));
            }
            let pos: Vec<&Arg<'_>> = call.args.iter().filter(|a| a.kw.is_none()).collect();
            let params = self.fn_params.get(&call.path);
            for &i in rp {
                let i = i as usize;
                if let Some(a) = pos.get(i) {
                    t.join(&a.taint);
                } else if let Some(p) = params.and_then(|ps| ps.get(i))
                    && let Some(a) = call.kw(p)
                {
                    t.join(&a.taint);
                }
                if pos.iter().any(|a| a.splat > 0) || call.args.iter().any(|a| a.splat == 2) {
                    t.join(all);
                }
            }
            // What it returns from other calls, the engine follows (when
            // what is known of it brings no outside data already).
            if *returns_calls && t.sources.is_empty() {
                t.remember_call(&call.path);
            }
            return t;
        }
        if self.spec.propagates(Some(call.path.as_str()), None) {
            return all.clone();
        }
        Taint::opaque_call(all, &call.path)
    }

    /// The literal keyword arguments of a call, for objects it constructs.
    fn ctor_info(&self, call: &Call<'_>) -> CtorInfo {
        let mut c = call.recv_ctor.as_deref().cloned().unwrap_or_default();
        for a in &call.args {
            match a.kw.as_deref() {
                Some("model" | "model_name" | "model_id") => {
                    if let Some(s) = lit_str(a.node, self.src) {
                        c.model = Some(s);
                    }
                }
                Some(
                    "max_tokens"
                    | "max_completion_tokens"
                    | "max_output_tokens"
                    | "num_predict"
                    | "max_new_tokens",
                ) if a.node.node_kind() != "none" => {
                    c.max_tokens = true;
                }
                Some("timeout") if a.node.node_kind() != "none" => {
                    c.timeout = true;
                }
                Some("tools" | "functions") => c.tools = true,
                _ => {}
            }
        }
        if matches!(
            call.method.as_deref(),
            Some("bind_tools" | "bind_functions")
        ) {
            c.tools = true;
        }
        c
    }

    /// Record a call site for cross-file linking.
    fn record_call(&mut self, call: &Call<'_>, sc: &mut Scope) {
        if sc.is_module || call.path.is_empty() {
            return;
        }
        let mut callee = call.path.clone();
        let mut self_arg = false;
        if let (Some(rest), Some(cls)) = (call.path.strip_prefix("self."), &sc.class)
            && !rest.contains(['.', '(', '['])
        {
            // `self.helper(x)`: a method of the enclosing class.
            callee = if self.module.is_empty() {
                format!("{cls}.{rest}")
            } else {
                format!("{}.{cls}.{rest}", self.module)
            };
            self_arg = true;
        } else {
            let root = call.path.split(['.', '(', '[']).next().unwrap_or("");
            let local_def = call.path.starts_with(&format!("{}.", self.module))
                && self.defs.contains(
                    call.path[self.module.len() + 1..]
                        .split(['.', '('])
                        .next()
                        .unwrap_or(""),
                );
            let imported = self.imports.binds_root(root) && !is_library(root);
            if !(local_def || imported) {
                return;
            }
            // `Class().method(...)`: the callee is `Class.method`, with `self` first.
            if let Some(i) = callee.find("().") {
                let cls = callee[..i].rsplit('.').next().unwrap_or("");
                if cls.chars().next().is_some_and(|c| c.is_uppercase())
                    && !callee[i + 3..].contains('(')
                {
                    callee = format!("{}.{}", &callee[..i], &callee[i + 3..]);
                    self_arg = true;
                } else {
                    return;
                }
            }
        }
        if callee.contains('(')
            || callee.contains('[')
            || callee.contains(".objects.")
            || callee.contains(".query.")
        {
            return;
        }
        let params = self.fn_params.get(&callee).cloned();
        let mut slots: Vec<Option<ArgFlow>> = Vec::new();
        if self_arg {
            slots.push(Some(Taint::constant().to_arg()));
        }
        let mut extra: Vec<ArgFlow> = Vec::new();
        let src = self.src;
        let arg_flow = |a: &Arg<'_>| ArgFlow {
            parameterised_sql: a.splat == 0
                && lit_str(a.node, src).is_some_and(|s| crate::sqltext::is_parameterised_sql(&s)),
            clean: vec![],
            ..a.taint.to_arg()
        };
        for a in call.args.iter().filter(|a| a.kw.is_none()) {
            slots.push(Some(arg_flow(a)));
        }
        for a in call.args.iter().filter(|a| a.kw.is_some()) {
            let idx = params
                .as_ref()
                .and_then(|ps| ps.iter().position(|p| Some(p.as_str()) == a.kw.as_deref()));
            match idx {
                Some(i) if slots.get(i).is_none_or(|s| s.is_none()) => {
                    if slots.len() <= i {
                        slots.resize(i + 1, None);
                    }
                    slots[i] = Some(arg_flow(a));
                }
                _ => extra.push(arg_flow(a)),
            }
        }
        let mut args: Vec<ArgFlow> = slots
            .into_iter()
            .map(|s| s.unwrap_or_else(|| Taint::constant().to_arg()))
            .collect();
        args.extend(extra);
        sc.calls.push(CallSite {
            callee,
            location: self.loc(call.node),
            args,
        });
    }

    // ---------------------------------------------------------------- sinks

    fn sink_matches(spec: &SinkSpec, call: &Call<'_>) -> bool {
        (!call.path.is_empty() && spec.callees.iter().any(|c| name_matches(c, &call.path)))
            || call
                .method
                .as_deref()
                .is_some_and(|m| spec.methods.iter().any(|x| x == m))
    }

    fn is_sink_call(&self, n: Node<'_>, kind: &str, sc: &Scope) -> bool {
        if n.node_kind() != "call" {
            return false;
        }
        let Some(f) = n.field("function") else {
            return false;
        };
        let path = self.path_of(f, sc).unwrap_or_default();
        let method = if f.node_kind() == "attribute" {
            f.field("attribute").map(|a| self.text(a).to_string())
        } else {
            None
        };
        self.spec.sinks.iter().any(|s| {
            s.kind == kind
                && ((!path.is_empty() && s.callees.iter().any(|c| name_matches(c, &path)))
                    || method
                        .as_deref()
                        .is_some_and(|m| s.methods.iter().any(|x| x == m)))
        })
    }

    /// Whether a URL expression fixes its host before any outside data:
    /// a literal `https://host/…` prefix, or a base URL from configuration
    /// (a name holding a constant or an environment value) followed by a
    /// path. The caller then chooses a path on that host, not the host.
    fn host_pinned(&self, n: Node<'_>, sc: &Scope) -> bool {
        let literal_base = |s: &str| {
            s.split_once("://")
                .is_some_and(|(_, rest)| rest.contains('/'))
        };
        let config_name = |e: Node<'_>| {
            matches!(e.node_kind(), "identifier" | "attribute")
                && self.lookup(self.text(e), sc).is_none_or(|v| {
                    v.taint
                        .sources
                        .iter()
                        .all(|s| matches!(s.kind.as_str(), "env" | "secret"))
                        && v.taint.params.is_empty()
                })
        };
        match n.node_kind() {
            "string" => {
                let kids: Vec<Node<'_>> = named_kids(n)
                    .into_iter()
                    .filter(|k| k.node_kind() != "string_start")
                    .collect();
                match kids.first() {
                    Some(k) if k.node_kind() == "string_content" => literal_base(self.text(*k)),
                    Some(k) if k.node_kind() == "interpolation" => {
                        let expr = k.named_child(0);
                        let next = kids.get(1).filter(|x| x.node_kind() == "string_content");
                        expr.is_some_and(config_name)
                            && next.is_some_and(|x| self.text(*x).starts_with('/'))
                    }
                    _ => false,
                }
            }
            "binary_operator" => {
                // The leftmost pair decides: `base + "/x/" + a + b`.
                let mut n = n;
                while let Some(l) = n
                    .field("left")
                    .filter(|l| l.node_kind() == "binary_operator")
                {
                    n = l;
                }
                let (Some(l), Some(r)) = (n.field("left"), n.field("right")) else {
                    return false;
                };
                (l.node_kind() == "string" && literal_base(self.text(l)))
                    || (config_name(l)
                        && r.node_kind() == "string"
                        && self
                            .text(r)
                            .trim_start_matches(['"', '\''])
                            .starts_with('/'))
            }
            _ => false,
        }
    }

    fn sinks(&mut self, call: &Call<'_>, sc: &mut Scope) -> Vec<String> {
        let specs: Vec<&SinkSpec> = self
            .spec
            .sinks
            .iter()
            .filter(|s| Self::sink_matches(s, call))
            .collect();
        let mut done: HashSet<String> = HashSet::default();
        for spec in specs {
            if done.contains(&spec.kind) {
                continue;
            }
            if let Some(req) = &spec.requires_keyword
                && call.kw(req).is_none_or(|a| lit_bool(a.node) != Some(true))
            {
                continue;
            }
            if self.sink_excluded(spec, call) {
                done.insert(spec.kind.clone());
                continue;
            }
            let mut t = Taint::constant();
            // Prompts: each message of a literal list is judged on its own, so a
            // secret in the system message is not hidden behind the user's input.
            let mut parts: Vec<Taint> = Vec::new();
            let all = spec.args.is_empty() && spec.keywords.is_empty();
            let mut positional = 0u32;
            for a in &call.args {
                let take = if all {
                    true
                } else if let Some(k) = &a.kw {
                    spec.keywords.iter().any(|x| x == k)
                } else if a.splat > 0 {
                    true
                } else {
                    let i = positional;
                    positional += 1;
                    spec.args.contains(&i)
                };
                if a.kw.is_none() && a.splat == 0 && all {
                    positional += 1;
                }
                if !take {
                    continue;
                }
                if self.is_sink_call(a.node, &spec.kind, sc) {
                    continue; // `execute(text(q))`: the inner call is the sink
                }
                if spec.kind == "ssrf" && self.host_pinned(a.node, sc) {
                    continue; // `f"{RENDERER}/render/{n}"`: the caller picks a path, not a host
                }
                if spec.kind == "ssrf" && self.host_guarded(a, sc) {
                    continue; // its host was checked against an allowlist above
                }
                // `get(url, **kwargs)` with a checked `url`: keyword options
                // cannot replace a URL given by position.
                if spec.kind == "ssrf"
                    && a.splat == 2
                    && spec
                        .args
                        .first()
                        .and_then(|i| call.pos(*i as usize))
                        .is_some_and(|u| self.host_guarded(u, sc))
                {
                    continue;
                }
                if spec.kind == "nosql" && a.node.node_kind() == "dictionary" {
                    t.join(&self.nosql_dict_taint(a.node, sc));
                    continue;
                }
                if spec.kind == "prompt" && a.node.node_kind() == "list" {
                    for el in named_kids(a.node) {
                        parts.push(self.eval(el, sc, 0));
                    }
                    t.join(&a.taint);
                    continue;
                }
                parts.push(a.taint.clone());
                t.join(&a.taint);
            }
            if spec.kind == "path" && call.path.starts_with("pathlib.Path(") {
                t.join(&call.recv_taint);
            }
            let write = spec.write_mode_arg.map(|i| {
                let mode = call
                    .arg(i as usize, "mode")
                    .and_then(|a| lit_str(a.node, self.src));
                mode.is_some_and(|m| m.contains(['w', 'a', 'x', '+']))
            });
            let write = write.or_else(|| {
                (spec.kind == "path").then(|| {
                    let last = call.last();
                    last.starts_with("write")
                        || matches!(
                            last,
                            "unlink"
                                | "rmdir"
                                | "remove"
                                | "rmtree"
                                | "move"
                                | "copy"
                                | "copyfile"
                                | "copy2"
                                | "rename"
                                | "makedirs"
                                | "mkdir"
                                | "touch"
                                | "save"
                        )
                })
            });
            let shell = spec
                .shell_keyword
                .as_ref()
                .map(|k| call.kw(k).is_some_and(|a| lit_bool(a.node) == Some(true)))
                .or_else(|| {
                    (spec.kind == "exec").then_some({
                        matches!(
                            call.path.as_str(),
                            "os.system"
                                | "os.popen"
                                | "commands.getoutput"
                                | "commands.getstatusoutput"
                                | "subprocess.getoutput"
                                | "subprocess.getstatusoutput"
                        )
                    })
                });
            // Capabilities reached, whatever the flow.
            match spec.kind.as_str() {
                "exec" => {
                    sc.info.caps.insert("exec".into());
                }
                "eval" => {
                    sc.info.caps.insert("eval".into());
                }
                "path" if write == Some(true) => {
                    sc.info.caps.insert("file-write".into());
                }
                "sql" if self.sql_writes(call) => {
                    sc.info.caps.insert("sql-write".into());
                }
                "ssrf" => {
                    sc.info.caps.insert("http".into());
                }
                _ => {}
            }
            done.insert(spec.kind.clone());
            if t.calls_dropped && t.state_for(&spec.kind) != FlowState::Tainted {
                let at = Truncation::new(
                    TruncationLimit::UnresolvedCalls,
                    self.loc(call.node),
                    &sc.symbol,
                );
                Truncation::note(&mut self.truncated, at);
            }
            let flows: Vec<Flow> = if spec.kind == "prompt" {
                // One sink per attacker-relevant source kind; parameters and
                // unknown parts together, only when no source reaches it.
                let mut out: Vec<Flow> = Vec::new();
                let mut rest = Taint::constant();
                for p in &parts {
                    let fl = p.to_flow(&spec.kind);
                    match fl.state {
                        FlowState::Tainted => {
                            let kind = fl.source.as_ref().map(|s| s.kind.clone());
                            if !out
                                .iter()
                                .any(|o| o.source.as_ref().map(|s| s.kind.clone()) == kind)
                            {
                                out.push(fl);
                            }
                        }
                        FlowState::Safe => {}
                        _ => rest.join(p),
                    }
                }
                if out.is_empty() {
                    out.push(rest.to_flow(&spec.kind));
                }
                out
            } else {
                vec![t.to_flow(&spec.kind)]
            };
            for flow in flows {
                // Safe values are not sinks — unless they went through a call
                // the engine may resolve to one of the repository's own
                // functions (`execute(build_query())`).
                if flow.state == FlowState::Safe && flow.calls.is_empty() {
                    continue;
                }
                let callee = if call.path.is_empty()
                    || call.path.contains("()")
                        && !spec.callees.iter().any(|c| name_matches(c, &call.path))
                {
                    format!("*.{}", call.method.clone().unwrap_or_default())
                } else {
                    call.path.clone()
                };
                let mut f = Fact::new(
                    Subject::Sink,
                    spec.kind.clone(),
                    self.ev(call.node, &sc.symbol),
                )
                .with("callee", Prop::Str(callee));
                if let Some(s) = shell {
                    f = f.with("shell", Prop::Bool(s));
                }
                if let Some(w) = write {
                    f = f.with("write", Prop::Bool(w));
                }
                if let Some(fw) = &sc.framework {
                    f = f.with("framework", Prop::Str(fw.clone()));
                }
                f.flow = Some(flow);
                self.push(f);
            }
        }
        done.into_iter().filter(|k| k != "prompt").collect()
    }

    fn nosql_dict_taint(&mut self, d: Node<'_>, sc: &mut Scope) -> Taint {
        let mut t = Taint::constant();
        for p in named_kids(d) {
            match p.node_kind() {
                "pair" => {
                    let key = p.field("key").and_then(|k| lit_str(k, self.src));
                    if key.as_deref().is_some_and(|k| {
                        matches!(k, "$where" | "$function" | "$accumulator" | "$expr")
                    }) {
                        if let Some(v) = p.field("value") {
                            t.join(&self.eval(v, sc, 0));
                        }
                    } else if key.is_none()
                        && let Some(k) = p.field("key")
                    {
                        t.join(&self.eval(k, sc, 0));
                    }
                }
                "dictionary_splat" => {
                    t.join(&self.eval(p, sc, 0));
                }
                _ => {}
            }
        }
        t
    }

    fn sink_excluded(&self, spec: &SinkSpec, call: &Call<'_>) -> bool {
        let root = call.path.split(['.', '(', '[']).next().unwrap_or("");
        let by_method = !spec.callees.iter().any(|c| name_matches(c, &call.path));
        match spec.kind.as_str() {
            // `.invoke()` / `.stream()` are prompts only where an LLM framework is used.
            // `.invoke()` / `.stream()` are prompts only on a model, chain or agent
            // where an LLM framework is used (`tool.invoke(args)` runs a tool).
            "prompt" if by_method && !(self.llm_file && llmish_receiver(&call.path)) => {
                return true;
            }
            // Response headers and cookies: only in web code.
            "header"
                if !(self.imports_root("flask")
                    || self.imports_root("django")
                    || self.imports_root("starlette")
                    || self.imports_root("fastapi")
                    || self.imports_root("werkzeug")
                    || self.imports_root("rest_framework")) =>
            {
                return true;
            }
            // `str.find` is not a MongoDB query.
            "nosql"
                if !(self.imports_root("pymongo")
                    || self.imports_root("motor")
                    || self.imports_root("mongoengine")
                    || self.imports_root("bson")
                    || call.path.contains("Mongo")) =>
            {
                return true;
            }
            "sql" if call.method.is_some() => {
                // A class's own `self.execute(...)`, or a non-database library's `execute`.
                if call.path == format!("self.{}", call.last()) {
                    return true;
                }
                let from_import = call.recv.is_some_and(|r| {
                    r.node_kind() != "call"
                        && self
                            .imports
                            .map
                            .contains_key(self.text(r).split('.').next().unwrap_or(""))
                });
                if from_import && is_library(root) && !is_db_library(root) {
                    return true;
                }
                if matches!(call.last(), "fetch" | "fetchrow" | "fetchval")
                    && !(self.imports_root("asyncpg")
                        || self.imports_root("databases")
                        || call.path.contains("asyncpg"))
                {
                    return true;
                }
            }
            _ => {}
        }
        match call.path.as_str() {
            "yaml.load" | "yaml.load_all" => {
                let loader = call
                    .arg(1, "Loader")
                    .map(|a| self.text(a.node))
                    .unwrap_or("");
                loader.contains("SafeLoader") || loader.contains("BaseLoader")
            }
            "torch.load" => call
                .kw("weights_only")
                .is_some_and(|a| lit_bool(a.node) == Some(true)),
            _ if spec.kind == "html" => {
                // `HttpResponse(json.dumps(x), content_type="application/json")` is not HTML.
                ["content_type", "mimetype", "media_type"].iter().any(|k| {
                    call.kw(k)
                        .and_then(|a| lit_str(a.node, self.src))
                        .is_some_and(|ct| !ct.contains("html"))
                })
            }
            _ => {
                // LangChain retrievers take a query, not a prompt.
                spec.kind == "prompt"
                    && (call.path.contains("retriever") || call.path.contains("as_retriever"))
            }
        }
    }

    fn sql_writes(&self, call: &Call<'_>) -> bool {
        let Some(a) = call.pos(0) else { return false };
        let s = lit_prefix(a.node, self.src)
            .unwrap_or_default()
            .trim_start()
            .to_ascii_lowercase();
        [
            "insert", "update", "delete", "drop", "alter", "create", "truncate", "replace", "merge",
        ]
        .iter()
        .any(|w| s.starts_with(w))
    }

    // ---------------------------------------------------------------- functions

    pub fn def_function(
        &mut self,
        n: Node<'_>,
        decs: &[Node<'_>],
        parent: &mut Scope,
        class: Option<&routes::ClassCtx>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            self.truncate(n, &parent.symbol);
            return;
        }
        let Some(name_node) = n.field("name") else {
            return;
        };
        let name = self.text(name_node).to_string();
        let symbol = match class {
            Some(c) => format!("{}.{name}", c.symbol),
            None if parent.is_module => name.clone(),
            None => format!("{}.{name}", parent.symbol),
        };
        let params = routes::params_of(n, self.src, self.path);
        let role = self.role_of(n, decs, &name, &symbol, &params, class, parent);
        let mut sc = Scope {
            symbol: symbol.clone(),
            class: class
                .map(|c| c.symbol.clone())
                .or_else(|| parent.class.clone()),
            outer: if parent.is_module {
                Rc::new(HashMap::default())
            } else {
                let mut o = (*parent.outer).clone();
                o.extend(parent.vars.iter().map(|(k, v)| (k.clone(), v.clone())));
                Rc::new(o)
            },
            path_params: role.path_params.clone(),
            framework: role.framework.clone(),
            params: params.iter().map(|p| p.name.clone()).collect(),
            ..Default::default()
        };
        for (i, p) in params.iter().enumerate() {
            let v = self.param_var(i, p, &role, class.is_some(), n);
            sc.vars.insert(p.name.clone(), v);
        }
        if let Some(body) = n.field("body") {
            self.block(body, &mut sc, depth + 1);
        }
        // Summary.
        let export_name = if self.module.is_empty() {
            symbol.clone()
        } else {
            format!("{}.{symbol}", self.module)
        };
        let returns_params: Vec<u32> = sc.returns.params.iter().copied().collect();
        let returns_source = sc.returns.primary_source().cloned();
        let header_end = n.field("parameters").unwrap_or(name_node);
        let location = self.ev_span(n, header_end, &symbol).location;
        self.returns.insert(
            export_name.clone(),
            (
                returns_params.clone(),
                returns_source.clone(),
                !sc.returns.calls.is_empty(),
            ),
        );
        self.fn_params.insert(
            export_name.clone(),
            params.iter().map(|p| p.name.clone()).collect(),
        );
        self.functions.push(FunctionSummary {
            symbol: symbol.clone(),
            export_name,
            params: params.iter().map(|p| p.name.clone()).collect(),
            location,
            returns_params,
            returns_source,
            returns_calls: sc.returns.calls.clone(),
            returns_clean: vec![],
            calls: std::mem::take(&mut sc.calls),
            query_helper: sc.query_helper.take(),
            http_wrapper: sc.http_wrapper.take(),
        });
        let info = std::mem::take(&mut sc.info);
        self.emit_entries(&role, &info, &symbol, n);
        if parent.is_module || class.is_some() {
            self.fn_infos
                .insert(name.clone(), (symbol.clone(), info.clone()));
        } else {
            // Nested views registered by name (`app.add_url_rule(..., view_func=upload)`).
            self.fn_infos
                .entry(name.clone())
                .or_insert_with(|| (symbol.clone(), info.clone()));
        }
        self.fn_infos.insert(symbol.clone(), (symbol, info.clone()));
        // Capabilities and markers of nested functions count for the enclosing one.
        if !parent.is_module {
            parent.info.caps.extend(info.caps);
            parent.info.audit_log |= info.audit_log;
            parent.info.confirmation |= info.confirmation;
        }
    }

    fn param_var(
        &self,
        i: usize,
        p: &routes::Param,
        role: &routes::Role,
        method: bool,
        _def: Node<'_>,
    ) -> Var {
        let django = self.imports_root("django") || self.imports_root("rest_framework");
        if method && i == 0 && (p.name == "self" || p.name == "cls") {
            return Var::default();
        }
        let ann = p.ann.clone().unwrap_or_default();
        let ann_path = self
            .imports
            .map
            .get(ann.split(['[', '.']).next().unwrap_or(""))
            .cloned()
            .unwrap_or_default();
        if ann == "Request"
            && (ann_path.starts_with("starlette") || ann_path.starts_with("fastapi"))
            || ann.ends_with("requests.Request") && self.imports_root("starlette")
            || (p.name == "request"
                && (self.imports_root("starlette") || self.imports_root("fastapi"))
                && !django)
        {
            return Var {
                taint: Taint::constant(),
                ty: Some("starlette.request".into()),
                ctor: None,
            };
        }
        if ann == "WebSocket" {
            return Var {
                taint: Taint::constant(),
                ty: Some("starlette.websocket".into()),
                ctor: None,
            };
        }
        if p.name == "request" && django {
            return Var {
                taint: Taint::constant(),
                ty: Some("django.request".into()),
                ctor: None,
            };
        }
        let loc = p.loc.clone();
        match role.params.get(&p.name) {
            Some(routes::ParamRole::Request(label)) => Var {
                taint: Taint::source(Source {
                    kind: "request".into(),
                    location: loc,
                    label: label.clone(),
                }),
                ty: None,
                ctor: None,
            },
            Some(routes::ParamRole::ToolInput) => Var {
                taint: Taint::source(Source {
                    kind: "tool-input".into(),
                    location: loc,
                    label: format!("tool parameter `{}`", p.name),
                }),
                ty: None,
                ctor: None,
            },
            Some(routes::ParamRole::Inert) => Var::default(),
            None => Var {
                taint: Taint::param(i as u32),
                ty: None,
                ctor: None,
            },
        }
    }

    fn finish(&mut self) {
        self.finish_deferred();
        self.finish_settings();
    }
}

/// Source names that only mean LLM output in files using an LLM framework
/// (`model.predict()` is scikit-learn elsewhere).
fn generic_llm_name(name: &str) -> bool {
    [
        ".invoke()",
        ".ainvoke()",
        ".predict()",
        ".complete()",
        ".stream()",
        ".generate_content()",
    ]
    .iter()
    .any(|s| name.ends_with(s))
        && name.starts_with("*.")
        && !name.contains("as_")
}

/// Does the receiver of a LangChain-style call look like a model, chain or
/// agent (by its type or its variable name)?
fn llmish_receiver(path: &str) -> bool {
    let recv = path.rsplit_once('.').map(|(a, _)| a).unwrap_or("");
    let lower = recv.to_ascii_lowercase();
    [
        "chat",
        "llm",
        "openai",
        "anthropic",
        "ollama",
        "gemini",
        "chain",
        "agent",
        "graph",
        "model",
        "prompt",
        "runnable",
        "executor",
        "bedrock",
        "mistral",
        "groq",
        "as_query_engine",
        "as_chat_engine",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// The names a lambda's parameters bind (`x`, `y=1`, `*args`, `**kw`).
fn lambda_params(params: Node<'_>, src: &str) -> Vec<String> {
    named_kids(params)
        .into_iter()
        .filter_map(|p| match p.node_kind() {
            "identifier" => Some(p),
            "default_parameter" | "typed_default_parameter" => p.field("name"),
            "list_splat_pattern" | "dictionary_splat_pattern" => named_kids(p)
                .into_iter()
                .find(|k| k.node_kind() == "identifier"),
            _ => None,
        })
        .map(|p| text(p, src).to_string())
        .collect()
}

/// Does a block end by leaving the function (return/raise/abort)?
fn block_exits(b: Node<'_>, src: &str) -> bool {
    let Some(last) = named_kids(b)
        .into_iter()
        .rfind(|c| c.node_kind() != "comment")
    else {
        return false;
    };
    match last.node_kind() {
        "return_statement" | "raise_statement" | "continue_statement" | "break_statement" => true,
        "expression_statement" => {
            let t = text(last, src);
            t.starts_with("abort(")
                || t.starts_with("flask.abort(")
                || t.contains("HttpResponseBadRequest")
                || t.starts_with("sys.exit(")
        }
        _ => false,
    }
}
