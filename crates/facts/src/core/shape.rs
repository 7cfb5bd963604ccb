//! Shapes every recogniser reads in the intermediate form: the root name
//! of a dotted expression, and the variables a framework's constructor
//! made.

use bw_ir::{Expr, ExprId, Module, Pattern, Stmt, Sym};
use std::collections::BTreeSet;

/// The root name of a dotted expression or call (`express` of
/// `express.Router()`); bounded, as chains are short.
pub fn root(m: &Module, mut e: ExprId) -> Option<Sym> {
    for _ in 0..32 {
        match m.expr(e) {
            Expr::Name(s) => return Some(*s),
            Expr::Field { obj, .. } => e = *obj,
            Expr::Call { callee, .. } => e = *callee,
            _ => return None,
        }
    }
    None
}

/// Variables assigned the result of a call whose root name `maker`
/// accepts (`app = Flask(__name__)`, `const r = express.Router()`).
pub fn made_by(m: &Module, maker: impl Fn(Sym) -> bool) -> BTreeSet<Sym> {
    let mut out = BTreeSet::new();
    for f in &m.functions {
        for b in &f.blocks {
            for (st, _) in &b.stmts {
                if let Stmt::Assign {
                    target: Pattern::Name(s),
                    value,
                } = st
                    && let Expr::Call { callee, .. } = m.expr(*value)
                    && root(m, *callee).is_some_and(&maker)
                {
                    out.insert(*s);
                }
            }
        }
    }
    out
}
