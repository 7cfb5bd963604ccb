//! The Django recogniser, in a module that imports Django or Django REST
//! framework:
//!
//! - a function's first parameter named `request` (a method's, after
//!   `self`) is the request object, which the catalogue's
//!   `django.request.*` sources read, whether the function is a view or a
//!   helper a view hands the request to;
//! - a method of a class with such a method (a class-based view) also
//!   reads the request as `self.request`;
//! - a view's other parameters are the URL's captured values, request
//!   data (`def detail(request, slug)`). A function is taken for a view
//!   when something registers it (it is decorated: `@api_view`,
//!   `@login_required`, `@require_POST`), when its module is a views
//!   module (`views.py`, `views/…`, `api.py`), or when it is a class-based
//!   view's handler (`get`, `post`, … and the viewset actions `list`,
//!   `retrieve`, …). Any other function taking `request` is a helper: its
//!   other parameters are what its callers pass (linked across files),
//!   not request data of their own.

use super::python_web::{HTTP_METHODS, param_name};
use bw_flow::{FieldSeed, ParamSeed};
use bw_ir::{ClassId, FuncId, FuncKind, Module};
use std::collections::BTreeSet;

/// Django REST framework viewset actions, called with the URL's captured
/// values like the HTTP methods' handlers.
const ACTIONS: &[&str] = &[
    "list",
    "create",
    "retrieve",
    "update",
    "partial_update",
    "destroy",
];

/// Module names (the file's stem, or a folder on its path) that hold views.
const VIEW_MODULES: &[&str] = &["views", "viewsets", "api", "apis", "endpoints"];

pub fn seeds(m: &Module) -> Vec<ParamSeed> {
    let mut out = Vec::new();
    for (id, view) in taking_request(m) {
        out.push(ParamSeed {
            func: id,
            param: 0,
            source: None,
            ty: Some("django.request".into()),
            clean: false,
            from_default: false,
            text: false,
        });
        if !view {
            continue;
        }
        for p in 1..m.func(id).params.len() {
            out.push(ParamSeed {
                func: id,
                param: p as u32,
                source: Some("request".into()),
                ty: None,
                clean: false,
                from_default: false,
                text: false,
            });
        }
    }
    out
}

/// The functions taking `request` that are no view: helpers, whose
/// other parameters are what their callers pass.
pub fn helpers(m: &Module) -> BTreeSet<FuncId> {
    taking_request(m)
        .into_iter()
        .filter(|(_, view)| !view)
        .map(|(f, _)| f)
        .collect()
}

/// Every function of a Django module whose first parameter is `request`,
/// and whether it is a view.
fn taking_request(m: &Module) -> Vec<(FuncId, bool)> {
    if !django(m) {
        return Vec::new();
    }
    let views_module = views_module(&m.path);
    let mut out = Vec::new();
    for (i, f) in m.functions.iter().enumerate() {
        let id = FuncId(i as u32);
        if f.kind != FuncKind::Def || param_name(m, id, 0) != Some("request") {
            continue;
        }
        let view = match f.class {
            Some(_) => {
                let name = m.name(f.name);
                HTTP_METHODS.contains(&name) || ACTIONS.contains(&name)
            }
            None => views_module || !f.decorators.is_empty(),
        };
        out.push((id, view));
    }
    out
}

/// `self.request` of every class-based view: a class of a Django module
/// with a method taking `request`.
pub fn fields(m: &Module) -> Vec<FieldSeed> {
    let classes: BTreeSet<ClassId> = taking_request(m)
        .into_iter()
        .filter_map(|(f, _)| m.func(f).class)
        .collect();
    classes
        .into_iter()
        .map(|class| FieldSeed {
            class,
            field: "request".into(),
            source: None,
            ty: Some("django.request".into()),
        })
        .collect()
}

fn django(m: &Module) -> bool {
    m.imports.iter().any(|i| {
        ["django", "rest_framework"]
            .iter()
            .any(|p| i.module == *p || i.module.strip_prefix(p).is_some_and(|r| r.starts_with('.')))
    })
}

fn views_module(path: &str) -> bool {
    let mut parts = path.split('/').rev();
    let stem = parts
        .next()
        .and_then(|f| f.strip_suffix(".py"))
        .unwrap_or("");
    VIEW_MODULES.contains(&stem) || parts.any(|d| VIEW_MODULES.contains(&d))
}
