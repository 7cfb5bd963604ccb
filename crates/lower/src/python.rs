//! Python: tree-sitter-python's tree lowered to the intermediate form.
//!
//! One walk over the tree, statement by statement, builds each function's
//! control-flow graph with [`FnBuilder`]; expressions go to the module's
//! arena. What the form does not model becomes [`Expr::Unknown`], never a
//! dropped statement.
//!
//! - **Module identity**: the dotted module of the file's path
//!   ([`module_of`]); imports are resolved to module identities, relative
//!   ones against the file's package ([`resolve_relative`]). `import a.b`
//!   binds `a` to module `a` (the value the name holds); `import a.b as c`
//!   binds `c` to `a.b`; `from m import x as y` binds `y` to member `x` of
//!   `m`. Exports are the names module-level code binds (defs, classes,
//!   assignments, loop variables), in the order first bound.
//! - **Functions**: a `def` (nested ones too) is bound by `Assign name =
//!   Func` where it stands; a method's first parameter is its
//!   [`Function::receiver`], not in `params` (a `@staticmethod` has none);
//!   `global`/`nonlocal` names are `outer_names`.
//! - **Control flow**: `for` loops bind their target with
//!   [`Stmt::Iterate`] at the loop head, which then branches on an unknown
//!   condition (more elements or not). A `try` body runs under a dispatch
//!   block that tests the `except` clauses in order (each on an unknown
//!   condition, since the exception's class is not known) and re-raises
//!   when none matches; each clause starts with [`Stmt::Catch`]. A
//!   `finally` body is lowered once on the normal path (after the body,
//!   `else` and handlers join), once on the exceptional path (a block that
//!   every block of the body, handlers and `else` raise into, which runs
//!   the body and re-raises), and once more before each `return`, `break`
//!   or `continue` that leaves it (a returned value is computed before,
//!   into [`RETURN_SLOT`]). `assert c, m` branches on `c`, its
//!   failing side throwing `AssertionError(m)`. `match` switches on the
//!   subject with the literal (and dotted-name) case values; other
//!   patterns branch on an unknown condition, and the names they capture
//!   are bound to an element of the subject.
//! - **Expressions**: chained comparisons are `and`s of comparisons; a
//!   walrus `(y := v)` is an assignment hoisted before the statement that
//!   holds it, and reads as `y`; f-strings are templates whose format
//!   specs are text (`:>{w}` as written); `super()` is [`Expr::Super`].
//!
//! Bounded: linear chains (`a.b().c[d]`, `a + b + …`, `x and y and …`)
//! are walked iteratively and cost no depth; any other nesting past
//! [`MAX_DEPTH`] lowers to [`Expr::Unknown`] and records where in
//! [`Module::truncated`]. `finally` copies share one budget proportional to
//! the file, so lowering stays linear.

use bw_ir::build::{FnBuilder, ModuleBuilder};
use bw_ir::{
    Arg, ArgKind, BinOp, BlockId, ClassId, CmpOp, CompClause, Const, Elem, Entry, Expr, ExprId,
    FuncId, FuncKind, LogicOp, Module, Param, ParamKind, Pattern, SeqKind, Span, Stmt,
    TemplatePart, Terminator, UnOp,
};
use bw_lang::{FieldExt, KindExt, Limits, ParseError};
use tree_sitter::{Node, TreeCursor};

/// How deep statements and expressions may nest together (linear chains
/// aside) before the rest is lowered to [`Expr::Unknown`]. CPython itself
/// refuses more than 100 indentation levels or 200 nested brackets; code
/// people write nests a few dozen at most. Measured unoptimised, a level
/// costs at most about 7 KB of stack (a `def` in a `def`), so the deepest
/// walk fits in well under 1 MB; optimised, far less.
pub const MAX_DEPTH: u32 = 100;

/// The name a `return` inside `try … finally` holds its value in while
/// the `finally` bodies run.
pub const RETURN_SLOT: &str = "<return>";

/// The dotted module of a file: its path minus `.py`, `/` -> `.`,
/// `__init__` dropped (`app/db.py` -> `app.db`, `pkg/__init__.py` -> `pkg`).
pub fn module_of(path: &str) -> String {
    let p = path.trim_start_matches("./");
    let p = p
        .strip_suffix(".py")
        .or_else(|| p.strip_suffix(".pyi"))
        .unwrap_or(p);
    let mut parts: Vec<&str> = p.split('/').filter(|s| !s.is_empty()).collect();
    if parts.last() == Some(&"__init__") {
        parts.pop();
    }
    parts.join(".")
}

/// The package a relative import is resolved against.
fn package_of(path: &str) -> String {
    let module = module_of(path);
    let is_init = path.ends_with("__init__.py");
    if is_init {
        module
    } else {
        match module.rfind('.') {
            Some(i) => module[..i].to_string(),
            None => String::new(),
        }
    }
}

/// Resolve a relative module (`level` dots, then `rest`) in `path`.
pub fn resolve_relative(path: &str, level: usize, rest: &str) -> String {
    let mut pkg: Vec<String> = package_of(path)
        .split('.')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    for _ in 1..level {
        pkg.pop();
    }
    if !rest.is_empty() {
        pkg.push(rest.to_string());
    }
    pkg.join(".")
}

/// One name an import statement binds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportBinding {
    /// The local name.
    pub local: String,
    /// The module named by the statement, resolved (`app.db` for
    /// `from .db import q` in `app/views.py`; `a.b` for `import a.b`).
    pub module: String,
    /// The imported member (`from m import x`), `None` for `import m`.
    pub member: Option<String>,
    /// The dotted name the local holds: `a` for `import a.b`, `a.b` for
    /// `import a.b as c`, `m.x` for `from m import x`.
    pub value: String,
}

fn text<'a>(n: Node<'_>, src: &'a str) -> &'a str {
    src.get(n.byte_range()).unwrap_or("")
}

/// The names an `import` or `from … import` statement binds (none for a
/// wildcard import or another node).
pub fn import_bindings(n: Node<'_>, src: &str, path: &str) -> Vec<ImportBinding> {
    let mut out = Vec::new();
    let mut cur = n.walk();
    match n.node_kind() {
        "import_statement" => {
            for c in n.named_children(&mut cur) {
                match c.node_kind() {
                    "dotted_name" => {
                        let full = text(c, src).to_string();
                        let local = full.split('.').next().unwrap_or("").to_string();
                        out.push(ImportBinding {
                            value: local.clone(),
                            local,
                            module: full,
                            member: None,
                        });
                    }
                    "aliased_import" => {
                        let (Some(name), Some(alias)) = (c.field("name"), c.field("alias")) else {
                            continue;
                        };
                        let full = text(name, src).to_string();
                        out.push(ImportBinding {
                            local: text(alias, src).to_string(),
                            value: full.clone(),
                            module: full,
                            member: None,
                        });
                    }
                    _ => {}
                }
            }
        }
        "import_from_statement" => {
            let Some(m) = n.field("module_name") else {
                return out;
            };
            let module = if m.node_kind() == "relative_import" {
                let mut level = 0;
                let mut rest = "";
                let mut c2 = m.walk();
                for c in m.named_children(&mut c2) {
                    match c.node_kind() {
                        "import_prefix" => {
                            level = text(c, src).chars().filter(|&ch| ch == '.').count()
                        }
                        "dotted_name" => rest = text(c, src),
                        _ => {}
                    }
                }
                resolve_relative(path, level.max(1), rest)
            } else {
                text(m, src).to_string()
            };
            for c in n.children_by_field_name("name", &mut cur) {
                let (name, local) = match c.node_kind() {
                    "dotted_name" => (text(c, src), text(c, src)),
                    "aliased_import" => {
                        let (Some(nm), Some(al)) = (c.field("name"), c.field("alias")) else {
                            continue;
                        };
                        (text(nm, src), text(al, src))
                    }
                    _ => continue,
                };
                let value = if module.is_empty() {
                    name.to_string()
                } else {
                    format!("{module}.{name}")
                };
                out.push(ImportBinding {
                    local: local.to_string(),
                    module: module.clone(),
                    member: Some(name.to_string()),
                    value,
                });
            }
        }
        _ => {}
    }
    out
}

/// Parse `text` (the file at `path`) within `limits` and lower it; the
/// tree is dropped before this returns.
pub fn lower(path: &str, text: &str, limits: &Limits) -> Result<Module, ParseError> {
    // Long runs of comment lines blanked (the grammar is quadratic on
    // them); byte offsets and lines are kept.
    let parsed = bw_lang::python_text(text);
    let tree = bw_lang::parse_within(bw_files::Lang::Python, &parsed, limits)?;
    // The file's own text: the blanked comment lines kept every offset,
    // and a string literal keeps its lines that only look like comments.
    lower_tree(path, text, &tree, limits)
}

/// Lower a tree already parsed from `text` (or from
/// [`bw_lang::python_text`] of it: the offsets are the same), within
/// `limits` (past them, the error says which).
pub fn lower_tree(
    path: &str,
    text: &str,
    tree: &tree_sitter::Tree,
    limits: &Limits,
) -> Result<Module, ParseError> {
    let root = tree.root_node();
    let mut l = Lowerer::new(path, text, root, limits);
    // About one expression for every three or four nodes of the tree (measured on
    // generated and real code): one allocation instead of a dozen
    // regrowths of the arena.
    l.m.reserve(root.descendant_count() / 3);
    let mut fx = Fx::new(FuncId::MODULE);
    l.block(&mut fx, root, 0);
    l.flush(&mut fx);
    fx.fb.finish(&mut l.m);
    if let Some(e) = l.over {
        return Err(e);
    }
    let span = l.span(root);
    l.m.func_mut(FuncId::MODULE).span = span;
    for (name, span) in std::mem::take(&mut l.exports) {
        l.m.export(&name, &name, span);
    }
    Ok(l.m.finish())
}

/// One function's graph under construction and where its exits must run
/// `finally` bodies.
struct Fx<'t> {
    fb: FnBuilder,
    /// Enclosing `try … finally` bodies, innermost last.
    fin: Vec<Fin<'t>>,
    /// Exception handlers pushed on `fb` (its stack is private).
    handlers: Vec<BlockId>,
    /// Loops entered.
    loops: usize,
}

impl Fx<'_> {
    fn new(f: FuncId) -> Self {
        Fx {
            fb: FnBuilder::new(f),
            fin: Vec::new(),
            handlers: Vec::new(),
            loops: 0,
        }
    }
    fn push_handler(&mut self, h: BlockId) {
        self.fb.push_handler(h);
        self.handlers.push(h);
    }
    fn pop_handler(&mut self) {
        self.fb.pop_handler();
        self.handlers.pop();
    }
}

/// A `finally` body in force, with the handler and loop depth outside it.
#[derive(Clone, Copy)]
struct Fin<'t> {
    body: Node<'t>,
    handlers: usize,
    loops: usize,
}

/// Where a function or class body is: the prefix of qualified names.
struct Scope {
    func: FuncId,
    qualified: String,
}

/// How a `match` case tests the subject.
enum CaseTest {
    /// Equal to one of these values.
    Values(Vec<ExprId>),
    /// Always matches.
    Always,
    /// Something the form does not model.
    Other,
}

struct Lowerer<'t, 'l> {
    src: &'t str,
    path: &'t str,
    m: ModuleBuilder,
    cursor: TreeCursor<'t>,
    /// Children being walked, as a stack shared by every level (no Vec per node).
    kids: Vec<Node<'t>>,
    /// Chain links being walked, with their operands (see [`Lowerer::chain`]).
    spine: Vec<(Node<'t>, [Option<Node<'t>>; 3])>,
    /// Columns in characters, in constant time per span.
    columns: crate::Columns<'t>,
    scopes: Vec<Scope>,
    /// Statements hoisted out of the expression being lowered (walrus).
    pending: Vec<(Stmt, Span)>,
    exports: Vec<(String, Span)>,
    exported: std::collections::HashSet<String>,
    limits: &'l Limits,
    ticks: u32,
    over: Option<ParseError>,
    /// Statements `finally` copies may still lower.
    copy_budget: usize,
    /// Inside a `finally` copy (depth).
    copying: u32,
}

/// A comment or a line continuation: the grammar's extras, which may
/// stand between any two tokens.
fn is_extra(n: Node<'_>) -> bool {
    n.is_extra()
}

/// The name `… as name` binds in a pattern.
fn as_alias(p: Node<'_>) -> Option<Node<'_>> {
    p.field("alias").or_else(|| {
        let mut w = p.walk();
        p.named_children(&mut w)
            .filter(|k| k.node_kind() == "identifier")
            .last()
    })
}

fn bin_op(op: &str) -> Option<BinOp> {
    Some(match op.trim_end_matches('=') {
        "+" => BinOp::Add,
        "-" => BinOp::Sub,
        "*" => BinOp::Mul,
        "/" => BinOp::Div,
        "//" => BinOp::FloorDiv,
        "%" => BinOp::Mod,
        "**" => BinOp::Pow,
        "@" => BinOp::MatMul,
        "&" => BinOp::BitAnd,
        "|" => BinOp::BitOr,
        "^" => BinOp::BitXor,
        "<<" => BinOp::Shl,
        ">>" => BinOp::Shr,
        _ => return None,
    })
}

fn cmp_op(op: &str) -> Option<CmpOp> {
    Some(match op {
        "==" => CmpOp::Eq,
        "!=" | "<>" => CmpOp::NotEq,
        "<" => CmpOp::Lt,
        "<=" => CmpOp::LtE,
        ">" => CmpOp::Gt,
        ">=" => CmpOp::GtE,
        "in" => CmpOp::In,
        "not in" => CmpOp::NotIn,
        "is" => CmpOp::Is,
        "is not" => CmpOp::IsNot,
        _ => return None,
    })
}

/// The value of a string literal's body: escapes decoded.
fn unescape(s: &str, out: &mut String) {
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = it.next() else {
            out.push('\\');
            break;
        };
        match e {
            '\n' => {}
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\x0b'),
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match it.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            it.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            'x' | 'u' | 'U' => {
                let len = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let mut hex = String::new();
                for _ in 0..len {
                    match it.peek() {
                        Some(c) if c.is_ascii_hexdigit() => {
                            hex.push(*c);
                            it.next();
                        }
                        _ => break,
                    }
                }
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) if hex.len() == len => out.push(ch),
                    _ => {
                        out.push('\\');
                        out.push(e);
                        out.push_str(&hex);
                    }
                }
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
}

/// The value of a Python integer literal's text (`0x_ff`, `1_000`, `0o17`);
/// `None` past 64 bits.
pub fn parse_int(t: &str) -> Option<i64> {
    let t = t.replace('_', "").to_ascii_lowercase();
    let t = t.strip_suffix('l').unwrap_or(&t);
    if let Some(o) = t.strip_prefix("0o") {
        i64::from_str_radix(o, 8).ok()
    } else if let Some(h) = t.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()
    } else if let Some(b) = t.strip_prefix("0b") {
        i64::from_str_radix(b, 2).ok()
    } else if t.len() > 1 && t.starts_with('0') && t.bytes().all(|b| b == b'0') {
        Some(0)
    } else {
        t.parse().ok()
    }
}

impl<'t, 'l> Lowerer<'t, 'l> {
    fn new(path: &'t str, src: &'t str, root: Node<'t>, limits: &'l Limits) -> Self {
        Lowerer {
            src,
            path,
            m: {
                let mut m = ModuleBuilder::new(path, &module_of(path), "python");
                m.set_comments(bw_ir::CommentSyntax {
                    line: "#",
                    block: None,
                    quotes: &['"', '\''],
                });
                m
            },
            cursor: root.walk(),
            kids: Vec::new(),
            spine: Vec::new(),
            columns: crate::Columns::new(src),
            scopes: vec![Scope {
                func: FuncId::MODULE,
                qualified: String::new(),
            }],
            pending: Vec::new(),
            exports: Vec::new(),
            exported: Default::default(),
            limits,
            ticks: 0,
            over: None,
            copy_budget: src.len() / 4 + 10_000,
            copying: 0,
        }
    }

    // ------------------------------------------------------------ plumbing

    fn text(&self, n: Node<'_>) -> &'t str {
        text(n, self.src)
    }

    fn span(&mut self, n: Node<'_>) -> Span {
        let (sp, ep) = (n.start_position(), n.end_position());
        let (sb, eb) = (n.start_byte(), n.end_byte());
        Span {
            start: sb as u32,
            end: eb as u32,
            line: sp.row as u32 + 1,
            col: self.columns.col(sb, sp.column),
            end_line: ep.row as u32 + 1,
            end_col: self.columns.col(eb, ep.column),
        }
    }

    /// Push the named children of `n` (comments left out) on the shared
    /// stack; returns their range there. Pop with `self.kids.truncate(start)`.
    fn push_kids(&mut self, n: Node<'t>) -> (usize, usize) {
        let start = self.kids.len();
        self.cursor.reset(n);
        if self.cursor.goto_first_child() {
            loop {
                let c = self.cursor.node();
                if c.is_named() && !is_extra(c) {
                    self.kids.push(c);
                }
                if !self.cursor.goto_next_sibling() {
                    break;
                }
            }
        }
        (start, self.kids.len())
    }

    /// The first named child that is not a comment.
    fn first_kid(&mut self, n: Node<'t>) -> Option<Node<'t>> {
        self.cursor.reset(n);
        if self.cursor.goto_first_child() {
            loop {
                let c = self.cursor.node();
                if c.is_named() && !is_extra(c) {
                    return Some(c);
                }
                if !self.cursor.goto_next_sibling() {
                    break;
                }
            }
        }
        None
    }

    /// The children of `n` in the fields `names`, found in one pass over
    /// its children (a lookup per field walks them once each).
    fn fields<const N: usize>(
        &mut self,
        n: Node<'t>,
        names: [&'static str; N],
    ) -> [Option<Node<'t>>; N] {
        let mut out = [None; N];
        self.cursor.reset(n);
        if self.cursor.goto_first_child() {
            loop {
                if let Some(f) = self.cursor.field_name()
                    && let Some(i) = names.iter().position(|x| *x == f)
                    && out[i].is_none()
                {
                    out[i] = Some(self.cursor.node());
                }
                if !self.cursor.goto_next_sibling() {
                    break;
                }
            }
        }
        out
    }

    /// Whether the first token of `n` is `async`.
    fn is_async(n: Node<'_>) -> bool {
        n.child(0).is_some_and(|c| c.kind() == "async")
    }

    /// Count work; past the file's time or memory budget, stop.
    fn tick(&mut self) -> bool {
        self.ticks = self.ticks.wrapping_add(1);
        if self.over.is_none() && self.ticks.is_multiple_of(1024) {
            if self.limits.deadline.passed() {
                self.over = Some(ParseError::Timeout {
                    millis: self.limits.budget.as_millis() as u64,
                });
            } else if self.limits.over_memory() {
                self.over = Some(ParseError::Memory {
                    limit: self.limits.memory.map_or(0, |(_, l)| l),
                });
            }
        }
        self.over.is_some()
    }

    fn truncate(&mut self, n: Node<'_>) {
        let sp = self.span(n);
        self.m.truncate(sp);
    }

    fn func(&self) -> FuncId {
        self.scopes.last().map_or(FuncId::MODULE, |s| s.func)
    }

    fn qualify(&self, name: &str) -> String {
        match self.scopes.last() {
            Some(s) if !s.qualified.is_empty() => format!("{}.{name}", s.qualified),
            _ => name.to_string(),
        }
    }

    fn unknown(&mut self, n: Node<'_>) -> ExprId {
        let sp = self.span(n);
        self.m.expr(Expr::Unknown, sp)
    }

    fn name_expr(&mut self, name: &str, sp: Span) -> ExprId {
        let s = self.m.intern(name);
        self.m.expr(Expr::Name(s), sp)
    }

    /// Hoisted statements first, then `stmt`.
    fn emit(&mut self, fx: &mut Fx<'t>, stmt: Stmt, span: Span) {
        self.flush(fx);
        self.bound(fx, &stmt, span);
        fx.fb.push(stmt, span);
    }

    fn flush(&mut self, fx: &mut Fx<'t>) {
        if self.pending.is_empty() {
            return;
        }
        for (s, sp) in std::mem::take(&mut self.pending) {
            self.bound(fx, &s, sp);
            fx.fb.push(s, sp);
        }
    }

    fn term(&mut self, fx: &mut Fx<'t>, t: Terminator, span: Span) {
        self.flush(fx);
        fx.fb.terminate(t, span);
    }

    fn branch(&mut self, fx: &mut Fx<'t>, cond: ExprId, span: Span) -> (BlockId, BlockId) {
        self.flush(fx);
        fx.fb.branch(cond, span)
    }

    /// Module-level code binding names: they are the module's exports.
    fn bound(&mut self, fx: &Fx<'t>, stmt: &Stmt, span: Span) {
        if fx.fb.func() != FuncId::MODULE || self.scopes.len() != 1 {
            return;
        }
        let p = match stmt {
            Stmt::Assign { target, .. } | Stmt::Iterate { target, .. } => target,
            _ => return,
        };
        let mut stack = vec![p];
        while let Some(p) = stack.pop() {
            match p {
                Pattern::Name(s) => {
                    let name = self.m.module().name(*s).to_string();
                    if self.exported.insert(name.clone()) {
                        self.exports.push((name, span));
                    }
                }
                Pattern::Seq { items, rest } => {
                    stack.extend(rest.iter().map(|r| &**r));
                    stack.extend(items.iter().rev());
                }
                Pattern::Default(p, _) => stack.push(p),
                _ => {}
            }
        }
    }

    // ------------------------------------------------------------ statements

    /// The statements of a block (or the module).
    fn block(&mut self, fx: &mut Fx<'t>, n: Node<'t>, d: u32) {
        let (start, end) = self.push_kids(n);
        for i in start..end {
            if self.over.is_some() {
                break;
            }
            let c = self.kids[i];
            self.stmt(fx, c, d + 1);
        }
        self.kids.truncate(start);
    }

    fn stmt(&mut self, fx: &mut Fx<'t>, n: Node<'t>, d: u32) {
        if self.tick() {
            return;
        }
        let sp = self.span(n);
        if d > MAX_DEPTH {
            self.m.truncate(sp);
            let u = self.m.expr(Expr::Unknown, sp);
            self.emit(fx, Stmt::Eval(u), sp);
            return;
        }
        if self.copying > 0 {
            if self.copy_budget == 0 {
                self.m.truncate(sp);
                let u = self.m.expr(Expr::Unknown, sp);
                self.emit(fx, Stmt::Eval(u), sp);
                return;
            }
            self.copy_budget -= 1;
        }
        match n.node_kind() {
            "expression_statement" => {
                let (start, end) = self.push_kids(n);
                for i in start..end {
                    let c = self.kids[i];
                    match c.node_kind() {
                        "assignment" => self.assign(fx, c, d),
                        "augmented_assignment" => {
                            let [l, o, r] = self.fields(c, ["left", "operator", "right"]);
                            let (Some(l), Some(r)) = (l, r) else {
                                continue;
                            };
                            let op = o.and_then(|o| bin_op(o.kind())).unwrap_or(BinOp::Add);
                            let value = self.expr(r, d + 1);
                            let target = self.pattern(l, d + 1);
                            let csp = self.span(c);
                            self.emit(fx, Stmt::AugAssign { target, op, value }, csp);
                        }
                        // A docstring or a bare constant string: no effect.
                        "string" if !self.has_interp(c) => {}
                        _ => {
                            let e = self.expr(c, d + 1);
                            let csp = self.span(c);
                            self.emit(fx, Stmt::Eval(e), csp);
                        }
                    }
                }
                self.kids.truncate(start);
            }
            "return_statement" => {
                let mut v = self.first_kid(n).map(|c| self.expr(c, d + 1));
                self.flush(fx);
                // Inside `try … finally` the value is computed first (under
                // the `try`'s handlers), then the `finally` bodies run,
                // then it is returned: held meanwhile in `<return>`, a
                // name no Python code can spell.
                if let (Some(value), false) = (v, fx.fin.is_empty() || !fx.fb.is_open()) {
                    let s = self.m.intern(RETURN_SLOT);
                    self.emit(
                        fx,
                        Stmt::Assign {
                            target: Pattern::Name(s),
                            value,
                        },
                        sp,
                    );
                    v = Some(self.m.expr(Expr::Name(s), sp));
                }
                self.run_finally(fx, None, d);
                self.term(fx, Terminator::Return(v), sp);
            }
            "raise_statement" => {
                let v = self.first_kid(n).map(|c| self.expr(c, d + 1));
                // `raise E from cause`: the cause is evaluated too.
                if let Some(c) = n.field("cause") {
                    let e = self.expr(c, d + 1);
                    let csp = self.span(c);
                    self.emit(fx, Stmt::Eval(e), csp);
                }
                self.term(fx, Terminator::Throw(v), sp);
            }
            "pass_statement" | "future_import_statement" | "type_alias_statement" => {}
            "break_statement" | "continue_statement" => {
                let brk = n.node_kind() == "break_statement";
                let target = if brk {
                    fx.fb.break_target()
                } else {
                    fx.fb.continue_target()
                };
                if let Some(t) = target {
                    let loops = fx.loops;
                    self.run_finally(fx, Some(loops), d);
                    self.term(fx, Terminator::Goto(t), sp);
                }
            }
            "global_statement" | "nonlocal_statement" => {
                let f = fx.fb.func();
                if f != FuncId::MODULE {
                    let (start, end) = self.push_kids(n);
                    for i in start..end {
                        let s = self.m.intern(self.text(self.kids[i]));
                        let outer = &mut self.m.func_mut(f).outer_names;
                        if !outer.contains(&s) {
                            outer.push(s);
                        }
                    }
                    self.kids.truncate(start);
                }
            }
            "import_statement" | "import_from_statement" => {
                for b in import_bindings(n, self.src, self.path) {
                    let (module, member) = match &b.member {
                        Some(m) => (b.module.as_str(), Some(m.as_str())),
                        // `import a.b` binds `a`, the module `a`.
                        None => (b.value.as_str(), None),
                    };
                    self.m.import(&b.local, module, member, sp);
                }
            }
            "delete_statement" => {
                if let Some(c) = self.first_kid(n) {
                    if c.node_kind() == "expression_list" {
                        let (start, end) = self.push_kids(c);
                        for i in start..end {
                            let t = self.kids[i];
                            let p = self.pattern(t, d + 1);
                            self.emit(fx, Stmt::Delete(p), sp);
                        }
                        self.kids.truncate(start);
                    } else {
                        let p = self.pattern(c, d + 1);
                        self.emit(fx, Stmt::Delete(p), sp);
                    }
                }
            }
            "assert_statement" => self.assert(fx, n, sp, d),
            "if_statement" => self.if_stmt(fx, n, sp, d),
            "while_statement" => self.while_stmt(fx, n, sp, d),
            "for_statement" => self.for_stmt(fx, n, sp, d),
            "try_statement" => self.try_stmt(fx, n, d),
            "with_statement" => self.with_stmt(fx, n, d),
            "match_statement" => self.match_stmt(fx, n, sp, d),
            "function_definition" => {
                let f = self.def(fx, n, Vec::new(), None, d);
                self.bind_def(fx, n, Expr::Func(f), sp);
            }
            "class_definition" => {
                let c = self.class_def(fx, n, Vec::new(), d);
                self.bind_def(fx, n, Expr::Class(c), sp);
            }
            "decorated_definition" => {
                let decorators = self.decorators(fx, n, d);
                let Some(def) = n.field("definition") else {
                    return;
                };
                if def.node_kind() == "class_definition" {
                    let c = self.class_def(fx, def, decorators, d);
                    self.bind_def(fx, def, Expr::Class(c), sp);
                } else {
                    let f = self.def(fx, def, decorators, None, d);
                    self.bind_def(fx, def, Expr::Func(f), sp);
                }
            }
            // Statements inside a parse error: lower what can be read.
            "ERROR" => {
                let (start, end) = self.push_kids(n);
                for i in start..end {
                    let c = self.kids[i];
                    self.stmt(fx, c, d + 1);
                }
                self.kids.truncate(start);
            }
            "block" => self.block(fx, n, d),
            _ => {
                let e = self.expr(n, d + 1);
                self.emit(fx, Stmt::Eval(e), sp);
            }
        }
    }

    fn has_interp(&mut self, n: Node<'t>) -> bool {
        let (start, end) = self.push_kids(n);
        let any = self.kids[start..end]
            .iter()
            .any(|k| k.node_kind() == "interpolation");
        self.kids.truncate(start);
        any
    }

    /// `name = <def or class>` where it stands.
    fn bind_def(&mut self, fx: &mut Fx<'t>, def: Node<'t>, value: Expr, sp: Span) {
        let Some(name) = def.field("name") else {
            return;
        };
        let nsp = self.span(name);
        let s = self.m.intern(self.text(name));
        let v = self.m.expr(value, nsp);
        self.emit(
            fx,
            Stmt::Assign {
                target: Pattern::Name(s),
                value: v,
            },
            sp,
        );
    }

    /// `a = b = value`, `x: T = v`, `a, *b = v`.
    fn assign(&mut self, fx: &mut Fx<'t>, n: Node<'t>, d: u32) {
        // The targets, outermost first (on the shared stack), and the
        // value at the end.
        let start = self.kids.len();
        let mut cur = n;
        let value = loop {
            let [l, r] = self.fields(cur, ["left", "right"]);
            let Some(l) = l else {
                break None;
            };
            self.kids.push(l);
            match r {
                Some(r) if r.node_kind() == "assignment" => cur = r,
                other => break other,
            }
        };
        let end = self.kids.len();
        // `x: int` is a declaration, no value.
        if let (Some(value), true) = (value, end > start) {
            let sp = self.span(n);
            let v = if value.node_kind() == "augmented_assignment" {
                self.unknown(value)
            } else {
                self.expr(value, d + 1)
            };
            // The innermost target takes the value; the others, outermost
            // first as Python assigns them, read it back from it when it
            // is a plain name (the value is evaluated once).
            let last = self.kids[end - 1];
            let target = self.pattern(last, d + 1);
            let read = match &target {
                Pattern::Name(s) => Some(*s),
                _ => None,
            };
            let lsp = self.span(last);
            self.emit(fx, Stmt::Assign { target, value: v }, sp);
            for i in start..end - 1 {
                let t = self.kids[i];
                let target = self.pattern(t, d + 1);
                let value = match read {
                    Some(s) => self.m.expr(Expr::Name(s), lsp),
                    None => v,
                };
                self.emit(fx, Stmt::Assign { target, value }, sp);
            }
        }
        self.kids.truncate(start);
    }

    fn assert(&mut self, fx: &mut Fx<'t>, n: Node<'t>, sp: Span, d: u32) {
        let (start, end) = self.push_kids(n);
        let cond = self.kids.get(start).copied().filter(|_| end > start);
        let msg = self
            .kids
            .get(start + 1)
            .copied()
            .filter(|_| end > start + 1);
        self.kids.truncate(start);
        let Some(cond) = cond else { return };
        let c = self.expr(cond, d + 1);
        let args: Vec<Arg> = msg
            .map(|m| Arg {
                kind: ArgKind::Positional,
                value: self.expr(m, d + 1),
            })
            .into_iter()
            .collect();
        let (ok, fail) = self.branch(fx, c, sp);
        fx.fb.switch_to(fail);
        let callee = self.name_expr("AssertionError", sp);
        let exc = self.m.expr(
            Expr::Call {
                callee,
                args,
                new: false,
            },
            sp,
        );
        self.term(fx, Terminator::Throw(Some(exc)), sp);
        fx.fb.switch_to(ok);
    }

    fn if_stmt(&mut self, fx: &mut Fx<'t>, n: Node<'t>, sp: Span, d: u32) {
        let Some(cond) = n.field("condition") else {
            return;
        };
        let c = self.expr(cond, d + 1);
        let (then, other) = self.branch(fx, c, sp);
        fx.fb.switch_to(then);
        if let Some(b) = n.field("consequence") {
            self.block(fx, b, d);
        }
        let mut ends = vec![fx.fb.end()];
        fx.fb.switch_to(other);
        let mut cur = n.walk();
        let alts: Vec<Node<'t>> = n.children_by_field_name("alternative", &mut cur).collect();
        for alt in alts {
            match alt.node_kind() {
                "elif_clause" => {
                    let Some(cond) = alt.field("condition") else {
                        continue;
                    };
                    let asp = self.span(alt);
                    let c = self.expr(cond, d + 1);
                    let (then, other) = self.branch(fx, c, asp);
                    fx.fb.switch_to(then);
                    if let Some(b) = alt.field("consequence") {
                        self.block(fx, b, d);
                    }
                    ends.push(fx.fb.end());
                    fx.fb.switch_to(other);
                }
                _ => {
                    if let Some(b) = alt.field("body") {
                        self.block(fx, b, d);
                    }
                }
            }
        }
        ends.push(fx.fb.end());
        fx.fb.join(&ends);
    }

    /// A loop's body and `else` (which runs when the loop ends without
    /// `break`), from the head's branch.
    fn loop_rest(
        &mut self,
        fx: &mut Fx<'t>,
        n: Node<'t>,
        head: BlockId,
        body: BlockId,
        done: BlockId,
        d: u32,
    ) {
        let exit = fx.fb.new_block();
        fx.fb.push_loop(head, exit);
        fx.loops += 1;
        fx.fb.switch_to(body);
        if let Some(b) = n.field("body") {
            self.block(fx, b, d);
        }
        fx.fb.goto(head);
        fx.loops -= 1;
        fx.fb.pop_loop();
        fx.fb.switch_to(done);
        if let Some(e) = n.field("alternative").and_then(|a| a.field("body")) {
            self.block(fx, e, d);
        }
        fx.fb.goto(exit);
        fx.fb.switch_to(exit);
    }

    fn while_stmt(&mut self, fx: &mut Fx<'t>, n: Node<'t>, sp: Span, d: u32) {
        self.flush(fx);
        let head = fx.fb.new_block();
        fx.fb.goto(head);
        fx.fb.switch_to(head);
        let c = match n.field("condition") {
            Some(c) => self.expr(c, d + 1),
            None => self.unknown(n),
        };
        let (body, done) = self.branch(fx, c, sp);
        self.loop_rest(fx, n, head, body, done, d);
    }

    fn for_stmt(&mut self, fx: &mut Fx<'t>, n: Node<'t>, sp: Span, d: u32) {
        let [left, right] = self.fields(n, ["left", "right"]);
        let iter = match right {
            Some(r) => self.expr(r, d + 1),
            None => self.unknown(n),
        };
        let target = match left {
            Some(l) => self.pattern(l, d + 1),
            None => Pattern::Ignore,
        };
        self.flush(fx);
        let head = fx.fb.new_block();
        fx.fb.goto(head);
        fx.fb.switch_to(head);
        let is_async = Self::is_async(n);
        self.emit(
            fx,
            Stmt::Iterate {
                target,
                iter,
                is_async,
            },
            sp,
        );
        // More elements, or not: not known here.
        let more = self.m.expr(Expr::Unknown, sp);
        let (body, done) = self.branch(fx, more, sp);
        self.loop_rest(fx, n, head, body, done, d);
    }

    /// Run the `finally` bodies an exit leaves: all of them for a
    /// `return` (`loops: None`), those inside the current loop for a
    /// `break`/`continue`. Each runs under the handlers outside its `try`.
    fn run_finally(&mut self, fx: &mut Fx<'t>, loops: Option<usize>, d: u32) {
        if fx.fin.is_empty() || !fx.fb.is_open() {
            return;
        }
        let saved_fin = fx.fin.clone();
        let saved_handlers = fx.handlers.clone();
        while let Some(f) = fx.fin.last().copied() {
            if loops.is_some_and(|l| f.loops < l) {
                break;
            }
            fx.fin.pop();
            while fx.handlers.len() > f.handlers {
                fx.pop_handler();
            }
            let b = fx.fb.new_block();
            fx.fb.goto(b);
            fx.fb.switch_to(b);
            self.copying += 1;
            self.block(fx, f.body, d);
            self.copying -= 1;
            if !fx.fb.is_open() {
                break;
            }
        }
        // Back under the handlers of the exit's own place for the code
        // after it (unreachable); the exit's terminator goes in the block
        // the last `finally` body ended in.
        while !fx.handlers.is_empty() {
            fx.pop_handler();
        }
        for h in saved_handlers {
            fx.push_handler(h);
        }
        fx.fin = saved_fin;
    }

    fn try_stmt(&mut self, fx: &mut Fx<'t>, n: Node<'t>, d: u32) {
        let (start, end) = self.push_kids(n);
        let clauses: Vec<Node<'t>> = self.kids[start..end].to_vec();
        self.kids.truncate(start);
        let finally = clauses
            .iter()
            .find(|c| c.node_kind() == "finally_clause")
            .and_then(|c| {
                let mut w = c.walk();
                c.named_children(&mut w).find(|k| k.node_kind() == "block")
            });
        let excepts: Vec<Node<'t>> = clauses
            .iter()
            .copied()
            .filter(|c| matches!(c.node_kind(), "except_clause" | "except_group_clause"))
            .collect();
        let else_body = clauses
            .iter()
            .find(|c| c.node_kind() == "else_clause")
            .and_then(|c| c.field("body"));
        self.flush(fx);
        let outer_handlers = fx.handlers.len();
        // The exceptional path through `finally`: under the outer handler.
        let fin_exc = finally.map(|_| fx.fb.new_block());
        if let (Some(fe), Some(body)) = (fin_exc, finally) {
            fx.push_handler(fe);
            fx.fin.push(Fin {
                body,
                handlers: outer_handlers,
                loops: fx.loops,
            });
        }
        let mut ends = Vec::new();
        // The body, under the dispatch to the `except` clauses.
        let dispatch = (!excepts.is_empty()).then(|| fx.fb.new_block());
        if let Some(h) = dispatch {
            fx.push_handler(h);
        }
        let body = fx.fb.new_block();
        fx.fb.goto(body);
        fx.fb.switch_to(body);
        if let Some(b) = n.field("body") {
            self.block(fx, b, d);
        }
        if dispatch.is_some() {
            self.flush(fx);
            fx.pop_handler();
        }
        // `else` runs after the body, outside the `except` clauses.
        if let Some(e) = else_body {
            if fx.fb.is_open() {
                let b = fx.fb.new_block();
                fx.fb.goto(b);
                fx.fb.switch_to(b);
            }
            self.block(fx, e, d);
        }
        ends.push(fx.fb.end());
        if let Some(h) = dispatch {
            fx.fb.switch_to(h);
            for (i, ex) in excepts.iter().enumerate() {
                let esp = self.span(*ex);
                let types = ex.field("value");
                let entry = if types.is_none() {
                    // A bare `except:` takes everything.
                    let b = fx.fb.new_block();
                    fx.fb.goto(b);
                    b
                } else {
                    let u = self.m.expr(Expr::Unknown, esp);
                    let (then, other) = fx.fb.branch(u, esp);
                    fx.fb.switch_to(other);
                    then
                };
                let next = fx.fb.current();
                fx.fb.switch_to(entry);
                let mut tys = Vec::new();
                let (types, target) = match types {
                    Some(t) if t.node_kind() == "as_pattern" => self.split_as(t, d),
                    other => (other, None),
                };
                if let Some(t) = types {
                    if t.node_kind() == "tuple" {
                        let (start, end) = self.push_kids(t);
                        for k in start..end {
                            let c = self.kids[k];
                            tys.push(self.expr(c, d + 1));
                        }
                        self.kids.truncate(start);
                    } else {
                        tys.push(self.expr(t, d + 1));
                    }
                }
                self.emit(fx, Stmt::Catch { target, types: tys }, esp);
                let mut w = ex.walk();
                let block = ex.named_children(&mut w).find(|k| k.node_kind() == "block");
                if let Some(b) = block {
                    self.block(fx, b, d);
                }
                ends.push(fx.fb.end());
                fx.fb.switch_to(next);
                if types.is_none() || i + 1 == excepts.len() {
                    break;
                }
            }
            // No clause matched: on to the outer handler.
            if fx.fb.is_open() {
                let sp = self.span(n);
                fx.fb.terminate(Terminator::Throw(None), sp);
            }
        }
        if let (Some(fe), Some(body)) = (fin_exc, finally) {
            fx.fin.pop();
            fx.pop_handler();
            // The normal path.
            fx.fb.join(&ends);
            self.block(fx, body, d);
            let after = fx.fb.end();
            // The exceptional path: the body again, then re-raise.
            fx.fb.switch_to(fe);
            self.copying += 1;
            self.block(fx, body, d);
            self.copying -= 1;
            if fx.fb.is_open() {
                let fsp = self.span(body);
                fx.fb.terminate(Terminator::Throw(None), fsp);
            }
            fx.fb.join(&[after]);
        } else {
            fx.fb.join(&ends);
        }
    }

    fn with_stmt(&mut self, fx: &mut Fx<'t>, n: Node<'t>, d: u32) {
        let mut w = n.walk();
        let clause = n.children(&mut w).find(|c| c.node_kind() == "with_clause");
        if let Some(clause) = clause {
            let (start, end) = self.push_kids(clause);
            for i in start..end {
                let item = self.kids[i];
                let Some(v) = item.field("value") else {
                    continue;
                };
                let isp = self.span(item);
                if v.node_kind() == "as_pattern" {
                    let (ctx, target) = self.split_as(v, d);
                    let value = match ctx {
                        Some(c) => self.expr(c, d + 1),
                        None => self.unknown(v),
                    };
                    let target = target.unwrap_or(Pattern::Ignore);
                    self.emit(fx, Stmt::Assign { target, value }, isp);
                } else {
                    let e = self.expr(v, d + 1);
                    self.emit(fx, Stmt::Eval(e), isp);
                }
            }
            self.kids.truncate(start);
        }
        if let Some(b) = n.field("body") {
            self.block(fx, b, d);
        }
    }

    /// `value as target` (`with`, `except`): the value's node and the
    /// target, lowered.
    fn split_as(&mut self, v: Node<'t>, d: u32) -> (Option<Node<'t>>, Option<Pattern>) {
        let (s2, e2) = self.push_kids(v);
        let value = (e2 > s2).then(|| self.kids[s2]);
        let alias = (e2 > s2 + 1).then(|| self.kids[e2 - 1]);
        self.kids.truncate(s2);
        let target = match alias {
            Some(a) if a.node_kind() == "as_pattern_target" => Some(match self.first_kid(a) {
                Some(t) => self.pattern(t, d + 1),
                None => Pattern::Ignore,
            }),
            Some(a) => Some(self.pattern(a, d + 1)),
            None => None,
        };
        (value, target)
    }

    /// The literal a case pattern spells, if it is one.
    fn case_value(&mut self, p: Node<'t>, d: u32) -> Option<ExprId> {
        match p.node_kind() {
            "string" | "concatenated_string" | "integer" | "float" | "true" | "false" | "none" => {
                Some(self.expr(p, d + 1))
            }
            "dotted_name" if p.named_child_count() > 1 => Some(self.dotted(p)),
            _ => None,
        }
    }

    fn dotted(&mut self, p: Node<'t>) -> ExprId {
        let sp = self.span(p);
        let (start, end) = self.push_kids(p);
        let mut e: Option<ExprId> = None;
        for i in start..end {
            let part = self.text(self.kids[i]);
            let s = self.m.intern(part);
            e = Some(match e {
                None => self.m.expr(Expr::Name(s), sp),
                Some(o) => self.m.expr(
                    Expr::Field {
                        obj: o,
                        name: s,
                        optional: false,
                    },
                    sp,
                ),
            });
        }
        self.kids.truncate(start);
        e.unwrap_or_else(|| self.m.expr(Expr::Unknown, sp))
    }

    /// How a case's pattern tests the subject, and the names it binds
    /// directly to the subject (`case x`, `… as x`).
    fn case_test(&mut self, pat: Node<'t>, d: u32, binds: &mut Vec<Node<'t>>) -> CaseTest {
        let mut p = pat;
        loop {
            match p.node_kind() {
                "case_pattern" => {
                    let Some(inner) = self.first_kid(p) else {
                        // `_`, or `-1` with the sign outside a node.
                        let t = self.text(p).trim();
                        if t == "_" {
                            return CaseTest::Always;
                        }
                        return CaseTest::Other;
                    };
                    if self.text(p).trim_start().starts_with('-')
                        && matches!(inner.node_kind(), "integer" | "float")
                    {
                        let sp = self.span(p);
                        let v = self.expr(inner, d + 1);
                        let neg = match self.m.module().expr(v) {
                            Expr::Const(Const::Int(i)) => Expr::Const(Const::Int(-i)),
                            Expr::Const(Const::Float(f)) => Expr::Const(Const::Float(-f)),
                            _ => Expr::Unary(UnOp::Neg, v),
                        };
                        return CaseTest::Values(vec![self.m.expr(neg, sp)]);
                    }
                    p = inner;
                }
                "as_pattern" => {
                    if let Some(a) = as_alias(p) {
                        binds.push(a);
                    }
                    match self.first_kid(p) {
                        Some(inner) => p = inner,
                        None => return CaseTest::Other,
                    }
                }
                "dotted_name" if p.named_child_count() == 1 => {
                    binds.push(p);
                    return CaseTest::Always;
                }
                "union_pattern" => {
                    let (start, end) = self.push_kids(p);
                    let alts: Vec<Node<'t>> = self.kids[start..end].to_vec();
                    self.kids.truncate(start);
                    let mut vals = Vec::new();
                    for a in alts {
                        match self.case_value(a, d) {
                            Some(v) => vals.push(v),
                            None => return CaseTest::Other,
                        }
                    }
                    return CaseTest::Values(vals);
                }
                _ => {
                    return match self.case_value(p, d) {
                        Some(v) => CaseTest::Values(vec![v]),
                        None => CaseTest::Other,
                    };
                }
            }
        }
    }

    /// Names captured inside a structural pattern (`[a, *rest]`,
    /// `Point(x=px)`, `{"k": v}`), found with an explicit stack.
    fn captures(&mut self, pat: Node<'t>, out: &mut Vec<Node<'t>>) {
        let mut stack = vec![pat];
        let mut w = pat.walk();
        while let Some(p) = stack.pop() {
            let parent = p.parent().map(|x| x.node_kind());
            match p.node_kind() {
                "dotted_name" => {
                    if p.named_child_count() == 1
                        && matches!(parent, Some("case_pattern" | "keyword_pattern"))
                    {
                        out.push(p);
                    }
                    continue;
                }
                "splat_pattern" => {
                    out.extend(p.named_child(0));
                    continue;
                }
                "as_pattern" => out.extend(as_alias(p)),
                _ => {}
            }
            let before = stack.len();
            stack.extend(p.named_children(&mut w).filter(|k| !is_extra(*k)));
            stack[before..].reverse();
        }
    }

    fn match_stmt(&mut self, fx: &mut Fx<'t>, n: Node<'t>, sp: Span, d: u32) {
        let mut w = n.walk();
        let subjects: Vec<Node<'t>> = n.children_by_field_name("subject", &mut w).collect();
        let subj = match subjects.as_slice() {
            [one] => self.expr(*one, d + 1),
            _ => {
                let items = subjects
                    .iter()
                    .map(|s| Elem::Item(self.expr(*s, d + 1)))
                    .collect();
                self.m.expr(Expr::Seq(SeqKind::Tuple, items), sp)
            }
        };
        self.flush(fx);
        let Some(body) = n.field("body") else {
            return;
        };
        let mut w2 = body.walk();
        let cases: Vec<Node<'t>> = body
            .named_children(&mut w2)
            .filter(|c| c.node_kind() == "case_clause")
            .collect();
        // Each case's test and bindings first: a subject no test or
        // binding reads is still evaluated.
        type Case<'t> = (Node<'t>, Span, CaseTest, Vec<Node<'t>>, Vec<Node<'t>>);
        let mut tests: Vec<Case<'t>> = Vec::with_capacity(cases.len());
        for case in cases {
            let csp = self.span(case);
            let mut kids = case.walk();
            let pats: Vec<Node<'t>> = case
                .named_children(&mut kids)
                .filter(|k| k.node_kind() == "case_pattern")
                .collect();
            let mut binds = Vec::new();
            let test = match pats.as_slice() {
                [one] => self.case_test(*one, d, &mut binds),
                _ => CaseTest::Other,
            };
            let mut deep = Vec::new();
            if matches!(test, CaseTest::Other) {
                for p in &pats {
                    self.captures(*p, &mut deep);
                }
                deep.retain(|b| !binds.contains(b));
            }
            tests.push((case, csp, test, binds, deep));
        }
        if !tests.iter().any(|(_, _, t, b, deep)| {
            matches!(t, CaseTest::Values(_)) || !b.is_empty() || !deep.is_empty()
        }) {
            self.emit(fx, Stmt::Eval(subj), sp);
        }
        let mut ends = Vec::new();
        // Consecutive literal cases without guards: one switch.
        let mut group: Vec<(ExprId, BlockId)> = Vec::new();
        let mut bodies: Vec<(Node<'t>, BlockId)> = Vec::new();
        for (case, csp, test, binds, deep) in tests {
            let guard = case.field("guard");
            let body_block = fx.fb.new_block();
            if let Some(c) = case.field("consequence") {
                bodies.push((c, body_block));
            }
            if let (CaseTest::Values(vals), None, true) = (&test, guard, binds.is_empty()) {
                group.extend(vals.iter().map(|v| (*v, body_block)));
                continue;
            }
            if !group.is_empty() {
                let next = fx.fb.new_block();
                let cases = std::mem::take(&mut group);
                fx.fb.terminate(
                    Terminator::Switch {
                        on: subj,
                        cases,
                        default: next,
                    },
                    sp,
                );
                fx.fb.switch_to(next);
            }
            // The test, then the bindings and the guard.
            let entry = fx.fb.new_block();
            let next = fx.fb.new_block();
            match test {
                CaseTest::Values(vals) => fx.fb.terminate(
                    Terminator::Switch {
                        on: subj,
                        cases: vals.into_iter().map(|v| (v, entry)).collect(),
                        default: next,
                    },
                    csp,
                ),
                CaseTest::Always => fx.fb.goto(entry),
                CaseTest::Other => {
                    let u = self.m.expr(Expr::Unknown, csp);
                    fx.fb.terminate(
                        Terminator::Branch {
                            cond: u,
                            then: entry,
                            other: next,
                        },
                        csp,
                    );
                }
            }
            fx.fb.switch_to(entry);
            for b in binds {
                let bsp = self.span(b);
                let s = self.m.intern(self.text(b).trim());
                self.emit(
                    fx,
                    Stmt::Assign {
                        target: Pattern::Name(s),
                        value: subj,
                    },
                    bsp,
                );
            }
            for b in deep {
                let bsp = self.span(b);
                let s = self.m.intern(self.text(b).trim());
                let u = self.m.expr(Expr::Unknown, bsp);
                let part = self.m.expr(
                    Expr::Index {
                        obj: subj,
                        index: u,
                    },
                    bsp,
                );
                self.emit(
                    fx,
                    Stmt::Assign {
                        target: Pattern::Name(s),
                        value: part,
                    },
                    bsp,
                );
            }
            match guard.and_then(|g| self.first_kid(g)) {
                Some(g) => {
                    let gsp = self.span(g);
                    let c = self.expr(g, d + 1);
                    self.flush(fx);
                    fx.fb.terminate(
                        Terminator::Branch {
                            cond: c,
                            then: body_block,
                            other: next,
                        },
                        gsp,
                    );
                }
                None => fx.fb.goto(body_block),
            }
            fx.fb.switch_to(next);
        }
        if !group.is_empty() {
            let next = fx.fb.new_block();
            fx.fb.terminate(
                Terminator::Switch {
                    on: subj,
                    cases: group,
                    default: next,
                },
                sp,
            );
            fx.fb.switch_to(next);
        }
        // No case matched.
        ends.push(fx.fb.end());
        for (c, b) in bodies {
            fx.fb.switch_to(b);
            self.block(fx, c, d);
            ends.push(fx.fb.end());
        }
        fx.fb.join(&ends);
    }

    // ------------------------------------------------------------ definitions

    fn decorators(&mut self, fx: &mut Fx<'t>, n: Node<'t>, d: u32) -> Vec<ExprId> {
        let (start, end) = self.push_kids(n);
        let decs: Vec<Node<'t>> = self.kids[start..end]
            .iter()
            .copied()
            .filter(|k| k.node_kind() == "decorator")
            .collect();
        self.kids.truncate(start);
        let mut out = Vec::new();
        for dec in decs {
            let e = match self.first_kid(dec) {
                Some(x) => self.expr(x, d + 1),
                None => self.unknown(dec),
            };
            out.push(e);
        }
        self.flush(fx);
        out
    }

    /// A `def`: its function, lowered; the caller binds its name.
    fn def(
        &mut self,
        fx: &mut Fx<'t>,
        n: Node<'t>,
        decorators: Vec<ExprId>,
        class: Option<ClassId>,
        d: u32,
    ) -> FuncId {
        let sp = self.span(n);
        let [name, parameters, body] = self.fields(n, ["name", "parameters", "body"]);
        let name = name.map_or("", |x| self.text(x));
        let qualified = self.qualify(name);
        let parent = self.func();
        let f = self
            .m
            .function(FuncKind::Def, name, &qualified, Some(parent), sp);
        let mut params = match parameters {
            Some(p) => self.params(p, d),
            None => Vec::new(),
        };
        self.flush(fx);
        let mut receiver = None;
        if class.is_some() {
            let is_static = decorators
                .iter()
                .any(|e| self.m.module().dotted(*e).as_deref() == Some("staticmethod"));
            if !is_static
                && let Some(first) = params.first()
                && matches!(
                    first.kind,
                    ParamKind::Positional | ParamKind::PositionalOnly
                )
                && let Pattern::Name(s) = first.pattern
            {
                receiver = Some(s);
                params.remove(0);
            }
        }
        {
            let func = self.m.func_mut(f);
            func.params = params;
            func.decorators = decorators;
            func.class = class;
            func.receiver = receiver;
            func.is_async = Self::is_async(n);
        }
        self.body(f, qualified, body, None, d);
        f
    }

    /// Lower a function's body (a block, or a lambda's expression) into `f`.
    fn body(
        &mut self,
        f: FuncId,
        qualified: String,
        block: Option<Node<'t>>,
        expr: Option<Node<'t>>,
        d: u32,
    ) {
        let pending = std::mem::take(&mut self.pending);
        let copying = std::mem::replace(&mut self.copying, 0);
        self.scopes.push(Scope { func: f, qualified });
        let mut inner = Fx::new(f);
        if let Some(b) = block {
            self.block(&mut inner, b, d);
        }
        if let Some(e) = expr {
            let sp = self.span(e);
            let v = self.expr(e, d + 1);
            self.term(&mut inner, Terminator::Return(Some(v)), sp);
        }
        self.flush(&mut inner);
        inner.fb.finish(&mut self.m);
        self.scopes.pop();
        self.copying = copying;
        self.pending = pending;
    }

    fn params(&mut self, n: Node<'t>, d: u32) -> Vec<Param> {
        let (start, end) = self.push_kids(n);
        let kids: Vec<Node<'t>> = self.kids[start..end].to_vec();
        self.kids.truncate(start);
        let mut out: Vec<Param> = Vec::new();
        let mut kw_only = false;
        for c in kids {
            let sp = self.span(c);
            let plain = if kw_only {
                ParamKind::KeywordOnly
            } else {
                ParamKind::Positional
            };
            let (pat, default, annotation) = match c.node_kind() {
                "identifier"
                | "list_splat_pattern"
                | "dictionary_splat_pattern"
                | "tuple_pattern" => (c, None, None),
                "typed_parameter" => {
                    let Some(p) = self.first_kid(c) else { continue };
                    (p, None, c.field("type"))
                }
                "default_parameter" | "typed_default_parameter" => {
                    let Some(p) = c.field("name") else { continue };
                    (p, c.field("value"), c.field("type"))
                }
                "keyword_separator" => {
                    kw_only = true;
                    continue;
                }
                "positional_separator" => {
                    for p in &mut out {
                        if p.kind == ParamKind::Positional {
                            p.kind = ParamKind::PositionalOnly;
                        }
                    }
                    continue;
                }
                _ => continue,
            };
            let (kind, target) = match pat.node_kind() {
                "list_splat_pattern" => {
                    kw_only = true;
                    (ParamKind::Rest, self.first_kid(pat))
                }
                "dictionary_splat_pattern" => (ParamKind::KwRest, self.first_kid(pat)),
                _ => (plain, Some(pat)),
            };
            let pattern = match target {
                Some(t) => self.pattern(t, d + 1),
                None => Pattern::Ignore,
            };
            let default = default.map(|v| self.expr(v, d + 1));
            let annotation = annotation.map(|a| self.expr(a, d + 1));
            out.push(Param {
                pattern,
                kind,
                default,
                annotation,
                span: sp,
            });
        }
        out
    }

    fn class_def(
        &mut self,
        fx: &mut Fx<'t>,
        n: Node<'t>,
        decorators: Vec<ExprId>,
        d: u32,
    ) -> ClassId {
        let sp = self.span(n);
        let name = n.field("name").map_or("", |x| self.text(x));
        let qualified = self.qualify(name);
        let c = self.m.class(name, &qualified, sp);
        let mut bases = Vec::new();
        if let Some(args) = n.field("superclasses") {
            let (start, end) = self.push_kids(args);
            let kids: Vec<Node<'t>> = self.kids[start..end].to_vec();
            self.kids.truncate(start);
            for k in kids {
                // `metaclass=…` and other keywords are not bases.
                if k.node_kind() != "keyword_argument" {
                    bases.push(self.expr(k, d + 1));
                }
            }
        }
        self.flush(fx);
        {
            let cl = self.m.class_mut(c);
            cl.bases = bases;
            cl.decorators = decorators;
        }
        let Some(body) = n.field("body") else {
            return c;
        };
        let func = self.func();
        self.scopes.push(Scope {
            func,
            qualified: qualified.clone(),
        });
        let (start, end) = self.push_kids(body);
        let stmts: Vec<Node<'t>> = self.kids[start..end].to_vec();
        self.kids.truncate(start);
        for s in stmts {
            if self.tick() {
                break;
            }
            let ssp = self.span(s);
            match s.node_kind() {
                "function_definition" => {
                    let f = self.def(fx, s, Vec::new(), Some(c), d + 1);
                    self.m.class_mut(c).methods.push(f);
                }
                "decorated_definition" => {
                    let decs = self.decorators(fx, s, d + 1);
                    let Some(def) = s.field("definition") else {
                        continue;
                    };
                    if def.node_kind() == "class_definition" {
                        let inner = self.class_def(fx, def, decs, d + 1);
                        self.class_field(def, Expr::Class(inner), ssp, c);
                    } else {
                        let f = self.def(fx, def, decs, Some(c), d + 1);
                        self.m.class_mut(c).methods.push(f);
                    }
                }
                "class_definition" => {
                    let inner = self.class_def(fx, s, Vec::new(), d + 1);
                    self.class_field(s, Expr::Class(inner), ssp, c);
                }
                "expression_statement" if self.class_assign(fx, s, c, d) => {}
                "pass_statement" => {}
                // Other code in a class body runs where the class is
                // defined.
                _ => self.stmt(fx, s, d + 1),
            }
        }
        self.scopes.pop();
        c
    }

    fn class_field(&mut self, def: Node<'t>, value: Expr, sp: Span, c: ClassId) {
        let Some(name) = def.field("name") else {
            return;
        };
        let nsp = self.span(name);
        let s = self.m.intern(self.text(name));
        let v = self.m.expr(value, nsp);
        self.m.class_mut(c).fields.push((s, Some(v), sp));
    }

    /// `x = 1`, `x: int`, `x: int = 1`, `a = b = 1` in a class body:
    /// fields. False for anything else (lowered as code).
    fn class_assign(&mut self, fx: &mut Fx<'t>, s: Node<'t>, c: ClassId, d: u32) -> bool {
        let Some(a) = self.first_kid(s) else {
            return false;
        };
        if a.node_kind() != "assignment" || s.named_child_count() != 1 {
            return a.node_kind() == "string" && !self.has_interp(a);
        }
        let mut names = Vec::new();
        let mut cur = a;
        let value = loop {
            match cur.field("left") {
                Some(l) if l.node_kind() == "identifier" => names.push(l),
                _ => return false,
            }
            match cur.field("right") {
                Some(r) if r.node_kind() == "assignment" => cur = r,
                other => break other,
            }
        };
        let sp = self.span(s);
        let v = value.map(|v| self.expr(v, d + 2));
        self.flush(fx);
        for n in names {
            let sym = self.m.intern(self.text(n));
            self.m.class_mut(c).fields.push((sym, v, sp));
        }
        true
    }

    // ------------------------------------------------------------ patterns

    fn pattern(&mut self, n: Node<'t>, d: u32) -> Pattern {
        if d > MAX_DEPTH {
            self.truncate(n);
            return Pattern::Ignore;
        }
        match n.node_kind() {
            "identifier" => Pattern::Name(self.m.intern(self.text(n))),
            "attribute" => {
                let (Some(o), Some(a)) = (n.field("object"), n.field("attribute")) else {
                    return Pattern::Ignore;
                };
                let obj = self.expr(o, d + 1);
                Pattern::Field {
                    obj,
                    name: self.m.intern(self.text(a)),
                }
            }
            "subscript" => {
                let Some(v) = n.field("value") else {
                    return Pattern::Ignore;
                };
                let obj = self.expr(v, d + 1);
                let index = self.subscript_index(n, v, d);
                Pattern::Index { obj, index }
            }
            "pattern_list" | "tuple_pattern" | "list_pattern" | "tuple" | "list"
            | "expression_list" => {
                let (start, end) = self.push_kids(n);
                let kids: Vec<Node<'t>> = self.kids[start..end].to_vec();
                self.kids.truncate(start);
                let mut items = Vec::new();
                let mut rest = None;
                for k in kids {
                    match k.node_kind() {
                        "list_splat_pattern" | "list_splat" => {
                            if let Some(inner) = self.first_kid(k) {
                                rest = Some(Box::new(self.pattern(inner, d + 1)));
                            }
                        }
                        _ => items.push(self.pattern(k, d + 1)),
                    }
                }
                Pattern::Seq { items, rest }
            }
            "parenthesized_expression" | "as_pattern_target" | "case_pattern" => {
                match self.first_kid(n) {
                    Some(k) => self.pattern(k, d + 1),
                    None => Pattern::Ignore,
                }
            }
            _ => Pattern::Ignore,
        }
    }

    // ------------------------------------------------------------ expressions

    fn expr(&mut self, n: Node<'t>, d: u32) -> ExprId {
        if d > MAX_DEPTH {
            self.truncate(n);
            return self.unknown(n);
        }
        self.tick();
        match n.node_kind() {
            "attribute" | "call" | "subscript" | "binary_operator" | "boolean_operator" => {
                self.chain(n, d)
            }
            _ => self.expr_node(n, d),
        }
    }

    /// A chain link's operands: the one the chain continues through
    /// first, then the link's own (attribute name, arguments, operator and
    /// right operand).
    fn link_fields(&mut self, n: Node<'t>) -> [Option<Node<'t>>; 3] {
        match n.node_kind() {
            "attribute" => self.fields(n, ["object", "attribute", "-"]),
            "call" => self.fields(n, ["function", "arguments", "-"]),
            "subscript" => self.fields(n, ["value", "-", "-"]),
            "binary_operator" | "boolean_operator" => self.fields(n, ["left", "operator", "right"]),
            _ => [None; 3],
        }
    }

    /// A left-leaning chain (`a.b(c)[d].e`, `a + b + c`, `x or y or z`)
    /// walked from its innermost link outwards: its length costs no depth.
    fn chain(&mut self, n: Node<'t>, d: u32) -> ExprId {
        let base = self.spine.len();
        let mut cur = (n, self.link_fields(n));
        let mut first = None;
        while let Some(c) = cur.1[0] {
            if !matches!(
                c.node_kind(),
                "attribute" | "call" | "subscript" | "binary_operator" | "boolean_operator"
            ) || self.tick()
            {
                first = Some(c);
                break;
            }
            self.spine.push(cur);
            cur = (c, self.link_fields(c));
        }
        let first = first.map(|c| self.expr(c, d + 1));
        let mut acc = self.link(cur.0, cur.1, first, d);
        while self.spine.len() > base {
            let Some((p, f)) = self.spine.pop() else {
                break;
            };
            acc = self.link(p, f, Some(acc), d);
        }
        acc
    }

    /// One chain link, its chain operand already lowered (`inner`).
    fn link(
        &mut self,
        n: Node<'t>,
        [chained, own, right]: [Option<Node<'t>>; 3],
        inner: Option<ExprId>,
        d: u32,
    ) -> ExprId {
        let sp = self.span(n);
        let Some(inner) = inner else {
            return self.m.expr(Expr::Unknown, sp);
        };
        let e = match n.node_kind() {
            "attribute" => match own {
                Some(a) => Expr::Field {
                    obj: inner,
                    name: self.m.intern(self.text(a)),
                    optional: false,
                },
                None => Expr::Unknown,
            },
            "call" => {
                // `super()` is the parent class.
                if let Expr::Name(s) = self.m.module().expr(inner)
                    && self.m.module().name(*s) == "super"
                {
                    return self.m.expr(Expr::Super, sp);
                }
                let args = match own {
                    Some(a) if a.node_kind() == "generator_expression" => vec![Arg {
                        kind: ArgKind::Positional,
                        value: self.expr(a, d + 1),
                    }],
                    Some(a) => self.args(a, d),
                    None => Vec::new(),
                };
                Expr::Call {
                    callee: inner,
                    args,
                    new: false,
                }
            }
            "subscript" => {
                let index = match chained {
                    Some(v) => self.subscript_index(n, v, d),
                    None => self.m.expr(Expr::Unknown, sp),
                };
                Expr::Index { obj: inner, index }
            }
            "binary_operator" => {
                let op = own.and_then(|o| bin_op(o.kind()));
                let r = right.map(|r| self.expr(r, d + 1));
                match (op, r) {
                    (Some(op), Some(r)) => Expr::Binary(op, inner, r),
                    _ => Expr::Unknown,
                }
            }
            "boolean_operator" => {
                let op = match own.map(|o| o.kind()) {
                    Some("and") => LogicOp::And,
                    _ => LogicOp::Or,
                };
                match right.map(|r| self.expr(r, d + 1)) {
                    Some(r) => Expr::Logical(op, inner, r),
                    None => Expr::Unknown,
                }
            }
            _ => Expr::Unknown,
        };
        self.m.expr(e, sp)
    }

    /// A subscript's index: one expression, a tuple of several, slices
    /// unknown.
    fn subscript_index(&mut self, n: Node<'t>, value: Node<'t>, d: u32) -> ExprId {
        let (start, end) = self.push_kids(n);
        let sp = self.span(n);
        let one = |l: &mut Self, k: Node<'t>| {
            if k.node_kind() == "slice" {
                l.unknown(k)
            } else {
                l.expr(k, d + 1)
            }
        };
        let count = self.kids[start..end]
            .iter()
            .filter(|k| k.id() != value.id())
            .count();
        let e = match count {
            0 => self.m.expr(Expr::Unknown, sp),
            1 => {
                let k = self.kids[start..end]
                    .iter()
                    .copied()
                    .find(|k| k.id() != value.id());
                match k {
                    Some(k) => one(self, k),
                    None => self.m.expr(Expr::Unknown, sp),
                }
            }
            _ => {
                let mut items = Vec::with_capacity(count);
                for i in start..end {
                    let k = self.kids[i];
                    if k.id() != value.id() {
                        items.push(Elem::Item(one(self, k)));
                    }
                }
                self.m.expr(Expr::Seq(SeqKind::Tuple, items), sp)
            }
        };
        self.kids.truncate(start);
        e
    }

    fn args(&mut self, n: Node<'t>, d: u32) -> Vec<Arg> {
        let (start, end) = self.push_kids(n);
        let mut out = Vec::with_capacity(end - start);
        for i in start..end {
            let a = self.kids[i];
            let arg = match a.node_kind() {
                "keyword_argument" => {
                    let [k, v] = self.fields(a, ["name", "value"]);
                    let (Some(k), Some(v)) = (k, v) else {
                        continue;
                    };
                    let kind = ArgKind::Keyword(self.m.intern(self.text(k)));
                    Arg {
                        kind,
                        value: self.expr(v, d + 1),
                    }
                }
                "list_splat" | "dictionary_splat" => {
                    let kind = if a.node_kind() == "list_splat" {
                        ArgKind::Spread
                    } else {
                        ArgKind::KwSpread
                    };
                    let value = match self.first_kid(a) {
                        Some(v) => self.expr(v, d + 1),
                        None => self.unknown(a),
                    };
                    Arg { kind, value }
                }
                _ => Arg {
                    kind: ArgKind::Positional,
                    value: self.expr(a, d + 1),
                },
            };
            out.push(arg);
        }
        self.kids.truncate(start);
        out
    }

    fn expr_node(&mut self, n: Node<'t>, d: u32) -> ExprId {
        let sp = self.span(n);
        let e = match n.node_kind() {
            "identifier" => Expr::Name(self.m.intern(self.text(n))),
            "true" => Expr::Const(Const::Bool(true)),
            "false" => Expr::Const(Const::Bool(false)),
            "none" => Expr::Const(Const::Null),
            "integer" => match parse_int(self.text(n)) {
                Some(i) => Expr::Const(Const::Int(i)),
                None => Expr::Unknown,
            },
            "float" => {
                let t = self.text(n).replace('_', "");
                match t.parse::<f64>() {
                    Ok(f) if !t.ends_with(['j', 'J']) => Expr::Const(Const::Float(f)),
                    _ => Expr::Unknown,
                }
            }
            "string" | "concatenated_string" => return self.string(n, d),
            "parenthesized_expression" | "type" => {
                return match self.first_kid(n) {
                    Some(k) if k.node_kind() != "list_splat" => self.expr(k, d + 1),
                    _ => self.unknown(n),
                };
            }
            "unary_operator" => {
                let op = match n.field("operator").map(|o| o.kind()) {
                    Some("-") => UnOp::Neg,
                    Some("+") => UnOp::Pos,
                    _ => UnOp::BitNot,
                };
                match n.field("argument") {
                    Some(a) => {
                        let a = self.expr(a, d + 1);
                        // `-1` is a constant.
                        match (op, self.m.module().expr(a)) {
                            (UnOp::Neg, Expr::Const(Const::Int(i))) => {
                                Expr::Const(Const::Int(i.wrapping_neg()))
                            }
                            (UnOp::Neg, Expr::Const(Const::Float(f))) => {
                                Expr::Const(Const::Float(-f))
                            }
                            _ => Expr::Unary(op, a),
                        }
                    }
                    None => Expr::Unknown,
                }
            }
            "not_operator" => match n.field("argument") {
                Some(a) => Expr::Unary(UnOp::Not, self.expr(a, d + 1)),
                None => Expr::Unknown,
            },
            "comparison_operator" => return self.compare(n, d),
            "conditional_expression" => {
                let (start, end) = self.push_kids(n);
                let e = if end - start == 3 {
                    let (then, test, other) =
                        (self.kids[start], self.kids[start + 1], self.kids[start + 2]);
                    let then = self.expr(then, d + 1);
                    let test = self.expr(test, d + 1);
                    let other = self.expr(other, d + 1);
                    Expr::Cond { test, then, other }
                } else {
                    Expr::Unknown
                };
                self.kids.truncate(start);
                e
            }
            "named_expression" => {
                let (Some(name), Some(v)) = (n.field("name"), n.field("value")) else {
                    return self.unknown(n);
                };
                let value = self.expr(v, d + 1);
                let s = self.m.intern(self.text(name));
                self.pending.push((
                    Stmt::Assign {
                        target: Pattern::Name(s),
                        value,
                    },
                    sp,
                ));
                Expr::Name(s)
            }
            "await" => match self.first_kid(n) {
                Some(a) => Expr::Await(self.expr(a, d + 1)),
                None => Expr::Unknown,
            },
            "yield" => {
                let f = self.func();
                self.m.func_mut(f).is_generator = true;
                Expr::Yield(self.first_kid(n).map(|a| self.expr(a, d + 1)))
            }
            "lambda" => {
                let name = "<lambda>";
                let qualified = self.qualify(name);
                let parent = self.func();
                let f = self
                    .m
                    .function(FuncKind::Lambda, name, &qualified, Some(parent), sp);
                let params = match n.field("parameters") {
                    Some(p) => self.params(p, d),
                    None => Vec::new(),
                };
                self.m.func_mut(f).params = params;
                self.body(f, qualified, None, n.field("body"), d);
                Expr::Func(f)
            }
            // An annotation's `Name[T, …]` (`Annotated[User, Depends(f)]`,
            // `list[str]`): the name indexed by its parameters, as the
            // same text outside an annotation lowers.
            "generic_type" => {
                let mut c = n.walk();
                let tp = n
                    .named_children(&mut c)
                    .find(|k| k.node_kind() == "type_parameter");
                let (Some(name), Some(tp)) = (self.first_kid(n), tp) else {
                    return self.unknown(n);
                };
                let obj = self.expr(name, d + 1);
                let (start, end) = self.push_kids(tp);
                let mut items = Vec::with_capacity(end - start);
                for i in start..end {
                    let k = self.kids[i];
                    items.push(Elem::Item(self.expr(k, d + 1)));
                }
                self.kids.truncate(start);
                let index = if items.len() == 1 {
                    match items.pop() {
                        Some(Elem::Item(x)) => x,
                        _ => return self.unknown(n),
                    }
                } else {
                    self.m.expr(Expr::Seq(SeqKind::Tuple, items), sp)
                };
                Expr::Index { obj, index }
            }
            "list" | "tuple" | "set" | "expression_list" => {
                let kind = match n.node_kind() {
                    "list" => SeqKind::List,
                    "set" => SeqKind::Set,
                    _ => SeqKind::Tuple,
                };
                let (start, end) = self.push_kids(n);
                let mut items = Vec::with_capacity(end - start);
                for i in start..end {
                    let k = self.kids[i];
                    items.push(match k.node_kind() {
                        "list_splat" | "parenthesized_list_splat" => {
                            let mut inner = k;
                            while matches!(
                                inner.node_kind(),
                                "list_splat"
                                    | "parenthesized_list_splat"
                                    | "parenthesized_expression"
                            ) {
                                match self.first_kid(inner) {
                                    Some(x) => inner = x,
                                    None => break,
                                }
                            }
                            Elem::Spread(self.expr(inner, d + 1))
                        }
                        _ => Elem::Item(self.expr(k, d + 1)),
                    });
                }
                self.kids.truncate(start);
                Expr::Seq(kind, items)
            }
            "dictionary" => {
                let (start, end) = self.push_kids(n);
                let mut entries = Vec::with_capacity(end - start);
                for i in start..end {
                    let k = self.kids[i];
                    match k.node_kind() {
                        "pair" => {
                            let [key, v] = self.fields(k, ["key", "value"]);
                            let (Some(key), Some(v)) = (key, v) else {
                                continue;
                            };
                            let key = self.expr(key, d + 1);
                            let v = self.expr(v, d + 1);
                            entries.push(Entry::Pair(key, v));
                        }
                        "dictionary_splat" => {
                            let v = match self.first_kid(k) {
                                Some(x) => self.expr(x, d + 1),
                                None => self.unknown(k),
                            };
                            entries.push(Entry::Spread(v));
                        }
                        _ => {}
                    }
                }
                self.kids.truncate(start);
                Expr::Dict(entries)
            }
            "list_comprehension"
            | "set_comprehension"
            | "dictionary_comprehension"
            | "generator_expression" => return self.comprehension(n, d),
            _ => Expr::Unknown,
        };
        self.m.expr(e, sp)
    }

    /// `a < b < c`: `(a < b) and (b < c)`.
    fn compare(&mut self, n: Node<'t>, d: u32) -> ExprId {
        let sp = self.span(n);
        // Operands (named) and operators (tokens), in order.
        let start = self.kids.len();
        self.cursor.reset(n);
        if self.cursor.goto_first_child() {
            loop {
                let c = self.cursor.node();
                if !is_extra(c) {
                    self.kids.push(c);
                }
                if !self.cursor.goto_next_sibling() {
                    break;
                }
            }
        }
        // Operand, operator, operand, operator, … on the shared stack.
        let end = self.kids.len();
        let mut prev: Option<ExprId> = None;
        let mut acc: Option<ExprId> = None;
        let mut i = start;
        while i < end {
            let (l, op) = (self.kids[i], self.kids.get(i + 1).copied());
            let Some(op) = op.filter(|o| !o.is_named()) else {
                break;
            };
            let l = match prev {
                Some(p) => p,
                None => self.expr(l, d + 1),
            };
            let r = match self
                .kids
                .get(i + 2)
                .copied()
                .filter(|r| r.is_named() && i + 2 < end)
            {
                Some(o) => self.expr(o, d + 1),
                None => self.m.expr(Expr::Unknown, sp),
            };
            prev = Some(r);
            let c = match cmp_op(op.kind()) {
                Some(op) => self.m.expr(Expr::Compare(op, l, r), sp),
                None => self.m.expr(Expr::Unknown, sp),
            };
            acc = Some(match acc {
                None => c,
                Some(a) => self.m.expr(Expr::Logical(LogicOp::And, a, c), sp),
            });
            i += 2;
        }
        self.kids.truncate(start);
        acc.unwrap_or_else(|| self.m.expr(Expr::Unknown, sp))
    }

    fn comprehension(&mut self, n: Node<'t>, d: u32) -> ExprId {
        let sp = self.span(n);
        let kind = match n.node_kind() {
            "list_comprehension" => SeqKind::List,
            "set_comprehension" => SeqKind::Set,
            "dictionary_comprehension" => SeqKind::Dict,
            _ => SeqKind::Generator,
        };
        let Some(body) = n.field("body") else {
            return self.unknown(n);
        };
        let elt = if body.node_kind() == "pair" {
            let k = body.field("key").map(|k| self.expr(k, d + 1));
            let v = body.field("value").map(|v| self.expr(v, d + 1));
            let items = k.into_iter().chain(v).map(Elem::Item).collect();
            let bsp = self.span(body);
            self.m.expr(Expr::Seq(SeqKind::Tuple, items), bsp)
        } else {
            self.expr(body, d + 1)
        };
        let (start, end) = self.push_kids(n);
        let clauses_nodes: Vec<Node<'t>> = self.kids[start..end]
            .iter()
            .copied()
            .filter(|k| matches!(k.node_kind(), "for_in_clause" | "if_clause"))
            .collect();
        self.kids.truncate(start);
        let mut clauses = Vec::with_capacity(clauses_nodes.len());
        for c in clauses_nodes {
            if c.node_kind() == "if_clause" {
                if let Some(x) = self.first_kid(c) {
                    clauses.push(CompClause::If(self.expr(x, d + 1)));
                }
                continue;
            }
            let target = match c.field("left") {
                Some(l) => self.pattern(l, d + 1),
                None => Pattern::Ignore,
            };
            let mut w = c.walk();
            let rights: Vec<Node<'t>> = c
                .children_by_field_name("right", &mut w)
                .filter(|r| r.is_named() && !is_extra(*r))
                .collect();
            let iter = match rights.as_slice() {
                [one] => self.expr(*one, d + 1),
                many => {
                    let items = many
                        .iter()
                        .map(|r| Elem::Item(self.expr(*r, d + 1)))
                        .collect();
                    let csp = self.span(c);
                    self.m.expr(Expr::Seq(SeqKind::Tuple, items), csp)
                }
            };
            clauses.push(CompClause::For { target, iter });
        }
        self.m.expr(Expr::Comprehension { kind, elt, clauses }, sp)
    }

    /// A string literal or a concatenation of them: a constant, bytes, or
    /// a template when any part is an f-string with interpolations.
    fn string(&mut self, n: Node<'t>, d: u32) -> ExprId {
        let sp = self.span(n);
        let mut parts: Vec<TemplatePart> = Vec::new();
        let mut text = String::new();
        let mut bytes = false;
        let mut piece = String::new();
        let (ps, pe) = if n.node_kind() == "concatenated_string" {
            self.push_kids(n)
        } else {
            self.kids.push(n);
            (self.kids.len() - 1, self.kids.len())
        };
        for pi in ps..pe {
            let s = self.kids[pi];
            if s.node_kind() != "string" {
                continue;
            }
            let (ks, ke) = self.push_kids(s);
            let (mut f, mut raw) = (false, false);
            for ki in ks..ke {
                let c = self.kids[ki];
                match c.node_kind() {
                    "string_start" => {
                        for b in self.text(c).bytes() {
                            match b | 0x20 {
                                b'f' => f = true,
                                b'r' => raw = true,
                                b'b' => {
                                    bytes = true;
                                    raw = true;
                                }
                                _ => {}
                            }
                        }
                    }
                    "string_content" => {
                        let raw_text = self.text(c);
                        if raw {
                            piece.push_str(raw_text);
                        } else {
                            unescape(raw_text, &mut piece);
                        }
                        if f && (raw_text.contains("{{") || raw_text.contains("}}")) {
                            // `{{` and `}}` in an f-string are braces.
                            piece = piece.replace("{{", "{").replace("}}", "}");
                        }
                        text.push_str(&piece);
                        piece.clear();
                    }
                    "interpolation" => {
                        if !text.is_empty() {
                            parts.push(TemplatePart::Text(std::mem::take(&mut text).into()));
                        }
                        let [x, spec] = self.fields(c, ["expression", "format_specifier"]);
                        let e = match x {
                            Some(x) => self.expr(x, d + 1),
                            None => self.unknown(c),
                        };
                        parts.push(TemplatePart::Expr(e));
                        if let Some(spec) = spec {
                            text.push_str(self.text(spec));
                        }
                    }
                    _ => {}
                }
            }
            self.kids.truncate(ks);
        }
        self.kids.truncate(ps);
        let e = if bytes {
            Expr::Const(Const::Bytes(text.into()))
        } else if parts.is_empty() {
            Expr::Const(Const::Str(text.into()))
        } else {
            if !text.is_empty() {
                parts.push(TemplatePart::Text(text.into()));
            }
            Expr::Template(parts)
        };
        self.m.expr(e, sp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_and_relative_imports() {
        assert_eq!(module_of("app/api/views.py"), "app.api.views");
        assert_eq!(module_of("app/__init__.py"), "app");
        assert_eq!(module_of("./top.py"), "top");
        assert_eq!(resolve_relative("app/api/views.py", 1, "db"), "app.api.db");
        assert_eq!(resolve_relative("app/api/views.py", 2, "db"), "app.db");
        assert_eq!(
            resolve_relative("app/api/__init__.py", 1, "db"),
            "app.api.db"
        );
        assert_eq!(resolve_relative("app/api/views.py", 1, ""), "app.api");
    }

    #[test]
    fn import_bindings_name_what_each_local_holds() {
        let src = "import a.b\nimport a.b as c\nfrom .m import x as y, z\nfrom . import w\nfrom q import *\n";
        let tree =
            bw_lang::parse(bw_files::Lang::Python, src, bw_lang::DEFAULT_PARSE_BUDGET).unwrap();
        let mut w = tree.walk();
        let got: Vec<(String, String, Option<String>, String)> = tree
            .root_node()
            .named_children(&mut w)
            .flat_map(|n| import_bindings(n, src, "pkg/mod.py"))
            .map(|b| (b.local, b.module, b.member, b.value))
            .collect();
        let row = |l: &str, m: &str, mem: Option<&str>, v: &str| {
            (
                l.to_string(),
                m.to_string(),
                mem.map(str::to_string),
                v.to_string(),
            )
        };
        assert_eq!(
            got,
            vec![
                row("a", "a.b", None, "a"),
                row("c", "a.b", None, "a.b"),
                row("y", "pkg.m", Some("x"), "pkg.m.x"),
                row("z", "pkg.m", Some("z"), "pkg.m.z"),
                row("w", "pkg", Some("w"), "pkg.w"),
            ]
        );
    }

    #[test]
    fn escapes_are_decoded() {
        let mut s = String::new();
        unescape(r"a\n\t\x41\u00e9\101\\\'\q", &mut s);
        assert_eq!(s, "a\n\tAéA\\'\\q");
        assert_eq!(parse_int("0x_ff"), Some(255));
        assert_eq!(parse_int("1_000"), Some(1000));
        assert_eq!(parse_int("00"), Some(0));
        assert_eq!(parse_int("99999999999999999999"), None);
    }
}
