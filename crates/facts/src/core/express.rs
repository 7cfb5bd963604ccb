//! The Node.js router recogniser (Express, and the Koa and Fastify
//! routers that register handlers the same way): finds route
//! registrations in the intermediate form — `app.get('/x', h)`,
//! `router.route('/x').post(h)`, `app.use(mw)` — and seeds each handler's
//! parameters as the framework's request and response objects, by
//! position (`(request, response) => …` reads as `req`/`res`; a
//! destructured `({ query }, res)` reads `query` from `req`). A handler
//! is a function value, a function of this module named there, or what a
//! factory of this module returns (`app.get('/orders', listOrders())`).

use super::shape::made_by;
use bw_flow::ParamSeed;
use bw_ir::{Expr, FuncId, Module, Sym, Terminator};
use std::collections::BTreeSet;

/// Methods that register a handler on a router.
const VERBS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "del", "all", "options", "head", "use",
];

/// The framework modules whose objects route requests, and the names
/// their handlers' parameters resolve as (the catalogue's source roots).
const FRAMEWORKS: &[(&str, &[&str])] = &[
    ("express", &["req", "res"]),
    ("koa", &["ctx"]),
    ("@koa/router", &["ctx"]),
    ("koa-router", &["ctx"]),
    ("fastify", &["request", "reply"]),
];

/// Names a router goes by when the module does not show where it came
/// from (passed in as a parameter, made in another module).
fn router_word(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    matches!(
        l.as_str(),
        "app" | "router" | "server" | "api" | "fastify" | "instance" | "routes"
    ) || l.ends_with("router")
        || l.ends_with("app")
        || l.ends_with("routes")
}

/// The parameter names of the framework this module routes with: the
/// first framework module it imports (Express when it imports none).
fn aliases(m: &Module) -> &'static [&'static str] {
    let imported = |fw: &str| {
        m.imports
            .iter()
            .any(|i| i.module == fw || i.module.starts_with(&format!("{fw}/")))
    };
    if imported("express") {
        return &["req", "res"];
    }
    FRAMEWORKS
        .iter()
        .find(|(fw, _)| imported(fw))
        .map_or(&["req", "res"], |(_, a)| a)
}

fn framework_import(m: &Module, s: Sym) -> bool {
    m.import_of(s).is_some_and(|i| {
        FRAMEWORKS
            .iter()
            .any(|(fw, _)| i.module == *fw || i.module.starts_with(&format!("{fw}/")))
    })
}

/// Variables bound to an object a framework module made
/// (`const app = express()`, `const r = express.Router()`,
/// `const router = new Router()`).
fn routers(m: &Module) -> BTreeSet<Sym> {
    made_by(m, |r| framework_import(m, r))
}

/// The function a name refers to: one defined in this module under that
/// name, preferring a top-level one.
fn named_function(m: &Module, name: &str, within: Option<FuncId>) -> Option<FuncId> {
    let found: Vec<usize> = m
        .functions
        .iter()
        .enumerate()
        .filter(|(i, f)| *i != 0 && m.name(f.name) == name && f.class.is_none())
        .map(|(i, _)| i)
        .collect();
    let pick = found
        .iter()
        .find(|i| m.functions[**i].parent == within)
        .or_else(|| {
            found
                .iter()
                .find(|i| m.functions[**i].parent == Some(FuncId::MODULE))
        })
        .or(found.first());
    pick.map(|i| FuncId(*i as u32))
}

/// The function a factory returns (`return (req, res) => …`, `return h`).
fn returned_function(m: &Module, factory: FuncId) -> Option<FuncId> {
    m.func(factory).blocks.iter().find_map(|b| match b.term {
        Terminator::Return(Some(e)) => match m.expr(e) {
            Expr::Func(g) => Some(*g),
            Expr::Name(s) => named_function(m, m.name(*s), Some(factory)),
            _ => None,
        },
        _ => None,
    })
}

/// The handler an argument of a route registration is.
fn handler(m: &Module, e: bw_ir::ExprId) -> Option<FuncId> {
    match m.expr(e) {
        Expr::Func(g) => Some(*g),
        Expr::Name(s) if m.import_of(*s).is_none() => named_function(m, m.name(*s), None),
        Expr::Call { callee, .. } => match m.expr(*callee) {
            Expr::Name(s) if m.import_of(*s).is_none() => {
                returned_function(m, named_function(m, m.name(*s), None)?)
            }
            _ => None,
        },
        _ => None,
    }
}

/// Whether `recv` is a router: a variable a framework made, a framework
/// import itself, `router.route('/x')`, or a name routers go by.
fn router(m: &Module, made: &BTreeSet<Sym>, recv: bw_ir::ExprId) -> bool {
    match m.expr(recv) {
        Expr::Name(s) => made.contains(s) || framework_import(m, *s) || router_word(m.name(*s)),
        Expr::Field { name, .. } => router_word(m.name(*name)),
        Expr::Call { callee, .. } => match m.expr(*callee) {
            Expr::Field { obj, name, .. } => m.name(*name) == "route" && router(m, made, *obj),
            _ => false,
        },
        _ => false,
    }
}

/// The parameter seeds of every handler this module registers.
pub fn seeds(m: &Module) -> Vec<ParamSeed> {
    let made = routers(m);
    let names = aliases(m);
    let mut out = Vec::new();
    for e in &m.exprs {
        let Expr::Call { callee, args, .. } = e else {
            continue;
        };
        let Expr::Field { obj, name, .. } = m.expr(*callee) else {
            continue;
        };
        let verb = m.name(*name);
        if !VERBS.contains(&verb) || !router(m, &made, *obj) {
            continue;
        }
        let on_route = matches!(m.expr(*obj), Expr::Call { .. });
        let path = args.first().and_then(|a| m.str_const(a.value));
        // A route is registered on a path (`use` may take none).
        if verb != "use" && !on_route && !path.is_some_and(|p| p.starts_with('/') || p == "*") {
            continue;
        }
        let skip = usize::from(path.is_some());
        for a in args.iter().skip(skip) {
            let Some(h) = handler(m, a.value) else {
                continue;
            };
            let n = m.func(h).params.len().min(names.len());
            for (i, ty) in names.iter().enumerate().take(n) {
                out.push(ParamSeed {
                    func: h,
                    param: i as u32,
                    source: None,
                    ty: Some((*ty).to_string()),
                    clean: false,
                    from_default: false,
                    text: false,
                });
            }
        }
    }
    out
}
