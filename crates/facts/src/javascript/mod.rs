//! JavaScript/TypeScript extractor.
//!
//! One walk over the tree produces the import table, entries (Express, Koa,
//! Fastify, NestJS, Next.js, MCP and agent tools), stores, outbound calls,
//! LLM calls, settings and sinks with an intraprocedural taint verdict, and
//! one summary per function so the engine can link flows across files.
//! Sources, sinks, sanitisers and propagators come from
//! `rules/flow/javascript.toml`.
//!
//! Conventions the engine relies on:
//! - symbols: `Class.method`, `outer.inner` for nested named functions, the
//!   const's name for arrows assigned to a const; anonymous callbacks take
//!   the enclosing symbol (`<module>` at the top level, which then has a
//!   summary of its own so inline route handlers can be followed).
//! - export names: `<path without extension>::<symbol>`, `::default` for a
//!   default export; relative imports resolve to repo paths the same way.
//! - mounts: `child` is `src/routes/users` for a default/CommonJS import of a
//!   router module (any router in that file), `src/routes/users::router` for
//!   a named import, or the local variable for a router of this file.
//! - entries: evidence is the route registration call (Express, Koa,
//!   Fastify), the HTTP decorator (NestJS) or the exported function (Next.js);
//!   `handler` is the handler's symbol or its resolved import name.

mod calls;
mod detect;

use crate::evidence::{evidence, location, normalise};
use crate::flowspec::{FlowSpec, FlowSpecFile};
use crate::taint::Taint;
use crate::types::{
    ArgFlow, CallSite, Fact, FileFacts, FunctionSummary, HttpWrapper, Import, Location, Prop,
    QueryHelper, Source, Subject, Truncation, TruncationLimit,
};
use bw_files::Lang;
use bw_lang::{FieldExt, KindExt};
use foldhash::{HashMap, HashSet};
use std::collections::BTreeSet;
use tree_sitter::Node;

/// Recursion bound over the tree (walk + eval frames together): deeper
/// code is not analysed and the file records an "analysis truncated" note.
/// Each level costs a few frames of the walk stack ([`crate::WALK_STACK`]);
/// several thousand fit in debug builds, so this keeps a wide margin.
/// Linear chains (`a + b + …`, `x.trim().trim()…`) cost no depth: they are
/// evaluated bottom-up, however long.
const MAX_DEPTH: usize = 1000;

/// The facts of a JavaScript/TypeScript file, handing the parsed tree to
/// `see` before extracting (a caller that also lowers the file parses it
/// once).
pub fn extract_seeing(
    path: &str,
    lang: Lang,
    text: &str,
    spec: &FlowSpec,
    see: crate::TreeHook<'_>,
) -> Result<FileFacts, bw_lang::ParseError> {
    // Either walk runs, never both; each may hand the tree on.
    let see = std::sync::Mutex::new(see);
    let hook = || see.lock().unwrap_or_else(|e| e.into_inner());
    crate::with_walk_stack(
        || extract_with(path, lang, text, &spec.javascript, MAX_DEPTH, &mut **hook()),
        // No thread available: walk here, with a shallower bound.
        || extract_with(path, lang, text, &spec.javascript, 80, &mut **hook()),
    )
}

fn extract_with(
    path: &str,
    lang: Lang,
    text: &str,
    spec: &FlowSpecFile,
    max_depth: usize,
    see: crate::TreeHook<'_>,
) -> Result<FileFacts, bw_lang::ParseError> {
    let tree = crate::budget::parse(lang, text)?;
    see(&tree);
    let root = tree.root_node();
    let mut ex = Ex::new(path, text, spec);
    ex.max_depth = max_depth;
    ex.prepass(root);
    ex.walk(root, 0);
    ex.finish();
    Ok(FileFacts {
        path: path.to_string(),
        lang: lang.name().to_string(),
        facts: ex.facts,
        imports: ex.imports,
        functions: ex.functions,
        ignores: vec![],
        partial: root.has_error(),
        unread: None,
        truncated: ex.truncated,
    })
}

/// How the root of a dotted path was resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Root {
    /// A local variable or parameter without a known alias: never a source by name.
    Local,
    /// A variable with a known alias (handler param `req`, a client `openai`).
    Alias,
    /// An import binding.
    Import,
    /// A function or class of this file.
    Module,
    /// A global (`process`, `window`, `console`, `fetch`).
    Global,
}

#[derive(Debug, Clone)]
struct PathRef {
    text: String,
    root: Root,
}

/// What a client constructor said (LLM model, host, token limit).
#[derive(Debug, Clone, Default)]
struct Ctor {
    model: Option<String>,
    host: Option<String>,
    timeout: bool,
    /// Router prefix (`new Router({ prefix: '/api' })`).
    prefix: Option<String>,
    /// An output token limit set on the client (`new ChatOpenAI({ maxTokens })`).
    max_tokens: bool,
}

#[derive(Debug, Clone, Default)]
struct Var {
    taint: Taint,
    alias: Option<String>,
    /// Holds the whole request body.
    body: bool,
    /// Holds a string built by concatenation or a template.
    stringy: bool,
    ctor: Option<Ctor>,
    /// A nested named function: its qualified symbol.
    func: Option<String>,
}

/// What a handler/tool function does, collected during the walk.
#[derive(Debug, Clone, Default)]
struct Traits {
    audit: bool,
    id_lookup: bool,
    user_check: bool,
    mass_assign: bool,
    writes: BTreeSet<String>,
    confirmation: bool,
    local_calls: BTreeSet<String>,
    methods: BTreeSet<String>,
    /// Auth checked inside the handler (`getServerSession()`, `jwt.verify(...)`).
    auth_calls: BTreeSet<String>,
}

/// The role of a function being walked, decided by its caller.
#[derive(Debug, Clone)]
enum Role {
    /// A named function: params are `Taint::param(i)`.
    Plain,
    /// An HTTP handler: param aliases by position.
    Http {
        aliases: &'static [&'static str],
        params_source: bool,
    },
    /// An agent/MCP tool handler: params are tool input.
    Tool,
    /// A Next.js server action: every parameter comes from the client.
    Action,
    /// A callback given to a method: params carry the receiver's taint.
    Callback(Taint),
    /// A NestJS controller method.
    Nest,
}

struct FnCtx {
    env: HashMap<String, Var>,
    symbol: String,
    summary: Option<usize>,
    traits: String,
    returns: Taint,
    class: Option<String>,
    conv: ConvCtx,
}

/// What a named function's body shows about the project's conventions
/// (a query helper, an HTTP wrapper with an allowlist), gathered as it is
/// walked.
#[derive(Debug, Clone, Default)]
struct ConvCtx {
    /// A named function with its own summary (not a callback, not the module).
    named: bool,
    /// Parameter names in order.
    params: Vec<String>,
    /// Names assigned after the parameters were bound.
    assigned: HashSet<String>,
    /// A host allowlist check in force at this point of the body.
    host_guard: Option<HostGuard>,
    query_helper: Option<QueryHelper>,
    http_wrapper: Option<HttpWrapper>,
}

/// `if (!ALLOWED_HOSTS.includes(host)) throw …` (or the body of
/// `if (ALLOWED_HOSTS.has(host)) { … }`).
#[derive(Debug, Clone, Default)]
struct HostGuard {
    /// The collection as written (`ALLOWED_HOSTS`, `config.allowedHosts`).
    collection: String,
    /// The checked variable, when the argument is a plain name.
    name: Option<String>,
    /// The parameters the checked value derives from.
    params: BTreeSet<u32>,
}

#[derive(Debug, Clone, Default)]
struct ClassInfo {
    name: String,
    fields: HashMap<String, String>,
}

struct PendingEntry {
    fact: usize,
    traits: String,
    /// Next.js pages API: method decided by `req.method` checks.
    method_from_checks: bool,
}

struct Ex<'a> {
    path: &'a str,
    src: &'a str,
    spec: &'a FlowSpecFile,
    /// Path without extension: `src/db`.
    module: String,
    imports: Vec<Import>,
    /// The imports already listed (a file of many imports stays linear).
    imports_seen: std::collections::BTreeSet<Import>,
    import_map: HashMap<String, String>,
    top_names: HashSet<String>,
    facts: Vec<Fact>,
    functions: Vec<FunctionSummary>,
    /// A function's export name -> its index in `functions` (the first),
    /// so a call to a function of this file finds its summary at once.
    fn_by_export: HashMap<String, usize>,
    stack: Vec<FnCtx>,
    classes: Vec<ClassInfo>,
    traits: HashMap<String, Traits>,
    pending: Vec<PendingEntry>,
    overrides: HashMap<usize, (Role, Option<String>)>,
    stores_seen: HashSet<String>,
    imports_relative: HashSet<String>,
    anon: usize,
    max_depth: usize,
    fn_returns: HashMap<usize, Taint>,
    /// The file starts with `'use server'`: its exports are server actions.
    use_server: bool,
    /// Where the analysis stopped short (see [`Truncation`]).
    truncated: Vec<Truncation>,
    /// Values of chain links already evaluated bottom-up, by node id.
    memo: HashMap<usize, Taint>,
}

fn kids<'t>(n: Node<'t>) -> Vec<Node<'t>> {
    let mut c = n.walk();
    n.named_children(&mut c)
        .filter(|k| k.node_kind() != "comment")
        .collect()
}

// Module naming is the lowering's: one definition for old and new code.
use bw_lower::javascript::{resolve_relative, strip_ext};

pub(crate) use crate::words::words;

const FUNCTION_KINDS: &[&str] = &[
    "arrow_function",
    "function_expression",
    "function",
    "generator_function",
    "function_declaration",
    "generator_function_declaration",
    "method_definition",
];

fn is_function(n: Node) -> bool {
    FUNCTION_KINDS.contains(&n.node_kind())
}

/// Unwrap parentheses, `await`, TS casts and non-null assertions.
fn strip(mut n: Node) -> Node {
    loop {
        match n.node_kind() {
            "parenthesized_expression"
            | "await_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion" => {
                let inner = if n.node_kind() == "type_assertion" {
                    kids(n).into_iter().last()
                } else {
                    kids(n).into_iter().next()
                };
                match inner {
                    Some(i) => n = i,
                    None => return n,
                }
            }
            _ => return n,
        }
    }
}

impl<'a> Ex<'a> {
    fn new(path: &'a str, src: &'a str, spec: &'a FlowSpecFile) -> Self {
        let module = strip_ext(path).to_string();
        let mut traits = HashMap::default();
        traits.insert("<module>".to_string(), Traits::default());
        Ex {
            path,
            src,
            spec,
            module,
            imports: vec![],
            imports_seen: Default::default(),
            import_map: HashMap::default(),
            top_names: HashSet::default(),
            facts: vec![],
            functions: vec![],
            fn_by_export: HashMap::default(),
            stack: vec![FnCtx {
                env: HashMap::default(),
                symbol: "<module>".into(),
                summary: None,
                traits: "<module>".into(),
                returns: Taint::constant(),
                class: None,
                conv: ConvCtx::default(),
            }],
            classes: vec![],
            traits,
            pending: vec![],
            overrides: HashMap::default(),
            stores_seen: HashSet::default(),
            imports_relative: HashSet::default(),
            anon: 0,
            max_depth: MAX_DEPTH,
            fn_returns: HashMap::default(),
            use_server: false,
            truncated: vec![],
            memo: HashMap::default(),
        }
    }

    fn text(&self, n: Node) -> &'a str {
        self.src.get(n.byte_range()).unwrap_or("")
    }

    /// The text of a small node (receivers, names); empty for long ones,
    /// so per-call work stays constant on long method chains.
    fn short_text(&self, n: Node) -> &'a str {
        if n.end_byte() - n.start_byte() > 200 {
            ""
        } else {
            self.text(n)
        }
    }

    fn loc(&self, n: Node) -> Location {
        location(self.path, n, self.src)
    }

    fn symbol(&self) -> String {
        self.stack
            .last()
            .map(|c| c.symbol.clone())
            .unwrap_or_else(|| "<module>".into())
    }

    fn ev(&self, n: Node) -> crate::types::Evidence {
        evidence(self.path, n, self.src, &self.symbol())
    }

    fn fact(&mut self, subject: Subject, kind: &str, n: Node) -> usize {
        let f = Fact::new(subject, kind, self.ev(n));
        self.facts.push(f);
        self.facts.len() - 1
    }

    fn cur_traits(&mut self) -> &mut Traits {
        let key = self
            .stack
            .last()
            .map(|c| c.traits.clone())
            .unwrap_or_default();
        self.traits.entry(key).or_default()
    }

    /// String literal value (plain strings and substitution-free templates).
    fn lit(&self, n: Node) -> Option<String> {
        let n = strip(n);
        match n.node_kind() {
            "string" => {
                let t = self.text(n);
                Some(
                    t.get(1..t.len().saturating_sub(1))
                        .unwrap_or("")
                        .to_string(),
                )
            }
            "template_string" => {
                if kids(n)
                    .iter()
                    .any(|k| k.node_kind() == "template_substitution")
                {
                    None
                } else {
                    let t = self.text(n);
                    Some(
                        t.get(1..t.len().saturating_sub(1))
                            .unwrap_or("")
                            .to_string(),
                    )
                }
            }
            _ => None,
        }
    }

    // ---------------------------------------------------------------- imports

    fn add_import(&mut self, local: &str, module: &str, name: Option<&str>) {
        let module = module.strip_prefix("node:").unwrap_or(module);
        let relative = module.starts_with('.');
        let module = if relative {
            resolve_relative(self.path, module)
        } else {
            module.to_string()
        };
        let resolved = match (name, relative) {
            (None, true) => format!("{module}::"),
            (Some("default"), true) => module.clone(),
            (Some(n), true) => format!("{module}::{n}"),
            (None, false) | (Some("default"), false) => module.clone(),
            (Some(n), false) => format!("{module}.{n}"),
        };
        self.import_map.insert(local.to_string(), resolved);
        let imp = Import {
            local: local.to_string(),
            module,
            name: name.map(str::to_string),
        };
        if self.imports_seen.insert(imp.clone()) {
            self.imports.push(imp);
        }
    }

    /// Top-level scan: imports, requires, and names of functions/classes.
    fn prepass(&mut self, root: Node) {
        if let Some(first) = kids(root).into_iter().next() {
            let t = self.text(first).trim_end_matches(';').trim();
            self.use_server = first.node_kind() == "expression_statement"
                && (t == "'use server'" || t == "\"use server\"");
        }
        for st in kids(root) {
            if crate::budget::spent() {
                break;
            }
            let st = if st.node_kind() == "export_statement" {
                st.field("declaration").unwrap_or(st)
            } else {
                st
            };
            match st.node_kind() {
                "import_statement" => self.import_statement(st),
                "function_declaration"
                | "generator_function_declaration"
                | "class_declaration"
                | "abstract_class_declaration" => {
                    if let Some(n) = st.field("name") {
                        self.top_names.insert(self.text(n).to_string());
                    }
                }
                "lexical_declaration" | "variable_declaration" => {
                    for d in kids(st) {
                        if d.node_kind() != "variable_declarator" {
                            continue;
                        }
                        let (Some(name), Some(value)) = (d.field("name"), d.field("value")) else {
                            continue;
                        };
                        if let Some(m) = self.require_of(value) {
                            self.require_binding(name, &m.0, m.1.as_deref());
                        } else if name.node_kind() == "identifier" && is_function(strip(value)) {
                            self.top_names.insert(self.text(name).to_string());
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn import_statement(&mut self, st: Node) {
        let Some(source) = st.field("source") else {
            return;
        };
        let Some(module) = self.lit(source) else {
            return;
        };
        if module.starts_with('.') {
            let r = resolve_relative(self.path, &module);
            self.imports_relative.insert(r);
        }
        let Some(clause) = kids(st)
            .into_iter()
            .find(|k| k.node_kind() == "import_clause")
        else {
            return;
        };
        for c in kids(clause) {
            match c.node_kind() {
                "identifier" => {
                    let l = self.text(c).to_string();
                    self.add_import(&l, &module, Some("default"));
                }
                "namespace_import" => {
                    if let Some(id) = kids(c).into_iter().find(|k| k.node_kind() == "identifier") {
                        let l = self.text(id).to_string();
                        self.add_import(&l, &module, None);
                    }
                }
                "named_imports" => {
                    for s in kids(c) {
                        if s.node_kind() != "import_specifier" {
                            continue;
                        }
                        let Some(name) = s.field("name") else {
                            continue;
                        };
                        let local = s.field("alias").unwrap_or(name);
                        let (n, l) = (
                            self.lit(name)
                                .unwrap_or_else(|| self.text(name).to_string()),
                            self.text(local).to_string(),
                        );
                        self.add_import(&l, &module, Some(&n));
                    }
                }
                _ => {}
            }
        }
    }

    /// `require('m')` or `require('m').x` -> (module, member).
    fn require_of(&self, n: Node) -> Option<(String, Option<String>)> {
        bw_lower::javascript::require_of(n, self.src)
    }

    fn require_binding(&mut self, name: Node, module: &str, member: Option<&str>) {
        if module.starts_with('.') {
            let r = resolve_relative(self.path, module);
            self.imports_relative.insert(r);
        }
        match name.node_kind() {
            "identifier" => {
                let l = self.text(name).to_string();
                self.add_import(&l, module, member);
            }
            "object_pattern" => {
                for p in kids(name) {
                    match p.node_kind() {
                        "shorthand_property_identifier_pattern" => {
                            let l = self.text(p).to_string();
                            self.add_import(&l, module, Some(&l.clone()));
                        }
                        "pair_pattern" => {
                            let (Some(k), Some(v)) = (p.field("key"), p.field("value")) else {
                                continue;
                            };
                            if v.node_kind() == "identifier" {
                                let (k, l) = (self.text(k).to_string(), self.text(v).to_string());
                                self.add_import(&l, module, Some(&k));
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    // ---------------------------------------------------------------- names

    fn lookup(&self, name: &str) -> Option<&Var> {
        self.stack.iter().rev().find_map(|c| c.env.get(name))
    }

    fn bind(&mut self, name: &str, var: Var) {
        if let Some(c) = self.stack.last_mut() {
            c.conv.assigned.insert(name.to_string());
        }
        // Assignment to an existing outer variable updates it; otherwise a new local.
        for c in self.stack.iter_mut().rev() {
            if let Some(v) = c.env.get_mut(name) {
                *v = var;
                return;
            }
        }
        if let Some(c) = self.stack.last_mut() {
            c.env.insert(name.to_string(), var);
        }
    }

    fn declare(&mut self, name: &str, var: Var) {
        if let Some(c) = self.stack.last_mut() {
            c.env.insert(name.to_string(), var);
        }
    }

    fn class_info(&self) -> Option<&ClassInfo> {
        let name = self.stack.last()?.class.as_ref()?;
        self.classes.iter().rev().find(|c| &c.name == name)
    }

    /// The resolved dotted path of an expression, with calls written as `()`.
    fn path_of(&self, n: Node) -> Option<PathRef> {
        self.path_of_d(n, 0)
    }

    fn path_of_d(&self, n: Node, d: usize) -> Option<PathRef> {
        if d > 40 {
            return None;
        }
        let n = strip(n);
        match n.node_kind() {
            "identifier" | "shorthand_property_identifier" => {
                let name = self.text(n);
                if let Some(v) = self.lookup(name) {
                    if let Some(sym) = &v.func {
                        return Some(PathRef {
                            text: format!("{}::{sym}", self.module),
                            root: Root::Module,
                        });
                    }
                    return Some(match &v.alias {
                        Some(a) => PathRef {
                            text: a.clone(),
                            root: Root::Alias,
                        },
                        None => PathRef {
                            text: name.to_string(),
                            root: Root::Local,
                        },
                    });
                }
                if let Some(m) = self.import_map.get(name) {
                    return Some(PathRef {
                        text: m.clone(),
                        root: Root::Import,
                    });
                }
                if self.top_names.contains(name) {
                    return Some(PathRef {
                        text: format!("{}::{name}", self.module),
                        root: Root::Module,
                    });
                }
                Some(PathRef {
                    text: name.to_string(),
                    root: Root::Global,
                })
            }
            "this" => Some(PathRef {
                text: "this".into(),
                root: Root::Local,
            }),
            "member_expression" => {
                let obj = n.field("object")?;
                let prop = self.text(n.field("property")?);
                if strip(obj).node_kind() == "this" {
                    if let Some(t) = self.class_info().and_then(|c| c.fields.get(prop)) {
                        let root = if t.contains("::") || !t.contains('.') {
                            Root::Module
                        } else {
                            Root::Import
                        };
                        return Some(PathRef {
                            text: t.clone(),
                            root,
                        });
                    }
                    if let Some(c) = self.class_info() {
                        return Some(PathRef {
                            text: format!("{}::{}.{prop}", self.module, c.name),
                            root: Root::Local,
                        });
                    }
                }
                let base = self.path_of_d(obj, d + 1)?;
                let text = if base.text.ends_with("::") {
                    format!("{}{prop}", base.text)
                } else {
                    format!("{}.{prop}", base.text)
                };
                Some(PathRef {
                    text,
                    root: base.root,
                })
            }
            "subscript_expression" => {
                let obj = n.field("object")?;
                let base = self.path_of_d(obj, d + 1)?;
                let idx = n.field("index").and_then(|i| self.lit(i));
                let text = match idx {
                    Some(i) => format!("{}.{i}", base.text),
                    None => format!("{}[]", base.text),
                };
                Some(PathRef {
                    text,
                    root: base.root,
                })
            }
            "call_expression" => {
                if let Some((m, member)) = self.require_of(n) {
                    let m = m.strip_prefix("node:").unwrap_or(&m).to_string();
                    let m = if m.starts_with('.') {
                        format!("{}::", resolve_relative(self.path, &m))
                    } else {
                        m
                    };
                    let text = match member {
                        Some(x) if m.ends_with("::") => format!("{m}{x}"),
                        Some(x) => format!("{m}.{x}"),
                        None => m,
                    };
                    return Some(PathRef {
                        text,
                        root: Root::Import,
                    });
                }
                let f = n.field("function")?;
                let base = self.path_of_d(f, d + 1)?;
                let text = if base.text.ends_with("::") {
                    format!("{}default()", base.text)
                } else {
                    format!("{}()", base.text)
                };
                Some(PathRef {
                    text,
                    root: base.root,
                })
            }
            _ => None,
        }
    }

    // ---------------------------------------------------------------- walk

    /// Note that the analysis stopped at `n`: nesting deeper than the
    /// bound is not looked into.
    fn truncate(&mut self, n: Node) {
        let t = Truncation::new(TruncationLimit::NestingDepth, self.loc(n), &self.symbol());
        Truncation::note(&mut self.truncated, t);
    }

    fn walk(&mut self, n: Node, d: usize) {
        if crate::budget::spent() {
            return;
        }
        if d > self.max_depth {
            self.truncate(n);
            return;
        }
        match n.node_kind() {
            "program"
            | "statement_block"
            | "else_clause"
            | "finally_clause"
            | "switch_body"
            | "switch_case"
            | "switch_default"
            | "labeled_statement"
            | "internal_module"
            | "module"
            | "ambient_declaration"
            | "expression_statement"
            | "throw_statement"
            | "while_statement"
            | "do_statement" => {
                for c in kids(n) {
                    if c.node_kind() == "statement_block" || is_statement(c.node_kind()) {
                        self.walk(c, d + 1);
                    } else {
                        self.eval(c, d + 1);
                    }
                }
            }
            "import_statement"
            | "comment"
            | "interface_declaration"
            | "type_alias_declaration"
            | "enum_declaration"
            | "empty_statement"
            | "break_statement"
            | "continue_statement"
            | "debugger_statement" => {}
            "lexical_declaration" | "variable_declaration" => {
                for c in kids(n) {
                    if c.node_kind() == "variable_declarator" {
                        self.declarator(c, d + 1);
                    }
                }
            }
            "function_declaration" | "generator_function_declaration" => {
                let name = n.field("name").map(|x| self.text(x).to_string());
                self.function(n, name, None, d + 1);
            }
            "class_declaration" | "abstract_class_declaration" | "class" => {
                self.class(n, &[], d + 1)
            }
            "export_statement" => self.export(n, d + 1),
            "return_statement" => {
                let mut t = Taint::constant();
                for c in kids(n) {
                    t.join(&self.eval(c, d + 1));
                }
                if let Some(c) = self.stack.last_mut() {
                    c.returns.join(&t);
                }
            }
            "if_statement" => {
                let cons = n.field("consequence");
                let mut host = None;
                if let Some(c) = n.field("condition") {
                    self.eval(c, d + 1);
                    host = self.host_guard(c);
                    self.allowlist_guard(c, cons);
                }
                // `if (ALLOWED.includes(host)) { … }` guards its own block.
                let outer = self.stack.last().and_then(|c| c.conv.host_guard.clone());
                if let (Some((g, false)), Some(c)) = (&host, self.stack.last_mut()) {
                    c.conv.host_guard = Some(g.clone());
                }
                if let Some(c) = cons {
                    self.walk(c, d + 1);
                }
                if let Some(c) = self.stack.last_mut() {
                    c.conv.host_guard = outer;
                }
                if let Some(c) = n.field("alternative") {
                    self.walk(c, d + 1);
                }
                // `if (!ALLOWED.includes(host)) throw …`: guards the rest of the body.
                if let Some((g, true)) = host
                    && cons.is_some_and(|c| self.exits(c))
                    && let Some(c) = self.stack.last_mut()
                {
                    c.conv.host_guard = Some(g);
                }
            }
            "for_in_statement" => {
                let right = n
                    .field("right")
                    .map(|r| self.eval(r, d + 1))
                    .unwrap_or_default();
                if let Some(l) = n.field("left") {
                    self.bind_pattern(l, &right, None, d + 1);
                }
                if let Some(b) = n.field("body") {
                    self.walk(b, d + 1);
                }
            }
            "try_statement" | "for_statement" | "catch_clause" | "switch_statement" => {
                for c in kids(n) {
                    if is_statement(c.node_kind()) || c.node_kind() == "statement_block" {
                        self.walk(c, d + 1);
                    } else {
                        self.eval(c, d + 1);
                    }
                }
            }
            _ => {
                self.eval(n, d + 1);
            }
        }
    }

    fn export(&mut self, n: Node, d: usize) {
        let decorators: Vec<Node> = kids(n)
            .into_iter()
            .filter(|k| k.node_kind() == "decorator")
            .collect();
        let is_default = n
            .children(&mut n.walk())
            .any(|c| c.node_kind() == "default");
        if let Some(decl) = n.field("declaration") {
            match decl.node_kind() {
                "class_declaration" | "abstract_class_declaration" => {
                    self.class(decl, &decorators, d + 1)
                }
                "function_declaration" | "generator_function_declaration" => {
                    let name = decl.field("name").map(|x| self.text(x).to_string());
                    let exported = if is_default {
                        Some("default".to_string())
                    } else {
                        name.clone()
                    };
                    self.next_export(decl, name.as_deref().unwrap_or("default"), is_default);
                    self.function(decl, name.or(Some("default".into())), exported, d + 1);
                }
                "lexical_declaration" | "variable_declaration" => {
                    for dcl in kids(decl) {
                        let (Some(nm), Some(v)) = (dcl.field("name"), dcl.field("value")) else {
                            continue;
                        };
                        if is_function(strip(v)) {
                            let nm = self.text(nm).to_string();
                            self.next_export(strip(v), &nm, false);
                        }
                    }
                    self.walk(decl, d + 1);
                }
                _ => self.walk(decl, d + 1),
            }
            return;
        }
        if let Some(v) = n.field("value") {
            let v2 = strip(v);
            if is_function(v2) {
                self.next_export(v2, "default", true);
                self.function(v2, Some("default".into()), Some("default".into()), d + 1);
            } else {
                if is_default && v2.node_kind() == "identifier" {
                    let name = self.text(v2).to_string();
                    self.next_default_ident(&name, n);
                }
                if v2.node_kind() == "call_expression" {
                    self.next_middleware_default(n, v2);
                }
                self.eval(v, d + 1);
            }
        }
    }

    fn declarator(&mut self, n: Node, d: usize) {
        let Some(name) = n.field("name") else {
            return;
        };
        let Some(value) = n.field("value") else {
            if name.node_kind() == "identifier" {
                let s = self.text(name).to_string();
                self.declare(&s, Var::default());
            }
            return;
        };
        let sv = strip(value);
        if self.require_of(value).is_some() {
            if let Some((m, mem)) = self.require_of(value) {
                self.require_binding(name, &m, mem.as_deref());
            }
            return;
        }
        if name.node_kind() == "identifier" && is_function(sv) {
            let s = self.text(name).to_string();
            self.function(sv, Some(s), None, d + 1);
            return;
        }
        let t = self.eval(value, d + 1);
        let label = format!("assigned to `{}`", self.text(name));
        let t = t.step(self.loc(n), label);
        self.bind_pattern_from(name, value, t, d);
    }

    /// Bind a declaration/assignment target from an initialiser expression.
    fn bind_pattern_from(&mut self, name: Node, value: Node, t: Taint, d: usize) {
        let p = self.path_of(value);
        if name.node_kind() == "identifier" {
            let s = self.text(name).to_string();
            let var = Var {
                taint: t,
                alias: self.alias_of(value),
                body: self.is_whole_body(value),
                stringy: self.is_stringy(value),
                ctor: self.ctor_of(value),
                func: None,
            };
            // Stores, clients and apps are recognised where they are created.
            self.declare(&s, var);
        } else {
            self.bind_pattern(name, &t, p, d);
        }
    }

    /// Bind the names of a pattern, giving members of a source path their own source.
    fn bind_pattern(&mut self, pat: Node, t: &Taint, base: Option<PathRef>, d: usize) {
        if d > self.max_depth {
            self.truncate(pat);
            return;
        }
        match pat.node_kind() {
            "identifier" | "shorthand_property_identifier_pattern" => {
                let s = self.text(pat).to_string();
                let taint = self
                    .member_taint(&base, &s, pat)
                    .unwrap_or_else(|| t.clone());
                let body = base.as_ref().is_some_and(|b| {
                    b.root != Root::Local && is_body_path(&format!("{}.{s}", b.text))
                });
                self.declare(
                    &s,
                    Var {
                        taint,
                        body,
                        ..Var::default()
                    },
                );
            }
            "object_pattern" => {
                for p in kids(pat) {
                    match p.node_kind() {
                        "shorthand_property_identifier_pattern" => {
                            self.bind_pattern(p, t, base.clone(), d + 1)
                        }
                        "pair_pattern" => {
                            let (Some(k), Some(v)) = (p.field("key"), p.field("value")) else {
                                continue;
                            };
                            let key = self.lit(k).unwrap_or_else(|| self.text(k).to_string());
                            let sub = base.as_ref().map(|b| PathRef {
                                text: format!("{}.{key}", b.text),
                                root: b.root,
                            });
                            let taint = self
                                .member_taint(&base, &key, k)
                                .unwrap_or_else(|| t.clone());
                            self.bind_pattern(
                                v,
                                &taint,
                                sub.filter(|_| v.node_kind() != "identifier"),
                                d + 1,
                            );
                        }
                        "object_assignment_pattern" => {
                            if let Some(l) = p.field("left") {
                                self.bind_pattern(l, t, base.clone(), d + 1);
                            }
                        }
                        "rest_pattern" => {
                            for c in kids(p) {
                                self.bind_pattern(c, t, None, d + 1);
                            }
                        }
                        _ => {}
                    }
                }
            }
            "array_pattern" | "rest_pattern" => {
                for c in kids(pat) {
                    self.bind_pattern(c, t, None, d + 1);
                }
            }
            "assignment_pattern" => {
                if let Some(l) = pat.field("left") {
                    self.bind_pattern(l, t, base, d + 1);
                }
            }
            _ => {}
        }
    }

    /// The taint of `base.key` when that path is a source.
    fn member_taint(&self, base: &Option<PathRef>, key: &str, at: Node) -> Option<Taint> {
        let b = base.as_ref()?;
        if b.root == Root::Local {
            return None;
        }
        let full = format!("{}.{key}", b.text);
        self.source_taint(&full, at, &full)
    }

    /// A source taint for a resolved path, if it is one.
    fn source_taint(&self, path: &str, at: Node, label: &str) -> Option<Taint> {
        let spec = self.spec.source_for_path(path)?;
        let mut kind = spec.kind.clone();
        if kind == "env" {
            let var = path.strip_prefix("process.env.").unwrap_or("");
            let up = var.to_ascii_uppercase();
            if ["KEY", "SECRET", "TOKEN", "PASSWORD", "PASSWD", "CREDENTIAL"]
                .iter()
                .any(|w| up.contains(w))
            {
                kind = "secret".into();
            }
        }
        Some(Taint::source(Source {
            kind,
            location: self.loc(at),
            label: normalise(label),
        }))
    }

    // ---------------------------------------------------------------- functions

    /// Walk a function with its own scope; returns nothing (function values are constant).
    fn function(&mut self, n: Node, name: Option<String>, exported: Option<String>, d: usize) {
        if d > self.max_depth {
            self.truncate(n);
            return;
        }
        let (role, forced_key, name) = match self.overrides.remove(&n.id()) {
            Some((r, k)) => {
                let own = if n.node_kind() == "method_definition" || matches!(r, Role::Action) {
                    name
                } else {
                    n.field("name").map(|x| self.text(x).to_string())
                };
                (r, k, own)
            }
            None => (
                if name.is_some() {
                    Role::Plain
                } else {
                    Role::Callback(Taint::constant())
                },
                None,
                name,
            ),
        };
        let parent = self.stack.last();
        let parent_symbol = parent
            .map(|p| p.symbol.clone())
            .unwrap_or_else(|| "<module>".into());
        let parent_traits = parent.map(|p| p.traits.clone()).unwrap_or_default();
        let class = parent.and_then(|p| p.class.clone());
        let named = name.is_some() && !matches!(role, Role::Callback(_));
        let symbol = match (&name, named) {
            (Some(nm), true) => {
                if parent_symbol == "<module>" {
                    nm.clone()
                } else {
                    format!("{parent_symbol}.{nm}")
                }
            }
            _ => parent_symbol.clone(),
        };
        let traits_key = match (&forced_key, named) {
            (Some(k), _) => k.clone(),
            (None, true) => symbol.clone(),
            (None, false) => parent_traits.clone(),
        };
        self.traits.entry(traits_key.clone()).or_default();
        let params_node = n.field("parameters").or_else(|| n.field("parameter"));
        let params: Vec<Node> = params_node
            .map(|p| {
                if p.node_kind() == "identifier" {
                    vec![p]
                } else {
                    kids(p)
                }
            })
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.node_kind() != "this")
            .collect();
        let param_names: Vec<String> = params.iter().map(|p| self.param_name(*p)).collect();
        // A plain function shaped like a handler (req, res) is one.
        let role = match role {
            Role::Plain if looks_like_handler(&param_names) => http_role_for(&param_names),
            r => r,
        };
        if named
            && parent_symbol != "<module>"
            && self.stack.len() > 1
            && let Some(nm) = &name
        {
            let v = Var {
                func: Some(symbol.clone()),
                ..Var::default()
            };
            self.declare(nm, v);
        }
        let summary = if named {
            let export_name = format!(
                "{}::{}",
                self.module,
                exported.clone().unwrap_or_else(|| symbol.clone())
            );
            self.fn_by_export
                .entry(export_name.clone())
                .or_insert(self.functions.len());
            self.functions.push(FunctionSummary {
                symbol: symbol.clone(),
                export_name,
                params: param_names.clone(),
                location: self.loc(n),
                returns_params: vec![],
                returns_source: None,
                returns_calls: vec![],
                returns_clean: vec![],
                calls: vec![],
                query_helper: None,
                http_wrapper: None,
            });
            Some(self.functions.len() - 1)
        } else {
            self.stack.last().and_then(|p| p.summary)
        };
        self.stack.push(FnCtx {
            env: HashMap::default(),
            symbol: symbol.clone(),
            summary,
            traits: traits_key,
            returns: Taint::constant(),
            class,
            conv: ConvCtx {
                named: named && matches!(role, Role::Plain),
                params: param_names.clone(),
                ..ConvCtx::default()
            },
        });
        for (i, p) in params.iter().enumerate() {
            self.bind_param(*p, i as u32, &role, d + 1);
        }
        if let Some(c) = self.stack.last_mut() {
            c.conv.assigned.clear();
        }
        if let Some(body) = n.field("body") {
            if body.node_kind() == "statement_block" {
                self.walk(body, d + 1);
            } else {
                let t = self.eval(body, d + 1);
                if let Some(c) = self.stack.last_mut() {
                    c.returns.join(&t);
                }
            }
        }
        let ctx = self.stack.pop();
        if let (Some(c), false) = (&ctx, named) {
            // A callback's result (`ids.map(() => '?')`) is what it returns.
            self.fn_returns.insert(n.id(), c.returns.clone());
        }
        if let (Some(ctx), true, Some(idx)) = (ctx, named, summary)
            && let Some(f) = self.functions.get_mut(idx)
        {
            f.returns_params = ctx.returns.params.iter().copied().collect();
            f.returns_source = ctx.returns.primary_source().cloned();
            f.returns_calls = ctx.returns.calls.clone();
            f.query_helper = ctx.conv.query_helper;
            f.http_wrapper = ctx.conv.http_wrapper;
        }
    }

    fn param_name(&self, p: Node) -> String {
        let pat = p.field("pattern").unwrap_or(p);
        let pat = if pat.node_kind() == "assignment_pattern" {
            pat.field("left").unwrap_or(pat)
        } else {
            pat
        };
        normalise(self.text(pat))
    }

    fn bind_param(&mut self, p: Node, i: u32, role: &Role, d: usize) {
        let decorators: Vec<Node> = kids(p)
            .into_iter()
            .filter(|k| k.node_kind() == "decorator")
            .collect();
        let mut pat = p.field("pattern").unwrap_or(p);
        if pat.node_kind() == "assignment_pattern" || pat.node_kind() == "rest_pattern" {
            pat = pat
                .field("left")
                .or_else(|| kids(pat).into_iter().next())
                .unwrap_or(pat);
        }
        match role {
            Role::Plain => self.bind_pattern(pat, &Taint::param(i), None, d),
            Role::Callback(t) => self.bind_pattern(pat, t, None, d),
            Role::Tool | Role::Action => {
                let kind = if matches!(role, Role::Tool) {
                    "tool-input"
                } else {
                    "request"
                };
                let t = Taint::source(Source {
                    kind: kind.into(),
                    location: self.loc(pat),
                    label: normalise(self.text(pat)),
                });
                self.bind_pattern(pat, &t, None, d);
            }
            Role::Http {
                aliases,
                params_source,
            } => {
                let alias = aliases.get(i as usize).copied().unwrap_or("");
                if i == 1 && *params_source {
                    // Next.js app router: `{ params }` is the route params object.
                    let base = Some(PathRef {
                        text: "nextctx".into(),
                        root: Root::Global,
                    });
                    if pat.node_kind() == "identifier" {
                        let s = self.text(pat).to_string();
                        self.declare(
                            &s,
                            Var {
                                alias: Some("nextctx".into()),
                                ..Var::default()
                            },
                        );
                    } else {
                        self.bind_pattern(pat, &Taint::constant(), base, d);
                    }
                } else if alias.is_empty() {
                    self.bind_pattern(pat, &Taint::constant(), None, d);
                } else if pat.node_kind() == "identifier" {
                    let s = self.text(pat).to_string();
                    self.declare(
                        &s,
                        Var {
                            alias: Some(alias.to_string()),
                            ..Var::default()
                        },
                    );
                } else {
                    let base = Some(PathRef {
                        text: alias.to_string(),
                        root: Root::Alias,
                    });
                    self.bind_pattern(pat, &Taint::constant(), base, d);
                }
            }
            Role::Nest => {
                let mut done = false;
                for dec in &decorators {
                    let dn = self.decorator_name(*dec);
                    let label = format!("{} {}", normalise(self.text(*dec)), self.text(pat));
                    match dn.as_str() {
                        "Body" | "Query" | "Param" | "Headers" | "UploadedFile" | "Ip" => {
                            let t = Taint::source(Source {
                                kind: "request".into(),
                                location: self.loc(p),
                                label,
                            });
                            self.bind_pattern(pat, &t, None, d);
                            done = true;
                        }
                        "Req" | "Request" => {
                            let s = self.text(pat).to_string();
                            self.declare(
                                &s,
                                Var {
                                    alias: Some("req".into()),
                                    ..Var::default()
                                },
                            );
                            done = true;
                        }
                        "Res" | "Response" => {
                            let s = self.text(pat).to_string();
                            self.declare(
                                &s,
                                Var {
                                    alias: Some("res".into()),
                                    ..Var::default()
                                },
                            );
                            done = true;
                        }
                        "CurrentUser" | "User" | "GetUser" | "AuthUser" => {
                            self.cur_traits().user_check = true;
                            self.bind_pattern(pat, &Taint::constant(), None, d);
                            done = true;
                        }
                        _ => {}
                    }
                }
                if !done {
                    self.bind_pattern(pat, &Taint::param(i), None, d);
                }
            }
        }
    }

    fn decorator_name(&self, dec: Node) -> String {
        let Some(inner) = kids(dec).into_iter().next() else {
            return String::new();
        };
        let f = if inner.node_kind() == "call_expression" {
            inner.field("function").unwrap_or(inner)
        } else {
            inner
        };
        let t = self.text(f);
        t.rsplit('.').next().unwrap_or(t).to_string()
    }

    // ---------------------------------------------------------------- classes

    fn class(&mut self, n: Node, outer_decorators: &[Node], d: usize) {
        let name = n
            .field("name")
            .map(|x| self.text(x).to_string())
            .unwrap_or_else(|| "<class>".into());
        let mut decorators: Vec<Node> = outer_decorators.to_vec();
        decorators.extend(kids(n).into_iter().filter(|k| k.node_kind() == "decorator"));
        // Heritage: `extends PrismaClient`.
        for k in kids(n) {
            if k.node_kind() == "class_heritage" {
                let t = self.text(k);
                if t.contains("PrismaClient") {
                    self.store_fact("sql", "prisma", true, None, k);
                }
            }
        }
        let mut info = ClassInfo {
            name: name.clone(),
            fields: HashMap::default(),
        };
        let Some(body) = n.field("body") else {
            return;
        };
        let members = kids(body);
        // Constructor parameter properties and typed fields.
        for m in &members {
            if m.node_kind() == "method_definition"
                && m.field("name")
                    .is_some_and(|x| self.text(x) == "constructor")
                && let Some(ps) = m.field("parameters")
            {
                for p in kids(ps) {
                    let (Some(pat), Some(ty)) = (p.field("pattern"), p.field("type")) else {
                        continue;
                    };
                    let tname = self.text(ty).trim_start_matches(':').trim().to_string();
                    let tname = tname.split('<').next().unwrap_or("").trim().to_string();
                    if let Some(t) = self.resolve_type(&tname) {
                        info.fields.insert(self.text(pat).to_string(), t);
                    }
                }
            }
            if m.node_kind() == "public_field_definition"
                && let (Some(fname), Some(v)) = (m.field("name"), m.field("value"))
                && let Some(a) = self.alias_of(v)
            {
                info.fields.insert(self.text(fname).to_string(), a);
            }
        }
        self.classes.push(info);
        for dec in &decorators {
            for c in kids(*dec) {
                self.eval(c, d + 1);
            }
        }
        let nest = self.nest_controller(&decorators);
        let saved_class = self.stack.last().and_then(|c| c.class.clone());
        if let Some(c) = self.stack.last_mut() {
            c.class = Some(name.clone());
        }
        let outer_symbol = self.symbol();
        let class_symbol = if outer_symbol == "<module>" {
            name.clone()
        } else {
            format!("{outer_symbol}.{name}")
        };
        // Walk members with the class as the enclosing symbol.
        let saved_symbol = std::mem::replace(
            &mut self.stack.last_mut().expect("module ctx").symbol,
            class_symbol.clone(),
        );
        let mut pending_decorators: Vec<Node> = vec![];
        for m in members {
            match m.node_kind() {
                "decorator" => pending_decorators.push(m),
                "method_definition" => {
                    let mname = m
                        .field("name")
                        .map(|x| self.text(x).to_string())
                        .unwrap_or_default();
                    if let Some(ctrl) = &nest {
                        self.nest_method(ctrl, &pending_decorators, m, &class_symbol, &mname);
                    }
                    self.function(m, Some(mname), None, d + 1);
                    pending_decorators.clear();
                }
                "public_field_definition" => {
                    let fname = m
                        .field("name")
                        .map(|x| self.text(x).to_string())
                        .unwrap_or_default();
                    if let Some(v) = m.field("value") {
                        if is_function(strip(v)) {
                            self.function(strip(v), Some(fname), None, d + 1);
                        } else {
                            self.eval(v, d + 1);
                        }
                    }
                    pending_decorators.clear();
                }
                _ => {
                    self.eval(m, d + 1);
                }
            }
        }
        if let Some(c) = self.stack.last_mut() {
            c.symbol = saved_symbol;
            c.class = saved_class;
        }
    }

    fn resolve_type(&self, t: &str) -> Option<String> {
        if t.is_empty() {
            return None;
        }
        if let Some(m) = self.import_map.get(t) {
            return Some(
                if m.contains("::") || self.imports_relative.contains(m.as_str()) {
                    if m.contains("::") {
                        m.clone()
                    } else {
                        format!("{m}::default")
                    }
                } else {
                    m.clone()
                },
            );
        }
        if self.top_names.contains(t) {
            return Some(format!("{}::{t}", self.module));
        }
        None
    }

    // ---------------------------------------------------------------- finish

    fn finish(&mut self) {
        // Same-file call closure of traits (a handler calling a helper that
        // execs), to a fixed point: however long the chain of helpers.
        // Traits only grow, so this ends.
        let keys: Vec<String> = self.traits.keys().cloned().collect();
        loop {
            let mut changed = false;
            for k in &keys {
                let calls = self
                    .traits
                    .get(k)
                    .map(|t| t.local_calls.clone())
                    .unwrap_or_default();
                for c in calls {
                    let Some(other) = self.traits.get(&c).cloned() else {
                        continue;
                    };
                    if let Some(t) = self.traits.get_mut(k) {
                        let before = (t.writes.len(), t.confirmation, t.audit);
                        t.writes.extend(other.writes);
                        t.confirmation |= other.confirmation;
                        t.audit |= other.audit;
                        changed |= (t.writes.len(), t.confirmation, t.audit) != before;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        let pending = std::mem::take(&mut self.pending);
        for p in pending {
            let tr = self.traits.get(&p.traits).cloned().unwrap_or_default();
            let Some(f) = self.facts.get_mut(p.fact) else {
                continue;
            };
            if p.method_from_checks
                && tr.methods.len() == 1
                && let Some(m) = tr.methods.iter().next()
            {
                f.props.insert("method".into(), Prop::Str(m.clone()));
                if ["POST", "PUT", "PATCH", "DELETE"].contains(&m.as_str()) {
                    f.props.insert("state_changing".into(), Prop::Bool(true));
                }
            }
            if f.kind == "http" {
                if !tr.auth_calls.is_empty() && !f.props.contains_key("auth") {
                    let calls: Vec<String> = tr
                        .auth_calls
                        .iter()
                        .map(|c| format!("{c}() in handler"))
                        .collect();
                    f.props.insert("auth".into(), Prop::List(calls));
                }
                if tr.audit {
                    f.props.insert("audit_log".into(), Prop::Bool(true));
                }
                if tr.id_lookup && !tr.user_check {
                    f.props.insert("id_param_lookup".into(), Prop::Bool(true));
                }
                if tr.mass_assign {
                    f.props.insert("mass_assign".into(), Prop::Bool(true));
                }
            } else {
                if !tr.writes.is_empty() {
                    f.props.insert(
                        "writes".into(),
                        Prop::List(tr.writes.iter().cloned().collect()),
                    );
                }
                if tr.confirmation {
                    f.props.insert("confirmation".into(), Prop::Bool(true));
                }
            }
        }
        // Anonymous handlers at the top level are `<module>`: give it a summary.
        let module_handler = self
            .facts
            .iter()
            .any(|f| f.str("handler") == Some("<module>"));
        if module_handler {
            self.module_summary();
        }
        // Drop call-less anonymous module summary noise: keep only summaries.
        self.functions.retain(|f| !f.symbol.is_empty());
    }

    /// The index of the `<module>` summary (top-level code), created once.
    fn module_summary(&mut self) -> usize {
        if let Some(i) = self.functions.iter().position(|f| f.symbol == "<module>") {
            return i;
        }
        let export_name = format!("{}::<module>", self.module);
        self.fn_by_export
            .entry(export_name.clone())
            .or_insert(self.functions.len());
        self.functions.push(FunctionSummary {
            symbol: "<module>".into(),
            export_name,
            params: vec![],
            location: Location {
                path: self.path.into(),
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
        });
        self.functions.len() - 1
    }

    /// Record a call into repository code on the current function's summary.
    fn record_call(&mut self, callee: &str, n: Node, args: &[Taint], arg_nodes: &[Node]) {
        let loc = self.loc(n);
        let site = CallSite {
            callee: callee.to_string(),
            location: loc,
            args: args
                .iter()
                .enumerate()
                .map(|(i, t)| ArgFlow {
                    parameterised_sql: arg_nodes
                        .get(i)
                        .and_then(|a| self.lit(*a))
                        .is_some_and(|s| crate::sqltext::is_parameterised_sql(&s)),
                    ..t.to_arg()
                })
                .collect(),
        };
        let idx = match self.stack.last().and_then(|c| c.summary) {
            Some(i) => i,
            None => {
                // Top-level code: one `<module>` summary.
                let i = self.module_summary();
                if let Some(c) = self.stack.first_mut() {
                    c.summary = Some(i);
                }
                i
            }
        };
        if let Some(f) = self.functions.get_mut(idx) {
            f.calls.push(site);
        }
    }
}

fn is_statement(kind: &str) -> bool {
    kind.ends_with("_statement") || kind.ends_with("_declaration") || kind == "statement_block"
}

pub(crate) fn is_body_path(p: &str) -> bool {
    matches!(p, "req.body" | "ctx.request.body" | "request.body")
}

fn looks_like_handler(params: &[String]) -> bool {
    let p0 = params.first().map(String::as_str).unwrap_or("");
    let p1 = params.get(1).map(String::as_str).unwrap_or("");
    (matches!(p0, "req" | "request") && matches!(p1, "res" | "response" | "reply"))
        || (p0 == "ctx" && (p1 == "next" || params.len() == 1))
}

fn http_role_for(params: &[String]) -> Role {
    let p0 = params.first().map(String::as_str).unwrap_or("");
    let p1 = params.get(1).map(String::as_str).unwrap_or("");
    if p0 == "ctx" {
        Role::Http {
            aliases: &["ctx"],
            params_source: false,
        }
    } else if p1 == "reply" {
        Role::Http {
            aliases: &["request", "reply"],
            params_source: false,
        }
    } else {
        Role::Http {
            aliases: &["req", "res"],
            params_source: false,
        }
    }
}
