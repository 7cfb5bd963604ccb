//! JavaScript, TypeScript and TSX to the intermediate form.
//!
//! One walk over the tree-sitter tree builds the [`Module`]; the tree is
//! dropped when it returns. What the lowering decides, beyond the plain
//! one-to-one cases:
//!
//! - **module identity**: the repository path without its extension and
//!   without a trailing `/index` (`src/db.ts` and `src/db/index.js` are both
//!   `src/db`, what `import … from './db'` names). Relative specifiers are
//!   resolved against the importing file's folder the same way; `node:` is
//!   dropped; a package keeps its specifier (`express`, `@aws-sdk/client-s3`).
//! - **imports**: `import x from 'm'` binds member `default`, `import * as
//!   ns` and `const x = require('m')` the module itself (member `None`),
//!   `import {a as b}` / `const {a: b} = require('m')` / `const b =
//!   require('m').a` member `a`. A `require` bound by a declaration makes no
//!   statement (like an `import`); a `require('m')` anywhere else
//!   (`app.use('/u', require('./users'))`) reads an import bound to a name
//!   no code can spell, `require:<module>`; `import './setup'` binds
//!   `import:<module>` (nothing reads it: it records the dependency).
//! - **exports**: `export function/class/const`, `export {a as b}`,
//!   re-exports (an import and an export of the same local; `export * from
//!   'm'` exports `*` bound to an import of `m` named `export*:<module>`),
//!   `export default
//!   x`; a value with no name of its own (`export default {…}`,
//!   `module.exports = router()`, `exports.list = async (req, res) => …`) is
//!   first bound to a module-level name no JavaScript code can spell
//!   (`default`, `exports:list`), which the export names. `module.exports =
//!   x` exports `x` as `default` (what `import x from` sees); the keys of
//!   `module.exports = { … }` are exported one by one.
//! - **functions**: declarations are hoisted (bound at the start of their
//!   statement list); arrows and anonymous function expressions are
//!   [`FuncKind::Lambda`], named after the variable, property or field they
//!   are assigned to; an expression body returns its value. Methods,
//!   getters, setters, constructors, static blocks (`Class.<static>`) and
//!   arrow-valued class fields are methods of their class. A TypeScript
//!   parameter property (`constructor(private db: Db)`) also assigns
//!   `this.db = db` on entry. Annotations are kept when they name a type
//!   (`Request`, `express.Request`, `Array<T>` as `Array`), else dropped.
//! - **statements**: `x ??= v`, `x ||= v`, `x &&= v` are `x = (x ?? v)` etc.
//!   (the conditional store made unconditional: the value is the same); an
//!   assignment or `++` inside an expression is a statement before the one
//!   holding it, and the expression reads the target back. `for (k in o)`
//!   iterates `o` itself (its keys carry its taint). Enums are objects of
//!   their members; interfaces, type aliases and `declare` are skipped;
//!   namespace bodies are lowered in place.
//! - **control flow**: `try`/`catch` runs the body under the catch block
//!   (which starts with [`Stmt::Catch`]); `finally` is lowered on each way
//!   out: after the body and catch fall through, on the exception path (a
//!   block every block of the `try` and `catch` raises into, which runs the
//!   `finally` body then rethrows: `throw` with no value), and before each
//!   `return`, `break` or `continue` that leaves the `try` (at most
//!   [`FINALLY_COPIES`] such copies per `try`, beyond which those exits skip
//!   it). `switch` is a [`Terminator::Switch`] on the case values, in
//!   order; a case that falls off its end goes to the next. Labels name
//!   loops and blocks for `break`/`continue`.
//! - **optional chains**: `o?.k` is a [`Expr::Field`] with `optional`;
//!   `f?.(x)` and `o?.[k]` are the short circuits `f && f(x)` and
//!   `o && o[k]` (the value is the operand when it is null).
//! - **JSX** is the call React compiles it to: `<Comp a={x}>{y}</Comp>` is
//!   `Comp({"a": x}, y)`, an intrinsic tag is a string callee
//!   (`"div"({…})`), a fragment is `"<>"(…)`.
//! - what is not modelled is [`Expr::Unknown`], and the expressions under
//!   it (an `ERROR` node of a partial tree, an unknown kind) are still
//!   evaluated as statements, so no call is lost. Nesting deeper than
//!   [`MAX_DEPTH`] is [`Expr::Unknown`] and marks the module
//!   [`Module::truncated`], so whatever reads the form recursively is
//!   bounded too. Chains (`x.y().z()…`) are lowered without recursion but
//!   count a level a link; a chain of one associative operator past the
//!   limit (`a + b + …` of thousands of terms, `a || b || …`) is built as a
//!   balanced tree of its operands, in order, so nothing of it is lost.

use crate::LowerError;
use bw_files::Lang;
use bw_ir::build::{FnBuilder, ModuleBuilder};
use bw_ir::{
    Accessor, Arg, ArgKind, BinOp, BlockId, ClassId, CmpOp, Const, Elem, Entry, Expr, ExprId,
    FuncId, FuncKind, LogicOp, Module, Param, ParamKind, Pattern, SeqKind, Span, Stmt, Sym,
    TemplatePart, Terminator, UnOp,
};
use bw_lang::{FieldExt, KindExt, Limits};
use tree_sitter::{Node, Tree, TreeCursor};

/// How deeply statements and expressions may nest before the rest is
/// [`Expr::Unknown`]. The walk runs on a [`bw_lang::WALK_STACK`] thread;
/// a level costs a few frames (measured in a debug build: well under
/// 16 KB), so this keeps a wide margin.
pub const MAX_DEPTH: u32 = 400;

/// The bound when no big-stack thread can be had (the walk runs on the
/// caller's stack).
const FALLBACK_DEPTH: u32 = 40;

/// How many `return`/`break`/`continue` exits of one `try` get a copy of
/// its `finally` body.
pub const FINALLY_COPIES: u32 = 4;

/// Nested `finally` bodies deeper than this get no exception-path copy (each
/// level doubles the copies of what it holds).
const FINALLY_NESTING: u32 = 3;

/// Extensions stripped from a path to name its module (longest first).
const EXTENSIONS: &[&str] = &[
    ".d.ts", ".tsx", ".ts", ".jsx", ".js", ".mjs", ".cjs", ".mts", ".cts",
];

/// A path without its JavaScript/TypeScript extension.
pub fn strip_ext(p: &str) -> &str {
    for ext in EXTENSIONS {
        if let Some(s) = p.strip_suffix(ext) {
            return s;
        }
    }
    p
}

/// Resolve a relative module specifier against the importing file's
/// folder (no extension, `..` past the root stays at the root).
pub fn resolve_relative(from: &str, spec: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in spec.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    strip_ext(&parts.join("/")).to_string()
}

fn strip_index(p: &str) -> &str {
    p.strip_suffix("/index").unwrap_or(p)
}

/// The identity a file is imported by: `src/db.ts` and `src/db/index.js`
/// are `src/db`.
pub fn module_id(path: &str) -> String {
    strip_index(strip_ext(path)).to_string()
}

/// The module identity an import specifier names from the file at `from`:
/// relative specifiers resolve to [`module_id`]s, `node:` is dropped,
/// packages keep their name.
pub fn import_module(from: &str, spec: &str) -> String {
    let spec = spec.strip_prefix("node:").unwrap_or(spec);
    if spec.starts_with('.') {
        strip_index(&resolve_relative(from, spec)).to_string()
    } else {
        spec.to_string()
    }
}

/// The text of a string literal, or of a template literal with nothing
/// interpolated, its escapes decoded.
pub fn literal(n: Node, src: &str) -> Option<String> {
    let t = src.get(n.byte_range())?;
    match kind(n) {
        "string" => {}
        "template_string" if !t.contains("${") => {}
        _ => return None,
    }
    Some(unescape(t.get(1..t.len().saturating_sub(1)).unwrap_or("")))
}

/// The first argument of a call (`call_expression` `n`) of a function
/// named by one of `names` (an identifier).
fn first_arg_of_call_to<'t>(n: Node<'t>, src: &str, names: &[&str]) -> Option<Node<'t>> {
    let f = n.field("function")?;
    if kind(f) != "identifier" || !names.iter().any(|x| src.get(f.byte_range()) == Some(*x)) {
        return None;
    }
    let args = n.field("arguments")?;
    let mut c = args.walk();
    args.named_children(&mut c).find(|k| kind(*k) != "comment")
}

/// `require('m')` or `require('m').x` (through parentheses, casts and
/// `await`): the specifier as written and the member.
pub fn require_of(n: Node, src: &str) -> Option<(String, Option<String>)> {
    fn strip(mut n: Node) -> Node {
        while matches!(
            kind(n),
            "parenthesized_expression"
                | "await_expression"
                | "as_expression"
                | "satisfies_expression"
                | "non_null_expression"
        ) {
            match n.named_child(0) {
                Some(i) => n = i,
                None => break,
            }
        }
        n
    }
    let n = strip(n);
    match kind(n) {
        "call_expression" => {
            let first = first_arg_of_call_to(n, src, &["require"])?;
            Some((literal(first, src)?, None))
        }
        "member_expression" => {
            // `require('m').x` only: one level, no recursion down a chain.
            let obj = strip(n.field("object")?);
            if kind(obj) != "call_expression" {
                return None;
            }
            let (m, None) = require_of(obj, src)? else {
                return None;
            };
            let p = n.field("property")?;
            Some((m, Some(src.get(p.byte_range())?.to_string())))
        }
        _ => None,
    }
}

/// Whether `n` (the expression of an expression statement) is a
/// directive: a string statement in the prologue of a program or a
/// function body (only string statements and comments before it).
fn is_directive(n: Node) -> bool {
    if kind(n) != "string" {
        return false;
    }
    let Some(stmt) = n.parent().filter(|p| kind(*p) == "expression_statement") else {
        return false;
    };
    if !stmt
        .parent()
        .is_some_and(|p| matches!(kind(p), "program" | "statement_block"))
    {
        return false;
    }
    let mut prev = stmt.prev_named_sibling();
    for _ in 0..16 {
        match prev {
            None => return true,
            Some(p) if kind(p) == "comment" || kind(p) == "hash_bang_line" => {}
            Some(p)
                if kind(p) == "expression_statement"
                    && p.named_child(0).is_some_and(|c| kind(c) == "string") => {}
            Some(_) => return false,
        }
        prev = prev.and_then(|p| p.prev_named_sibling());
    }
    false
}

/// Parse `text` (the file at `path`) as `lang` within `limits`, lower it,
/// and drop the tree.
pub fn lower(lang: Lang, path: &str, text: &str, limits: &Limits) -> Result<Module, LowerError> {
    let tree = bw_lang::parse_within(lang, text, limits).map_err(LowerError::Parse)?;
    lower_tree(lang, path, text, &tree, limits)
}

/// Lower a tree already parsed from `text` (a caller that also extracts
/// facts from it parses once), within the time left in `limits`.
pub fn lower_tree(
    lang: Lang,
    path: &str,
    text: &str,
    tree: &Tree,
    limits: &Limits,
) -> Result<Module, LowerError> {
    bw_lang::with_walk_stack(
        || lower_with(lang, path, text, tree, limits, MAX_DEPTH),
        || lower_with(lang, path, text, tree, limits, FALLBACK_DEPTH),
    )
}

fn lower_with(
    lang: Lang,
    path: &str,
    text: &str,
    tree: &Tree,
    limits: &Limits,
    max_depth: u32,
) -> Result<Module, LowerError> {
    let mut l = Lower::new(lang, path, text, limits.deadline);
    l.max_depth = max_depth;
    l.module(tree.root_node());
    if l.timed_out {
        return Err(LowerError::Parse(bw_lang::ParseError::Timeout {
            millis: limits.budget.as_millis() as u64,
        }));
    }
    Ok(l.m.finish())
}

/// The modifier tokens before a function's parameters.
#[derive(Default)]
struct Modifiers {
    is_async: bool,
    star: bool,
    accessor: Option<Accessor>,
    is_static: bool,
}

/// A target of `break` / `continue`.
struct Jump {
    label: Option<Sym>,
    /// `continue` goes here (loops only).
    cont: Option<BlockId>,
    brk: BlockId,
    /// An unlabelled `break` stops here (loops and `switch`, not labelled
    /// blocks).
    plain_break: bool,
}

/// A `finally` body the exits from its `try` run first.
struct Final<'t> {
    body: Node<'t>,
    /// `jumps.len()` when the `try` began.
    jumps: usize,
    /// `handlers.len()` when the `try` began.
    handlers: usize,
    copies: u32,
}

/// The function being lowered.
struct Fx<'t> {
    b: FnBuilder,
    id: FuncId,
    /// Qualified name of this function ("" for the module), the prefix of
    /// what it defines.
    prefix: String,
    jumps: Vec<Jump>,
    finals: Vec<Final<'t>>,
    /// The handlers pushed on `b`, mirrored (to run a `finally` copy under
    /// the handler outside its `try`).
    handlers: Vec<BlockId>,
}

struct Lower<'s, 't> {
    src: &'s str,
    path: &'s str,
    m: ModuleBuilder,
    fns: Vec<Fx<'t>>,
    /// Columns in characters, in constant time per span.
    columns: crate::Columns<'s>,
    cursors: Vec<TreeCursor<'t>>,
    /// Left spines of chains being lowered (shared stack).
    spine: Vec<(Node<'t>, &'static str, u32)>,
    /// Statement lists being lowered (shared stack).
    list: Vec<Node<'t>>,
    deadline: bw_lang::Deadline,
    ticks: u32,
    timed_out: bool,
    /// A label waiting for the loop it names.
    pending_label: Option<Sym>,
    /// How many `finally` copies are being lowered inside each other.
    finally_nesting: u32,
    /// How many TypeScript namespaces the walk is in (their `export`s
    /// are not the module's).
    namespaces: u32,
    /// [`MAX_DEPTH`], or less on a small stack.
    max_depth: u32,
    /// Names bound to a compiler's module interop wrapper
    /// (`__importDefault(require('m'))`): their `.default` is the module.
    interop: Vec<Sym>,
}

/// The helpers TypeScript, Babel and esbuild wrap a `require` in when they
/// compile `import`s to CommonJS: the module, with its export as `.default`.
const INTEROP: &[&str] = &[
    "__importDefault",
    "__importStar",
    "_interopRequireDefault",
    "_interopRequireWildcard",
    "__toESM",
];

fn kind(n: Node) -> &'static str {
    n.node_kind()
}

/// Statement kinds a loop body or label can hold that name a loop.
fn is_loop(k: &str) -> bool {
    matches!(
        k,
        "for_statement" | "for_in_statement" | "while_statement" | "do_statement"
    )
}

fn is_function_decl(n: Node) -> bool {
    match kind(n) {
        "function_declaration" | "generator_function_declaration" => true,
        "export_statement" => n.field("declaration").is_some_and(|d| {
            matches!(
                kind(d),
                "function_declaration" | "generator_function_declaration"
            )
        }),
        _ => false,
    }
}

/// Whether a chain link makes an expression of its own (casts and
/// parentheses are their operand).
/// Whether a chain link counts against the depth limit. Method calls,
/// members and subscripts do not (the dataflow engine walks a chain of
/// them in a loop, as it does Python's): `x.trim().trim()…` is followed
/// to any length. Operators do.
fn makes_expr(k: &str) -> bool {
    k == "binary_expression"
}

fn bin_op(op: &str) -> Option<BinOp> {
    Some(match op {
        "+" => BinOp::Add,
        "-" => BinOp::Sub,
        "*" => BinOp::Mul,
        "/" => BinOp::Div,
        "%" => BinOp::Mod,
        "**" => BinOp::Pow,
        "&" => BinOp::BitAnd,
        "|" => BinOp::BitOr,
        "^" => BinOp::BitXor,
        "<<" => BinOp::Shl,
        ">>" => BinOp::Shr,
        ">>>" => BinOp::UShr,
        _ => return None,
    })
}

fn cmp_op(op: &str) -> Option<CmpOp> {
    Some(match op {
        "==" => CmpOp::Eq,
        "!=" => CmpOp::NotEq,
        "===" => CmpOp::StrictEq,
        "!==" => CmpOp::StrictNotEq,
        "<" => CmpOp::Lt,
        "<=" => CmpOp::LtE,
        ">" => CmpOp::Gt,
        ">=" => CmpOp::GtE,
        "in" => CmpOp::In,
        "instanceof" => CmpOp::InstanceOf,
        _ => return None,
    })
}

fn logic_op(op: &str) -> Option<LogicOp> {
    Some(match op {
        "&&" => LogicOp::And,
        "||" => LogicOp::Or,
        "??" => LogicOp::Nullish,
        _ => return None,
    })
}

/// A JavaScript string's escapes decoded (`raw` is the text between the
/// quotes or backticks).
fn unescape(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else { break };
        match e {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            '0' if !chars.peek().is_some_and(|c| c.is_ascii_digit()) => out.push('\0'),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
            }
            '\n' | '\u{2028}' | '\u{2029}' => {}
            'x' => {
                let h: String = chars.by_ref().take(2).collect();
                match u32::from_str_radix(&h, 16).ok().and_then(char::from_u32) {
                    Some(c) => out.push(c),
                    None => out.push_str(&h),
                }
            }
            'u' => {
                let h: String = if chars.peek() == Some(&'{') {
                    chars.next();
                    chars.by_ref().take_while(|c| *c != '}').collect()
                } else {
                    chars.by_ref().take(4).collect()
                };
                match u32::from_str_radix(&h, 16).ok().and_then(char::from_u32) {
                    Some(c) => out.push(c),
                    None => out.push('\u{fffd}'),
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// HTML character references (`&amp;`, `&#39;`, `&#x27;`) decoded; an
/// unknown name is kept as written.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        // A byte search: `;` is ASCII, so `end` is a character boundary.
        let near = &rest.as_bytes()[..rest.len().min(12)];
        let Some(end) = near.iter().position(|b| *b == b';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let c = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => name
                .strip_prefix("#x")
                .or_else(|| name.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|n| n.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A numeric literal's value.
fn number(text: &str) -> Const {
    let t: String = text.chars().filter(|c| *c != '_').collect();
    let t = t.strip_suffix('n').unwrap_or(&t);
    let radix = |p: &str| -> Option<u32> {
        match p {
            "0x" | "0X" => Some(16),
            "0o" | "0O" => Some(8),
            "0b" | "0B" => Some(2),
            _ => None,
        }
    };
    if let Some(r) = t.get(..2).and_then(radix) {
        return match i64::from_str_radix(&t[2..], r) {
            Ok(i) => Const::Int(i),
            Err(_) => Const::Float(u128::from_str_radix(&t[2..], r).map_or(f64::NAN, |v| v as f64)),
        };
    }
    if !t.contains(['.', 'e', 'E'])
        && let Ok(i) = t.parse::<i64>()
    {
        return Const::Int(i);
    }
    Const::Float(t.parse::<f64>().unwrap_or(f64::NAN))
}

/// The names a pattern binds, in order.
fn bound_names(p: &Pattern, out: &mut Vec<Sym>) {
    match p {
        Pattern::Name(s) => out.push(*s),
        Pattern::Seq { items, rest } => {
            for i in items {
                bound_names(i, out);
            }
            if let Some(r) = rest {
                bound_names(r, out);
            }
        }
        Pattern::Object { props, rest } => {
            for (_, p) in props {
                bound_names(p, out);
            }
            if let Some(r) = rest {
                bound_names(r, out);
            }
        }
        Pattern::Default(p, _) => bound_names(p, out),
        Pattern::Field { .. } | Pattern::Index { .. } | Pattern::Ignore => {}
    }
}

impl<'s, 't> Lower<'s, 't> {
    fn new(lang: Lang, path: &'s str, src: &'s str, deadline: bw_lang::Deadline) -> Self {
        Lower {
            src,
            path,
            m: {
                let mut m = ModuleBuilder::new(path, &module_id(path), lang.name());
                m.set_comments(bw_ir::CommentSyntax {
                    line: "//",
                    block: Some(("/*", "*/")),
                    quotes: &['"', '\'', '`'],
                });
                m
            },
            fns: Vec::new(),
            columns: crate::Columns::new(src),
            cursors: Vec::new(),
            spine: Vec::new(),
            list: Vec::new(),
            deadline,
            ticks: 0,
            timed_out: false,
            pending_label: None,
            finally_nesting: 0,
            namespaces: 0,
            max_depth: MAX_DEPTH,
            interop: Vec::new(),
        }
    }

    // ------------------------------------------------------------ plumbing

    fn text(&self, n: Node) -> &'s str {
        self.src.get(n.byte_range()).unwrap_or("")
    }

    fn span(&mut self, n: Node) -> Span {
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

    /// A cursor on `n` from the pool (give it back with `cursors.push`).
    fn cursor(&mut self, n: Node<'t>) -> TreeCursor<'t> {
        match self.cursors.pop() {
            Some(mut c) => {
                c.reset(n);
                c
            }
            None => n.walk(),
        }
    }

    /// Named children (comments left out), through a pooled cursor.
    fn each_named(&mut self, n: Node<'t>, mut f: impl FnMut(&mut Self, Node<'t>)) {
        let mut c = self.cursor(n);
        if c.goto_first_child() {
            loop {
                let k = c.node();
                if k.is_named() && kind(k) != "comment" {
                    f(self, k);
                }
                if !c.goto_next_sibling() {
                    break;
                }
            }
        }
        self.cursors.push(c);
    }

    /// Whether `n` has an anonymous child token of kind `tok`.
    fn has_token(&mut self, n: Node<'t>, tok: &str) -> bool {
        let mut c = self.cursor(n);
        let mut found = false;
        if c.goto_first_child() {
            loop {
                let k = c.node();
                if !k.is_named() && kind(k) == tok {
                    found = true;
                    break;
                }
                if !c.goto_next_sibling() {
                    break;
                }
            }
        }
        self.cursors.push(c);
        found
    }

    /// The modifier tokens of a function node (one scan).
    fn modifiers(&mut self, n: Node<'t>) -> Modifiers {
        let mut c = self.cursor(n);
        let mut m = Modifiers::default();
        if c.goto_first_child() {
            loop {
                let k = c.node();
                if !k.is_named() {
                    match kind(k) {
                        "async" => m.is_async = true,
                        "*" => m.star = true,
                        "get" => m.accessor = Some(Accessor::Get),
                        "set" => m.accessor = Some(Accessor::Set),
                        "static" => m.is_static = true,
                        "(" | "=>" => break,
                        _ => {}
                    }
                }
                if !c.goto_next_sibling() {
                    break;
                }
            }
        }
        self.cursors.push(c);
        m
    }

    fn first_named(&mut self, n: Node<'t>) -> Option<Node<'t>> {
        let mut c = self.cursor(n);
        let mut first = None;
        if c.goto_first_child() {
            loop {
                let k = c.node();
                if k.is_named() && kind(k) != "comment" {
                    first = Some(k);
                    break;
                }
                if !c.goto_next_sibling() {
                    break;
                }
            }
        }
        self.cursors.push(c);
        first
    }

    /// One unit of work: false (and everything lowers to nothing more)
    /// once past the deadline.
    fn tick(&mut self) -> bool {
        if self.timed_out {
            return false;
        }
        self.ticks = self.ticks.wrapping_add(1);
        if self.ticks.is_multiple_of(1024) && self.deadline.passed() {
            self.timed_out = true;
        }
        !self.timed_out
    }

    fn fx(&mut self) -> &mut Fx<'t> {
        self.fns.last_mut().expect("inside a function")
    }

    fn push(&mut self, s: Stmt, span: Span) {
        self.fx().b.push(s, span);
    }

    fn terminate(&mut self, t: Terminator, span: Span) {
        self.fx().b.terminate(t, span);
    }

    fn goto(&mut self, b: BlockId) {
        self.fx().b.goto(b);
    }

    fn new_block(&mut self) -> BlockId {
        self.fx().b.new_block()
    }

    fn switch_to(&mut self, b: BlockId) {
        self.fx().b.switch_to(b);
    }

    fn end(&self) -> Option<BlockId> {
        self.fns.last().and_then(|f| f.b.end())
    }

    fn push_handler(&mut self, h: BlockId) {
        let fx = self.fx();
        fx.b.push_handler(h);
        fx.handlers.push(h);
    }

    fn pop_handler(&mut self) {
        let fx = self.fx();
        fx.b.pop_handler();
        fx.handlers.pop();
    }

    fn e(&mut self, e: Expr, n: Node) -> ExprId {
        let sp = self.span(n);
        self.m.expr(e, sp)
    }

    fn unknown(&mut self, n: Node) -> ExprId {
        self.e(Expr::Unknown, n)
    }

    fn str_at(&mut self, s: &str, n: Node) -> ExprId {
        self.e(Expr::Const(Const::Str(s.into())), n)
    }

    fn name_at(&mut self, s: &str, n: Node) -> ExprId {
        let s = self.m.intern(s);
        self.e(Expr::Name(s), n)
    }

    fn is_module(&self) -> bool {
        self.fns.len() == 1
    }

    fn qualify(&self, name: &str) -> String {
        match self.fns.last() {
            Some(f) if !f.prefix.is_empty() => format!("{}.{name}", f.prefix),
            _ => name.to_string(),
        }
    }

    /// A string literal's value.
    fn string_value(&self, n: Node) -> Option<String> {
        literal(n, self.src)
    }

    /// A property name as written (`a`, `"a-b"`, `1`, `#p`; a computed key
    /// as its source text).
    fn prop_name(&self, n: Node) -> String {
        match kind(n) {
            "string" => self.string_value(n).unwrap_or_default(),
            _ => self.text(n).to_string(),
        }
    }

    // ------------------------------------------------------------ module

    fn module(&mut self, root: Node<'t>) {
        let sp = self.span(root);
        self.m.func_mut(FuncId::MODULE).span = sp;
        self.fns.push(Fx {
            b: FnBuilder::new(FuncId::MODULE),
            id: FuncId::MODULE,
            prefix: String::new(),
            jumps: Vec::new(),
            finals: Vec::new(),
            handlers: Vec::new(),
        });
        self.stmts(root, 0);
        let fx = self.fns.pop().expect("module");
        fx.b.finish(&mut self.m);
    }

    /// A statement list: function declarations first (they are hoisted),
    /// then the rest in order. The children are read off the tree once,
    /// onto a stack shared by every list being lowered.
    fn stmts(&mut self, n: Node<'t>, d: u32) {
        let base = self.list.len();
        self.each_named(n, |l, k| l.list.push(k));
        let end = self.list.len();
        for i in base..end {
            let k = self.list[i];
            if is_function_decl(k) {
                self.stmt(k, d);
            }
        }
        for i in base..end {
            let k = self.list[i];
            if !is_function_decl(k) {
                self.stmt(k, d);
            }
        }
        self.list.truncate(base);
    }

    /// The body of a statement (a block or a single statement).
    fn body(&mut self, n: Node<'t>, d: u32) {
        if kind(n) == "statement_block" {
            self.stmts(n, d + 1);
        } else {
            self.stmt(n, d + 1);
        }
    }

    // ------------------------------------------------------------ statements

    fn stmt(&mut self, n: Node<'t>, d: u32) {
        if !self.tick() {
            return;
        }
        if d > self.max_depth {
            {
                let at = self.span(n);
                self.m.truncate(at);
            }
            let u = self.unknown(n);
            let sp = self.span(n);
            self.push(Stmt::Eval(u), sp);
            return;
        }
        let label = self.pending_label.take();
        match kind(n) {
            "expression_statement" => {
                self.each_named(n, |l, k| l.expr_stmt(k, d));
            }
            "lexical_declaration" | "variable_declaration" | "using_declaration" => {
                let is_var = kind(n) == "variable_declaration";
                self.each_named(n, |l, k| {
                    if kind(k) == "variable_declarator" {
                        l.declarator(k, is_var, d);
                    }
                });
            }
            "statement_block" => self.stmts(n, d + 1),
            "if_statement" => self.if_stmt(n, d),
            "while_statement" => self.while_stmt(n, label, d),
            "do_statement" => self.do_stmt(n, label, d),
            "for_statement" => self.for_stmt(n, label, d),
            "for_in_statement" => self.for_in_stmt(n, label, d),
            "switch_statement" => self.switch_stmt(n, label, d),
            "try_statement" => self.try_stmt(n, d),
            "return_statement" => {
                let sp = self.span(n);
                let v = self.first_named(n).map(|v| self.expr(v, d + 1));
                self.run_finals(None, d);
                self.terminate(Terminator::Return(v), sp);
            }
            "throw_statement" => {
                let sp = self.span(n);
                let v = self.first_named(n).map(|v| self.expr(v, d + 1));
                self.terminate(Terminator::Throw(v), sp);
            }
            "break_statement" | "continue_statement" => self.jump(n, d),
            "labeled_statement" => self.labeled(n, d),
            "function_declaration" | "generator_function_declaration" => {
                self.function_decl(n, d);
            }
            "class_declaration" | "abstract_class_declaration" => {
                self.class_decl(n, Vec::new(), d);
            }
            "import_statement" => self.import_stmt(n),
            "export_statement" => self.export_stmt(n, d),
            "enum_declaration" => self.enum_decl(n, d),
            "internal_module" | "module" => {
                if let Some(b) = n.field("body") {
                    self.namespaces += 1;
                    self.stmts(b, d + 1);
                    self.namespaces -= 1;
                }
            }
            "with_statement" => {
                if let Some(o) = n.field("object") {
                    let sp = self.span(o);
                    let v = self.expr(o, d + 1);
                    self.push(Stmt::Eval(v), sp);
                }
                if let Some(b) = n.field("body") {
                    self.body(b, d);
                }
            }
            "empty_statement"
            | "debugger_statement"
            | "interface_declaration"
            | "type_alias_declaration"
            | "ambient_declaration"
            | "function_signature"
            | "abstract_method_signature"
            | "import_alias"
            | "hash_bang_line"
            | "comment" => {}
            _ => self.unknown_stmt(n, d),
        }
    }

    /// A statement not modelled (or an `ERROR` node): its statements and
    /// expressions, each for itself.
    fn unknown_stmt(&mut self, n: Node<'t>, d: u32) {
        self.each_named(n, |l, k| {
            let kk = kind(k);
            if kk.ends_with("_statement")
                || kk.ends_with("_declaration")
                || kk == "statement_block"
                || kk == "ERROR"
            {
                l.stmt(k, d + 1);
            } else {
                l.expr_stmt(k, d + 1);
            }
        });
    }

    /// An expression evaluated for its effect.
    fn expr_stmt(&mut self, n: Node<'t>, d: u32) {
        if d > self.max_depth {
            {
                let at = self.span(n);
                self.m.truncate(at);
            }
            return;
        }
        let sp = self.span(n);
        match kind(n) {
            "assignment_expression" => {
                self.assign(n, d, false);
            }
            "augmented_assignment_expression" => {
                self.aug_assign(n, d, false);
            }
            "update_expression" => {
                self.update(n, d, false);
            }
            "sequence_expression" => self.each_named(n, |l, k| l.expr_stmt(k, d + 1)),
            "parenthesized_expression" => {
                let i = self.unwrap(n);
                if i != n {
                    self.expr_stmt(i, d);
                } else if let Some(seq) = self.first_named(n) {
                    // `(a, b)`
                    self.expr_stmt(seq, d + 1);
                }
            }
            "unary_expression"
                if n.field("operator")
                    .is_some_and(|o| self.text(o) == "delete") =>
            {
                if let Some(a) = n.field("argument") {
                    let p = self.target(a, d + 1);
                    self.push(Stmt::Delete(p), sp);
                }
            }
            "internal_module" | "module" => self.stmt(n, d),
            _ => {
                let v = self.expr(n, d);
                // A constant statement does nothing, except a directive
                // (`'use server'`, `'use strict'`), which frameworks read.
                if !matches!(self.m.module().expr(v), Expr::Const(_)) || is_directive(n) {
                    self.push(Stmt::Eval(v), sp);
                }
            }
        }
    }

    fn declarator(&mut self, n: Node<'t>, is_var: bool, d: u32) {
        let Some(name) = n.field("name") else { return };
        let sp = self.span(n);
        let value = n.field("value");
        if let Some(v) = value
            && self.require_binding(name, v)
        {
            return;
        }
        let hint = (kind(name) == "identifier").then(|| self.text(name));
        let v = match value {
            Some(v) => self.value(v, hint, d + 1),
            None if is_var => return,
            None => self.e(Expr::Const(Const::Null), n),
        };
        let target = self.pattern(name, d + 1);
        self.push(Stmt::Assign { target, value: v }, sp);
    }

    fn require_of(&self, n: Node<'t>) -> Option<(String, Option<String>)> {
        require_of(n, self.src)
    }

    /// The `require(…)` inside a compiler's interop wrapper
    /// (`__importDefault(require('m'))`, [`INTEROP`]).
    fn interop_require(&self, n: Node<'t>) -> Option<Node<'t>> {
        if kind(n) != "call_expression" {
            return None;
        }
        let first = first_arg_of_call_to(n, self.src, INTEROP)?;
        (kind(first) == "call_expression").then_some(first)
    }

    /// The first named child as an expression ([`Expr::Unknown`] when
    /// there is none).
    fn first_expr(&mut self, n: Node<'t>, d: u32) -> ExprId {
        match self.first_named(n) {
            Some(x) => self.expr(x, d + 1),
            None => self.unknown(n),
        }
    }

    /// Whether a call is `require(…)` (its first child is `require`).
    fn is_require(&self, n: Node<'t>) -> bool {
        n.child(0)
            .is_some_and(|f| kind(f) == "identifier" && self.text(f) == "require")
            && self.require_of(n).is_some()
    }

    /// `require('m')` where no declaration binds it (`app.use('/u',
    /// require('./users'))`): an import bound to a name no code can spell,
    /// `require:<module>`, which the expression reads.
    fn inline_require(&mut self, n: Node<'t>, spec: &str) -> ExprId {
        let module = import_module(self.path, spec);
        let local = format!("require:{module}");
        // Only an import interns such a name: one import per module.
        if self.m.module().names.get(&local).is_none() {
            let sp = self.span(n);
            self.m.import(&local, &module, None, sp);
        }
        self.name_at(&local, n)
    }

    /// `const x = require('m')`, `const {a, b: c} = require('m')`: imports.
    /// False (nothing done) for anything else.
    fn require_binding(&mut self, name: Node<'t>, value: Node<'t>) -> bool {
        // `const x_1 = __importDefault(require('m'))`: compiled imports.
        if kind(name) == "identifier"
            && let Some(inner) = self.interop_require(value)
            && let Some((spec, None)) = self.require_of(inner)
        {
            let module = import_module(self.path, &spec);
            let local = self.text(name);
            let sp = self.span(value);
            self.m.import(local, &module, None, sp);
            let s = self.m.intern(local);
            self.interop.push(s);
            return true;
        }
        let Some((spec, member)) = self.require_of(value) else {
            return false;
        };
        let module = import_module(self.path, &spec);
        let sp = self.span(value);
        match kind(name) {
            "identifier" => {
                let local = self.text(name);
                self.m.import(local, &module, member.as_deref(), sp);
                true
            }
            "object_pattern" => {
                let mut simple = true;
                let mut binds: Vec<(&'s str, String)> = Vec::new();
                self.each_named(name, |l, p| match kind(p) {
                    "shorthand_property_identifier_pattern" => {
                        let t = l.text(p);
                        binds.push((t, t.to_string()));
                    }
                    "pair_pattern" => match (p.field("key"), p.field("value")) {
                        (Some(k), Some(v)) if kind(v) == "identifier" => {
                            binds.push((l.text(v), l.prop_name(k)));
                        }
                        _ => simple = false,
                    },
                    _ => simple = false,
                });
                if !simple {
                    return false;
                }
                for (local, key) in binds {
                    let member = match &member {
                        Some(m) => format!("{m}.{key}"),
                        None => key,
                    };
                    self.m.import(local, &module, Some(&member), sp);
                }
                true
            }
            _ => false,
        }
    }

    /// The value of a binding: a function or class takes the name it is
    /// bound to.
    fn value(&mut self, n: Node<'t>, hint: Option<&str>, d: u32) -> ExprId {
        let n = self.unwrap(n);
        match kind(n) {
            "arrow_function" | "function_expression" | "function" | "generator_function" => {
                if d > self.max_depth {
                    return self.expr(n, d);
                }
                let f = self.function(n, hint, None, None, Vec::new(), d);
                self.e(Expr::Func(f), n)
            }
            "class" => {
                if d > self.max_depth {
                    return self.expr(n, d);
                }
                let c = self.class(n, hint, Vec::new(), d);
                self.e(Expr::Class(c), n)
            }
            _ => self.expr(n, d),
        }
    }

    /// An expression without the parentheses, casts and non-null
    /// assertions around it (a loop: they cost no depth).
    fn unwrap(&mut self, mut n: Node<'t>) -> Node<'t> {
        while matches!(
            kind(n),
            "parenthesized_expression"
                | "as_expression"
                | "satisfies_expression"
                | "non_null_expression"
        ) {
            match self.first_named(n) {
                Some(i) if kind(i) != "sequence_expression" => n = i,
                _ => break,
            }
        }
        n
    }

    /// An assignment target.
    fn target(&mut self, n: Node<'t>, d: u32) -> Pattern {
        match kind(n) {
            "member_expression" => {
                let (Some(o), Some(p)) = (n.field("object"), n.field("property")) else {
                    return Pattern::Ignore;
                };
                let obj = self.expr(o, d + 1);
                let name = self.m.intern(self.text(p));
                Pattern::Field { obj, name }
            }
            "subscript_expression" => {
                let (Some(o), Some(i)) = (n.field("object"), n.field("index")) else {
                    return Pattern::Ignore;
                };
                let obj = self.expr(o, d + 1);
                let index = self.expr(i, d + 1);
                Pattern::Index { obj, index }
            }
            "parenthesized_expression" | "non_null_expression" | "as_expression" => {
                let i = self.unwrap(n);
                if i == n {
                    Pattern::Ignore
                } else {
                    self.target(i, d)
                }
            }
            _ => self.pattern(n, d),
        }
    }

    /// A binding pattern.
    fn pattern(&mut self, n: Node<'t>, d: u32) -> Pattern {
        if d > self.max_depth {
            {
                let at = self.span(n);
                self.m.truncate(at);
            }
            return Pattern::Ignore;
        }
        match kind(n) {
            "identifier" | "shorthand_property_identifier_pattern" => {
                Pattern::Name(self.m.intern(self.text(n)))
            }
            "undefined" => Pattern::Ignore,
            "assignment_pattern" | "object_assignment_pattern" => {
                let (Some(l), Some(r)) = (n.field("left"), n.field("right")) else {
                    return Pattern::Ignore;
                };
                let p = self.pattern(l, d + 1);
                let v = self.expr(r, d + 1);
                Pattern::Default(Box::new(p), v)
            }
            "object_pattern" => {
                let mut props = Vec::new();
                let mut rest = None;
                self.each_named(n, |l, p| match kind(p) {
                    "shorthand_property_identifier_pattern" => {
                        let s = l.m.intern(l.text(p));
                        props.push((s, Pattern::Name(s)));
                    }
                    "object_assignment_pattern" => {
                        if let Some(left) = p.field("left") {
                            let key = l.m.intern(l.text(left));
                            let pat = l.pattern(p, d + 1);
                            props.push((key, pat));
                        }
                    }
                    "pair_pattern" => {
                        if let (Some(k), Some(v)) = (p.field("key"), p.field("value")) {
                            let key = l.prop_name(k);
                            let key = l.m.intern(&key);
                            let pat = l.pattern(v, d + 1);
                            props.push((key, pat));
                        }
                    }
                    "rest_pattern" => {
                        if let Some(i) = l.first_named(p) {
                            rest = Some(Box::new(l.pattern(i, d + 1)));
                        }
                    }
                    _ => {}
                });
                Pattern::Object { props, rest }
            }
            "array_pattern" => {
                let (items, rest) = self.seq_pattern(n, d);
                Pattern::Seq { items, rest }
            }
            "rest_pattern" => match self.first_named(n) {
                Some(i) => self.pattern(i, d + 1),
                None => Pattern::Ignore,
            },
            "member_expression"
            | "subscript_expression"
            | "parenthesized_expression"
            | "non_null_expression" => self.target(n, d),
            _ => Pattern::Ignore,
        }
    }

    /// `[a, , b = 1, ...rest]`: holes keep their place as `_`.
    fn seq_pattern(&mut self, n: Node<'t>, d: u32) -> (Vec<Pattern>, Option<Box<Pattern>>) {
        let mut items = Vec::new();
        let mut rest = None;
        let mut got = false;
        let mut c = n.walk();
        if c.goto_first_child() {
            loop {
                let k = c.node();
                match kind(k) {
                    "," => {
                        if !got {
                            items.push(Pattern::Ignore);
                        }
                        got = false;
                    }
                    "rest_pattern" => {
                        if let Some(i) = self.first_named(k) {
                            rest = Some(Box::new(self.pattern(i, d + 1)));
                        }
                        got = true;
                    }
                    "comment" => {}
                    _ if k.is_named() => {
                        let p = self.pattern(k, d + 1);
                        items.push(p);
                        got = true;
                    }
                    _ => {}
                }
                if !c.goto_next_sibling() {
                    break;
                }
            }
        }
        (items, rest)
    }

    /// The value a target holds, read back.
    fn read(&mut self, p: &Pattern, n: Node) -> ExprId {
        match p {
            Pattern::Name(s) => self.e(Expr::Name(*s), n),
            Pattern::Field { obj, name } => self.e(
                Expr::Field {
                    obj: *obj,
                    name: *name,
                    optional: false,
                },
                n,
            ),
            Pattern::Index { obj, index } => self.e(
                Expr::Index {
                    obj: *obj,
                    index: *index,
                },
                n,
            ),
            _ => self.unknown(n),
        }
    }

    /// `target = value` as a statement; returns the target read back.
    fn assign(&mut self, n: Node<'t>, d: u32, back: bool) -> Option<ExprId> {
        let sp = self.span(n);
        let (Some(l), Some(r)) = (n.field("left"), n.field("right")) else {
            return None;
        };
        if self.is_module() && self.commonjs_export(n, l, r, d) {
            // `exports = module.exports = x` reads the export back.
            let t = self.target(l, d + 1);
            return back.then(|| self.read(&t, n));
        }
        let hint = match kind(l) {
            "identifier" => Some(self.text(l)),
            "member_expression" => l.field("property").map(|p| self.text(p)),
            _ => None,
        };
        let value = self.value(r, hint, d + 1);
        let target = self.target(l, d + 1);
        let back = back.then(|| self.read(&target, n));
        self.push(Stmt::Assign { target, value }, sp);
        back
    }

    /// The dotted text of `module.exports` / `exports` targets: `Some("")`
    /// for the whole module, `Some(k)` for `exports.k`.
    fn export_target(&self, l: Node) -> Option<&'s str> {
        if kind(l) != "member_expression" {
            return None;
        }
        let (o, p) = (l.field("object")?, l.field("property")?);
        let (ot, pt) = (self.text(o), self.text(p));
        if ot == "module" && pt == "exports" {
            return Some("");
        }
        if ot == "exports" || ot == "module.exports" {
            return Some(pt);
        }
        None
    }

    /// `module.exports = …`, `module.exports.k = …`, `exports.k = …` at
    /// the module's top level: the assignment and its exports. False when
    /// the target is something else.
    fn commonjs_export(&mut self, n: Node<'t>, l: Node<'t>, r: Node<'t>, d: u32) -> bool {
        let Some(key) = self.export_target(l) else {
            return false;
        };
        let sp = self.span(n);
        let value = if key.is_empty() && kind(r) == "object" {
            // Each key exported; values without a name of their own bound
            // to `exports.k` first.
            let mut entries = Vec::new();
            self.each_named(r, |lw, p| {
                let (key, vnode) = match kind(p) {
                    "pair" => match (p.field("key"), p.field("value")) {
                        (Some(k), Some(v)) if kind(k) != "computed_property_name" => {
                            (lw.prop_name(k), Some(v))
                        }
                        _ => {
                            lw.object_entry(p, &mut entries, d + 1);
                            return;
                        }
                    },
                    "shorthand_property_identifier" => (lw.text(p).to_string(), None),
                    "method_definition" => match p.field("name") {
                        Some(k) if kind(k) != "computed_property_name" => (lw.prop_name(k), None),
                        _ => {
                            lw.object_entry(p, &mut entries, d + 1);
                            return;
                        }
                    },
                    _ => {
                        lw.object_entry(p, &mut entries, d + 1);
                        return;
                    }
                };
                let psp = lw.span(p);
                let v = match (kind(p), vnode) {
                    ("method_definition", _) => {
                        let f = lw.function(p, Some(&key), None, None, Vec::new(), d + 1);
                        lw.e(Expr::Func(f), p)
                    }
                    (_, Some(v)) => lw.value(v, Some(&key), d + 1),
                    (_, None) => lw.name_at(&key, p),
                };
                let local = lw.export_local(v, &format!("exports:{key}"), psp);
                lw.m.export(&key, &local, psp);
                let k = lw.str_at(&key, p);
                let v = lw.name_at(&local, p);
                entries.push(Entry::Pair(k, v));
            });
            self.e(Expr::Dict(entries), r)
        } else {
            let name = if key.is_empty() { "default" } else { key };
            let v = self.value(r, Some(name), d + 1);
            let synthetic = if key.is_empty() {
                "default".to_string()
            } else {
                format!("exports:{key}")
            };
            let local = self.export_local(v, &synthetic, sp);
            self.m.export(name, &local, sp);
            self.name_at(&local, r)
        };
        let target = self.target(l, d + 1);
        self.push(Stmt::Assign { target, value }, sp);
        true
    }

    /// The module-level name an exported value goes by: its own name, or
    /// `synthetic`, bound to it here.
    fn export_local(&mut self, v: ExprId, synthetic: &str, sp: Span) -> String {
        if let Expr::Name(s) = self.m.module().expr(v) {
            return self.m.module().name(*s).to_string();
        }
        self.bind(synthetic, v, sp);
        synthetic.to_string()
    }

    fn aug_assign(&mut self, n: Node<'t>, d: u32, back: bool) -> Option<ExprId> {
        let sp = self.span(n);
        let (Some(l), Some(r), Some(o)) = (n.field("left"), n.field("right"), n.field("operator"))
        else {
            return None;
        };
        let op = self.text(o);
        let op = op.strip_suffix('=').unwrap_or(op);
        let value = self.expr(r, d + 1);
        let target = self.target(l, d + 1);
        let back = back.then(|| self.read(&target, n));
        if let Some(lop) = logic_op(op) {
            let cur = self.read(&target, l);
            let v = self.e(Expr::Logical(lop, cur, value), n);
            self.push(Stmt::Assign { target, value: v }, sp);
        } else {
            let op = bin_op(op).unwrap_or(BinOp::Add);
            self.push(Stmt::AugAssign { target, op, value }, sp);
        }
        back
    }

    fn update(&mut self, n: Node<'t>, d: u32, back: bool) -> Option<ExprId> {
        let sp = self.span(n);
        let (Some(a), Some(o)) = (n.field("argument"), n.field("operator")) else {
            return None;
        };
        let op = if self.text(o) == "--" {
            BinOp::Sub
        } else {
            BinOp::Add
        };
        let target = self.target(a, d + 1);
        let back = back.then(|| self.read(&target, n));
        let one = self.e(Expr::Const(Const::Int(1)), o);
        self.push(
            Stmt::AugAssign {
                target,
                op,
                value: one,
            },
            sp,
        );
        back
    }

    // ------------------------------------------------------------ control flow

    /// A condition (`(x)` unwrapped).
    fn cond(&mut self, n: Option<Node<'t>>, at: Node<'t>, d: u32) -> ExprId {
        match n {
            Some(c) => self.expr(c, d + 1),
            None => self.unknown(at),
        }
    }

    fn if_stmt(&mut self, n: Node<'t>, d: u32) {
        let mut ends: Vec<Option<BlockId>> = Vec::new();
        let mut cur = n;
        loop {
            let cn = cur.field("condition");
            let c = self.cond(cn, cur, d);
            let sp = self.span(cn.unwrap_or(cur));
            let (t, o) = self.fx().b.branch(c, sp);
            self.switch_to(t);
            if let Some(b) = cur.field("consequence") {
                self.body(b, d);
            }
            ends.push(self.end());
            self.switch_to(o);
            let alt = cur.field("alternative").and_then(|e| self.first_named(e));
            match alt {
                Some(a) if kind(a) == "if_statement" => {
                    if !self.tick() {
                        break;
                    }
                    cur = a;
                }
                Some(a) => {
                    self.body(a, d);
                    ends.push(self.end());
                    break;
                }
                None => {
                    ends.push(Some(o));
                    break;
                }
            }
        }
        self.fx().b.join(&ends);
    }

    fn loop_body(&mut self, body: Option<Node<'t>>, jump: Jump, d: u32) {
        self.fx().jumps.push(jump);
        if let Some(b) = body {
            self.body(b, d);
        }
        self.fx().jumps.pop();
    }

    /// A loop whose `head` ends in a branch on `cond`: the body runs and
    /// goes back to `head` (where `continue` goes too); the builder is
    /// left after the loop.
    fn loop_from(
        &mut self,
        n: Node<'t>,
        label: Option<Sym>,
        head: BlockId,
        cond: ExprId,
        sp: Span,
        d: u32,
    ) {
        let (body, exit) = self.fx().b.branch(cond, sp);
        self.switch_to(body);
        let jump = Jump {
            label,
            cont: Some(head),
            brk: exit,
            plain_break: true,
        };
        self.loop_body(n.field("body"), jump, d);
        self.goto(head);
        self.switch_to(exit);
    }

    fn while_stmt(&mut self, n: Node<'t>, label: Option<Sym>, d: u32) {
        let head = self.new_block();
        self.goto(head);
        self.switch_to(head);
        let cn = n.field("condition");
        let c = self.cond(cn, n, d);
        let sp = self.span(cn.unwrap_or(n));
        self.loop_from(n, label, head, c, sp, d);
    }

    fn do_stmt(&mut self, n: Node<'t>, label: Option<Sym>, d: u32) {
        let body = self.new_block();
        let test = self.new_block();
        let exit = self.new_block();
        self.goto(body);
        self.switch_to(body);
        let jump = Jump {
            label,
            cont: Some(test),
            brk: exit,
            plain_break: true,
        };
        self.loop_body(n.field("body"), jump, d);
        self.goto(test);
        self.switch_to(test);
        let cn = n.field("condition");
        let c = self.cond(cn, n, d);
        let sp = self.span(cn.unwrap_or(n));
        self.terminate(
            Terminator::Branch {
                cond: c,
                then: body,
                other: exit,
            },
            sp,
        );
        self.switch_to(exit);
    }

    fn for_stmt(&mut self, n: Node<'t>, label: Option<Sym>, d: u32) {
        if let Some(init) = n.field("initializer") {
            match kind(init) {
                "lexical_declaration" | "variable_declaration" => self.stmt(init, d + 1),
                "empty_statement" | ";" => {}
                _ => self.expr_stmt(init, d + 1),
            }
        }
        let head = self.new_block();
        self.goto(head);
        self.switch_to(head);
        let cond = n
            .field("condition")
            .filter(|c| !matches!(kind(*c), ";" | "empty_statement"));
        let (body, exit) = match cond {
            Some(c) => {
                let ce = self.expr(c, d + 1);
                let sp = self.span(c);
                self.fx().b.branch(ce, sp)
            }
            None => {
                let (b, e) = (self.new_block(), self.new_block());
                self.goto(b);
                (b, e)
            }
        };
        let incr = self.new_block();
        self.switch_to(body);
        let jump = Jump {
            label,
            cont: Some(incr),
            brk: exit,
            plain_break: true,
        };
        self.loop_body(n.field("body"), jump, d);
        self.goto(incr);
        self.switch_to(incr);
        if let Some(i) = n.field("increment") {
            self.expr_stmt(i, d + 1);
        }
        self.goto(head);
        self.switch_to(exit);
    }

    fn for_in_stmt(&mut self, n: Node<'t>, label: Option<Sym>, d: u32) {
        let sp = self.span(n);
        let iter = match n.field("right") {
            Some(r) => self.expr(r, d + 1),
            None => self.unknown(n),
        };
        let is_async = self.has_token(n, "await");
        let head = self.new_block();
        self.goto(head);
        self.switch_to(head);
        let target = match n.field("left") {
            Some(l) => self.target(l, d + 1),
            None => Pattern::Ignore,
        };
        self.push(
            Stmt::Iterate {
                target,
                iter,
                is_async,
            },
            sp,
        );
        let more = self.unknown(n);
        self.loop_from(n, label, head, more, sp, d);
    }

    fn switch_stmt(&mut self, n: Node<'t>, label: Option<Sym>, d: u32) {
        let sp = self.span(n);
        let on = match n.field("value") {
            Some(v) => self.expr(v, d + 1),
            None => self.unknown(n),
        };
        let exit = self.new_block();
        let mut cases: Vec<(ExprId, BlockId)> = Vec::new();
        let mut blocks: Vec<(Node<'t>, BlockId)> = Vec::new();
        let mut default = None;
        if let Some(body) = n.field("body") {
            self.each_named(body, |l, c| {
                let b = l.new_block();
                match kind(c) {
                    "switch_case" => {
                        let v = match c.field("value") {
                            Some(v) => l.expr(v, d + 1),
                            None => l.unknown(c),
                        };
                        cases.push((v, b));
                    }
                    "switch_default" => default = Some(b),
                    _ => return,
                }
                blocks.push((c, b));
            });
        }
        self.terminate(
            Terminator::Switch {
                on,
                cases,
                default: default.unwrap_or(exit),
            },
            sp,
        );
        self.fx().jumps.push(Jump {
            label,
            cont: None,
            brk: exit,
            plain_break: true,
        });
        for i in 0..blocks.len() {
            let (c, b) = blocks[i];
            self.switch_to(b);
            let value = c.field("value").map(|v| v.id());
            self.each_named(c, |l, s| {
                if Some(s.id()) != value {
                    l.stmt(s, d + 1);
                }
            });
            let next = blocks.get(i + 1).map_or(exit, |x| x.1);
            self.goto(next);
        }
        self.fx().jumps.pop();
        self.switch_to(exit);
    }

    fn labeled(&mut self, n: Node<'t>, d: u32) {
        let label = n.field("label").map(|l| self.m.intern(self.text(l)));
        let Some(body) = n.field("body") else { return };
        if is_loop(kind(body)) {
            self.pending_label = label;
            self.stmt(body, d + 1);
            self.pending_label = None;
            return;
        }
        let exit = self.new_block();
        self.fx().jumps.push(Jump {
            label,
            cont: None,
            brk: exit,
            plain_break: false,
        });
        self.body(body, d);
        self.fx().jumps.pop();
        self.goto(exit);
        self.switch_to(exit);
    }

    fn jump(&mut self, n: Node<'t>, d: u32) {
        let is_break = kind(n) == "break_statement";
        let label = n.field("label").map(|l| self.m.intern(self.text(l)));
        let fx = self.fns.last().expect("function");
        let found = fx.jumps.iter().enumerate().rev().find_map(|(i, j)| {
            let ok = match label {
                Some(l) => j.label == Some(l) && (is_break || j.cont.is_some()),
                None if is_break => j.plain_break,
                None => j.cont.is_some(),
            };
            ok.then_some((i, if is_break { Some(j.brk) } else { j.cont }))
        });
        let sp = self.span(n);
        match found {
            Some((i, Some(target))) => {
                self.run_finals(Some(i), d);
                self.terminate(Terminator::Goto(target), sp);
            }
            // A jump to nowhere (bad code): control stops here.
            _ => self.terminate(Terminator::Unreachable, sp),
        }
    }

    /// Lower the `finally` bodies an exit leaves, innermost first: all of
    /// them for a `return` (`to: None`), those of `try`s entered after
    /// jump target `to` otherwise.
    fn run_finals(&mut self, to: Option<usize>, d: u32) {
        let mut i = self.fx().finals.len();
        while i > 0 {
            i -= 1;
            let (body, jumps, handlers, copies) = {
                let f = &self.fx().finals[i];
                (f.body, f.jumps, f.handlers, f.copies)
            };
            if let Some(t) = to
                && jumps <= t
            {
                break;
            }
            if copies >= FINALLY_COPIES || self.finally_nesting >= FINALLY_NESTING {
                continue;
            }
            self.fx().finals[i].copies += 1;
            // Run the copy under the handler outside its `try`, with the
            // `finally`s outside it only.
            let saved_finals = self.fx().finals.split_off(i);
            let mut saved_handlers = Vec::new();
            while self.fx().handlers.len() > handlers {
                saved_handlers.push(self.fx().handlers.last().copied().expect("handler"));
                self.pop_handler();
            }
            let b = self.new_block();
            self.goto(b);
            self.switch_to(b);
            self.finally_nesting += 1;
            self.stmts(body, d + 1);
            self.finally_nesting -= 1;
            while let Some(h) = saved_handlers.pop() {
                self.push_handler(h);
            }
            self.fx().finals.extend(saved_finals);
        }
    }

    fn try_stmt(&mut self, n: Node<'t>, d: u32) {
        let fin = n
            .field("finalizer")
            .and_then(|f| f.field("body").or_else(|| self.first_named(f)));
        let catch = n.field("handler");
        let outer_handlers = self.fx().handlers.len();
        let fe = fin.map(|_| self.new_block());
        if let Some(fe) = fe {
            self.push_handler(fe);
        }
        let h = catch.map(|_| self.new_block());
        if let Some(body) = fin {
            let jumps = self.fx().jumps.len();
            self.fx().finals.push(Final {
                body,
                jumps,
                handlers: outer_handlers,
                copies: 0,
            });
        }
        if let Some(h) = h {
            self.push_handler(h);
        }
        let start = self.new_block();
        self.goto(start);
        self.switch_to(start);
        if let Some(b) = n.field("body") {
            self.stmts(b, d + 1);
        }
        let mut ends = vec![self.end()];
        if let (Some(h), Some(c)) = (h, catch) {
            self.pop_handler();
            self.switch_to(h);
            let sp = self.span(c);
            let target = c.field("parameter").map(|p| self.pattern(p, d + 1));
            self.push(
                Stmt::Catch {
                    target,
                    types: Vec::new(),
                },
                sp,
            );
            if let Some(b) = c.field("body") {
                self.stmts(b, d + 1);
            }
            ends.push(self.end());
        }
        if let (Some(fe), Some(body)) = (fe, fin) {
            self.pop_handler();
            self.fx().finals.pop();
            self.fx().b.join(&ends);
            // The normal way out.
            self.finally_nesting += 1;
            self.stmts(body, d + 1);
            let cont = self.fx().b.current();
            // The exception path: the finally body, then rethrow.
            self.switch_to(fe);
            if self.finally_nesting <= FINALLY_NESTING {
                self.stmts(body, d + 1);
            }
            self.finally_nesting -= 1;
            let sp = self.span(n);
            self.terminate(Terminator::Throw(None), sp);
            self.switch_to(cont);
        } else {
            self.fx().b.join(&ends);
        }
    }

    // ------------------------------------------------------------ definitions

    /// `local = value` as a statement.
    fn bind(&mut self, local: &str, value: ExprId, sp: Span) -> Sym {
        let s = self.m.intern(local);
        self.push(
            Stmt::Assign {
                target: Pattern::Name(s),
                value,
            },
            sp,
        );
        s
    }

    fn function_decl(&mut self, n: Node<'t>, d: u32) -> Option<Sym> {
        let name = n.field("name").map(|x| self.text(x));
        let f = self.function(n, name, None, None, Vec::new(), d);
        let sp = self.span(n);
        let v = self.m.expr(Expr::Func(f), sp);
        Some(self.bind(name.unwrap_or("default"), v, sp))
    }

    fn class_decl(&mut self, n: Node<'t>, decorators: Vec<ExprId>, d: u32) -> Option<Sym> {
        let name = n.field("name").map(|x| self.text(x));
        let c = self.class(n, name, decorators, d);
        let sp = self.span(n);
        let v = self.m.expr(Expr::Class(c), sp);
        Some(self.bind(name.unwrap_or("default"), v, sp))
    }

    /// A simple type annotation: a type's name or dotted path.
    fn annotation(&mut self, n: Option<Node<'t>>) -> Option<ExprId> {
        let mut t = n?;
        if kind(t) == "type_annotation" {
            t = self.first_named(t)?;
        }
        if kind(t) == "generic_type" {
            t = t.field("name")?;
        }
        match kind(t) {
            "type_identifier" | "predefined_type" | "nested_type_identifier" | "identifier" => {
                let text = self.text(t);
                if text
                    .contains(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '$'))
                {
                    return None;
                }
                let sp = self.span(t);
                Some(self.m.path(text, sp))
            }
            _ => None,
        }
    }

    fn decorators_of(&mut self, n: Node<'t>, out: &mut Vec<ExprId>, d: u32) {
        self.each_named(n, |l, k| {
            if kind(k) == "decorator"
                && let Some(e) = l.first_named(k)
            {
                let v = l.expr(e, d + 1);
                out.push(v);
            }
        });
    }

    /// Lower a function (any kind of function node); returns its id.
    fn function(
        &mut self,
        n: Node<'t>,
        name: Option<&str>,
        class: Option<ClassId>,
        qualified: Option<String>,
        decorators: Vec<ExprId>,
        d: u32,
    ) -> FuncId {
        let k = kind(n);
        let own = n
            .field("name")
            .filter(|_| k != "method_definition")
            .map(|x| self.text(x));
        let fkind = match k {
            "arrow_function" => FuncKind::Lambda,
            "function_expression" | "function" | "generator_function" if own.is_none() => {
                FuncKind::Lambda
            }
            _ => FuncKind::Def,
        };
        let name = own.or(name).unwrap_or("<lambda>").to_string();
        let qualified = qualified.unwrap_or_else(|| self.qualify(&name));
        let sp = self.span(n);
        let parent = self.fns.last().map(|f| f.id);
        let id = self.m.function(fkind, &name, &qualified, parent, sp);
        let mods = self.modifiers(n);
        {
            let f = self.m.func_mut(id);
            f.class = class;
            f.is_async = mods.is_async;
            f.is_generator = k.starts_with("generator_") || mods.star;
            f.accessor = mods.accessor;
            f.is_static = mods.is_static;
            f.decorators = decorators;
        }
        self.fns.push(Fx {
            b: FnBuilder::new(id),
            id,
            prefix: qualified,
            jumps: Vec::new(),
            finals: Vec::new(),
            handlers: Vec::new(),
        });
        let mut params = Vec::new();
        let mut props: Vec<(Sym, Span)> = Vec::new();
        let mut param_decorators = Vec::new();
        if let Some(p) = n.field("parameter") {
            let sp = self.span(p);
            params.push(Param {
                pattern: self.pattern(p, d + 1),
                kind: ParamKind::Positional,
                default: None,
                annotation: None,
                span: sp,
            });
        } else if let Some(ps) = n.field("parameters") {
            self.each_named(ps, |l, p| {
                let mut decs = Vec::new();
                if let Some(param) = l.param(p, &mut props, &mut decs, d) {
                    let i = params.len() as u32;
                    param_decorators.extend(decs.into_iter().map(|e| (i, e)));
                    params.push(param);
                }
            });
        }
        let f = self.m.func_mut(id);
        f.params = params;
        f.param_decorators = param_decorators;
        for (s, sp) in props {
            let this = self.m.expr(Expr::This, sp);
            let v = self.m.expr(Expr::Name(s), sp);
            self.push(
                Stmt::Assign {
                    target: Pattern::Field { obj: this, name: s },
                    value: v,
                },
                sp,
            );
        }
        match n.field("body") {
            Some(b) if kind(b) == "statement_block" => self.stmts(b, d + 1),
            Some(b) => {
                let v = self.expr(b, d + 1);
                let sp = self.span(b);
                self.terminate(Terminator::Return(Some(v)), sp);
            }
            None => {}
        }
        let fx = self.fns.pop().expect("function");
        fx.b.finish(&mut self.m);
        id
    }

    /// One formal parameter; a TypeScript parameter property adds its
    /// name to `props`.
    fn param(
        &mut self,
        p: Node<'t>,
        props: &mut Vec<(Sym, Span)>,
        decorators: &mut Vec<ExprId>,
        d: u32,
    ) -> Option<Param> {
        let span = self.span(p);
        match kind(p) {
            "required_parameter" | "optional_parameter" => {
                let pat = p.field("pattern")?;
                if kind(pat) == "this" {
                    return None;
                }
                self.decorators_of(p, decorators, d);
                let (pkind, pattern) = if kind(pat) == "rest_pattern" {
                    (ParamKind::Rest, self.pattern(pat, d + 1))
                } else {
                    (ParamKind::Positional, self.pattern(pat, d + 1))
                };
                let mut is_prop = false;
                self.each_named(p, |_, k| {
                    if matches!(kind(k), "accessibility_modifier" | "override_modifier") {
                        is_prop = true;
                    }
                });
                if (is_prop || self.has_token(p, "readonly"))
                    && let Pattern::Name(s) = pattern
                {
                    props.push((s, span));
                }
                let annotation = self.annotation(p.field("type"));
                let default = p.field("value").map(|v| self.expr(v, d + 1));
                Some(Param {
                    pattern,
                    kind: pkind,
                    default,
                    annotation,
                    span,
                })
            }
            "assignment_pattern" => {
                let pattern = self.pattern(p.field("left")?, d + 1);
                let default = p.field("right").map(|v| self.expr(v, d + 1));
                Some(Param {
                    pattern,
                    kind: ParamKind::Positional,
                    default,
                    annotation: None,
                    span,
                })
            }
            "rest_pattern" => Some(Param {
                pattern: self.pattern(p, d + 1),
                kind: ParamKind::Rest,
                default: None,
                annotation: None,
                span,
            }),
            "decorator" => None,
            _ => Some(Param {
                pattern: self.pattern(p, d + 1),
                kind: ParamKind::Positional,
                default: None,
                annotation: None,
                span,
            }),
        }
    }

    fn class(
        &mut self,
        n: Node<'t>,
        hint: Option<&str>,
        mut decorators: Vec<ExprId>,
        d: u32,
    ) -> ClassId {
        let name = n
            .field("name")
            .map(|x| self.text(x))
            .or(hint)
            .unwrap_or("<class>");
        let qualified = self.qualify(name);
        let sp = self.span(n);
        let cid = self.m.class(name, &qualified, sp);
        self.decorators_of(n, &mut decorators, d);
        let mut bases = Vec::new();
        self.each_named(n, |l, h| {
            if kind(h) != "class_heritage" {
                return;
            }
            l.each_named(h, |l, b| match kind(b) {
                "extends_clause" => {
                    if let Some(v) = b.field("value") {
                        let e = l.expr(v, d + 1);
                        bases.push(e);
                    }
                }
                "implements_clause" => {}
                _ => {
                    let e = l.expr(b, d + 1);
                    bases.push(e);
                }
            });
        });
        {
            let c = self.m.class_mut(cid);
            c.bases = bases;
            c.decorators = decorators;
        }
        let Some(body) = n.field("body") else {
            return cid;
        };
        let mut pending: Vec<ExprId> = Vec::new();
        self.each_named(body, |l, mem| {
            let k = kind(mem);
            if k == "decorator" {
                if let Some(e) = l.first_named(mem) {
                    let v = l.expr(e, d + 1);
                    pending.push(v);
                }
                return;
            }
            let mut decs = std::mem::take(&mut pending);
            match k {
                "method_definition" => {
                    l.decorators_of(mem, &mut decs, d);
                    let mname = mem.field("name").map(|x| l.prop_name(x));
                    let mname = mname.as_deref().unwrap_or("<method>");
                    let q = format!("{qualified}.{mname}");
                    let f = l.function(mem, Some(mname), Some(cid), Some(q), decs, d + 1);
                    l.m.class_mut(cid).methods.push(f);
                }
                "field_definition" | "public_field_definition" => {
                    l.decorators_of(mem, &mut decs, d);
                    let Some(fname) = mem.field("property").or_else(|| mem.field("name")) else {
                        return;
                    };
                    let fname = l.prop_name(fname);
                    let fsp = l.span(mem);
                    let value = mem.field("value").map(|v| {
                        if matches!(
                            kind(v),
                            "arrow_function" | "function_expression" | "function"
                        ) {
                            let q = format!("{qualified}.{fname}");
                            let f = l.function(v, Some(&fname), Some(cid), Some(q), decs, d + 1);
                            l.m.class_mut(cid).methods.push(f);
                            l.e(Expr::Func(f), v)
                        } else {
                            l.value(v, Some(&fname), d + 1)
                        }
                    });
                    let s = l.m.intern(&fname);
                    let is_static = l.has_token(mem, "static");
                    let c = l.m.class_mut(cid);
                    if is_static {
                        c.static_fields.push(c.fields.len() as u32);
                    }
                    c.fields.push((s, value, fsp));
                }
                "class_static_block" => {
                    let q = format!("{qualified}.<static>");
                    let f = l.function(mem, Some("<static>"), Some(cid), Some(q), decs, d + 1);
                    l.m.class_mut(cid).methods.push(f);
                }
                _ => {}
            }
        });
        cid
    }

    fn enum_decl(&mut self, n: Node<'t>, d: u32) {
        let Some(name) = n.field("name") else { return };
        let sp = self.span(n);
        let mut entries = Vec::new();
        let mut next: Option<i64> = Some(0);
        if let Some(body) = n.field("body") {
            self.each_named(body, |l, m| {
                let (key, value) = match kind(m) {
                    "enum_assignment" => (m.field("name"), m.field("value")),
                    _ => (Some(m), None),
                };
                let Some(key) = key else { return };
                let k = l.prop_name(key);
                let k = l.str_at(&k, key);
                let v = match value {
                    Some(v) => {
                        let e = l.expr(v, d + 1);
                        next = match l.m.module().expr(e) {
                            Expr::Const(Const::Int(i)) => i.checked_add(1),
                            _ => None,
                        };
                        e
                    }
                    None => {
                        let e = match next {
                            Some(i) => l.e(Expr::Const(Const::Int(i)), m),
                            None => l.unknown(m),
                        };
                        next = next.and_then(|i| i.checked_add(1));
                        e
                    }
                };
                entries.push(Entry::Pair(k, v));
            });
        }
        let v = self.e(Expr::Dict(entries), n);
        self.bind(self.text(name), v, sp);
    }

    // ------------------------------------------------------------ imports, exports

    fn import_stmt(&mut self, n: Node<'t>) {
        let sp = self.span(n);
        let mut spec = n.field("source").and_then(|s| self.string_value(s));
        let mut binds: Vec<(&'s str, Option<String>)> = Vec::new();
        self.each_named(n, |l, c| match kind(c) {
            "import_clause" => l.each_named(c, |l, b| match kind(b) {
                "identifier" => binds.push((l.text(b), Some("default".into()))),
                "namespace_import" => {
                    if let Some(i) = l.first_named(b) {
                        binds.push((l.text(i), None));
                    }
                }
                "named_imports" => l.each_named(b, |l, s| {
                    if kind(s) != "import_specifier" {
                        return;
                    }
                    let Some(name) = s.field("name") else { return };
                    let local = s.field("alias").unwrap_or(name);
                    binds.push((l.text(local), Some(l.prop_name(name))));
                }),
                _ => {}
            }),
            // `import x = require('m')` (TypeScript)
            "import_require_clause" => {
                if let Some(s) = c.field("source") {
                    spec = l.string_value(s);
                }
                l.each_named(c, |l, i| {
                    if kind(i) == "identifier" {
                        binds.push((l.text(i), None));
                    }
                });
            }
            _ => {}
        });
        let Some(spec) = spec else { return };
        let module = import_module(self.path, &spec);
        if binds.is_empty() {
            // `import './setup'`: run for its effects; bound to a name no
            // code can spell, so the dependency is seen.
            self.m
                .import(&format!("import:{module}"), &module, None, sp);
        }
        for (local, member) in binds {
            self.m.import(local, &module, member.as_deref(), sp);
        }
    }

    fn export_stmt(&mut self, n: Node<'t>, d: u32) {
        if self.namespaces > 0 || !self.is_module() {
            // A namespace's export: the declaration only.
            if let Some(decl) = n.field("declaration") {
                self.stmt(decl, d + 1);
            }
            return;
        }
        let sp = self.span(n);
        let is_default = self.has_token(n, "default");
        let mut decorators = Vec::new();
        self.decorators_of(n, &mut decorators, d);
        if let Some(decl) = n.field("declaration") {
            let names: Vec<Sym> = match kind(decl) {
                "function_declaration" | "generator_function_declaration" => {
                    self.function_decl(decl, d).into_iter().collect()
                }
                "class_declaration" | "abstract_class_declaration" => {
                    self.class_decl(decl, decorators, d).into_iter().collect()
                }
                "lexical_declaration" | "variable_declaration" => {
                    let is_var = kind(decl) == "variable_declaration";
                    let mut names = Vec::new();
                    self.each_named(decl, |l, k| {
                        if kind(k) != "variable_declarator" {
                            return;
                        }
                        let before = l.m.module().imports.len();
                        l.declarator(k, is_var, d);
                        if let Some(name) = k.field("name") {
                            if l.m.module().imports.len() > before {
                                for i in before..l.m.module().imports.len() {
                                    names.push(l.m.module().imports[i].local);
                                }
                            } else {
                                let p = l.pattern_names_of(name);
                                names.extend(p);
                            }
                        }
                    });
                    names
                }
                "enum_declaration" => {
                    self.enum_decl(decl, d);
                    decl.field("name")
                        .map(|x| self.m.intern(self.text(x)))
                        .into_iter()
                        .collect()
                }
                _ => {
                    self.stmt(decl, d + 1);
                    Vec::new()
                }
            };
            for s in names {
                let local = self.m.module().name(s).to_string();
                let name = if is_default { "default" } else { &local };
                let name = name.to_string();
                self.m.export(&name, &local, sp);
            }
            return;
        }
        // `export = x` (TypeScript's `module.exports = x`).
        let value = n.field("value").or_else(|| {
            if self.has_token(n, "=") {
                let mut v = None;
                self.each_named(n, |_, k| {
                    if kind(k) != "decorator" {
                        v = Some(k);
                    }
                });
                v
            } else {
                None
            }
        });
        if let Some(v) = value {
            // `export default <expression>`
            if kind(v) == "identifier" {
                let t = self.text(v);
                self.m.export("default", t, sp);
                return;
            }
            let e = if kind(v) == "class" {
                let c = self.class(v, Some("default"), decorators, d + 1);
                self.e(Expr::Class(c), v)
            } else {
                self.value(v, Some("default"), d + 1)
            };
            self.bind("default", e, sp);
            self.m.export("default", "default", sp);
            return;
        }
        // `export {a as b}`, `export {a} from 'm'`, `export * as ns from 'm'`
        let source = n
            .field("source")
            .and_then(|s| self.string_value(s))
            .map(|s| import_module(self.path, &s));
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut namespace: Option<&'s str> = None;
        self.each_named(n, |l, c| match kind(c) {
            "export_clause" => l.each_named(c, |l, s| {
                if kind(s) != "export_specifier" {
                    return;
                }
                let Some(name) = s.field("name") else { return };
                let alias = s.field("alias").unwrap_or(name);
                pairs.push((l.prop_name(name), l.prop_name(alias)));
            }),
            "namespace_export" => {
                if let Some(i) = l.first_named(c) {
                    namespace = Some(l.text(i));
                }
            }
            _ => {}
        });
        match source {
            Some(module) => {
                for (name, alias) in &pairs {
                    self.m.import(alias, &module, Some(name), sp);
                    self.m.export(alias, alias, sp);
                }
                if let Some(ns) = namespace {
                    self.m.import(ns, &module, None, sp);
                    self.m.export(ns, ns, sp);
                } else if pairs.is_empty() {
                    // `export * from 'm'`: every name of `m`, as `*`.
                    let local = format!("export*:{module}");
                    self.m.import(&local, &module, None, sp);
                    self.m.export("*", &local, sp);
                }
            }
            None => {
                for (name, alias) in &pairs {
                    self.m.export(alias, name, sp);
                }
            }
        }
    }

    fn pattern_names_of(&mut self, name: Node<'t>) -> Vec<Sym> {
        // The names were interned when the declarator was lowered.
        let p = self.pattern_shape(name, 0);
        let mut out = Vec::new();
        bound_names(&p, &mut out);
        out
    }

    /// A pattern's shape for its names only (no expressions lowered).
    fn pattern_shape(&mut self, n: Node<'t>, d: u32) -> Pattern {
        if d > self.max_depth {
            return Pattern::Ignore;
        }
        match kind(n) {
            "identifier" | "shorthand_property_identifier_pattern" => {
                Pattern::Name(self.m.intern(self.text(n)))
            }
            "assignment_pattern" | "object_assignment_pattern" => match n.field("left") {
                Some(l) => self.pattern_shape(l, d + 1),
                None => Pattern::Ignore,
            },
            "pair_pattern" => match n.field("value") {
                Some(v) => self.pattern_shape(v, d + 1),
                None => Pattern::Ignore,
            },
            "object_pattern" | "array_pattern" | "rest_pattern" => {
                let mut items = Vec::new();
                self.each_named(n, |l, k| {
                    let p = l.pattern_shape(k, d + 1);
                    items.push(p);
                });
                Pattern::Seq { items, rest: None }
            }
            _ => Pattern::Ignore,
        }
    }

    // ------------------------------------------------------------ expressions

    fn expr(&mut self, n: Node<'t>, d: u32) -> ExprId {
        if !self.tick() {
            return self.unknown(n);
        }
        if d > self.max_depth {
            {
                let at = self.span(n);
                self.m.truncate(at);
            }
            return self.unknown(n);
        }
        // A chain's left spine, lowered bottom-up without recursion.
        // Operator links count against the depth limit ([`makes_expr`]:
        // a reader of the form recurses on operands); a chain of one
        // associative operator (`a + b + …`, `a || b || …`) past the limit
        // is built balanced instead, so nothing of it is lost. Calls,
        // members and subscripts cost no depth, as in Python.
        let base = self.spine.len();
        let mut cur = n;
        let mut k = kind(cur);
        let mut depth = d;
        let mut cut = false;
        while let Some(next) = self.spine_left(cur, k) {
            if k == "call_expression" && self.is_require(cur) {
                break;
            }
            let makes = makes_expr(k);
            if makes && depth >= self.max_depth {
                cut = true;
                break;
            }
            self.spine.push((cur, k, depth));
            depth += u32::from(makes);
            cur = next;
            k = kind(cur);
        }
        let mut v = if cut {
            self.spine.truncate(base);
            if let Some(v) = self.balanced(n, d) {
                return v;
            }
            // Rebuild the spine down to the cut; below it is unknown.
            let mut c = n;
            let mut ck = kind(c);
            let mut depth = d;
            while c != cur {
                self.spine.push((c, ck, depth));
                depth += u32::from(makes_expr(ck));
                match self.spine_left(c, ck) {
                    Some(next) => c = next,
                    None => break,
                }
                ck = kind(c);
            }
            {
                let at = self.span(cur);
                self.m.truncate(at);
            }
            self.unknown(cur)
        } else {
            self.leaf(cur, k, depth)
        };
        while self.spine.len() > base {
            let (s, k, depth) = self.spine.pop().expect("spine");
            v = self.link(s, k, v, depth);
        }
        v
    }

    /// A chain of one associative operator (`+`, `&&`, `||`, `??`, with
    /// parentheses and casts between), built as a balanced tree of its
    /// operands in order; `None` for any other chain.
    fn balanced(&mut self, n: Node<'t>, d: u32) -> Option<ExprId> {
        let mut op: Option<&'s str> = None;
        let mut rights: Vec<Node<'t>> = Vec::new();
        let mut cur = n;
        loop {
            let k = kind(cur);
            match k {
                "binary_expression" => {
                    let o = self.text(cur.field("operator")?);
                    match op {
                        None if matches!(o, "+" | "&&" | "||" | "??") => op = Some(o),
                        Some(p) if p == o => {}
                        // Another operator: an operand of the chain.
                        Some(_) => break,
                        None => return None,
                    }
                    rights.push(cur.field("right")?);
                }
                "parenthesized_expression"
                | "as_expression"
                | "satisfies_expression"
                | "non_null_expression" => {}
                _ => break,
            }
            match self.spine_left(cur, k) {
                Some(next) => cur = next,
                None => return None,
            }
        }
        let op = op?;
        let levels = usize::BITS - rights.len().leading_zeros();
        let od = d + levels + 1;
        let mut items = Vec::with_capacity(rights.len() + 1);
        items.push(self.expr(cur, od));
        while let Some(r) = rights.pop() {
            items.push(self.expr(r, od));
        }
        while items.len() > 1 {
            let mut next = Vec::with_capacity(items.len().div_ceil(2));
            for pair in items.chunks(2) {
                let e = match pair {
                    [a, b] => {
                        let (sa, sb) = (self.m.module().span(*a), self.m.module().span(*b));
                        let sp = Span {
                            start: sa.start,
                            line: sa.line,
                            col: sa.col,
                            end: sb.end,
                            end_line: sb.end_line,
                            end_col: sb.end_col,
                        };
                        let e = match logic_op(op) {
                            Some(l) => Expr::Logical(l, *a, *b),
                            None => Expr::Binary(BinOp::Add, *a, *b),
                        };
                        self.m.expr(e, sp)
                    }
                    [a] => *a,
                    _ => unreachable!("chunks of two"),
                };
                next.push(e);
            }
            items = next;
        }
        items.pop()
    }

    /// The left operand a chain link builds on: its first child (the
    /// callee, object or left operand: no field lookup).
    fn spine_left(&self, n: Node<'t>, k: &str) -> Option<Node<'t>> {
        match k {
            "call_expression"
            | "member_expression"
            | "subscript_expression"
            | "binary_expression" => n.child(0).filter(|c| c.is_named() && kind(*c) != "comment"),
            "non_null_expression" | "as_expression" | "satisfies_expression" => n.named_child(0),
            "parenthesized_expression" => n
                .named_child(0)
                .filter(|i| kind(*i) != "sequence_expression" && n.named_child_count() == 1),
            _ => None,
        }
    }

    /// A chain link over its left operand's value.
    fn link(&mut self, n: Node<'t>, k: &str, left: ExprId, d: u32) -> ExprId {
        match k {
            "call_expression" => {
                let an = n.field("arguments");
                let args = match an {
                    Some(a) if kind(a) == "template_string" => {
                        let t = self.expr(a, d + 1);
                        vec![Arg {
                            kind: ArgKind::Positional,
                            value: t,
                        }]
                    }
                    Some(a) => self.args(a, d),
                    None => Vec::new(),
                };
                let call = self.e(
                    Expr::Call {
                        callee: left,
                        args,
                        new: false,
                    },
                    n,
                );
                self.optional(n, an, left, call)
            }
            "member_expression" => {
                let Some(p) = n.field("property") else {
                    return left;
                };
                // `express_1.default` of a compiled import: the module.
                if self.text(p) == "default"
                    && let Expr::Name(s) = self.m.module().exprs[left.0 as usize]
                    && self.interop.contains(&s)
                {
                    return left;
                }
                let name = self.m.intern(self.text(p));
                // `?.` between the object and the property (no child scan).
                let optional = self
                    .src
                    .get(n.start_byte()..p.start_byte())
                    .is_some_and(|t| t.trim_end().ends_with("?."));
                self.e(
                    Expr::Field {
                        obj: left,
                        name,
                        optional,
                    },
                    n,
                )
            }
            "subscript_expression" => {
                let inode = n.field("index");
                let index = match inode {
                    Some(i) => self.expr(i, d + 1),
                    None => self.unknown(n),
                };
                let e = self.e(Expr::Index { obj: left, index }, n);
                self.optional(n, inode, left, e)
            }
            "binary_expression" => {
                let op = n.field("operator").map_or("", |o| self.text(o));
                let right = match n.field("right") {
                    Some(r) => self.expr(r, d + 1),
                    None => self.unknown(n),
                };
                let e = if let Some(o) = bin_op(op) {
                    Expr::Binary(o, left, right)
                } else if let Some(o) = cmp_op(op) {
                    Expr::Compare(o, left, right)
                } else if let Some(o) = logic_op(op) {
                    Expr::Logical(o, left, right)
                } else {
                    Expr::Unknown
                };
                self.e(e, n)
            }
            // Casts, non-null assertions and parentheses are their operand.
            _ => left,
        }
    }

    /// `f?.(x)` / `o?.[k]` (a `?.` between the operand and `after`): the
    /// short circuit `f && f(x)`, whose value is the operand when it is
    /// null and the call or read otherwise.
    fn optional(
        &mut self,
        n: Node<'t>,
        after: Option<Node<'t>>,
        left: ExprId,
        e: ExprId,
    ) -> ExprId {
        let (Some(op), Some(after)) = (n.child(0), after) else {
            return e;
        };
        let between = self.src.get(op.end_byte()..after.start_byte());
        if between.is_some_and(|t| t.contains("?.")) {
            self.e(Expr::Logical(LogicOp::And, left, e), n)
        } else {
            e
        }
    }

    fn args(&mut self, a: Node<'t>, d: u32) -> Vec<Arg> {
        let mut out = Vec::new();
        self.each_named(a, |l, x| {
            if kind(x) == "spread_element" {
                let v = l.first_expr(x, d);
                out.push(Arg {
                    kind: ArgKind::Spread,
                    value: v,
                });
            } else {
                let v = l.value(x, None, d + 1);
                out.push(Arg {
                    kind: ArgKind::Positional,
                    value: v,
                });
            }
        });
        out
    }

    /// An expression that is not a chain link.
    fn leaf(&mut self, n: Node<'t>, k: &str, d: u32) -> ExprId {
        match k {
            "call_expression" => match self.require_of(n) {
                Some((spec, None)) => self.inline_require(n, &spec),
                _ => self.unknown_expr(n, d),
            },
            "identifier" | "shorthand_property_identifier" | "property_identifier" => {
                let t = self.text(n);
                if t == "undefined" {
                    return self.e(Expr::Const(Const::Null), n);
                }
                self.name_at(t, n)
            }
            "undefined" | "null" => self.e(Expr::Const(Const::Null), n),
            "true" => self.e(Expr::Const(Const::Bool(true)), n),
            "false" => self.e(Expr::Const(Const::Bool(false)), n),
            "this" => self.e(Expr::This, n),
            "super" => self.e(Expr::Super, n),
            "import" => self.name_at("import", n),
            "number" => {
                let c = number(self.text(n));
                self.e(Expr::Const(c), n)
            }
            "string" => {
                let s = self.string_value(n).unwrap_or_default();
                self.str_at(&s, n)
            }
            "template_string" => self.template(n, d),
            "regex" => {
                let p = n.field("pattern").map_or("", |p| self.text(p));
                let f = n.field("flags").map_or("", |f| self.text(f));
                self.e(Expr::Const(Const::Regex(p.into(), f.into())), n)
            }
            "object" => {
                let mut entries = Vec::new();
                self.each_named(n, |l, p| l.object_entry(p, &mut entries, d + 1));
                self.e(Expr::Dict(entries), n)
            }
            "array" => {
                let mut items = Vec::new();
                self.each_named(n, |l, x| {
                    if kind(x) == "spread_element" {
                        let v = l.first_expr(x, d);
                        items.push(Elem::Spread(v));
                    } else {
                        let v = l.value(x, None, d + 1);
                        items.push(Elem::Item(v));
                    }
                });
                self.e(Expr::Seq(SeqKind::List, items), n)
            }
            "arrow_function"
            | "function_expression"
            | "function"
            | "generator_function"
            | "class" => self.value(n, None, d),
            "new_expression" => {
                let callee = match n.field("constructor") {
                    Some(c) => self.expr(c, d + 1),
                    None => self.unknown(n),
                };
                let args = match n.field("arguments") {
                    Some(a) => self.args(a, d),
                    None => Vec::new(),
                };
                self.e(
                    Expr::Call {
                        callee,
                        args,
                        new: true,
                    },
                    n,
                )
            }
            "unary_expression" => {
                let op = n.field("operator").map_or("", |o| self.text(o));
                let x = match n.field("argument") {
                    Some(a) => self.expr(a, d + 1),
                    None => self.unknown(n),
                };
                let op = match op {
                    "!" => UnOp::Not,
                    "-" => UnOp::Neg,
                    "+" => UnOp::Pos,
                    "~" => UnOp::BitNot,
                    "typeof" => UnOp::TypeOf,
                    "void" => UnOp::Void,
                    "delete" => UnOp::Delete,
                    _ => return self.unknown(n),
                };
                self.e(Expr::Unary(op, x), n)
            }
            "update_expression" => self.update(n, d, true).unwrap_or_else(|| self.unknown(n)),
            "assignment_expression" => self.assign(n, d, true).unwrap_or_else(|| self.unknown(n)),
            "augmented_assignment_expression" => self
                .aug_assign(n, d, true)
                .unwrap_or_else(|| self.unknown(n)),
            "ternary_expression" => {
                let test = self.cond(n.field("condition"), n, d);
                let then = match n.field("consequence") {
                    Some(x) => self.expr(x, d + 1),
                    None => self.unknown(n),
                };
                let other = match n.field("alternative") {
                    Some(x) => self.expr(x, d + 1),
                    None => self.unknown(n),
                };
                self.e(Expr::Cond { test, then, other }, n)
            }
            "sequence_expression" | "parenthesized_expression" => {
                // Every part but the last is evaluated for its effect.
                let mut last = None;
                self.each_named(n, |l, x| {
                    if let Some(prev) = last.replace(x) {
                        l.expr_stmt(prev, d + 1);
                    }
                });
                match last {
                    Some(x) => self.expr(x, d + 1),
                    None => self.unknown(n),
                }
            }
            "await_expression" => {
                let x = self.first_expr(n, d);
                self.e(Expr::Await(x), n)
            }
            "yield_expression" => {
                let x = self.first_named(n).map(|x| self.expr(x, d + 1));
                self.e(Expr::Yield(x), n)
            }
            "type_assertion" => {
                let mut last = None;
                self.each_named(n, |_, x| last = Some(x));
                match last {
                    Some(x) if kind(x) != "type_arguments" => self.expr(x, d + 1),
                    _ => self.unknown(n),
                }
            }
            "instantiation_expression" => self.first_expr(n, d),
            "jsx_element" | "jsx_self_closing_element" | "jsx_fragment" => self.jsx(n, d),
            _ => self.unknown_expr(n, d),
        }
    }

    /// An expression not modelled: [`Expr::Unknown`], with the expressions
    /// under it evaluated for their effects.
    fn unknown_expr(&mut self, n: Node<'t>, d: u32) -> ExprId {
        self.each_named(n, |l, k| {
            let kk = kind(k);
            if kk.ends_with("_statement") || kk.ends_with("_declaration") {
                l.stmt(k, d + 1);
            } else if !kk.starts_with("type") && !kk.ends_with("_type") {
                l.expr_stmt(k, d + 1);
            }
        });
        self.unknown(n)
    }

    fn template(&mut self, n: Node<'t>, d: u32) -> ExprId {
        let mut parts = Vec::new();
        let mut pos = n.start_byte() + 1;
        let end = n.end_byte().saturating_sub(1).max(pos);
        self.each_named(n, |l, k| {
            if kind(k) != "template_substitution" {
                return;
            }
            if k.start_byte() > pos {
                let raw = l.src.get(pos..k.start_byte()).unwrap_or("");
                parts.push(TemplatePart::Text(unescape(raw).into()));
            }
            let v = l.first_expr(k, d);
            parts.push(TemplatePart::Expr(v));
            pos = k.end_byte();
        });
        if parts.is_empty() {
            let s = unescape(self.src.get(pos..end).unwrap_or(""));
            return self.str_at(&s, n);
        }
        if end > pos {
            let raw = self.src.get(pos..end).unwrap_or("");
            parts.push(TemplatePart::Text(unescape(raw).into()));
        }
        self.e(Expr::Template(parts), n)
    }

    /// One entry of an object literal.
    fn object_entry(&mut self, p: Node<'t>, entries: &mut Vec<Entry>, d: u32) {
        match kind(p) {
            "pair" => {
                let (Some(k), Some(v)) = (p.field("key"), p.field("value")) else {
                    return;
                };
                let (key, hint) = if kind(k) == "computed_property_name" {
                    let e = self.first_expr(k, d);
                    (e, None)
                } else {
                    let name = self.prop_name(k);
                    (self.str_at(&name, k), Some(name))
                };
                let value = self.value(v, hint.as_deref(), d + 1);
                entries.push(Entry::Pair(key, value));
            }
            "shorthand_property_identifier" => {
                let t = self.text(p);
                let k = self.str_at(t, p);
                let v = self.name_at(t, p);
                entries.push(Entry::Pair(k, v));
            }
            "spread_element" => {
                let v = self.first_expr(p, d);
                entries.push(Entry::Spread(v));
            }
            "method_definition" => {
                let Some(k) = p.field("name") else { return };
                let key = if kind(k) == "computed_property_name" {
                    self.first_expr(k, d)
                } else {
                    let name = self.prop_name(k);
                    self.str_at(&name, k)
                };
                let name = self.prop_name(k);
                let f = self.function(p, Some(&name), None, None, Vec::new(), d + 1);
                let v = self.e(Expr::Func(f), p);
                entries.push(Entry::Pair(key, v));
            }
            _ => {
                let v = self.expr(p, d + 1);
                if !matches!(self.m.module().expr(v), Expr::Unknown) {
                    let sp = self.span(p);
                    self.push(Stmt::Eval(v), sp);
                }
            }
        }
    }

    /// `<Tag a={x} {...rest}>kids</Tag>` as `Tag({"a": x, ...rest}, kids…)`.
    fn jsx(&mut self, n: Node<'t>, d: u32) -> ExprId {
        let open = match kind(n) {
            "jsx_element" => n.field("open_tag"),
            "jsx_self_closing_element" => Some(n),
            _ => None,
        };
        let callee = match open.and_then(|o| o.field("name")) {
            Some(t) if kind(t) == "identifier" => {
                let name = self.text(t);
                if name.starts_with(|c: char| c.is_ascii_lowercase()) {
                    self.str_at(name, t)
                } else {
                    self.name_at(name, t)
                }
            }
            Some(t) if kind(t) == "member_expression" => self.expr(t, d + 1),
            Some(t) => {
                let name = self.text(t);
                self.str_at(name, t)
            }
            None => self.str_at("<>", n),
        };
        let mut props = Vec::new();
        if let Some(o) = open {
            let name_id = o.field("name").map(|x| x.id());
            self.each_named(o, |l, a| {
                if Some(a.id()) == name_id {
                    return;
                }
                match kind(a) {
                    "jsx_attribute" => {
                        let mut key = None;
                        let mut value = None;
                        l.each_named(a, |_, x| {
                            if key.is_none() {
                                key = Some(x);
                            } else {
                                value = Some(x);
                            }
                        });
                        let Some(key) = key else { return };
                        let k = l.text(key);
                        let k = l.str_at(k, key);
                        let v = match value {
                            None => l.e(Expr::Const(Const::Bool(true)), a),
                            Some(v) => l.jsx_value(v, d),
                        };
                        props.push(Entry::Pair(k, v));
                    }
                    "jsx_expression" => {
                        if let Some(s) = l.first_named(a) {
                            let v = match (kind(s), l.first_named(s)) {
                                ("spread_element", Some(x)) => l.expr(x, d + 1),
                                _ => l.expr(s, d + 1),
                            };
                            props.push(Entry::Spread(v));
                        }
                    }
                    _ => {}
                }
            });
        }
        let dict = self.e(Expr::Dict(props), open.unwrap_or(n));
        let mut args = vec![Arg {
            kind: ArgKind::Positional,
            value: dict,
        }];
        if kind(n) != "jsx_self_closing_element" {
            let skip = (
                n.field("open_tag").map(|x| x.id()),
                n.field("close_tag").map(|x| x.id()),
            );
            // Runs of text and character references are one string.
            let mut run: Option<(Node<'t>, Node<'t>)> = None;
            self.each_named(n, |l, c| {
                if Some(c.id()) == skip.0 || Some(c.id()) == skip.1 {
                    return;
                }
                if matches!(kind(c), "jsx_text" | "html_character_reference") {
                    run = Some(run.map_or((c, c), |(first, _)| (first, c)));
                    return;
                }
                if let Some((first, last)) = run.take() {
                    l.jsx_text(first, last, &mut args);
                }
                let v = match kind(c) {
                    "jsx_expression" => match l.first_named(c) {
                        Some(x) if kind(x) == "spread_element" => {
                            let v = l.first_expr(x, d);
                            args.push(Arg {
                                kind: ArgKind::Spread,
                                value: v,
                            });
                            return;
                        }
                        Some(x) => l.expr(x, d + 1),
                        None => return,
                    },
                    "jsx_opening_element" | "jsx_closing_element" => return,
                    _ => l.expr(c, d + 1),
                };
                args.push(Arg {
                    kind: ArgKind::Positional,
                    value: v,
                });
            });
            if let Some((first, last)) = run {
                self.jsx_text(first, last, &mut args);
            }
        }
        self.e(
            Expr::Call {
                callee,
                args,
                new: false,
            },
            n,
        )
    }

    /// JSX text from `first` to `last`: character references decoded,
    /// whitespace with a line break in it collapsed as JSX does; nothing
    /// when it is all white space.
    fn jsx_text(&mut self, first: Node<'t>, last: Node<'t>, args: &mut Vec<Arg>) {
        let raw = self
            .src
            .get(first.start_byte()..last.end_byte())
            .unwrap_or("");
        let mut out = String::with_capacity(raw.len());
        for (i, line) in raw.split('\n').enumerate() {
            let line = if i == 0 { line.trim_end() } else { line.trim() };
            if line.is_empty() {
                continue;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(line);
        }
        let text = decode_entities(out.trim());
        if text.is_empty() {
            return;
        }
        let (a, b) = (self.span(first), self.span(last));
        let sp = Span {
            end: b.end,
            end_line: b.end_line,
            end_col: b.end_col,
            ..a
        };
        let v = self.m.expr(Expr::Const(Const::Str(text.into())), sp);
        args.push(Arg {
            kind: ArgKind::Positional,
            value: v,
        });
    }

    fn jsx_value(&mut self, v: Node<'t>, d: u32) -> ExprId {
        match kind(v) {
            // JSX attribute strings take no escapes.
            "string" => {
                let t = self.text(v);
                let s = t.get(1..t.len().saturating_sub(1)).unwrap_or("");
                self.str_at(s, v)
            }
            "jsx_expression" => match self.first_named(v) {
                Some(x) => self.value(x, None, d + 1),
                None => self.unknown(v),
            },
            _ => self.expr(v, d + 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn character_references_decode_and_unknown_ones_stay() {
        assert_eq!(decode_entities("a &amp; b &lt;&gt;"), "a & b <>");
        assert_eq!(decode_entities("&#233;&#xE9;&#X41;"), "ééA");
        assert_eq!(decode_entities("&unknown; &é;é & x"), "&unknown; &é;é & x");
        assert_eq!(decode_entities("ééééé&ééééééé;"), "ééééé&ééééééé;");
    }

    #[test]
    fn strings_unescape_and_numbers_read_as_written() {
        assert_eq!(unescape(r"a\nb\t\x41\u0042\u{1F600}\0"), "a\nb\tAB😀\0");
        assert_eq!(unescape("line\\\ncont"), "linecont");
        assert_eq!(unescape(r"\q\'"), "q'");
        assert_eq!(number("0x1F"), Const::Int(31));
        assert_eq!(number("0b101"), Const::Int(5));
        assert_eq!(number("1_000"), Const::Int(1000));
        assert_eq!(number("10n"), Const::Int(10));
        assert_eq!(number("1.5e2"), Const::Float(150.0));
    }

    #[test]
    fn module_identities() {
        assert_eq!(module_id("src/db.ts"), "src/db");
        assert_eq!(module_id("src/db/index.tsx"), "src/db");
        assert_eq!(import_module("src/routes/a.js", "../db"), "src/db");
        assert_eq!(
            import_module("src/routes/a.js", "./db/index.js"),
            "src/routes/db"
        );
        assert_eq!(import_module("src/a.js", "node:fs"), "fs");
        assert_eq!(
            import_module("src/a.js", "@scope/pkg/sub"),
            "@scope/pkg/sub"
        );
        assert_eq!(import_module("a.js", "../../x"), "x");
    }
}
