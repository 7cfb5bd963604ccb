//! The language-neutral intermediate form.
//!
//! Every language breakwater analyses is *lowered* from its syntax tree to
//! this form, one [`Module`] per file; the dataflow engine (`bw-flow`) and
//! the framework recognisers read only this form, so they are written
//! once. The form keeps what analysis needs and nothing a grammar adds:
//!
//! - a [`Module`] holds the file's imports (resolved to module identities),
//!   exports, classes and functions; function 0 is the module's top-level
//!   code;
//! - a [`Function`] is a control-flow graph of [`Block`]s, each a list of
//!   [`Stmt`]s ended by a [`Terminator`] (goto, branch on a condition,
//!   switch, return, throw); a block inside a `try` names its handler, the
//!   target of any exception raised in it;
//! - expressions live in the module's arena ([`Module::exprs`]) and refer
//!   to each other by [`ExprId`]; names are interned ([`Sym`]).
//!
//! Lowerings build modules through [`build::ModuleBuilder`] and
//! [`build::FnBuilder`], which keep the graph well formed (every block
//! ends in exactly one terminator; code after a `return` lands in an
//! unreachable block). [`cfg`] computes predecessors, orders, dominators
//! and reachability; [`print`] renders a module as text (`breakwater
//! debug ir`).

pub mod build;
pub mod cfg;
pub mod print;

use std::collections::HashMap;

/// An interned name (variable, attribute, keyword, parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sym(pub u32);

/// An expression in [`Module::exprs`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ExprId(pub u32);

/// A function in [`Module::functions`]; 0 is the module's top-level code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FuncId(pub u32);

/// A class in [`Module::classes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClassId(pub u32);

/// A block in [`Function::blocks`]; 0 is the entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BlockId(pub u32);

impl ExprId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
impl FuncId {
    /// The module's top-level code.
    pub const MODULE: FuncId = FuncId(0);
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
impl ClassId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
impl BlockId {
    pub const ENTRY: BlockId = BlockId(0);
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Where something is in the source file: byte offsets, and 1-based lines
/// and columns (columns count Unicode scalar values, as evidence does).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
    pub line: u32,
    pub col: u32,
    pub end_line: u32,
    pub end_col: u32,
}

/// The interned names of a module.
#[derive(Debug, Clone, Default)]
pub struct Names {
    names: Vec<Box<str>>,
    ids: HashMap<Box<str>, Sym>,
}

impl Names {
    pub fn intern(&mut self, name: &str) -> Sym {
        if let Some(s) = self.ids.get(name) {
            return *s;
        }
        let s = Sym(self.names.len() as u32);
        self.names.push(name.into());
        self.ids.insert(name.into(), s);
        s
    }
    /// The symbol of a name already interned.
    pub fn get(&self, name: &str) -> Option<Sym> {
        self.ids.get(name).copied()
    }
    pub fn name(&self, s: Sym) -> &str {
        &self.names[s.0 as usize]
    }
    pub fn len(&self) -> usize {
        self.names.len()
    }
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// A literal.
#[derive(Debug, Clone, PartialEq)]
pub enum Const {
    /// `None`, `null`, `undefined`.
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Box<str>),
    /// Bytes literals (`b"..."`), kept as their text.
    Bytes(Box<str>),
    /// A regular expression literal (`/^[a-z]+$/i`): pattern and flags.
    Regex(Box<str>, Box<str>),
}

/// Binary operators (arithmetic, bitwise, string building).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    /// `%`: also Python's string formatting (`"%s" % x`).
    Mod,
    Pow,
    MatMul,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
    /// JavaScript's `>>>`.
    UShr,
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnOp {
    Not,
    Neg,
    Pos,
    BitNot,
    /// JavaScript's `typeof`.
    TypeOf,
    /// JavaScript's `void`.
    Void,
    /// JavaScript's `delete` used as an expression.
    Delete,
}

/// Comparisons; each yields a boolean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    NotEq,
    /// JavaScript's `===`.
    StrictEq,
    /// JavaScript's `!==`.
    StrictNotEq,
    Lt,
    LtE,
    Gt,
    GtE,
    /// Membership: `x in y` (Python), `key in obj` (JavaScript).
    In,
    NotIn,
    Is,
    IsNot,
    InstanceOf,
}

/// Short-circuit operators: the result is one of the operands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LogicOp {
    And,
    Or,
    /// `??`
    Nullish,
}

/// What a sequence literal builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeqKind {
    List,
    Tuple,
    Set,
    /// A generator expression (Python) — a lazily built sequence.
    Generator,
    /// A dict comprehension (only in [`Expr::Comprehension`], whose `elt`
    /// is then a (key, value) tuple).
    Dict,
}

/// One element of a sequence literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Elem {
    Item(ExprId),
    /// `*xs` / `...xs`
    Spread(ExprId),
}

/// One entry of a dictionary or object literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// `k: v`; an identifier key (`{a: 1}`) is a string constant, a
    /// shorthand (`{a}`) is `"a": a`, a computed key (`{[k]: v}`) any
    /// expression.
    Pair(ExprId, ExprId),
    /// `**d` / `...o`
    Spread(ExprId),
}

/// A part of a formatted string (f-string, template literal).
#[derive(Debug, Clone, PartialEq)]
pub enum TemplatePart {
    Text(Box<str>),
    /// An interpolated expression (`{x}`, `${x}`); format specs are text.
    Expr(ExprId),
}

/// How an argument is passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    Positional,
    /// `name=value` (Python); an options object is a positional `Dict`.
    Keyword(Sym),
    /// `*args` / `...args`
    Spread,
    /// `**kwargs`
    KwSpread,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arg {
    pub kind: ArgKind,
    pub value: ExprId,
}

/// One clause of a comprehension.
#[derive(Debug, Clone, PartialEq)]
pub enum CompClause {
    /// `for target in iter`
    For { target: Pattern, iter: ExprId },
    /// `if cond`
    If(ExprId),
}

/// An expression. Operands are other expressions of the same module.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Const(Const),
    /// A variable: local, parameter, captured, global, or an import's
    /// local name (see [`Module::imports`]).
    Name(Sym),
    /// `obj.name`; `optional` for `obj?.name`.
    Field {
        obj: ExprId,
        name: Sym,
        optional: bool,
    },
    /// `obj[index]`; a slice (`x[1:]`) has an [`Expr::Unknown`] index.
    Index {
        obj: ExprId,
        index: ExprId,
    },
    /// A call. A method call's callee is a [`Expr::Field`]; `new` for
    /// `new C(...)`.
    Call {
        callee: ExprId,
        args: Vec<Arg>,
        new: bool,
    },
    Binary(BinOp, ExprId, ExprId),
    Unary(UnOp, ExprId),
    Compare(CmpOp, ExprId, ExprId),
    Logical(LogicOp, ExprId, ExprId),
    /// `then if test else other` / `test ? then : other`
    Cond {
        test: ExprId,
        then: ExprId,
        other: ExprId,
    },
    /// A formatted string.
    Template(Vec<TemplatePart>),
    Seq(SeqKind, Vec<Elem>),
    /// A dictionary or object literal.
    Dict(Vec<Entry>),
    /// A comprehension: `elt` for each binding of the clauses (a dict
    /// comprehension's `elt` is a two-element tuple).
    Comprehension {
        kind: SeqKind,
        elt: ExprId,
        clauses: Vec<CompClause>,
    },
    /// A function value: lambda, arrow function, function expression, or
    /// a nested `def` bound by an assignment.
    Func(FuncId),
    /// A class value.
    Class(ClassId),
    Await(ExprId),
    Yield(Option<ExprId>),
    /// The receiver of a method where the language names it implicitly
    /// (`this`); Python's `self` is an ordinary parameter (see
    /// [`Function::receiver`]).
    This,
    /// `super` (the parent class of the enclosing method's class).
    Super,
    /// Something the lowering does not model: of unknown value, never a
    /// constant.
    Unknown,
}

impl Expr {
    /// Each operand of the expression, in source order (not the bodies
    /// of functions and classes it makes: they are their own).
    pub fn each_child(&self, mut f: impl FnMut(ExprId)) {
        match self {
            Expr::Field { obj, .. } => f(*obj),
            Expr::Index { obj, index } => {
                f(*obj);
                f(*index);
            }
            Expr::Call { callee, args, .. } => {
                f(*callee);
                for a in args {
                    f(a.value);
                }
            }
            Expr::Binary(_, a, b) | Expr::Compare(_, a, b) | Expr::Logical(_, a, b) => {
                f(*a);
                f(*b);
            }
            Expr::Unary(_, a) | Expr::Await(a) | Expr::Yield(Some(a)) => f(*a),
            Expr::Cond { test, then, other } => {
                f(*test);
                f(*then);
                f(*other);
            }
            Expr::Template(parts) => {
                for p in parts {
                    if let TemplatePart::Expr(e) = p {
                        f(*e);
                    }
                }
            }
            Expr::Seq(_, elems) => {
                for el in elems {
                    match el {
                        Elem::Item(e) | Elem::Spread(e) => f(*e),
                    }
                }
            }
            Expr::Dict(entries) => {
                for en in entries {
                    match en {
                        Entry::Pair(k, v) => {
                            f(*k);
                            f(*v);
                        }
                        Entry::Spread(e) => f(*e),
                    }
                }
            }
            Expr::Comprehension { elt, clauses, .. } => {
                for c in clauses {
                    match c {
                        CompClause::For { iter, .. } => f(*iter),
                        CompClause::If(e) => f(*e),
                    }
                }
                f(*elt);
            }
            Expr::Const(_)
            | Expr::Name(_)
            | Expr::Func(_)
            | Expr::Class(_)
            | Expr::Yield(None)
            | Expr::This
            | Expr::Super
            | Expr::Unknown => {}
        }
    }
}

/// An assignment target or a binding form (parameters, loop variables,
/// destructuring).
#[derive(Debug, Clone, PartialEq)]
pub enum Pattern {
    Name(Sym),
    /// `obj.name = …`
    Field {
        obj: ExprId,
        name: Sym,
    },
    /// `obj[index] = …`
    Index {
        obj: ExprId,
        index: ExprId,
    },
    /// `a, b = …`, `[a, ...rest] = …`
    Seq {
        items: Vec<Pattern>,
        rest: Option<Box<Pattern>>,
    },
    /// `{a, b: c, ...rest} = …`: each property's key and the pattern it binds.
    Object {
        props: Vec<(Sym, Pattern)>,
        rest: Option<Box<Pattern>>,
    },
    /// A pattern with a default (`{a = 1}`, `[x = 0]`).
    Default(Box<Pattern>, ExprId),
    /// `_` where the language discards, or a target not modelled.
    Ignore,
}

/// A statement: the straight-line part of a block.
#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    /// `target = value` (also `with … as target`, `import`-free bindings,
    /// `def`/`class` names bound to [`Expr::Func`]/[`Expr::Class`]).
    Assign { target: Pattern, value: ExprId },
    /// `target op= value`
    AugAssign {
        target: Pattern,
        op: BinOp,
        value: ExprId,
    },
    /// An expression evaluated for its effect (a call statement).
    Eval(ExprId),
    /// The head of a loop over `iter`: binds `target` to an element.
    Iterate {
        target: Pattern,
        iter: ExprId,
        /// `for await` / `async for`
        is_async: bool,
    },
    /// The start of an exception handler: binds the caught exception
    /// (`except E as e`, `catch (e)`), of unknown value. `types` are the
    /// exception classes named, if any.
    Catch {
        target: Option<Pattern>,
        types: Vec<ExprId>,
    },
    /// `del x`, `delete obj.k`
    Delete(Pattern),
}

/// How a block ends.
#[derive(Debug, Clone, PartialEq)]
pub enum Terminator {
    Goto(BlockId),
    /// Two-way branch on a condition: `then` when it holds.
    Branch {
        cond: ExprId,
        then: BlockId,
        other: BlockId,
    },
    /// Multi-way branch (`match`, `switch`): the first case whose value
    /// equals `on` runs, else `default`.
    Switch {
        on: ExprId,
        cases: Vec<(ExprId, BlockId)>,
        default: BlockId,
    },
    Return(Option<ExprId>),
    /// `raise` / `throw`: to the block's handler if it has one, else out
    /// of the function.
    Throw(Option<ExprId>),
    /// No way out (a block that was never ended: only the builder makes it).
    Unreachable,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub stmts: Vec<(Stmt, Span)>,
    pub term: Terminator,
    pub term_span: Span,
    /// The exception handler this block runs under (`try` body): any
    /// statement may raise into it.
    pub handler: Option<BlockId>,
}

/// How a parameter is passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// Positional or keyword (Python's default; every JS parameter).
    Positional,
    /// Python's positional-only (before `/`).
    PositionalOnly,
    /// After `*` in Python.
    KeywordOnly,
    /// `*args` / `...rest`
    Rest,
    /// `**kwargs`
    KwRest,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The name, or a destructuring pattern (`({ query }, res) => …`).
    pub pattern: Pattern,
    pub kind: ParamKind,
    pub default: Option<ExprId>,
    /// The type annotation (`q: str`, `x: Depends(auth)` is a default).
    pub annotation: Option<ExprId>,
    pub span: Span,
}

/// What a function is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FuncKind {
    /// The module's top-level code.
    Module,
    /// A named function or method (`def`, `function`, class methods).
    Def,
    /// An anonymous function (`lambda`, arrow function, function expression).
    Lambda,
}

/// Which accessor a method is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accessor {
    Get,
    Set,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    pub kind: FuncKind,
    /// Its own name (`get`, `<module>`, `<lambda>`).
    pub name: Sym,
    /// Qualified within the file, as evidence names it: `UserView.get`,
    /// `create_app.upload`, `<module>`.
    pub qualified: String,
    pub params: Vec<Param>,
    /// Decorators (Python) or annotations, outermost first.
    pub decorators: Vec<ExprId>,
    /// The lexically enclosing function (closures read its variables).
    pub parent: Option<FuncId>,
    /// The class this is a method of.
    pub class: Option<ClassId>,
    /// The name the receiver goes by inside a method: Python's first
    /// parameter (`self`, not in `params`, so call sites' positions line
    /// up), or [`Expr::This`] where the language has it (`None` here).
    pub receiver: Option<Sym>,
    /// Names declared `global`/`nonlocal`: assignments reach the module or
    /// the enclosing function.
    pub outer_names: Vec<Sym>,
    pub is_async: bool,
    pub is_generator: bool,
    /// A getter or setter (`get name() {…}`, `@property`): reading or
    /// writing the attribute calls it.
    pub accessor: Option<Accessor>,
    /// A static method (its receiver is the class, not an instance).
    pub is_static: bool,
    /// Decorators of parameters (`get(@Param('id') id)`), by the
    /// parameter's index in `params`, in source order.
    pub param_decorators: Vec<(u32, ExprId)>,
    /// The whole definition.
    pub span: Span,
    /// The control-flow graph; block 0 is the entry.
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Class {
    pub name: Sym,
    /// Qualified within the file (`Outer.Inner`).
    pub qualified: String,
    pub bases: Vec<ExprId>,
    pub decorators: Vec<ExprId>,
    pub methods: Vec<FuncId>,
    /// Class-level fields (`x = 1` in a Python class body, `x = 1;` in a
    /// JavaScript class): name and initial value.
    pub fields: Vec<(Sym, Option<ExprId>, Span)>,
    /// The indices in `fields` of static fields (`static count = 0`: a
    /// field of the class itself, not of its instances).
    pub static_fields: Vec<u32>,
    pub span: Span,
}

/// An import binding: `local` names `member` of `module`, or the module
/// itself (`member: None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    pub local: Sym,
    /// The module's identity: a package (`flask`, `express`) or a
    /// repository module resolved by the lowering (`app.db` for Python,
    /// `src/db` for JavaScript — the same identity [`Module::id`] gives
    /// that file).
    pub module: String,
    pub member: Option<String>,
    pub span: Span,
}

impl Import {
    /// The dotted path the binding names: `module.member`, or the module
    /// itself for a whole-module or a default import (`import path from
    /// 'node:path'` is CommonJS's `module.exports`, the name catalogues
    /// know it by).
    pub fn path(&self) -> String {
        match &self.member {
            Some(mem) if mem != "default" => format!("{}.{mem}", self.module),
            _ => self.module.clone(),
        }
    }
}

/// A name other modules can import: `name` is bound to module-level
/// `local` (`export default x` exports `x` as `default`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub name: String,
    pub local: Sym,
    pub span: Span,
}

/// How a language writes comments and strings: what evidence text leaves
/// out (a comment a reviewer adds inside a call is no change to the code
/// under a decision).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CommentSyntax {
    /// The start of a comment running to the end of the line (`#`, `//`).
    pub line: &'static str,
    /// A comment's start and end (`/*`, `*/`).
    pub block: Option<(&'static str, &'static str)>,
    /// The characters that open and close a string.
    pub quotes: &'static [char],
}

impl CommentSyntax {
    /// The characters of `text` with its comments left out (a block
    /// comment becomes a space; a line comment ends at its line's end),
    /// text in strings kept whole. Lazy: a reader that stops early (a
    /// capped evidence text) reads no further.
    pub fn code(self, text: &str) -> impl Iterator<Item = char> + '_ {
        let mut i = 0;
        let mut quote: Option<char> = None;
        let mut pending: Option<char> = None;
        std::iter::from_fn(move || {
            loop {
                if let Some(c) = pending.take() {
                    return Some(c);
                }
                let rest = &text[i..];
                let c = rest.chars().next()?;
                if let Some(q) = quote {
                    i += c.len_utf8();
                    if c == '\\' {
                        if let Some(n) = text[i..].chars().next() {
                            i += n.len_utf8();
                            pending = Some(n);
                        }
                    } else if c == q {
                        quote = None;
                    }
                    return Some(c);
                }
                if !self.line.is_empty() && rest.starts_with(self.line) {
                    i += rest.find('\n').unwrap_or(rest.len());
                    continue;
                }
                if let Some((open, close)) = self.block
                    && rest.starts_with(open)
                {
                    let body = &rest[open.len()..];
                    i += open.len() + body.find(close).map_or(body.len(), |e| e + close.len());
                    return Some(' ');
                }
                if self.quotes.contains(&c) {
                    quote = Some(c);
                }
                i += c.len_utf8();
                return Some(c);
            }
        })
    }
}

/// One file, lowered.
#[derive(Debug, Clone)]
pub struct Module {
    /// The file's path in the repository.
    pub path: String,
    /// The identity other modules import it by (see [`Import::module`]).
    pub id: String,
    /// The language it was lowered from (for display only: the engine
    /// never branches on it).
    pub lang: String,
    pub names: Names,
    pub exprs: Vec<Expr>,
    pub spans: Vec<Span>,
    /// Function 0 is the module's top-level code.
    pub functions: Vec<Function>,
    pub classes: Vec<Class>,
    pub imports: Vec<Import>,
    pub exports: Vec<Export>,
    /// Where the lowering first stopped short (nesting past its depth
    /// limit, or a budget of copied code spent): what lies deeper there is
    /// [`Expr::Unknown`]. `None` when the whole file was lowered.
    pub truncated: Option<Span>,
    /// How its language writes comments (set by the lowering).
    pub comments: CommentSyntax,
}

impl Module {
    pub fn expr(&self, e: ExprId) -> &Expr {
        &self.exprs[e.index()]
    }
    pub fn span(&self, e: ExprId) -> Span {
        self.spans[e.index()]
    }
    pub fn func(&self, f: FuncId) -> &Function {
        &self.functions[f.index()]
    }
    pub fn class(&self, c: ClassId) -> &Class {
        &self.classes[c.index()]
    }
    pub fn name(&self, s: Sym) -> &str {
        self.names.name(s)
    }
    /// The import binding a local name refers to, if any.
    pub fn import_of(&self, local: Sym) -> Option<&Import> {
        self.imports.iter().find(|i| i.local == local)
    }
    /// Whether the module imports one of `packages` or a module of theirs
    /// (`django.db` of `django`).
    pub fn imports_any(&self, packages: &[String]) -> bool {
        self.imports.iter().any(|i| {
            packages.iter().any(|p| {
                i.module == *p
                    || i.module
                        .strip_prefix(p.as_str())
                        .is_some_and(|r| r.starts_with('.'))
            })
        })
    }
    /// The dotted path an expression spells (`request.args.get`), through
    /// names and fields only; `None` for anything else.
    pub fn dotted(&self, e: ExprId) -> Option<String> {
        match self.expr(e) {
            Expr::Name(s) => Some(self.name(*s).to_string()),
            Expr::This => Some("this".into()),
            Expr::Field { obj, name, .. } => {
                let mut p = self.dotted(*obj)?;
                p.push('.');
                p.push_str(self.name(*name));
                Some(p)
            }
            _ => None,
        }
    }
    /// A string constant's text.
    pub fn str_const(&self, e: ExprId) -> Option<&str> {
        match self.expr(e) {
            Expr::Const(Const::Str(s)) => Some(s),
            _ => None,
        }
    }
}
