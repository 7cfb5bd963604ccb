//! The Flask recogniser: a view registered with `@app.route('/x/<name>')`
//! (or `.get`/`.post`/…) on a `Flask` app or `Blueprint` receives the
//! route's variables as parameters: request data, except those a
//! converter makes numbers (`<int:id>`, `<float:x>`: clean). The request object
//! itself is `flask.request`, which the catalogue names. A class-based
//! view (a subclass of `flask.views.MethodView` or `View`) takes them in
//! its handler methods (`get`, `post`, …, `dispatch_request`), numbers
//! where the `add_url_rule(route, view_func=Cls.as_view(…))` registering
//! it converts them. A string the view
//! returns is the page Flask sends (as `text/html`): an HTML sink when its
//! literal text holds markup.

use super::python_web::{HTTP_METHODS, from, made_by, param_name, routes};
use bw_flow::{ParamSeed, ReturnSink};
use bw_ir::{ArgKind, ClassId, Expr, Module};

const VERBS: &[&str] = &["route", "get", "post", "put", "patch", "delete"];
const NUMERIC: &[&str] = &["int", "float"];

/// The route's variables a converter makes numbers.
fn numeric_vars(route: &str) -> Vec<&str> {
    route
        .split('<')
        .skip(1)
        .filter_map(|r| r.split_once('>').map(|(v, _)| v))
        .filter_map(|v| v.split_once(':'))
        .filter(|(conv, _)| NUMERIC.contains(conv))
        .map(|(_, name)| name)
        .collect()
}

pub fn seeds(m: &Module) -> Vec<ParamSeed> {
    let routers = made_by(m, "flask");
    let mut out = Vec::new();
    for (f, route) in routes(m, &routers, VERBS) {
        let numeric = route.map(numeric_vars).unwrap_or_default();
        seed_route_vars(m, f, &numeric, &mut out);
    }
    for (c, numeric) in class_views(m) {
        for &f in &m.class(c).methods {
            let name = m.name(m.func(f).name);
            if HTTP_METHODS.contains(&name) || name == "dispatch_request" {
                let numeric: Vec<&str> = numeric.iter().map(String::as_str).collect();
                seed_route_vars(m, f, &numeric, &mut out);
            }
        }
    }
    out
}

/// A view's parameters: the route's variables, request data unless a
/// converter makes them numbers (clean).
fn seed_route_vars(m: &Module, f: bw_ir::FuncId, numeric: &[&str], out: &mut Vec<ParamSeed>) {
    for i in 0..m.func(f).params.len() {
        // A variable converted to a number is no injection.
        let number = param_name(m, f, i).is_some_and(|n| numeric.contains(&n));
        out.push(ParamSeed {
            func: f,
            param: i as u32,
            source: (!number).then(|| "request".into()),
            ty: None,
            clean: number,
            from_default: false,
            text: false,
        });
    }
}

/// The class-based views of the module (a base from `flask.views`), with
/// the route variables numbered by the `add_url_rule` calls registering
/// them (`view_func=Cls.as_view(…)`): only those every such route converts.
fn class_views(m: &Module) -> Vec<(ClassId, Vec<String>)> {
    let mut out = Vec::new();
    for (i, c) in m.classes.iter().enumerate() {
        let view = c.bases.iter().any(|b| {
            super::shape::root(m, *b)
                .is_some_and(|r| from(m, r, "flask.views") || from(m, r, "flask"))
                && matches!(m.expr(*b), Expr::Name(s) | Expr::Field { name: s, .. }
                    if matches!(m.name(*s), "MethodView" | "View"))
        });
        if !view {
            continue;
        }
        let mut numeric: Option<Vec<String>> = None;
        for e in &m.exprs {
            let Expr::Call { callee, args, .. } = e else {
                continue;
            };
            let Expr::Field { name, .. } = m.expr(*callee) else {
                continue;
            };
            if m.name(*name) != "add_url_rule" {
                continue;
            }
            let registers = args.iter().any(|a| {
                matches!(a.kind, ArgKind::Keyword(k) if m.name(k) == "view_func")
                    && matches!(m.expr(a.value), Expr::Call { callee, .. }
                        if matches!(m.expr(*callee), Expr::Field { obj, .. }
                            if matches!(m.expr(*obj), Expr::Name(s) if *s == c.name)))
            });
            if !registers {
                continue;
            }
            let route = args
                .first()
                .and_then(|a| m.str_const(a.value))
                .unwrap_or("");
            let here: Vec<String> = numeric_vars(route).into_iter().map(String::from).collect();
            numeric = Some(match numeric {
                None => here,
                Some(prev) => prev.into_iter().filter(|v| here.contains(v)).collect(),
            });
        }
        out.push((ClassId(i as u32), numeric.unwrap_or_default()));
    }
    out
}

/// The views, whose returned markup is the page.
pub fn returns(m: &Module) -> Vec<ReturnSink> {
    let routers = made_by(m, "flask");
    routes(m, &routers, VERBS)
        .into_iter()
        .map(|(func, _)| ReturnSink {
            func,
            kind: "html".into(),
            markup: true,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn numeric_converters_are_read_from_the_route() {
        assert_eq!(
            super::numeric_vars("/u/<int:id>/<name>/<float:x>"),
            vec!["id", "x"]
        );
        assert!(super::numeric_vars("/plain").is_empty());
    }
}
