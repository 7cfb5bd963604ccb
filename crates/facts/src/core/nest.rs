//! The NestJS recogniser: a controller method's parameters decorated
//! with `@Body()`, `@Query()`, `@Param()`, `@Headers()`, `@Ip()` or
//! `@UploadedFile()` (from `@nestjs/common`) are request data (one named
//! route parameter or header, `@Param('id')`, is text: no query operator
//! rides in it); one decorated `@Req()`/`@Request()` is the request
//! object, `@Res()` the response.

use bw_flow::ParamSeed;
use bw_ir::{Expr, ExprId, FuncId, Module};

const DATA: &[&str] = &["Body", "Query", "Param", "Headers", "Ip", "UploadedFile"];
const REQ: &[&str] = &["Req", "Request"];
const RES: &[&str] = &["Res", "Response"];

/// The name of a decorator imported from `@nestjs/…` (`Query` of `@Query('q')`).
fn decorator(m: &Module, e: ExprId) -> Option<&str> {
    let callee = match m.expr(e) {
        Expr::Call { callee, .. } => *callee,
        _ => e,
    };
    let Expr::Name(s) = m.expr(callee) else {
        return None;
    };
    let im = m.import_of(*s)?;
    if !im.module.starts_with("@nestjs/") {
        return None;
    }
    Some(im.member.as_deref().unwrap_or(m.name(*s)))
}

pub fn seeds(m: &Module) -> Vec<ParamSeed> {
    let mut out = Vec::new();
    for (i, f) in m.functions.iter().enumerate() {
        for (p, d) in &f.param_decorators {
            let Some(name) = decorator(m, *d) else {
                continue;
            };
            // `@Param('id')`, `@Headers('x-id')`: one value, always text
            // (a named query value can be an object: `?q[$ne]=x`).
            let named = matches!(m.expr(*d), Expr::Call { args, .. } if !args.is_empty());
            let text = named && matches!(name, "Param" | "Headers");
            let (source, ty) = if DATA.contains(&name) {
                (Some("request".to_string()), None)
            } else if REQ.contains(&name) {
                (None, Some("req".to_string()))
            } else if RES.contains(&name) {
                (None, Some("res".to_string()))
            } else {
                continue;
            };
            out.push(ParamSeed {
                func: FuncId(i as u32),
                param: *p,
                source,
                ty,
                clean: false,
                from_default: false,
                text,
            });
        }
    }
    out
}
