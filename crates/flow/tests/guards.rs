//! Guards: a check whose rejecting branch leaves the function cleans the
//! path it tests, for the sink kinds its catalogue entry names, until that
//! path is reassigned.

mod common;

use bw_flow::{Options, Verdict, analyse};
use bw_ir::build::FnBuilder;
use bw_ir::{CmpOp, Expr, ExprId, FuncId, Stmt, Terminator};
use common::*;

/// ```text
/// def f():
///     x = request.args.get("q")        # 2
///     y = request.args.get("r")        # 3
///     if <guard on `tested`>: <reject> # 4
///     <between>                        # 5
///     os.system(x)                     # 6
/// ```
fn guarded(
    tested: &str,
    reject: impl FnOnce(&mut M, &mut FnBuilder),
    between: impl FnOnce(&mut M, &mut FnBuilder),
) -> bw_flow::ModuleResult {
    let mut m = flask_module("app");
    m.b.import("abort", "flask", Some("abort"), sp(1));
    module_code(&mut m);
    let f = m.def("f", &[], FuncId::MODULE);
    let mut b = FnBuilder::new(f);
    read_query(&mut m, &mut b, "x", 2);
    read_query(&mut m, &mut b, "y", 3);
    m.at(4);
    let t = m.n(tested);
    let allowed = m.n("ALLOWED");
    let cond = m.e(Expr::Compare(CmpOp::NotIn, t, allowed));
    m.reject_if(&mut b, cond, reject);
    m.at(5);
    between(&mut m, &mut b);
    system(&mut m, &mut b, "x", 6);
    b.finish(&mut m.b);
    analyse(&m.finish(), &python(), &Options::default())
}

fn nothing(_: &mut M, _: &mut FnBuilder) {}

fn returns(m: &mut M, b: &mut FnBuilder) {
    m.ret(b, None);
}

#[test]
fn an_allowlist_guard_that_returns_cleans_the_value_it_tests() {
    let r = guarded("x", returns, nothing);
    assert_eq!(verdict(&r, "exec", 6), Verdict::Safe);
}

#[test]
fn a_guard_that_raises_or_calls_a_never_returning_function_cleans_too() {
    let raises = guarded(
        "x",
        |m, b| {
            let e = m.n("ValueError");
            let s = m.sp();
            b.terminate(Terminator::Throw(Some(e)), s);
        },
        nothing,
    );
    assert_eq!(verdict(&raises, "exec", 6), Verdict::Safe);
    let aborts = guarded(
        "x",
        |m, b| {
            let c = m.i(400);
            let call = m.pc("abort", &[c]);
            m.eval(b, call);
        },
        nothing,
    );
    assert_eq!(verdict(&aborts, "exec", 6), Verdict::Safe);
}

#[test]
fn a_rejecting_branch_that_falls_through_cleans_nothing() {
    // `if x not in ALLOWED: log("bad")` and on to the sink.
    let r = guarded(
        "x",
        |m, b| {
            let s = m.s("bad");
            let c = m.pc("print", &[s]);
            m.eval(b, c);
        },
        nothing,
    );
    let h = hit(&r, "exec", 6);
    assert_eq!(h.verdict, Verdict::Confirmed);
    assert_eq!(h.source.as_ref().unwrap().kind, "request");
    assert_eq!(h.source.as_ref().unwrap().span.line, 2);
}

#[test]
fn a_guard_on_another_variable_does_not_clean_this_one() {
    let r = guarded("y", returns, nothing);
    assert_eq!(verdict(&r, "exec", 6), Verdict::Confirmed);
}

#[test]
fn a_guarded_path_reassigned_after_the_guard_is_dirty_again() {
    let r = guarded("x", returns, |m, b| read_query(m, b, "x", 5));
    let h = hit(&r, "exec", 6);
    assert_eq!(h.verdict, Verdict::Confirmed);
    assert_eq!(h.source.as_ref().unwrap().span.line, 5);
}

/// ```text
/// x = request.args.get("q")
/// try:
///     if x not in ALLOWED: raise ValueError
/// except ValueError:
///     pass
/// os.system(x)
/// ```
#[test]
fn a_raise_swallowed_by_its_try_does_not_guard() {
    for swallowed in [true, false] {
        let mut m = flask_module("app");
        module_code(&mut m);
        let f = m.def("f", &[], FuncId::MODULE);
        let mut b = FnBuilder::new(f);
        read_query(&mut m, &mut b, "x", 2);
        let handler = b.new_block();
        b.push_handler(handler);
        let body = b.new_block();
        b.goto(body);
        b.switch_to(body);
        m.at(3);
        let x = m.n("x");
        let allowed = m.n("ALLOWED");
        let cond = m.e(Expr::Compare(CmpOp::NotIn, x, allowed));
        let (raise, ok) = b.branch(cond, sp(3));
        b.switch_to(raise);
        let e = m.n("ValueError");
        b.terminate(Terminator::Throw(Some(e)), sp(3));
        b.switch_to(ok);
        let try_end = b.end();
        b.pop_handler();
        b.switch_to(handler);
        let e = m.n("ValueError");
        b.push(
            Stmt::Catch {
                target: None,
                types: vec![e],
            },
            sp(4),
        );
        if !swallowed {
            // `except ValueError: raise`
            b.terminate(Terminator::Throw(None), sp(5));
        }
        let handler_end = b.end();
        b.join(&[try_end, handler_end]);
        system(&mut m, &mut b, "x", 6);
        b.finish(&mut m.b);
        let r = analyse(&m.finish(), &python(), &Options::default());
        let want = safe_if(!swallowed);
        assert_eq!(verdict(&r, "exec", 6), want, "swallowed: {swallowed}");
    }
}

/// `if len(x) > 10: return` checks a length: no injection is stopped.
#[test]
fn a_length_check_cleans_nothing() {
    let mut m = flask_module("app");
    let f = m.def("f", &[], FuncId::MODULE);
    let mut b = FnBuilder::new(f);
    read_query(&mut m, &mut b, "x", 2);
    m.at(3);
    let x = m.n("x");
    let len = m.pc("len", &[x]);
    let ten = m.i(10);
    let cond = m.e(Expr::Compare(CmpOp::Gt, len, ten));
    m.return_if(&mut b, cond);
    system(&mut m, &mut b, "x", 4);
    b.finish(&mut m.b);
    let r = analyse(&m.finish(), &python(), &Options::default());
    assert_eq!(verdict(&r, "exec", 4), Verdict::Confirmed);
}

/// `if x in ALLOWED: os.system(x)` guards its own block only.
#[test]
fn a_guard_cleans_inside_the_branch_where_it_holds_only() {
    let mut m = flask_module("app");
    module_code(&mut m);
    let f = m.def("f", &[], FuncId::MODULE);
    let mut b = FnBuilder::new(f);
    read_query(&mut m, &mut b, "x", 2);
    m.at(3);
    let x = m.n("x");
    let allowed = m.n("ALLOWED");
    let cond = m.e(Expr::Compare(CmpOp::In, x, allowed));
    let (then, other) = b.branch(cond, sp(3));
    b.switch_to(then);
    system(&mut m, &mut b, "x", 4);
    let e1 = b.end();
    b.switch_to(other);
    let e2 = b.end();
    b.join(&[e1, e2]);
    system(&mut m, &mut b, "x", 5);
    b.finish(&mut m.b);
    let r = analyse(&m.finish(), &python(), &Options::default());
    assert_eq!(verdict(&r, "exec", 4), Verdict::Safe);
    assert_eq!(verdict(&r, "exec", 5), Verdict::Confirmed);
}

/// `if not re.fullmatch(P, x): return` (or `re.match` with an anchored
/// pattern) cleans `x`; `re.match` with an unanchored one does not.
#[test]
fn regex_guards_must_match_the_whole_value() {
    for (callee, pattern, want) in [
        ("re.fullmatch", "[a-z]+", Verdict::Safe),
        ("re.match", "^[a-z]+$", Verdict::Safe),
        ("re.match", "[a-z]+", Verdict::Confirmed),
        ("re.search", "[a-z]", Verdict::Confirmed),
    ] {
        let mut m = flask_module("app");
        m.b.import("re", "re", None, sp(1));
        let f = m.def("f", &[], FuncId::MODULE);
        let mut b = FnBuilder::new(f);
        read_query(&mut m, &mut b, "x", 2);
        m.at(3);
        let p = m.s(pattern);
        let x = m.n("x");
        let check = m.pc(callee, &[p, x]);
        let cond = m.not(check);
        m.return_if(&mut b, cond);
        system(&mut m, &mut b, "x", 4);
        b.finish(&mut m.b);
        let r = analyse(&m.finish(), &python(), &Options::default());
        assert_eq!(verdict(&r, "exec", 4), want, "{callee}({pattern:?})");
    }
}

/// `if not x.isdigit(): return` is a number check on `x`.
#[test]
fn a_number_check_cleans_its_receiver() {
    for (tested, want) in [("x", Verdict::Safe), ("y", Verdict::Confirmed)] {
        let mut m = flask_module("app");
        let f = m.def("f", &[], FuncId::MODULE);
        let mut b = FnBuilder::new(f);
        read_query(&mut m, &mut b, "x", 2);
        read_query(&mut m, &mut b, "y", 3);
        m.at(4);
        let t = m.n(tested);
        let check = m.mc(t, "isdigit", &[]);
        let cond = m.not(check);
        m.return_if(&mut b, cond);
        system(&mut m, &mut b, "x", 5);
        b.finish(&mut m.b);
        let r = analyse(&m.finish(), &python(), &Options::default());
        assert_eq!(verdict(&r, "exec", 5), want, "tested {tested}");
    }
}

/// ```text
/// p = os.path.abspath(name)         # or just `p = name`
/// if not p.startswith(BASE): abort(404)
/// open(p)        # path sink: clean when normalised
/// os.system(p)   # exec sink: a path guard does not protect it
/// ```
#[test]
fn a_prefix_check_guards_only_a_normalised_path_and_only_for_path_sinks() {
    for normalise in [true, false] {
        let mut m = flask_module("app");
        m.b.import("abort", "flask", Some("abort"), sp(1));
        module_code(&mut m);
        let f = m.def("f", &[], FuncId::MODULE);
        let mut b = FnBuilder::new(f);
        read_query(&mut m, &mut b, "name", 2);
        m.at(3);
        let name = m.n("name");
        let v = if normalise {
            m.pc("os.path.abspath", &[name])
        } else {
            name
        };
        m.assign(&mut b, "p", v);
        m.at(4);
        let p = m.n("p");
        let base = m.n("BASE");
        let check = m.mc(p, "startswith", &[base]);
        let cond = m.not(check);
        m.reject_if(&mut b, cond, |m, b| {
            let c = m.i(404);
            let call = m.pc("abort", &[c]);
            m.eval(b, call);
        });
        m.at(5);
        let p = m.n("p");
        let open = m.pc("open", &[p]);
        m.eval(&mut b, open);
        system(&mut m, &mut b, "p", 6);
        b.finish(&mut m.b);
        let r = analyse(&m.finish(), &python(), &Options::default());
        let want = safe_if(normalise);
        assert_eq!(verdict(&r, "path", 5), want, "normalised: {normalise}");
        assert_eq!(verdict(&r, "exec", 6), Verdict::Confirmed);
    }
}

/// `if ".." in name: abort()` rejects traversal; `if ".." not in name:
/// abort()` is backwards.
#[test]
fn a_dotdot_check_that_rejects_cleans_for_path_sinks() {
    for (op, want) in [
        (CmpOp::In, Verdict::Safe),
        (CmpOp::NotIn, Verdict::Confirmed),
    ] {
        let mut m = flask_module("app");
        let f = m.def("f", &[], FuncId::MODULE);
        let mut b = FnBuilder::new(f);
        read_query(&mut m, &mut b, "name", 2);
        m.at(3);
        let dots = m.s("..");
        let name = m.n("name");
        let cond = m.e(Expr::Compare(op, dots, name));
        m.return_if(&mut b, cond);
        m.at(4);
        let name = m.n("name");
        let open = m.pc("open", &[name]);
        m.eval(&mut b, open);
        b.finish(&mut m.b);
        let r = analyse(&m.finish(), &python(), &Options::default());
        assert_eq!(verdict(&r, "path", 4), want, "{op:?}");
    }
}

/// ```text
/// u = urlparse(url)
/// if u.hostname not in ALLOWED_HOSTS: abort(400)
/// requests.get(url)
/// ```
/// and the raw-URL prefix check that is no guard:
/// `if not url.startswith("https://api.example.com"): abort(400)`.
#[test]
fn a_host_guard_checks_the_parsed_host_never_a_prefix_of_the_raw_url() {
    for parsed in [true, false] {
        let mut m = flask_module("app");
        m.b.import("abort", "flask", Some("abort"), sp(1));
        m.b.import("urlparse", "urllib.parse", Some("urlparse"), sp(1));
        m.b.import("requests", "requests", None, sp(1));
        module_code(&mut m);
        let f = m.def("f", &[], FuncId::MODULE);
        let mut b = FnBuilder::new(f);
        read_query(&mut m, &mut b, "url", 2);
        m.at(3);
        let cond = if parsed {
            let url = m.n("url");
            let u = m.pc("urlparse", &[url]);
            m.assign(&mut b, "u", u);
            m.at(4);
            let u = m.n("u");
            let host = m.field(u, "hostname");
            let hosts = m.n("ALLOWED_HOSTS");
            m.e(Expr::Compare(CmpOp::NotIn, host, hosts))
        } else {
            m.at(4);
            let url = m.n("url");
            let pre = m.s("https://api.example.com");
            let check = m.mc(url, "startswith", &[pre]);
            m.not(check)
        };
        m.reject_if(&mut b, cond, |m, b| {
            let c = m.i(400);
            let call = m.pc("abort", &[c]);
            m.eval(b, call);
        });
        m.at(5);
        let url = m.n("url");
        let get = m.pc("requests.get", &[url]);
        m.eval(&mut b, get);
        b.finish(&mut m.b);
        let r = analyse(&m.finish(), &python(), &Options::default());
        let want = safe_if(parsed);
        assert_eq!(verdict(&r, "ssrf", 5), want, "parsed: {parsed}");
    }
}

/// JavaScript: `if (!ALLOWED.includes(q)) return res.status(400).send()`
/// guards; `if (!ALLOWED.includes(q)) res.status(400).send()` does not
/// (sending a response does not leave the handler).
#[test]
fn sending_a_response_is_not_an_exit_but_returning_is() {
    for returns in [true, false] {
        let mut m = M::new("src/app");
        m.b.import("child_process", "child_process", None, sp(1));
        let mut mb = FnBuilder::new(FuncId::MODULE);
        let a = m.s("a");
        let l = m.list(&[a]);
        m.assign(&mut mb, "ALLOWED", l);
        mb.finish(&mut m.b);
        let f = m.def("handler", &["req", "res"], FuncId::MODULE);
        let mut b = FnBuilder::new(f);
        m.at(2);
        let q = m.p("req.query.q");
        m.assign(&mut b, "q", q);
        m.at(3);
        let allowed = m.n("ALLOWED");
        let qn = m.n("q");
        let inc = m.mc(allowed, "includes", &[qn]);
        let cond = m.not(inc);
        m.reject_if(&mut b, cond, |m, b| {
            let res = m.n("res");
            let c = m.i(400);
            let st = m.mc(res, "status", &[c]);
            let send = m.mc(st, "send", &[]);
            if returns {
                m.ret(b, Some(send));
            } else {
                m.eval(b, send);
            }
        });
        m.at(4);
        let qn = m.n("q");
        let exec = m.pc("child_process.exec", &[qn]);
        m.eval(&mut b, exec);
        b.finish(&mut m.b);
        let r = analyse(&m.finish(), &javascript(), &Options::default());
        let want = safe_if(returns);
        assert_eq!(verdict(&r, "exec", 4), want, "returns: {returns}");
    }
}

/// `x == "asc"` on the branch where it holds makes `x` that constant.
#[test]
fn equality_with_a_constant_pins_the_value() {
    let mut m = flask_module("app");
    let f = m.def("f", &[], FuncId::MODULE);
    let mut b = FnBuilder::new(f);
    read_query(&mut m, &mut b, "x", 2);
    m.at(3);
    let x = m.n("x");
    let asc = m.s("asc");
    let cond = m.e(Expr::Compare(CmpOp::NotEq, x, asc));
    m.return_if(&mut b, cond);
    system(&mut m, &mut b, "x", 4);
    b.finish(&mut m.b);
    let r = analyse(&m.finish(), &python(), &Options::default());
    assert_eq!(verdict(&r, "exec", 4), Verdict::Safe);
}

/// `q = request.args.get("q"); if q not in ALLOWED: return;
/// os.system(q.lower())`: a method of the guarded value is not a fresh
/// read of the request.
#[test]
fn a_method_of_a_guarded_value_stays_clean() {
    for guard in [true, false] {
        let mut m = flask_module("app");
        module_code(&mut m);
        let f = m.def("f", &[], FuncId::MODULE);
        let mut b = FnBuilder::new(f);
        read_query(&mut m, &mut b, "q", 2);
        if guard {
            m.at(3);
            let q = m.n("q");
            let allowed = m.n("ALLOWED");
            let cond = m.e(Expr::Compare(CmpOp::NotIn, q, allowed));
            m.return_if(&mut b, cond);
        }
        m.at(4);
        let q = m.n("q");
        let low = m.mc(q, "lower", &[]);
        let c = m.pc("os.system", &[low]);
        m.eval(&mut b, c);
        b.finish(&mut m.b);
        let r = analyse(&m.finish(), &python(), &Options::default());
        let want = safe_if(guard);
        assert_eq!(verdict(&r, "exec", 4), want, "guard {guard}");
    }
}

/// `if request.args["q"] not in ALLOWED: return` guards the same read
/// later; a read of another key is not guarded.
#[test]
fn a_guard_on_a_source_read_directly_guards_that_read() {
    for (key, want) in [("q", Verdict::Safe), ("r", Verdict::Confirmed)] {
        let mut m = flask_module("app");
        module_code(&mut m);
        let f = m.def("f", &[], FuncId::MODULE);
        let mut b = FnBuilder::new(f);
        m.at(2);
        let args = m.p("request.args");
        let q = m.s("q");
        let read = m.index(args, q);
        let allowed = m.n("ALLOWED");
        let cond = m.e(Expr::Compare(CmpOp::NotIn, read, allowed));
        m.return_if(&mut b, cond);
        m.at(3);
        let args = m.p("request.args");
        let k = m.s(key);
        let read = m.index(args, k);
        let c = m.pc("os.system", &[read]);
        m.eval(&mut b, c);
        b.finish(&mut m.b);
        let r = analyse(&m.finish(), &python(), &Options::default());
        assert_eq!(verdict(&r, "exec", 3), want, "key {key}");
    }
}

/// ```text
/// def f(p):
///     x = request.args.get("q")                           # 2
///     y = x if <test> else "ls"                           # 3
///     os.system(y)                                        # 4
///     os.system(x)                                        # 5
/// ```
/// A conditional expression's sides run where its test held or failed, as
/// a branch's do; what the test proves ends with the expression.
fn ternary(test: impl FnOnce(&mut M) -> ExprId) -> bw_flow::ModuleResult {
    ternary_with(test, true)
}

/// [`ternary`], `x` on the side where the test holds (`x_if: true`) or
/// fails (`y = "ls" if <test> else x`).
fn ternary_with(test: impl FnOnce(&mut M) -> ExprId, x_if: bool) -> bw_flow::ModuleResult {
    let mut m = flask_module("app");
    module_code(&mut m);
    let f = m.def("f", &["p"], FuncId::MODULE);
    let mut b = FnBuilder::new(f);
    read_query(&mut m, &mut b, "x", 2);
    m.at(3);
    let cond = test(&mut m);
    let (mut then, mut other) = (m.n("x"), m.s("ls"));
    if !x_if {
        std::mem::swap(&mut then, &mut other);
    }
    let e = m.e(Expr::Cond {
        test: cond,
        then,
        other,
    });
    m.assign(&mut b, "y", e);
    system(&mut m, &mut b, "y", 4);
    system(&mut m, &mut b, "x", 5);
    b.finish(&mut m.b);
    analyse(&m.finish(), &python(), &Options::default())
}

#[test]
fn a_conditional_expression_runs_its_sides_under_its_test() {
    // `x if x in ALLOWED else "ls"`: a constant allow-list.
    let r = ternary(|m| {
        let (x, allowed) = (m.n("x"), m.n("ALLOWED"));
        m.e(Expr::Compare(CmpOp::In, x, allowed))
    });
    assert_eq!(verdict(&r, "exec", 4), Verdict::Safe);
    // Past the expression, `x` is what it was.
    assert_eq!(verdict(&r, "exec", 5), Verdict::Confirmed);
    // `x if x else "ls"` proves nothing of `x`'s text.
    let r = ternary(|m| m.n("x"));
    assert_eq!(verdict(&r, "exec", 4), Verdict::Confirmed);
    // `"ls" if x not in ALLOWED else x`: the other side holds it.
    let not_in = |m: &mut M| {
        let (x, allowed) = (m.n("x"), m.n("ALLOWED"));
        m.e(Expr::Compare(CmpOp::NotIn, x, allowed))
    };
    assert_eq!(
        verdict(&ternary_with(not_in, false), "exec", 4),
        Verdict::Safe
    );
    assert_eq!(
        verdict(&ternary_with(not_in, true), "exec", 4),
        Verdict::Confirmed
    );
}

#[test]
fn an_allowlist_is_the_servers_own_collection_not_the_callers() {
    // `x if x in current_app.config["PLANS"] else "ls"`: the server's
    // configuration, of no outside origin.
    let r = ternary(|m| {
        let x = m.n("x");
        let cfg = m.pc("load_settings", &[]);
        m.e(Expr::Compare(CmpOp::In, x, cfg))
    });
    assert_eq!(verdict(&r, "exec", 4), Verdict::Safe);
    // A list the request sent, or the function's parameter (its caller
    // may pass anything): no allow-list.
    let r = ternary(|m| {
        let x = m.n("x");
        let q = m.s("plans");
        let sent = m.pc("request.args.getlist", &[q]);
        m.e(Expr::Compare(CmpOp::In, x, sent))
    });
    assert_eq!(verdict(&r, "exec", 4), Verdict::Confirmed);
    let r = ternary(|m| {
        let (x, p) = (m.n("x"), m.n("p"));
        m.e(Expr::Compare(CmpOp::In, x, p))
    });
    assert_eq!(verdict(&r, "exec", 4), Verdict::Confirmed);
}

/// ```text
/// def f():
///     if not request.args["q"]:           # 2
///         print("none")                   # 3
///     os.system(request.args["q"])        # 4
/// ```
/// A source's path tested on one branch only: where the branches meet,
/// the path is the source again (the test proved something on one side).
#[test]
fn a_test_on_a_sources_path_ends_where_the_branches_meet() {
    let mut m = flask_module("app");
    let f = m.def("f", &[], FuncId::MODULE);
    let mut b = FnBuilder::new(f);
    m.at(2);
    let read = query_index(&mut m);
    let cond = m.not(read);
    let s = m.sp();
    let join = b.new_block();
    let then = b.new_block();
    b.terminate(
        Terminator::Branch {
            cond,
            then,
            other: join,
        },
        s,
    );
    b.switch_to(then);
    m.at(3);
    let none = m.s("none");
    let log = m.pc("print", &[none]);
    m.eval(&mut b, log);
    b.terminate(Terminator::Goto(join), s);
    b.switch_to(join);
    m.at(4);
    let read = query_index(&mut m);
    let c = m.pc("os.system", &[read]);
    m.eval(&mut b, c);
    b.finish(&mut m.b);
    let r = analyse(&m.finish(), &python(), &Options::default());
    assert_eq!(verdict(&r, "exec", 4), Verdict::Confirmed);
}

/// `request.args["q"]`
fn query_index(m: &mut M) -> ExprId {
    let (obj, index) = (m.p("request.args"), m.s("q"));
    m.e(Expr::Index { obj, index })
}
