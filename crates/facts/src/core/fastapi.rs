//! The FastAPI recogniser: an endpoint registered with `@app.get(…)`
//! (`post`, `put`, `patch`, `delete`, `api_route`, `websocket`) on a
//! `FastAPI` app or an `APIRouter` takes its parameters from the request
//! (path, query, body), except a dependency (`= Depends(…)`,
//! `= Security(…)`, `Annotated[T, Depends(…)]` or a name this module binds
//! to one), a parameter annotated as a number or a boolean
//! (validated by FastAPI: clean), and the `Request` object, which is the
//! request itself.
//!
//! Any function's parameter whose default is one of FastAPI's request
//! markers (`= Header(…)`, `Query`, `Cookie`, `Body`, `Form`, `File`,
//! `Path`) is request data too: FastAPI fills it when it calls the
//! function as a dependency. Such a function may as well be a helper an
//! endpoint calls itself (copying the endpoint's signature): its other
//! parameters are its callers' values ([`helpers`]).

use super::python_web::{from, made_by, routes};
use super::shape::root;
use bw_flow::ParamSeed;
use bw_ir::{Expr, Module};
use std::collections::BTreeSet;

const VERBS: &[&str] = &[
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "api_route",
    "websocket",
];
const DEPENDS: &[&str] = &["Depends", "Security"];
const VALIDATED: &[&str] = &["int", "float", "bool", "UUID", "date", "datetime"];
const REQUEST: &[&str] = &["Request", "WebSocket"];
const MARKERS: &[&str] = &["Header", "Query", "Cookie", "Body", "Form", "File", "Path"];

fn name_of(m: &Module, e: bw_ir::ExprId) -> Option<&str> {
    match m.expr(e) {
        Expr::Name(s) => Some(m.name(*s)),
        Expr::Field { name, .. } => Some(m.name(*name)),
        _ => None,
    }
}

/// `e` is a call of one of FastAPI's `names`.
fn fastapi_call(m: &Module, e: bw_ir::ExprId, names: &[&str]) -> bool {
    match m.expr(e) {
        Expr::Call { callee, .. } => {
            name_of(m, *callee).is_some_and(|n| names.contains(&n))
                && root(m, *callee).is_some_and(|r| from(m, r, "fastapi"))
        }
        _ => false,
    }
}

/// The default is a call of one of FastAPI's `names`.
fn default_is(m: &Module, p: &bw_ir::Param, names: &[&str]) -> bool {
    p.default.is_some_and(|d| fastapi_call(m, d, names))
}

/// The annotation declares a dependency: `Annotated[User,
/// Depends(get_user)]`, or a name the module's own code binds to one
/// (`CurrentUser = Annotated[User, Depends(get_user)]`). (An alias
/// imported from another module is not seen here: its parameter stays
/// request data.)
fn annotated_dependency(m: &Module, ann: bw_ir::ExprId, depth: u32) -> bool {
    match m.expr(ann) {
        Expr::Index { obj, index } if name_of(m, *obj) == Some("Annotated") => {
            match m.expr(*index) {
                Expr::Seq(_, items) => items.iter().skip(1).any(|it| match it {
                    bw_ir::Elem::Item(x) => fastapi_call(m, *x, DEPENDS),
                    _ => false,
                }),
                _ => false,
            }
        }
        Expr::Name(s) if depth < 4 => {
            module_binding(m, *s).is_some_and(|v| annotated_dependency(m, v, depth + 1))
        }
        _ => false,
    }
}

/// What the module's top-level code assigns to `name` (its one binding).
fn module_binding(m: &Module, name: bw_ir::Sym) -> Option<bw_ir::ExprId> {
    let mut found = None;
    for b in &m.func(bw_ir::FuncId::MODULE).blocks {
        for (st, _) in &b.stmts {
            if let bw_ir::Stmt::Assign {
                target: bw_ir::Pattern::Name(s),
                value,
            } = st
                && *s == name
            {
                if found.is_some() {
                    return None;
                }
                found = Some(*value);
            }
        }
    }
    found
}

fn endpoints(m: &Module) -> Vec<bw_ir::FuncId> {
    let routers = made_by(m, "fastapi");
    routes(m, &routers, VERBS)
        .into_iter()
        .map(|(f, _)| f)
        .collect()
}

/// The functions no route registers with a parameter read by a request
/// marker: dependencies or helpers, whose other parameters are their
/// callers' (none, for a dependency FastAPI calls).
pub fn helpers(m: &Module) -> BTreeSet<bw_ir::FuncId> {
    let endpoints = endpoints(m);
    (0..m.functions.len())
        .map(|i| bw_ir::FuncId(i as u32))
        .filter(|f| !endpoints.contains(f))
        .filter(|f| m.func(*f).params.iter().any(|p| default_is(m, p, MARKERS)))
        .collect()
}

pub fn seeds(m: &Module) -> Vec<ParamSeed> {
    let mut out = Vec::new();
    let endpoints = endpoints(m);
    // Dependencies (and any other function) reading a request marker.
    for (fi, func) in m.functions.iter().enumerate() {
        let f = bw_ir::FuncId(fi as u32);
        if endpoints.contains(&f) {
            continue;
        }
        for (i, p) in func.params.iter().enumerate() {
            if default_is(m, p, MARKERS) {
                let validated = p
                    .annotation
                    .and_then(|a| name_of(m, a))
                    .is_some_and(|a| VALIDATED.contains(&a));
                out.push(ParamSeed {
                    func: f,
                    param: i as u32,
                    source: (!validated).then(|| "request".to_string()),
                    ty: None,
                    clean: validated,
                    from_default: false,
                    text: false,
                });
            }
        }
    }
    for f in endpoints {
        for (i, p) in m.func(f).params.iter().enumerate() {
            let dependency = default_is(m, p, DEPENDS)
                || p.annotation.is_some_and(|a| annotated_dependency(m, a, 0));
            // A dependency is the framework's, not data (seeded with no
            // source: the function is still a handler); a parameter
            // validated as a number, a boolean, a date or a UUID is no
            // injection.
            let ann = p.annotation.and_then(|a| name_of(m, a));
            let validated = ann.is_some_and(|a| VALIDATED.contains(&a));
            let (source, ty) = match ann {
                _ if dependency || validated => (None, None),
                Some(a) if REQUEST.contains(&a) => (None, Some("starlette.request".to_string())),
                _ => (Some("request".to_string()), None),
            };
            out.push(ParamSeed {
                func: f,
                param: i as u32,
                source,
                ty,
                clean: validated && !dependency,
                from_default: dependency,
                text: false,
            });
        }
    }
    out
}
