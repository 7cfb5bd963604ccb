//! The Flask recogniser: a view registered with `@app.route('/x/<name>')`
//! (or `.get`/`.post`/…) on a `Flask` app or `Blueprint` receives the
//! route's variables as parameters: request data, except those a
//! converter makes numbers (`<int:id>`, `<float:x>`: clean). The request object
//! itself is `flask.request`, which the catalogue names. A string the view
//! returns is the page Flask sends (as `text/html`): an HTML sink when its
//! literal text holds markup.

use super::python_web::{made_by, param_name, routes};
use bw_flow::{ParamSeed, ReturnSink};
use bw_ir::Module;

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
        for i in 0..m.func(f).params.len() {
            // A variable converted to a number is no injection.
            let number = param_name(m, f, i).is_some_and(|n| numeric.contains(&n));
            out.push(ParamSeed {
                func: f,
                param: i as u32,
                source: (!number).then(|| "request".into()),
                ty: None,
                clean: number,
            });
        }
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
