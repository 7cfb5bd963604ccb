//! The Starlette recogniser: a function given as the endpoint of a
//! `Route(path, endpoint)` / `WebSocketRoute(…)` (from `starlette.routing`,
//! as FastAPI re-exports it too) takes the request object as its first
//! parameter, which the catalogue's `starlette.request.*` sources read.

use super::python_web::from;
use super::shape::root;
use bw_flow::ParamSeed;
use bw_ir::{ArgKind, Expr, FuncId, FuncKind, Module};

const ROUTES: &[&str] = &["Route", "WebSocketRoute"];
const PACKAGES: &[&str] = &["starlette", "fastapi"];

pub fn seeds(m: &Module) -> Vec<ParamSeed> {
    let mut out = Vec::new();
    for e in &m.exprs {
        let Expr::Call { callee, args, .. } = e else {
            continue;
        };
        let named = match m.expr(*callee) {
            Expr::Name(s) => Some(m.name(*s)),
            Expr::Field { name, .. } => Some(m.name(*name)),
            _ => None,
        };
        if !named.is_some_and(|n| ROUTES.contains(&n))
            || !root(m, *callee).is_some_and(|r| PACKAGES.iter().any(|p| from(m, r, p)))
        {
            continue;
        }
        // The endpoint: the second positional argument or `endpoint=`.
        let endpoint = args
            .iter()
            .filter(|a| a.kind == ArgKind::Positional)
            .nth(1)
            .or_else(|| {
                args.iter()
                    .find(|a| matches!(a.kind, ArgKind::Keyword(k) if m.name(k) == "endpoint"))
            })
            .map(|a| a.value);
        let func = match endpoint.map(|x| m.expr(x)) {
            Some(Expr::Func(g)) => Some(*g),
            Some(Expr::Name(s)) => m
                .functions
                .iter()
                .position(|f| {
                    f.name == *s && f.parent == Some(FuncId::MODULE) && f.kind != FuncKind::Lambda
                })
                .map(|i| FuncId(i as u32)),
            _ => None,
        };
        if let Some(f) = func.filter(|f| !m.func(*f).params.is_empty()) {
            out.push(ParamSeed {
                func: f,
                param: 0,
                source: None,
                ty: Some("starlette.request".into()),
                clean: false,
                from_default: false,
                text: false,
            });
        }
    }
    out
}
