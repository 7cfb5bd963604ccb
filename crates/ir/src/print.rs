//! The text form of a module (`breakwater debug ir`): one line per
//! statement, prefixed by its source line, so a lowering can be read
//! against the file it came from.

use crate::{
    ArgKind, BinOp, Block, CmpOp, CompClause, Const, Elem, Entry, Expr, ExprId, FuncKind, Function,
    LogicOp, Module, ParamKind, Pattern, SeqKind, Stmt, TemplatePart, Terminator, UnOp,
};
use std::fmt::Write;

/// The whole module as text.
pub fn module(m: &Module) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "module {} ({}, {})", m.id, m.path, m.lang);
    if let Some(t) = m.truncated {
        let _ = writeln!(out, "truncated at {}:{}", t.line, t.col);
    }
    for i in &m.imports {
        let what = match &i.member {
            Some(member) => format!("{}.{member}", i.module),
            None => i.module.clone(),
        };
        let _ = writeln!(out, "import {} = {what}", m.name(i.local));
    }
    for e in &m.exports {
        let _ = writeln!(out, "export {} = {}", e.name, m.name(e.local));
    }
    for c in &m.classes {
        let bases: Vec<String> = c.bases.iter().map(|b| expr(m, *b)).collect();
        let _ = write!(out, "class {}", c.qualified);
        if !bases.is_empty() {
            let _ = write!(out, "({})", bases.join(", "));
        }
        for d in &c.decorators {
            let _ = write!(out, " @{}", expr(m, *d));
        }
        let _ = writeln!(out);
        for (i, (name, value, _)) in c.fields.iter().enumerate() {
            let kind = if c.static_fields.contains(&(i as u32)) {
                "static field"
            } else {
                "field"
            };
            match value {
                Some(v) => {
                    let _ = writeln!(out, "  {kind} {} = {}", m.name(*name), expr(m, *v));
                }
                None => {
                    let _ = writeln!(out, "  {kind} {}", m.name(*name));
                }
            }
        }
        for f in &c.methods {
            let _ = writeln!(out, "  method {}", m.func(*f).qualified);
        }
    }
    for f in &m.functions {
        out.push('\n');
        function(m, f, &mut out);
    }
    out
}

fn function(m: &Module, f: &Function, out: &mut String) {
    let kind = match f.kind {
        FuncKind::Module => "module-code",
        FuncKind::Def => "fn",
        FuncKind::Lambda => "lambda",
    };
    let params: Vec<String> = f
        .params
        .iter()
        .map(|p| {
            let mut s = match p.kind {
                ParamKind::Rest => "*".to_string(),
                ParamKind::KwRest => "**".to_string(),
                _ => String::new(),
            };
            s.push_str(&pattern(m, &p.pattern));
            if p.kind == ParamKind::KeywordOnly {
                s.insert_str(0, "kw ");
            }
            if p.kind == ParamKind::PositionalOnly {
                s.insert_str(0, "pos ");
            }
            if let Some(a) = p.annotation {
                let _ = write!(s, ": {}", expr(m, a));
            }
            if let Some(d) = p.default {
                let _ = write!(s, " = {}", expr(m, d));
            }
            s
        })
        .collect();
    let _ = write!(out, "{kind} {}({})", f.qualified, params.join(", "));
    if f.is_async {
        out.push_str(" async");
    }
    if f.is_generator {
        out.push_str(" generator");
    }
    match f.accessor {
        Some(crate::Accessor::Get) => out.push_str(" getter"),
        Some(crate::Accessor::Set) => out.push_str(" setter"),
        None => {}
    }
    if f.is_static {
        out.push_str(" static");
    }
    if let Some(r) = f.receiver {
        let _ = write!(out, " receiver {}", m.name(r));
    }
    if let Some(c) = f.class {
        let _ = write!(out, " in {}", m.class(c).qualified);
    }
    if let Some(p) = f.parent {
        let _ = write!(out, " within {}", m.func(p).qualified);
    }
    if !f.outer_names.is_empty() {
        let names: Vec<&str> = f.outer_names.iter().map(|s| m.name(*s)).collect();
        let _ = write!(out, " outer {}", names.join(", "));
    }
    out.push('\n');
    for d in &f.decorators {
        let _ = writeln!(out, "  @{}", expr(m, *d));
    }
    for (i, d) in &f.param_decorators {
        let _ = writeln!(out, "  param {i} @{}", expr(m, *d));
    }
    for (i, b) in f.blocks.iter().enumerate() {
        block(m, i, b, out);
    }
}

fn block(m: &Module, i: usize, b: &Block, out: &mut String) {
    let _ = write!(out, "  b{i}:");
    if let Some(h) = b.handler {
        let _ = write!(out, " (handler b{})", h.0);
    }
    out.push('\n');
    for (s, span) in &b.stmts {
        let _ = writeln!(out, "    {:>4}| {}", span.line, stmt(m, s));
    }
    let t = match &b.term {
        Terminator::Goto(t) => format!("goto b{}", t.0),
        Terminator::Branch { cond, then, other } => {
            format!("if {} then b{} else b{}", expr(m, *cond), then.0, other.0)
        }
        Terminator::Switch { on, cases, default } => {
            let cs: Vec<String> = cases
                .iter()
                .map(|(v, b)| format!("{} => b{}", expr(m, *v), b.0))
                .collect();
            format!(
                "switch {} {{ {}; else => b{} }}",
                expr(m, *on),
                cs.join(", "),
                default.0
            )
        }
        Terminator::Return(None) => "return".into(),
        Terminator::Return(Some(e)) => format!("return {}", expr(m, *e)),
        Terminator::Throw(None) => "throw".into(),
        Terminator::Throw(Some(e)) => format!("throw {}", expr(m, *e)),
        Terminator::Unreachable => "unreachable".into(),
    };
    let _ = writeln!(out, "    {:>4}| {t}", b.term_span.line);
}

/// One statement as text.
pub fn stmt(m: &Module, s: &Stmt) -> String {
    match s {
        Stmt::Assign { target, value } => format!("{} = {}", pattern(m, target), expr(m, *value)),
        Stmt::AugAssign { target, op, value } => {
            format!("{} {}= {}", pattern(m, target), bin(*op), expr(m, *value))
        }
        Stmt::Eval(e) => expr(m, *e),
        Stmt::Iterate {
            target,
            iter,
            is_async,
        } => format!(
            "{}for {} in {}",
            if *is_async { "async " } else { "" },
            pattern(m, target),
            expr(m, *iter)
        ),
        Stmt::Catch { target, types } => {
            let ts: Vec<String> = types.iter().map(|t| expr(m, *t)).collect();
            let mut s = format!("catch {}", ts.join(" | "));
            if let Some(t) = target {
                let _ = write!(s, " as {}", pattern(m, t));
            }
            s.trim_end().to_string()
        }
        Stmt::Delete(p) => format!("del {}", pattern(m, p)),
    }
}

/// A pattern as text.
pub fn pattern(m: &Module, p: &Pattern) -> String {
    match p {
        Pattern::Name(s) => m.name(*s).to_string(),
        Pattern::Field { obj, name } => format!("{}.{}", expr(m, *obj), m.name(*name)),
        Pattern::Index { obj, index } => format!("{}[{}]", expr(m, *obj), expr(m, *index)),
        Pattern::Seq { items, rest } => {
            let mut v: Vec<String> = items.iter().map(|i| pattern(m, i)).collect();
            if let Some(r) = rest {
                v.push(format!("...{}", pattern(m, r)));
            }
            format!("[{}]", v.join(", "))
        }
        Pattern::Object { props, rest } => {
            let mut v: Vec<String> = props
                .iter()
                .map(|(k, p)| format!("{}: {}", m.name(*k), pattern(m, p)))
                .collect();
            if let Some(r) = rest {
                v.push(format!("...{}", pattern(m, r)));
            }
            format!("{{{}}}", v.join(", "))
        }
        Pattern::Default(p, d) => format!("{} = {}", pattern(m, p), expr(m, *d)),
        Pattern::Ignore => "_".into(),
    }
}

fn bin(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::FloorDiv => "//",
        BinOp::Mod => "%",
        BinOp::Pow => "**",
        BinOp::MatMul => "@",
        BinOp::BitAnd => "&",
        BinOp::BitOr => "|",
        BinOp::BitXor => "^",
        BinOp::Shl => "<<",
        BinOp::Shr => ">>",
        BinOp::UShr => ">>>",
    }
}

fn cmp(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "==",
        CmpOp::NotEq => "!=",
        CmpOp::StrictEq => "===",
        CmpOp::StrictNotEq => "!==",
        CmpOp::Lt => "<",
        CmpOp::LtE => "<=",
        CmpOp::Gt => ">",
        CmpOp::GtE => ">=",
        CmpOp::In => "in",
        CmpOp::NotIn => "not in",
        CmpOp::Is => "is",
        CmpOp::IsNot => "is not",
        CmpOp::InstanceOf => "instanceof",
    }
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Expressions nested deeper than this print as `…` (a method chain of
/// 20,000 calls is one expression 20,000 levels deep).
const PRINT_DEPTH: u32 = 200;

thread_local! {
    static DEPTH: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// An expression as text (operators fully parenthesised); below
/// [`PRINT_DEPTH`] levels, `…`.
pub fn expr(m: &Module, e: ExprId) -> String {
    let d = DEPTH.with(|d| {
        let v = d.get() + 1;
        d.set(v);
        v
    });
    let out = if d > PRINT_DEPTH {
        "…".to_string()
    } else {
        expr_text(m, e)
    };
    DEPTH.with(|d| d.set(d.get() - 1));
    out
}

fn expr_text(m: &Module, e: ExprId) -> String {
    match m.expr(e) {
        Expr::Const(c) => match c {
            Const::Null => "null".into(),
            Const::Bool(b) => b.to_string(),
            Const::Int(i) => i.to_string(),
            Const::Float(f) => format!("{f:?}"),
            Const::Str(s) => quote(s),
            Const::Bytes(s) => format!("b{}", quote(s)),
            Const::Regex(p, f) => format!("/{p}/{f}"),
        },
        Expr::Name(s) => m.name(*s).to_string(),
        Expr::Field {
            obj,
            name,
            optional,
        } => format!(
            "{}{}{}",
            expr(m, *obj),
            if *optional { "?." } else { "." },
            m.name(*name)
        ),
        Expr::Index { obj, index } => format!("{}[{}]", expr(m, *obj), expr(m, *index)),
        Expr::Call { callee, args, new } => {
            let a: Vec<String> = args
                .iter()
                .map(|a| match a.kind {
                    ArgKind::Positional => expr(m, a.value),
                    ArgKind::Keyword(k) => format!("{}={}", m.name(k), expr(m, a.value)),
                    ArgKind::Spread => format!("*{}", expr(m, a.value)),
                    ArgKind::KwSpread => format!("**{}", expr(m, a.value)),
                })
                .collect();
            format!(
                "{}{}({})",
                if *new { "new " } else { "" },
                expr(m, *callee),
                a.join(", ")
            )
        }
        Expr::Binary(op, l, r) => format!("({} {} {})", expr(m, *l), bin(*op), expr(m, *r)),
        Expr::Unary(op, x) => {
            let o = match op {
                UnOp::Not => "not ",
                UnOp::Neg => "-",
                UnOp::Pos => "+",
                UnOp::BitNot => "~",
                UnOp::TypeOf => "typeof ",
                UnOp::Void => "void ",
                UnOp::Delete => "delete ",
            };
            format!("({o}{})", expr(m, *x))
        }
        Expr::Compare(op, l, r) => format!("({} {} {})", expr(m, *l), cmp(*op), expr(m, *r)),
        Expr::Logical(op, l, r) => {
            let o = match op {
                LogicOp::And => "and",
                LogicOp::Or => "or",
                LogicOp::Nullish => "??",
            };
            format!("({} {o} {})", expr(m, *l), expr(m, *r))
        }
        Expr::Cond { test, then, other } => format!(
            "({} if {} else {})",
            expr(m, *then),
            expr(m, *test),
            expr(m, *other)
        ),
        Expr::Template(parts) => {
            let mut s = String::from("f\"");
            for p in parts {
                match p {
                    TemplatePart::Text(t) => {
                        let q = quote(t);
                        s.push_str(&q[1..q.len() - 1]);
                    }
                    TemplatePart::Expr(x) => {
                        let _ = write!(s, "{{{}}}", expr(m, *x));
                    }
                }
            }
            s.push('"');
            s
        }
        Expr::Seq(kind, items) => {
            let v: Vec<String> = items
                .iter()
                .map(|i| match i {
                    Elem::Item(x) => expr(m, *x),
                    Elem::Spread(x) => format!("...{}", expr(m, *x)),
                })
                .collect();
            match kind {
                SeqKind::List => format!("[{}]", v.join(", ")),
                SeqKind::Tuple => format!("tuple({})", v.join(", ")),
                SeqKind::Set => format!("set({})", v.join(", ")),
                SeqKind::Generator => format!("gen({})", v.join(", ")),
                SeqKind::Dict => format!("dict({})", v.join(", ")),
            }
        }
        Expr::Dict(entries) => {
            let v: Vec<String> = entries
                .iter()
                .map(|en| match en {
                    Entry::Pair(k, v) => format!("{}: {}", expr(m, *k), expr(m, *v)),
                    Entry::Spread(x) => format!("...{}", expr(m, *x)),
                })
                .collect();
            format!("{{{}}}", v.join(", "))
        }
        Expr::Comprehension { kind, elt, clauses } => {
            let k = match kind {
                SeqKind::List => "list",
                SeqKind::Tuple => "tuple",
                SeqKind::Set => "set",
                SeqKind::Generator => "gen",
                SeqKind::Dict => "dict",
            };
            let mut s = format!("{k}[{}", expr(m, *elt));
            for c in clauses {
                match c {
                    CompClause::For { target, iter } => {
                        let _ = write!(s, " for {} in {}", pattern(m, target), expr(m, *iter));
                    }
                    CompClause::If(x) => {
                        let _ = write!(s, " if {}", expr(m, *x));
                    }
                }
            }
            s.push(']');
            s
        }
        Expr::Func(f) => format!("fn {}", m.func(*f).qualified),
        Expr::Class(c) => format!("class {}", m.class(*c).qualified),
        Expr::Await(x) => format!("(await {})", expr(m, *x)),
        Expr::Yield(None) => "(yield)".into(),
        Expr::Yield(Some(x)) => format!("(yield {})", expr(m, *x)),
        Expr::This => "this".into(),
        Expr::Super => "super".into(),
        Expr::Unknown => "?".into(),
    }
}
