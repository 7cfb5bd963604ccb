//! Function summaries, applied at call sites within a module and, through
//! `link`, across modules by module identity.

mod common;

use bw_flow::catalogue::FlowSpec;
use bw_flow::{Options, Verdict, analyse, link};
use bw_ir::build::FnBuilder;
use bw_ir::{FuncId, Pattern};
use common::*;

fn run(m: M) -> bw_flow::ModuleResult {
    analyse(&m.finish(), &python(), &Options::default())
}

/// ```text
/// def run(cmd): os.system(cmd)               # 2
/// def view(): run(request.args.get("q"))     # 4
/// def safe(): run("ls")                      # 6
/// ```
#[test]
fn a_parameter_that_reaches_a_sink_makes_the_call_site_a_sink() {
    let mut m = flask_module("app");
    let runf = m.def("run", &["cmd"], FuncId::MODULE);
    let view = m.def("view", &[], FuncId::MODULE);
    let safe = m.def("safe", &[], FuncId::MODULE);
    let mut b = FnBuilder::new(runf);
    system(&mut m, &mut b, "cmd", 2);
    b.finish(&mut m.b);
    let mut b = FnBuilder::new(view);
    m.at(4);
    let q = m.s("q");
    let t = m.pc("request.args.get", &[q]);
    let c = m.pc("run", &[t]);
    m.eval(&mut b, c);
    b.finish(&mut m.b);
    let mut b = FnBuilder::new(safe);
    m.at(6);
    let ls = m.s("ls");
    let c = m.pc("run", &[ls]);
    m.eval(&mut b, c);
    b.finish(&mut m.b);
    let r = run(m);
    let inner = hit(&r, "exec", 2);
    assert_eq!(inner.verdict, Verdict::FromParams);
    assert_eq!(inner.params, vec![0]);
    let s = &r.summaries[runf.index()];
    assert_eq!(s.param_to_sink.len(), 1);
    assert_eq!(
        (s.param_to_sink[0].param, s.param_to_sink[0].kind.as_str()),
        (0, "exec")
    );
    let outer = r
        .hits
        .iter()
        .find(|h| h.span.line == 4 && h.via.is_some())
        .expect("a hit at the call site");
    assert_eq!(outer.verdict, Verdict::Confirmed);
    assert_eq!(outer.callee, "os.system");
    assert_eq!(outer.via.as_ref().unwrap().span.line, 2);
    assert!(outer.steps.iter().any(|s| s.label == "passed to `run()`"));
    assert!(
        !r.hits.iter().any(|h| h.span.line == 6),
        "a constant argument makes no hit: {:#?}",
        r.hits
    );
}

/// `def clean(x): return x.strip()` passes its parameter on;
/// `def fixed(x): return "ls"` does not; `def get(): return
/// request.args.get("q")` returns a source.
#[test]
fn parameter_and_source_to_return() {
    let mut m = flask_module("app");
    let clean = m.def("clean", &["x"], FuncId::MODULE);
    let fixed = m.def("fixed", &["x"], FuncId::MODULE);
    let get = m.def("get", &[], FuncId::MODULE);
    let view = m.def("view", &[], FuncId::MODULE);
    let mut b = FnBuilder::new(clean);
    m.at(1);
    let x = m.n("x");
    let s = m.mc(x, "strip", &[]);
    m.ret(&mut b, Some(s));
    b.finish(&mut m.b);
    let mut b = FnBuilder::new(fixed);
    let ls = m.s("ls");
    m.ret(&mut b, Some(ls));
    b.finish(&mut m.b);
    let mut b = FnBuilder::new(get);
    m.at(2);
    let q = m.s("q");
    let t = m.pc("request.args.get", &[q]);
    m.ret(&mut b, Some(t));
    b.finish(&mut m.b);
    let mut b = FnBuilder::new(view);
    read_query(&mut m, &mut b, "t", 3);
    for (line, helper) in [(4, "clean"), (5, "fixed")] {
        m.at(line);
        let t = m.n("t");
        let c = m.pc(helper, &[t]);
        let s = m.pc("os.system", &[c]);
        m.eval(&mut b, s);
    }
    m.at(6);
    let g = m.pc("get", &[]);
    let s = m.pc("os.system", &[g]);
    m.eval(&mut b, s);
    b.finish(&mut m.b);
    let r = run(m);
    assert_eq!(r.summaries[clean.index()].param_to_return, vec![0]);
    assert!(r.summaries[fixed.index()].param_to_return.is_empty());
    assert_eq!(r.summaries[get.index()].source_to_return.len(), 1);
    assert_eq!(verdict(&r, "exec", 4), Verdict::Confirmed);
    assert_eq!(verdict(&r, "exec", 5), Verdict::Safe);
    let h = hit(&r, "exec", 6);
    assert_eq!(h.verdict, Verdict::Confirmed);
    assert_eq!(h.source.as_ref().unwrap().span.line, 2);
}

/// ```text
/// class Repo:
///     def __init__(self, conn): self.conn = conn
/// r = Repo(request.args.get("q")); os.system(r.conn)   # or Repo("ls")
/// ```
#[test]
fn a_constructor_parameter_stored_on_the_object_reaches_its_field() {
    for tainted in [true, false] {
        let mut m = flask_module("app");
        let c = m.b.class("Repo", "Repo", sp(1));
        let init = m.def("__init__", &["conn"], FuncId::MODULE);
        let selfs = m.b.intern("self");
        m.b.func_mut(init).class = Some(c);
        m.b.func_mut(init).receiver = Some(selfs);
        m.b.class_mut(c).methods.push(init);
        let mut b = FnBuilder::new(init);
        m.at(2);
        let s = m.n("self");
        let conn = m.n("conn");
        let name = m.b.intern("conn");
        m.assign_to(&mut b, Pattern::Field { obj: s, name }, conn);
        b.finish(&mut m.b);
        let view = m.def("view", &[], FuncId::MODULE);
        let mut b = FnBuilder::new(view);
        m.at(3);
        let arg = if tainted {
            let q = m.s("q");
            m.pc("request.args.get", &[q])
        } else {
            m.s("ls")
        };
        let ctor = m.pc("Repo", &[arg]);
        m.assign(&mut b, "r", ctor);
        m.at(4);
        let r = m.n("r");
        let f = m.field(r, "conn");
        let s = m.pc("os.system", &[f]);
        m.eval(&mut b, s);
        b.finish(&mut m.b);
        let r = run(m);
        assert_eq!(
            r.summaries[init.index()].param_to_field,
            vec![(0, "conn".to_string())]
        );
        let want = safe_if(!tainted);
        assert_eq!(verdict(&r, "exec", 4), want, "tainted {tainted}");
    }
}

/// `app/db.py`: `def get_conn(): return ldap3.Connection(SERVER)` and
/// `def run_query(sql): cur.execute(sql)`;
/// `app/views.py`: `from app.db import get_conn, run_query`,
/// `conn = get_conn(); conn.search(BASE, f)` and `run_query(q)`.
fn two_modules(views_imports_from: &str) -> Vec<bw_ir::Module> {
    let mut db = M::new("app.db");
    db.b.import("ldap3", "ldap3", None, sp(1));
    let get_conn = db.def("get_conn", &[], FuncId::MODULE);
    let run_query = db.def("run_query", &["sql"], FuncId::MODULE);
    let mut b = FnBuilder::new(get_conn);
    db.at(2);
    let server = db.s("ldap://x");
    let c = db.pc("ldap3.Connection", &[server]);
    db.ret(&mut b, Some(c));
    b.finish(&mut db.b);
    let mut b = FnBuilder::new(run_query);
    db.at(4);
    let cur = db.n("cur");
    let sql = db.n("sql");
    let e = db.mc(cur, "execute", &[sql]);
    db.eval(&mut b, e);
    b.finish(&mut db.b);

    let mut v = flask_module("app.views");
    v.b.import("get_conn", views_imports_from, Some("get_conn"), sp(1));
    v.b.import("run_query", views_imports_from, Some("run_query"), sp(1));
    let view = v.def("view", &[], FuncId::MODULE);
    let mut b = FnBuilder::new(view);
    read_query(&mut v, &mut b, "f", 2);
    v.at(3);
    let g = v.pc("get_conn", &[]);
    v.assign(&mut b, "conn", g);
    v.at(4);
    let conn = v.n("conn");
    let base = v.s("dc=x");
    let f = v.n("f");
    let s = v.mc(conn, "search", &[base, f]);
    v.eval(&mut b, s);
    v.at(5);
    let f = v.n("f");
    let rq = v.pc("run_query", &[f]);
    v.eval(&mut b, rq);
    b.finish(&mut v.b);

    vec![db.finish(), v.finish()]
}

#[test]
fn a_helper_in_another_module_returning_a_client_makes_its_methods_sinks() {
    let mods = two_modules("app.db");
    let cat = python();
    let opts = Options::default();
    let linked = link_with(&mods, &cat, &opts);
    let views = &linked[1];
    let h = hit(views, "ldap", 4);
    assert_eq!(h.callee, "ldap3.Connection().search");
    assert_eq!(h.verdict, Verdict::Confirmed);
    assert_eq!(
        views.summaries[0].qualified, "<module>",
        "summaries are per function, module code first"
    );
    let via = views
        .hits
        .iter()
        .find(|h| h.span.line == 5 && h.via.is_some())
        .expect("run_query's sink reached from the view");
    assert_eq!(via.kind, "sql");
    assert_eq!(via.verdict, Verdict::Confirmed);
    assert_eq!(via.via.as_ref().unwrap().path, "app.db.src");

    // Alone, the view knows neither.
    let alone = analyse(&mods[1], &cat, &opts);
    assert!(
        !alone.hits.iter().any(|h| h.kind == "ldap"),
        "{:#?}",
        alone.hits
    );
    assert!(!alone.hits.iter().any(|h| h.via.is_some()));
}

/// Callees are joined by the imported module's identity: a function of
/// the same name in another module is not the callee.
#[test]
fn linking_goes_by_module_identity_not_by_name() {
    let mods = two_modules("app.other");
    let linked = link_with(&mods, &python(), &Options::default());
    let views = &linked[1];
    assert!(
        !views.hits.iter().any(|h| h.kind == "ldap"),
        "{:#?}",
        views.hits
    );
    assert!(!views.hits.iter().any(|h| h.via.is_some()));
}

/// `link` over the catalogue of each module's language.
fn link_with(
    mods: &[bw_ir::Module],
    cat: &bw_flow::catalogue::FlowSpecFile,
    opts: &Options,
) -> Vec<bw_flow::ModuleResult> {
    let spec = FlowSpec {
        python: cat.clone(),
        ..FlowSpec::default()
    };
    // The test modules say their language is "test"; relabel them Python.
    let mods: Vec<bw_ir::Module> = mods
        .iter()
        .cloned()
        .map(|mut m| {
            m.lang = "python".into();
            m
        })
        .collect();
    link(&mods, &spec, opts)
}

/// ```text
/// function listOrders() { return (req, res) => db.query(req.query.q) }
/// app.get("/orders", listOrders())
/// ```
/// The factory's summary names the handler it returns, and the value of
/// `listOrders()` is that function (a recogniser registers it).
#[test]
fn a_factory_summary_names_the_function_it_returns() {
    let mut m = M::new("src/orders");
    let factory = m.def("listOrders", &[], FuncId::MODULE);
    let handler = m.def("<lambda>", &["req", "res"], factory);
    let plain = m.def("plain", &[], FuncId::MODULE);
    let mut b = FnBuilder::new(factory);
    m.at(1);
    let fv = m.e(bw_ir::Expr::Func(handler));
    m.ret(&mut b, Some(fv));
    b.finish(&mut m.b);
    let mut b = FnBuilder::new(handler);
    m.at(2);
    let db = m.n("db");
    let q = m.p("req.query.q");
    let call = m.mc(db, "query", &[q]);
    m.eval(&mut b, call);
    b.finish(&mut m.b);
    let mut b = FnBuilder::new(plain);
    let s = m.s("x");
    m.ret(&mut b, Some(s));
    b.finish(&mut m.b);
    let r = analyse(&m.finish(), &javascript(), &Options::default());
    assert_eq!(r.summaries[factory.index()].return_func, Some(handler.0));
    assert_eq!(r.summaries[plain.index()].return_func, None);
    assert_eq!(verdict(&r, "sql", 2), Verdict::Confirmed);
}

/// A recogniser says a parameter is request data (a FastAPI path
/// parameter): a sink on it is confirmed, not left to the callers.
#[test]
fn a_parameter_seeded_as_a_source_is_one() {
    for seeded in [true, false] {
        let mut m = flask_module("app");
        let f = m.def("item", &["name"], FuncId::MODULE);
        let mut b = FnBuilder::new(f);
        system(&mut m, &mut b, "name", 2);
        b.finish(&mut m.b);
        let opts = Options {
            params: if seeded {
                vec![bw_flow::ParamSeed {
                    func: f,
                    param: 0,
                    source: Some("request".into()),
                    ty: None,
                    clean: false,
                    from_default: false,
                    text: false,
                }]
            } else {
                Vec::new()
            },
            ..Options::default()
        };
        let r = analyse(&m.finish(), &python(), &opts);
        let h = hit(&r, "exec", 2);
        if seeded {
            assert_eq!(h.verdict, Verdict::Confirmed);
            assert_eq!(h.source.as_ref().unwrap().label, "parameter `name`");
        } else {
            assert_eq!(h.verdict, Verdict::FromParams);
        }
    }
}

/// ```text
/// def helper(x): os.system(x)                # 2
/// def caller(): t = request.args.get("q")    # 3
///     helper(t)                              # 4
/// ```
fn helper_and_caller() -> M {
    let mut m = flask_module("app");
    let helper = m.def("helper", &["x"], FuncId::MODULE);
    let mut b = FnBuilder::new(helper);
    system(&mut m, &mut b, "x", 2);
    b.finish(&mut m.b);
    let caller = m.def("caller", &[], FuncId::MODULE);
    let mut b = FnBuilder::new(caller);
    read_query(&mut m, &mut b, "t", 3);
    m.at(4);
    let t = m.n("t");
    let c = m.pc("helper", &[t]);
    m.eval(&mut b, c);
    b.finish(&mut m.b);
    m
}

/// Forty independent functions and one calling a helper: after the first
/// round only the caller is analysed again (its callee's summary
/// changed), not every function.
#[test]
fn later_rounds_reanalyse_only_functions_whose_inputs_changed() {
    let mut m = helper_and_caller();
    for i in 0..40 {
        let f = m.def(&format!("f{i}"), &[], FuncId::MODULE);
        let mut b = FnBuilder::new(f);
        read_query(&mut m, &mut b, "v", 10 + i);
        b.finish(&mut m.b);
    }
    let r = run(m);
    let n = r.summaries.len() as u32;
    assert!(r.hits.iter().any(|h| h.span.line == 4 && h.via.is_some()));
    assert!(
        r.analysed <= n + 2,
        "{} analyses of {n} functions",
        r.analysed
    );
}

/// Helpers that call each other (`a` calls `b`, `b` calls `a` and runs a
/// command): whichever is analysed first cannot see the other's summary.
fn mutual_helpers() -> M {
    let mut m = flask_module("app");
    let a = m.def("a", &["x"], FuncId::MODULE);
    let mut b = FnBuilder::new(a);
    m.at(2);
    let x = m.n("x");
    let c = m.pc("b", &[x]);
    m.eval(&mut b, c);
    b.finish(&mut m.b);
    let bf = m.def("b", &["x"], FuncId::MODULE);
    let mut b = FnBuilder::new(bf);
    m.at(5);
    let x = m.n("x");
    let c = m.pc("a", &[x]);
    m.eval(&mut b, c);
    system(&mut m, &mut b, "x", 6);
    b.finish(&mut m.b);
    m
}

/// A helper defined after its caller is analysed first (callees before
/// callers), so one round settles it.
#[test]
fn a_chain_of_helpers_settles_in_one_round() {
    let m = helper_and_caller();
    let opts = Options {
        max_rounds: 1,
        ..Options::default()
    };
    let r = analyse(&m.finish(), &python(), &opts);
    assert!(r.truncated.is_empty(), "{:?}", r.truncated);
    assert!(r.hits.iter().any(|h| h.span.line == 4 && h.via.is_some()));
}

/// With one round allowed, helpers calling each other cannot both see the
/// other's summary: the result says the summaries were still changing.
#[test]
fn unsettled_summaries_are_reported() {
    for rounds in [1, 6] {
        let m = mutual_helpers();
        let opts = Options {
            max_rounds: rounds,
            ..Options::default()
        };
        let r = analyse(&m.finish(), &python(), &opts);
        let noted = r
            .truncated
            .iter()
            .any(|t| t.reason.contains("still changing"));
        assert_eq!(noted, rounds == 1, "rounds {rounds}: {:?}", r.truncated);
    }
}

/// A third module importing neither is analysed once by `link`; the view
/// importing the changed helper module is analysed again.
#[test]
fn link_reanalyses_only_modules_whose_imports_changed() {
    let mut mods = two_modules("app.db");
    let mut other = M::new("app.other");
    let f = other.def("f", &[], FuncId::MODULE);
    FnBuilder::new(f).finish(&mut other.b);
    mods.push(other.finish());
    let linked = link_with(&mods, &python(), &Options::default());
    assert_eq!(linked[2].link_rounds, 1);
    assert_eq!(
        linked[0].link_rounds, 1,
        "app.db imports nothing that changed"
    );
    assert!(linked[1].link_rounds >= 2, "the view follows app.db");
}

/// Module code binding globals, and forty functions reading one: the
/// module's code is analysed first and hands its globals on within the
/// first round, so no function runs twice for them.
#[test]
fn globals_reach_the_functions_in_the_first_round() {
    let mut m = flask_module("app");
    module_code(&mut m);
    for i in 0..40 {
        let f = m.def(&format!("f{i}"), &[], FuncId::MODULE);
        let mut b = FnBuilder::new(f);
        system(&mut m, &mut b, "BASE", 10 + i);
        b.finish(&mut m.b);
    }
    let r = run(m);
    let n = r.summaries.len() as u32;
    for i in 0..40 {
        assert_eq!(verdict(&r, "exec", 10 + i), Verdict::Safe, "f{i}");
    }
    assert_eq!(r.analysed, n, "{} analyses of {n} functions", r.analysed);
}

/// A recogniser says a parameter was validated by the framework (a route
/// variable converted to a number): a sink on it is safe.
#[test]
fn a_parameter_seeded_clean_is_safe_for_every_sink() {
    for clean in [true, false] {
        let mut m = flask_module("app");
        let f = m.def("item", &["num"], FuncId::MODULE);
        let mut b = FnBuilder::new(f);
        system(&mut m, &mut b, "num", 2);
        b.finish(&mut m.b);
        let opts = Options {
            params: vec![bw_flow::ParamSeed {
                func: f,
                param: 0,
                source: None,
                ty: None,
                clean,
                from_default: false,
                text: false,
            }],
            ..Options::default()
        };
        let r = analyse(&m.finish(), &python(), &opts);
        let want = if clean {
            Verdict::Safe
        } else {
            Verdict::FromParams
        };
        assert_eq!(hit(&r, "exec", 2).verdict, want);
    }
}
