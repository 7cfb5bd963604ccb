//! The Django recogniser: in a module that imports Django, a function
//! view's first parameter named `request` (or a class-based view's
//! method's, after `self`) is the request object, which the catalogue's
//! `django.request.*` sources read; the URL's other parameters
//! (`def detail(request, slug)`) are request data.

use super::python_web::param_name;
use bw_flow::ParamSeed;
use bw_ir::{FuncId, FuncKind, Module};

pub fn seeds(m: &Module) -> Vec<ParamSeed> {
    let django = m
        .imports
        .iter()
        .any(|i| i.module == "django" || i.module.starts_with("django."));
    if !django {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, f) in m.functions.iter().enumerate() {
        let id = FuncId(i as u32);
        if f.kind != FuncKind::Def || param_name(m, id, 0) != Some("request") {
            continue;
        }
        out.push(ParamSeed {
            func: id,
            param: 0,
            source: None,
            ty: Some("django.request".into()),
            clean: false,
        });
        for p in 1..f.params.len() {
            out.push(ParamSeed {
                func: id,
                param: p as u32,
                source: Some("request".into()),
                ty: None,
                clean: false,
            });
        }
    }
    out
}
