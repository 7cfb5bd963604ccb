//! The Next.js recogniser: server actions (every exported function of a
//! `'use server'` module takes its arguments from the client), App Router
//! route handlers (an exported `GET`/`POST`/… of an `app/**/route.*`
//! file: its first parameter is the `request`, its second the route
//! context), and Pages Router API routes (the default export of a
//! `pages/api/**` file takes `(req, res)`).

use bw_flow::ParamSeed;
use bw_ir::{Expr, FuncId, Module, Stmt};

const VERBS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// The module has the `'use server'` directive (the lowering keeps only
/// directives of the prologue as constant statements).
fn use_server(m: &Module) -> bool {
    let Some(b) = m.functions.first().and_then(|f| f.blocks.first()) else {
        return false;
    };
    b.stmts
        .iter()
        .any(|(st, _)| matches!(st, Stmt::Eval(e) if m.str_const(*e) == Some("use server")))
}

/// The function a module-level export name is bound to.
fn exported(m: &Module, name: &str) -> Option<FuncId> {
    let ex = m.exports.iter().find(|x| x.name == name)?;
    let local = m.name(ex.local);
    for b in &m.functions.first()?.blocks {
        for (st, _) in &b.stmts {
            if let Stmt::Assign {
                target: bw_ir::Pattern::Name(s),
                value,
            } = st
                && *s == ex.local
                && let Expr::Func(g) = m.expr(*value)
            {
                return Some(*g);
            }
        }
    }
    m.functions
        .iter()
        .position(|f| f.parent == Some(FuncId::MODULE) && m.name(f.name) == local)
        .map(|i| FuncId(i as u32))
}

fn seed(out: &mut Vec<ParamSeed>, f: FuncId, param: u32, source: Option<&str>, ty: Option<&str>) {
    out.push(ParamSeed {
        func: f,
        param,
        source: source.map(str::to_string),
        ty: ty.map(str::to_string),
        clean: false,
        from_default: false,
        text: false,
    });
}

pub fn seeds(m: &Module) -> Vec<ParamSeed> {
    let mut out = Vec::new();
    let path = format!("/{}", m.path);
    let file = path.rsplit('/').next().unwrap_or("");
    if use_server(m) {
        for ex in &m.exports {
            if let Some(f) = exported(m, &ex.name) {
                for i in 0..m.func(f).params.len() {
                    seed(&mut out, f, i as u32, Some("request"), None);
                }
            }
        }
    }
    if path.contains("/app/") && file.split('.').next() == Some("route") {
        for v in VERBS {
            if let Some(f) = exported(m, v) {
                let n = m.func(f).params.len();
                if n > 0 {
                    seed(&mut out, f, 0, None, Some("request"));
                }
                if n > 1 {
                    seed(&mut out, f, 1, None, Some("nextctx"));
                }
            }
        }
    }
    if path.contains("/pages/api/")
        && let Some(f) = exported(m, "default")
    {
        for (i, ty) in ["req", "res"]
            .iter()
            .enumerate()
            .take(m.func(f).params.len())
        {
            seed(&mut out, f, i as u32, None, Some(ty));
        }
    }
    out
}
