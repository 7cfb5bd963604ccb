//! Building modules of the intermediate form by hand, tersely, for the
//! engine's tests. Each expression gets the current line (`at`).

#![allow(dead_code)]

use bw_flow::catalogue::{FlowSpec, FlowSpecFile};
use bw_flow::{ModuleResult, SinkHit, Verdict};
use bw_ir::build::{FnBuilder, ModuleBuilder};
use bw_ir::{
    Arg, ArgKind, Const, Expr, ExprId, FuncId, FuncKind, Module, Param, ParamKind, Pattern, Span,
    Stmt, Terminator,
};

pub struct M {
    pub b: ModuleBuilder,
    pub line: u32,
}

pub fn sp(line: u32) -> Span {
    Span {
        start: line * 100,
        end: line * 100 + 10,
        line,
        col: 1,
        end_line: line,
        end_col: 10,
    }
}

impl M {
    pub fn new(id: &str) -> M {
        M {
            b: ModuleBuilder::new(&format!("{id}.src"), id, "test"),
            line: 1,
        }
    }
    pub fn at(&mut self, line: u32) -> &mut M {
        self.line = line;
        self
    }
    pub fn sp(&self) -> Span {
        sp(self.line)
    }
    pub fn e(&mut self, e: Expr) -> ExprId {
        let s = self.sp();
        self.b.expr(e, s)
    }
    pub fn n(&mut self, name: &str) -> ExprId {
        let s = self.sp();
        self.b.name(name, s)
    }
    pub fn p(&mut self, dotted: &str) -> ExprId {
        let s = self.sp();
        self.b.path(dotted, s)
    }
    pub fn s(&mut self, text: &str) -> ExprId {
        let s = self.sp();
        self.b.str(text, s)
    }
    pub fn i(&mut self, v: i64) -> ExprId {
        self.e(Expr::Const(Const::Int(v)))
    }
    pub fn null(&mut self) -> ExprId {
        self.e(Expr::Const(Const::Null))
    }
    pub fn call(&mut self, callee: ExprId, args: &[ExprId]) -> ExprId {
        let s = self.sp();
        self.b.call(callee, args, s)
    }
    /// `dotted(args…)`
    pub fn pc(&mut self, dotted: &str, args: &[ExprId]) -> ExprId {
        let c = self.p(dotted);
        self.call(c, args)
    }
    /// `obj.method(args…)`
    pub fn mc(&mut self, obj: ExprId, method: &str, args: &[ExprId]) -> ExprId {
        let s = self.sp();
        let f = self.b.field(obj, method, s);
        self.call(f, args)
    }
    pub fn field(&mut self, obj: ExprId, name: &str) -> ExprId {
        let s = self.sp();
        self.b.field(obj, name, s)
    }
    pub fn index(&mut self, obj: ExprId, index: ExprId) -> ExprId {
        self.e(Expr::Index { obj, index })
    }
    /// A call with keyword arguments.
    pub fn kwcall(&mut self, callee: ExprId, args: &[ExprId], kws: &[(&str, ExprId)]) -> ExprId {
        let mut a: Vec<Arg> = args
            .iter()
            .map(|v| Arg {
                kind: ArgKind::Positional,
                value: *v,
            })
            .collect();
        for (k, v) in kws {
            let k = self.b.intern(k);
            a.push(Arg {
                kind: ArgKind::Keyword(k),
                value: *v,
            });
        }
        self.e(Expr::Call {
            callee,
            args: a,
            new: false,
        })
    }
    pub fn sym_pattern(&mut self, name: &str) -> Pattern {
        Pattern::Name(self.b.intern(name))
    }

    /// A function with positional parameters named `params`.
    pub fn def(&mut self, name: &str, params: &[&str], parent: FuncId) -> FuncId {
        let s = self.sp();
        let kind = if name == "<lambda>" {
            FuncKind::Lambda
        } else {
            FuncKind::Def
        };
        let f = self.b.function(kind, name, name, Some(parent), s);
        for p in params {
            let pat = self.sym_pattern(p);
            self.b.func_mut(f).params.push(Param {
                pattern: pat,
                kind: ParamKind::Positional,
                default: None,
                annotation: None,
                span: s,
            });
        }
        f
    }

    pub fn assign(&mut self, b: &mut FnBuilder, target: &str, value: ExprId) {
        let t = self.sym_pattern(target);
        let s = self.sp();
        b.push(Stmt::Assign { target: t, value }, s);
    }
    pub fn assign_to(&mut self, b: &mut FnBuilder, target: Pattern, value: ExprId) {
        let s = self.sp();
        b.push(Stmt::Assign { target, value }, s);
    }
    pub fn eval(&mut self, b: &mut FnBuilder, e: ExprId) {
        let s = self.sp();
        b.push(Stmt::Eval(e), s);
    }
    pub fn ret(&mut self, b: &mut FnBuilder, e: Option<ExprId>) {
        let s = self.sp();
        b.terminate(Terminator::Return(e), s);
    }
    /// `if cond: <reject>` and carry on in the other branch; `reject`
    /// builds the rejecting branch (it must end the block or not).
    pub fn reject_if(
        &mut self,
        b: &mut FnBuilder,
        cond: ExprId,
        reject: impl FnOnce(&mut M, &mut FnBuilder),
    ) {
        let s = self.sp();
        let (then, other) = b.branch(cond, s);
        b.switch_to(then);
        reject(self, b);
        let end = b.end();
        b.switch_to(other);
        let other_end = b.end();
        b.join(&[end, other_end]);
    }
    /// `if cond: return`
    pub fn return_if(&mut self, b: &mut FnBuilder, cond: ExprId) {
        self.reject_if(b, cond, |m, b| m.ret(b, None));
    }
    pub fn not(&mut self, e: ExprId) -> ExprId {
        self.e(Expr::Unary(bw_ir::UnOp::Not, e))
    }
    pub fn list(&mut self, items: &[ExprId]) -> ExprId {
        self.e(Expr::Seq(
            bw_ir::SeqKind::List,
            items.iter().map(|i| bw_ir::Elem::Item(*i)).collect(),
        ))
    }
    pub fn finish(self) -> Module {
        self.b.finish()
    }
}

pub fn python() -> FlowSpecFile {
    FlowSpec::builtin().python
}
pub fn javascript() -> FlowSpecFile {
    FlowSpec::builtin().javascript
}

/// The hit of `kind` on `line`.
pub fn hit<'a>(r: &'a ModuleResult, kind: &str, line: u32) -> &'a SinkHit {
    r.hits
        .iter()
        .find(|h| h.kind == kind && h.span.line == line && h.via.is_none())
        .unwrap_or_else(|| panic!("no {kind} sink on line {line}: {:#?}", r.hits))
}

pub fn verdict(r: &ModuleResult, kind: &str, line: u32) -> Verdict {
    hit(r, kind, line).verdict
}

/// The verdict expected of a sink: safe when `clean`, else a confirmed flow.
pub fn safe_if(clean: bool) -> Verdict {
    if clean {
        Verdict::Safe
    } else {
        Verdict::Confirmed
    }
}

/// `flask.request` and `os` imported, `ALLOWED = ["a", "b"]` at module level.
pub fn flask_module(id: &str) -> M {
    let mut m = M::new(id);
    let s = m.sp();
    m.b.import("request", "flask", Some("request"), s);
    m.b.import("os", "os", None, s);
    m
}

/// Module code binding `ALLOWED` to a constant list and `HOSTS` to a set.
pub fn module_code(m: &mut M) {
    let mut b = FnBuilder::new(FuncId::MODULE);
    m.at(1);
    let a = m.s("a");
    let bb = m.s("b");
    let l = m.list(&[a, bb]);
    m.assign(&mut b, "ALLOWED", l);
    let h = m.s("api.example.com");
    let hs = m.e(Expr::Seq(bw_ir::SeqKind::Set, vec![bw_ir::Elem::Item(h)]));
    m.assign(&mut b, "ALLOWED_HOSTS", hs);
    let base = m.s("/srv/files/");
    m.assign(&mut b, "BASE", base);
    b.finish(&mut m.b);
}

/// `x = request.args.get("q")` at line `line`.
pub fn read_query(m: &mut M, b: &mut FnBuilder, var: &str, line: u32) {
    m.at(line);
    let q = m.s("q");
    let v = m.pc("request.args.get", &[q]);
    m.assign(b, var, v);
}

/// `os.system(var)` at `line`.
pub fn system(m: &mut M, b: &mut FnBuilder, var: &str, line: u32) {
    m.at(line);
    let x = m.n(var);
    let c = m.pc("os.system", &[x]);
    m.eval(b, c);
}
