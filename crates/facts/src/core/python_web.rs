//! Shared reading of Python web frameworks' route decorators: which
//! functions a decorator `@<router>.<verb>(…)` registers, where the
//! router is an object a framework module made (`app = Flask(__name__)`,
//! `router = APIRouter()`).

use bw_ir::{Expr, FuncId, Module, Pattern, Sym};
use std::collections::BTreeSet;

/// The HTTP methods a class-based view's handler methods are named after.
pub const HTTP_METHODS: &[&str] = &["get", "post", "put", "patch", "delete", "head", "options"];

/// Whether name `s` is an import from package `pkg` (or a submodule).
pub fn from(m: &Module, s: Sym, pkg: &str) -> bool {
    m.import_of(s).is_some_and(|i| {
        i.module == pkg
            || i.module
                .strip_prefix(pkg)
                .is_some_and(|r| r.starts_with('.'))
    })
}

/// Variables bound to an object a call into `pkg` made.
pub fn made_by(m: &Module, pkg: &str) -> BTreeSet<Sym> {
    super::shape::made_by(m, |r| from(m, r, pkg))
}

/// The functions decorated `@<router>.<verb>(…)` with a router in
/// `routers` and a verb in `verbs`, with the decorator's first argument
/// when it is a string (the route).
pub fn routes<'m>(
    m: &'m Module,
    routers: &BTreeSet<Sym>,
    verbs: &[&str],
) -> Vec<(FuncId, Option<&'m str>)> {
    let mut out = Vec::new();
    for (i, f) in m.functions.iter().enumerate() {
        for d in &f.decorators {
            let Expr::Call { callee, args, .. } = m.expr(*d) else {
                continue;
            };
            let Expr::Field { obj, name, .. } = m.expr(*callee) else {
                continue;
            };
            let on_router = matches!(m.expr(*obj), Expr::Name(s) if routers.contains(s));
            if on_router && verbs.contains(&m.name(*name)) {
                let route = args.first().and_then(|a| m.str_const(a.value));
                out.push((FuncId(i as u32), route));
                break;
            }
        }
    }
    out
}

/// The name a parameter binds, if it is a plain name.
pub fn param_name(m: &Module, f: FuncId, i: usize) -> Option<&str> {
    match &m.func(f).params.get(i)?.pattern {
        Pattern::Name(s) => Some(m.name(*s)),
        _ => None,
    }
}
