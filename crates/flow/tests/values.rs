//! Constant folding, containers, fields, string building, closures,
//! `await` and callbacks: each with a firing and a non-firing case.

mod common;

use bw_flow::{Options, ParamSeed, Verdict, analyse};
use bw_ir::build::FnBuilder;
use bw_ir::{
    BinOp, ClassId, CmpOp, Elem, Entry, Expr, FuncId, Param, ParamKind, Pattern, SeqKind, Stmt,
    TemplatePart, Terminator,
};
use common::*;

fn run(m: M) -> bw_flow::ModuleResult {
    analyse(&m.finish(), &python(), &Options::default())
}

/// ```text
/// x = request.args.get("q")
/// if 7 * 6 > 40:      # or `< 40`
///     x = "ls"
/// os.system(x)
/// ```
#[test]
fn a_constant_condition_takes_only_its_live_branch() {
    for (op, want) in [(CmpOp::Gt, Verdict::Safe), (CmpOp::Lt, Verdict::Confirmed)] {
        let mut m = flask_module("app");
        let f = m.def("f", &[], FuncId::MODULE);
        let mut b = FnBuilder::new(f);
        read_query(&mut m, &mut b, "x", 2);
        m.at(3);
        let seven = m.i(7);
        let six = m.i(6);
        let prod = m.e(Expr::Binary(BinOp::Mul, seven, six));
        let forty = m.i(40);
        let cond = m.e(Expr::Compare(op, prod, forty));
        let (then, other) = b.branch(cond, sp(3));
        b.switch_to(then);
        m.at(4);
        let ls = m.s("ls");
        m.assign(&mut b, "x", ls);
        let e1 = b.end();
        b.switch_to(other);
        let e2 = b.end();
        b.join(&[e1, e2]);
        system(&mut m, &mut b, "x", 5);
        b.finish(&mut m.b);
        assert_eq!(verdict(&run(m), "exec", 5), want, "{op:?}");
    }
}

/// ```text
/// mode = "list"            # or request data
/// match mode:
///     case "list": cmd = "ls"
///     case "raw":  cmd = request.args.get("c")
/// os.system(cmd)
/// ```
#[test]
fn a_constant_switch_selector_takes_only_its_case() {
    for constant in [true, false] {
        let mut m = flask_module("app");
        let f = m.def("f", &[], FuncId::MODULE);
        let mut b = FnBuilder::new(f);
        if constant {
            m.at(2);
            let l = m.s("list");
            m.assign(&mut b, "mode", l);
        } else {
            read_query(&mut m, &mut b, "mode", 2);
        }
        m.at(3);
        let on = m.n("mode");
        let list = m.s("list");
        let raw = m.s("raw");
        let (c1, c2, dflt, join) = (b.new_block(), b.new_block(), b.new_block(), b.new_block());
        b.terminate(
            Terminator::Switch {
                on,
                cases: vec![(list, c1), (raw, c2)],
                default: dflt,
            },
            sp(3),
        );
        b.switch_to(c1);
        m.at(4);
        let ls = m.s("ls");
        m.assign(&mut b, "cmd", ls);
        b.goto(join);
        b.switch_to(c2);
        read_query(&mut m, &mut b, "cmd", 5);
        b.goto(join);
        b.switch_to(dflt);
        m.at(6);
        let pwd = m.s("pwd");
        m.assign(&mut b, "cmd", pwd);
        b.goto(join);
        b.switch_to(join);
        system(&mut m, &mut b, "cmd", 7);
        b.finish(&mut m.b);
        let want = safe_if(constant);
        assert_eq!(verdict(&run(m), "exec", 7), want, "constant: {constant}");
    }
}

/// ```text
/// d = {"cmd": "ls", "arg": request.args.get("q")}
/// os.system(d["cmd"])   # safe
/// os.system(d["arg"])   # tainted
/// k = "cmd"; os.system(d[k])   # a constant key held in a variable: safe
/// os.system(d[request.args.get("k")])  # a tainted key reads the join
/// ```
#[test]
fn dict_reads_by_constant_key_are_per_key_and_an_unknown_key_reads_the_join() {
    let mut m = flask_module("app");
    let f = m.def("f", &[], FuncId::MODULE);
    let mut b = FnBuilder::new(f);
    m.at(2);
    let k1 = m.s("cmd");
    let v1 = m.s("ls");
    let k2 = m.s("arg");
    let q = m.s("q");
    let v2 = m.pc("request.args.get", &[q]);
    let d = m.e(Expr::Dict(vec![Entry::Pair(k1, v1), Entry::Pair(k2, v2)]));
    m.assign(&mut b, "d", d);
    for (line, key) in [(3, "cmd"), (4, "arg")] {
        m.at(line);
        let d = m.n("d");
        let k = m.s(key);
        let ix = m.index(d, k);
        let c = m.pc("os.system", &[ix]);
        m.eval(&mut b, c);
    }
    m.at(5);
    let kv = m.s("cmd");
    m.assign(&mut b, "k", kv);
    let d = m.n("d");
    let k = m.n("k");
    let ix = m.index(d, k);
    let c = m.pc("os.system", &[ix]);
    m.eval(&mut b, c);
    m.at(6);
    let d = m.n("d");
    let kq = m.s("k");
    let k = m.pc("request.args.get", &[kq]);
    let ix = m.index(d, k);
    let c = m.pc("os.system", &[ix]);
    m.eval(&mut b, c);
    // `d["cmd"] = request...` afterwards taints that key only.
    m.at(7);
    let d = m.n("d");
    let kc = m.s("cmd");
    let q = m.s("q");
    let tv = m.pc("request.args.get", &[q]);
    m.assign_to(&mut b, Pattern::Index { obj: d, index: kc }, tv);
    for (line, key) in [(8, "cmd"), (9, "other")] {
        m.at(line);
        let d = m.n("d");
        let k = m.s(key);
        let ix = m.index(d, k);
        let c = m.pc("os.system", &[ix]);
        m.eval(&mut b, c);
    }
    b.finish(&mut m.b);
    let r = run(m);
    assert_eq!(verdict(&r, "exec", 3), Verdict::Safe);
    assert_eq!(verdict(&r, "exec", 4), Verdict::Confirmed);
    assert_eq!(verdict(&r, "exec", 5), Verdict::Safe);
    assert_eq!(verdict(&r, "exec", 6), Verdict::Confirmed);
    assert_eq!(verdict(&r, "exec", 8), Verdict::Confirmed);
    assert_eq!(
        verdict(&r, "exec", 9),
        Verdict::Confirmed,
        "a key not in the literal reads the whole dict"
    );
}

/// ```text
/// xs = ["ls", request.args.get("q")]
/// xs.pop()            # drops the tainted one    | xs.pop(0): drops "ls"
/// os.system(xs[0])
/// os.system(xs)       # the whole list
/// ```
#[test]
fn list_indices_follow_pop_and_shift() {
    for (pop_arg, want) in [(None, Verdict::Safe), (Some(0), Verdict::Confirmed)] {
        for shift in [false, true] {
            if shift && pop_arg.is_none() {
                continue;
            }
            let mut m = flask_module("app");
            let f = m.def("f", &[], FuncId::MODULE);
            let mut b = FnBuilder::new(f);
            m.at(2);
            let ls = m.s("ls");
            let q = m.s("q");
            let t = m.pc("request.args.get", &[q]);
            let l = m.list(&[ls, t]);
            m.assign(&mut b, "xs", l);
            m.at(3);
            let xs = m.n("xs");
            let pop = match (pop_arg, shift) {
                (_, true) => m.mc(xs, "shift", &[]),
                (Some(i), false) => {
                    let i = m.i(i);
                    m.mc(xs, "pop", &[i])
                }
                (None, false) => m.mc(xs, "pop", &[]),
            };
            m.eval(&mut b, pop);
            m.at(4);
            let xs = m.n("xs");
            let zero = m.i(0);
            let ix = m.index(xs, zero);
            let c = m.pc("os.system", &[ix]);
            m.eval(&mut b, c);
            system(&mut m, &mut b, "xs", 5);
            b.finish(&mut m.b);
            // Python has no `shift`: a team's catalogue could name one.
            let mut cat = python();
            if shift {
                cat.containers.shift.push("shift".into());
            }
            let r = analyse(&m.finish(), &cat, &Options::default());
            assert_eq!(
                verdict(&r, "exec", 4),
                want,
                "pop({pop_arg:?}) shift {shift}"
            );
            assert_eq!(verdict(&r, "exec", 5), want, "whole list after pop");
        }
    }
}

/// ```text
/// xs = []
/// xs.append("ls"); xs.append(request.args.get("q"))
/// ys = [*xs, "x"]
/// os.system(xs[0]); os.system(xs[1]); os.system(ys[0]); os.system(ys[1]); os.system(ys[-1])
/// ```
#[test]
fn append_and_spread_keep_indices() {
    let mut m = flask_module("app");
    let f = m.def("f", &[], FuncId::MODULE);
    let mut b = FnBuilder::new(f);
    m.at(2);
    let l = m.list(&[]);
    m.assign(&mut b, "xs", l);
    m.at(3);
    let xs = m.n("xs");
    let ls = m.s("ls");
    let a1 = m.mc(xs, "append", &[ls]);
    m.eval(&mut b, a1);
    let xs = m.n("xs");
    let q = m.s("q");
    let t = m.pc("request.args.get", &[q]);
    let a2 = m.mc(xs, "append", &[t]);
    m.eval(&mut b, a2);
    m.at(4);
    let xs = m.n("xs");
    let x = m.s("x");
    let ys = m.e(Expr::Seq(
        SeqKind::List,
        vec![Elem::Spread(xs), Elem::Item(x)],
    ));
    m.assign(&mut b, "ys", ys);
    for (line, var, i) in [
        (5, "xs", 0),
        (6, "xs", 1),
        (7, "ys", 0),
        (8, "ys", 1),
        (9, "ys", -1),
    ] {
        m.at(line);
        let v = m.n(var);
        let ix = if i < 0 {
            let one = m.i(-i);
            m.e(Expr::Unary(bw_ir::UnOp::Neg, one))
        } else {
            m.i(i)
        };
        let e = m.index(v, ix);
        let c = m.pc("os.system", &[e]);
        m.eval(&mut b, c);
    }
    b.finish(&mut m.b);
    let r = run(m);
    assert_eq!(verdict(&r, "exec", 5), Verdict::Safe);
    assert_eq!(verdict(&r, "exec", 6), Verdict::Confirmed);
    assert_eq!(verdict(&r, "exec", 7), Verdict::Safe);
    assert_eq!(verdict(&r, "exec", 8), Verdict::Confirmed);
    assert_eq!(verdict(&r, "exec", 9), Verdict::Safe, "ys[-1] is \"x\"");
}

/// ```text
/// class Job:
///     def __init__(self):
///         self.req = request
///         self.name = "backup"
///     def run(self):
///         os.system(self.req.args.get("q"))   # tainted
///         os.system(self.name)                # safe
/// ```
#[test]
fn a_field_stored_in_one_method_is_read_back_in_another() {
    let mut m = flask_module("app");
    let c = m.b.class("Job", "Job", sp(1));
    let init = m.def("__init__", &[], FuncId::MODULE);
    let run_f = m.def("run", &[], FuncId::MODULE);
    let selfs = m.b.intern("self");
    for f in [init, run_f] {
        m.b.func_mut(f).class = Some(c);
        m.b.func_mut(f).receiver = Some(selfs);
        m.b.class_mut(c).methods.push(f);
    }
    let mut b = FnBuilder::new(init);
    m.at(3);
    let s = m.n("self");
    let req = m.n("request");
    let name = m.b.intern("req");
    m.assign_to(&mut b, Pattern::Field { obj: s, name }, req);
    m.at(4);
    let s = m.n("self");
    let backup = m.s("backup");
    let name = m.b.intern("name");
    m.assign_to(&mut b, Pattern::Field { obj: s, name }, backup);
    b.finish(&mut m.b);
    let mut b = FnBuilder::new(run_f);
    m.at(6);
    let s = m.n("self");
    let r = m.field(s, "req");
    let args = m.field(r, "args");
    let q = m.s("q");
    let get = m.mc(args, "get", &[q]);
    let c1 = m.pc("os.system", &[get]);
    m.eval(&mut b, c1);
    m.at(7);
    let s = m.n("self");
    let nm = m.field(s, "name");
    let c2 = m.pc("os.system", &[nm]);
    m.eval(&mut b, c2);
    b.finish(&mut m.b);
    let r = run(m);
    let h = hit(&r, "exec", 6);
    assert_eq!(h.verdict, Verdict::Confirmed);
    assert_eq!(h.function, "run");
    assert_eq!(verdict(&r, "exec", 7), Verdict::Safe);
    let _ = ClassId(0);
}

/// JavaScript: `constructor(req) { this.q = req.query; this.t = "x" }`,
/// `find() { db.query(this.q) }` and `all() { db.query(this.t) }`.
#[test]
fn this_fields_carry_request_data_between_methods() {
    let mut m = M::new("src/repo");
    let c = m.b.class("Repo", "Repo", sp(1));
    let ctor = m.def("constructor", &["req"], FuncId::MODULE);
    let find = m.def("find", &[], FuncId::MODULE);
    let all = m.def("all", &[], FuncId::MODULE);
    for f in [ctor, find, all] {
        m.b.func_mut(f).class = Some(c);
        m.b.class_mut(c).methods.push(f);
    }
    let mut b = FnBuilder::new(ctor);
    m.at(2);
    let this = m.e(Expr::This);
    let rq = m.p("req.query");
    let q = m.b.intern("q");
    m.assign_to(&mut b, Pattern::Field { obj: this, name: q }, rq);
    let this = m.e(Expr::This);
    let x = m.s("x");
    let t = m.b.intern("t");
    m.assign_to(&mut b, Pattern::Field { obj: this, name: t }, x);
    b.finish(&mut m.b);
    for (f, field, line) in [(find, "q", 3), (all, "t", 4)] {
        let mut b = FnBuilder::new(f);
        m.at(line);
        let db = m.n("db");
        let this = m.e(Expr::This);
        let v = m.field(this, field);
        let call = m.mc(db, "query", &[v]);
        m.eval(&mut b, call);
        b.finish(&mut m.b);
    }
    let r = analyse(&m.finish(), &javascript(), &Options::default());
    assert_eq!(verdict(&r, "sql", 3), Verdict::Confirmed);
    assert_eq!(verdict(&r, "sql", 4), Verdict::Safe);
}

/// `out = ""; out += request...; os.system(out)`, `"ls %s" % t`,
/// f-strings, `"{}".format(t)`, `" ".join([t])` all carry the taint;
/// the same built from constants folds to a constant.
#[test]
fn strings_built_step_by_step_carry_taint() {
    for tainted in [true, false] {
        let mut m = flask_module("app");
        let f = m.def("f", &[], FuncId::MODULE);
        let mut b = FnBuilder::new(f);
        if tainted {
            read_query(&mut m, &mut b, "t", 2);
        } else {
            m.at(2);
            let c = m.s("tmp");
            m.assign(&mut b, "t", c);
        }
        // out += t
        m.at(3);
        let empty = m.s("ls ");
        m.assign(&mut b, "out", empty);
        let t = m.n("t");
        let target = m.sym_pattern("out");
        b.push(
            Stmt::AugAssign {
                target,
                op: BinOp::Add,
                value: t,
            },
            sp(3),
        );
        system(&mut m, &mut b, "out", 4);
        // "ls %s" % t
        m.at(5);
        let fmt = m.s("ls %s");
        let t = m.n("t");
        let e = m.e(Expr::Binary(BinOp::Mod, fmt, t));
        let c = m.pc("os.system", &[e]);
        m.eval(&mut b, c);
        // f"ls {t}"
        m.at(6);
        let t = m.n("t");
        let e = m.e(Expr::Template(vec![
            TemplatePart::Text("ls ".into()),
            TemplatePart::Expr(t),
        ]));
        let c = m.pc("os.system", &[e]);
        m.eval(&mut b, c);
        // "ls {}".format(t)
        m.at(7);
        let fmt = m.s("ls {}");
        let t = m.n("t");
        let e = m.mc(fmt, "format", &[t]);
        let c = m.pc("os.system", &[e]);
        m.eval(&mut b, c);
        // " ".join(["ls", t])
        m.at(8);
        let sep = m.s(" ");
        let ls = m.s("ls");
        let t = m.n("t");
        let l = m.list(&[ls, t]);
        let e = m.mc(sep, "join", &[l]);
        let c = m.pc("os.system", &[e]);
        m.eval(&mut b, c);
        b.finish(&mut m.b);
        let r = run(m);
        let want = safe_if(!tainted);
        for line in 4..=8 {
            assert_eq!(
                verdict(&r, "exec", line),
                want,
                "line {line}, tainted {tainted}"
            );
        }
        if tainted {
            let h = hit(&r, "exec", 4);
            assert!(
                h.steps
                    .iter()
                    .any(|s| s.label.contains("appended to `out`")),
                "{:?}",
                h.steps
            );
        }
    }
}

/// ```text
/// def outer():
///     t = request.args.get("q")    # or a constant
///     def inner():
///         os.system(t)
///     return inner
/// ```
#[test]
fn a_closure_reads_the_enclosing_functions_variables() {
    for tainted in [true, false] {
        let mut m = flask_module("app");
        let outer = m.def("outer", &[], FuncId::MODULE);
        let inner = m.def("inner", &[], outer);
        let mut b = FnBuilder::new(outer);
        if tainted {
            read_query(&mut m, &mut b, "t", 2);
        } else {
            m.at(2);
            let c = m.s("ls");
            m.assign(&mut b, "t", c);
        }
        m.at(3);
        let fv = m.e(Expr::Func(inner));
        m.assign(&mut b, "inner", fv);
        m.at(5);
        let i = m.n("inner");
        m.ret(&mut b, Some(i));
        b.finish(&mut m.b);
        let mut b = FnBuilder::new(inner);
        system(&mut m, &mut b, "t", 4);
        b.finish(&mut m.b);
        let r = run(m);
        let want = safe_if(!tainted);
        assert_eq!(verdict(&r, "exec", 4), want, "tainted {tainted}");
    }
}

/// `data = await request.get_json(); os.system(data["cmd"])`
#[test]
fn await_passes_its_operand_through() {
    for awaited_source in [true, false] {
        let mut m = flask_module("app");
        let f = m.def("f", &[], FuncId::MODULE);
        let mut b = FnBuilder::new(f);
        m.at(2);
        let call = if awaited_source {
            m.pc("request.get_json", &[])
        } else {
            m.pc("load_defaults", &[])
        };
        let aw = m.e(Expr::Await(call));
        m.assign(&mut b, "data", aw);
        m.at(3);
        let d = m.n("data");
        let k = m.s("cmd");
        let ix = m.index(d, k);
        let c = m.pc("os.system", &[ix]);
        m.eval(&mut b, c);
        b.finish(&mut m.b);
        let r = run(m);
        let want = safe_if(!awaited_source);
        assert_eq!(verdict(&r, "exec", 3), want);
    }
}

/// JavaScript: `names.forEach(n => exec(n))` with `names` request data:
/// the callback's parameter receives the receiver's taint; over a
/// constant list it receives nothing.
#[test]
fn a_callback_parameter_receives_what_the_call_passes() {
    for tainted in [true, false] {
        let mut m = M::new("src/app");
        m.b.import("exec", "child_process", Some("exec"), sp(1));
        let h = m.def("handler", &["req", "res"], FuncId::MODULE);
        let cb = m.def("<lambda>", &["n"], h);
        let mut b = FnBuilder::new(h);
        m.at(2);
        let names = if tainted {
            m.p("req.query.names")
        } else {
            let a = m.s("a");
            m.list(&[a])
        };
        m.assign(&mut b, "names", names);
        m.at(3);
        let ns = m.n("names");
        let fv = m.e(Expr::Func(cb));
        let call = m.mc(ns, "forEach", &[fv]);
        m.eval(&mut b, call);
        b.finish(&mut m.b);
        let mut b = FnBuilder::new(cb);
        m.at(4);
        let n = m.n("n");
        let c = m.pc("exec", &[n]);
        m.eval(&mut b, c);
        b.finish(&mut m.b);
        let r = analyse(&m.finish(), &javascript(), &Options::default());
        let h = hit(&r, "exec", 4);
        if tainted {
            assert_eq!(h.verdict, Verdict::Confirmed);
        } else {
            assert_eq!(h.verdict, Verdict::FromParams, "only its own parameter");
        }
    }
}

/// A handler whose request parameter is destructured: `({ query }, res)
/// => exec(query.cmd)`, with the recogniser saying parameter 0 is `req`.
#[test]
fn a_destructured_request_parameter_is_a_source() {
    for seeded in [true, false] {
        let mut m = M::new("src/app");
        m.b.import("exec", "child_process", Some("exec"), sp(1));
        let h = m.b.function(
            bw_ir::FuncKind::Lambda,
            "<lambda>",
            "<lambda>",
            Some(FuncId::MODULE),
            sp(1),
        );
        let query = m.b.intern("query");
        let res = m.b.intern("res");
        m.b.func_mut(h).params = vec![
            Param {
                pattern: Pattern::Object {
                    props: vec![(query, Pattern::Name(query))],
                    rest: None,
                },
                kind: ParamKind::Positional,
                default: None,
                annotation: None,
                span: sp(1),
            },
            Param {
                pattern: Pattern::Name(res),
                kind: ParamKind::Positional,
                default: None,
                annotation: None,
                span: sp(1),
            },
        ];
        let mut b = FnBuilder::new(h);
        m.at(2);
        let q = m.n("query");
        let cmd = m.field(q, "cmd");
        let c = m.pc("exec", &[cmd]);
        m.eval(&mut b, c);
        b.finish(&mut m.b);
        let opts = Options {
            params: if seeded {
                vec![ParamSeed {
                    func: h,
                    param: 0,
                    source: None,
                    ty: Some("req".into()),
                    clean: false,
                    from_default: false,
                    text: false,
                }]
            } else {
                Vec::new()
            },
            ..Options::default()
        };
        let r = analyse(&m.finish(), &javascript(), &opts);
        let want = if seeded {
            Verdict::Confirmed
        } else {
            Verdict::FromParams
        };
        assert_eq!(verdict(&r, "exec", 2), want);
    }
}

/// `client = OpenAI(); client.chat.completions.create(messages=…)`: the
/// object carries its constructor's path, so the method is the LLM sink.
#[test]
fn an_object_made_by_a_constructor_resolves_its_methods() {
    let mut m = flask_module("app");
    m.b.import("OpenAI", "openai", Some("OpenAI"), sp(1));
    let f = m.def("f", &[], FuncId::MODULE);
    let mut b = FnBuilder::new(f);
    read_query(&mut m, &mut b, "q", 2);
    m.at(3);
    let ctor = m.pc("OpenAI", &[]);
    m.assign(&mut b, "client", ctor);
    m.at(4);
    let client = m.n("client");
    let chat = m.field(client, "chat");
    let comp = m.field(chat, "completions");
    let create = m.field(comp, "create");
    let q = m.n("q");
    let msgs = m.list(&[q]);
    let call = m.kwcall(create, &[], &[("messages", msgs)]);
    m.eval(&mut b, call);
    b.finish(&mut m.b);
    let r = run(m);
    let h = hit(&r, "prompt", 4);
    assert_eq!(h.callee, "openai.OpenAI().chat.completions.create");
    assert_eq!(h.verdict, Verdict::Confirmed);
    assert_eq!(h.arg, Some(bw_flow::ArgRef::Keyword("messages".into())));
}

/// A loop that keeps growing a string: the fixpoint settles and the
/// value reaching the sink after the loop is tainted.
#[test]
fn loops_are_iterated_to_a_fixpoint() {
    for tainted in [true, false] {
        let mut m = flask_module("app");
        let f = m.def("f", &[], FuncId::MODULE);
        let mut b = FnBuilder::new(f);
        m.at(2);
        let e = m.s("");
        m.assign(&mut b, "out", e);
        m.assign(&mut b, "part", e);
        let head = b.new_block();
        b.goto(head);
        b.switch_to(head);
        m.at(3);
        let more = m.pc("more", &[]);
        let (body, exit) = b.branch(more, sp(3));
        b.switch_to(body);
        m.at(4);
        let out = m.n("out");
        let part = m.n("part");
        let cat = m.e(Expr::Binary(BinOp::Add, out, part));
        m.assign(&mut b, "out", cat);
        if tainted {
            read_query(&mut m, &mut b, "part", 5);
        }
        b.goto(head);
        b.switch_to(exit);
        system(&mut m, &mut b, "out", 6);
        b.finish(&mut m.b);
        let r = run(m);
        assert!(r.truncated.is_empty(), "{:?}", r.truncated);
        let want = safe_if(!tainted);
        assert_eq!(verdict(&r, "exec", 6), want, "tainted {tainted}");
    }
}

/// A concatenation of 20,000 terms is evaluated without deep recursion;
/// a call nested deeper than the limit is cut short and reported.
#[test]
fn long_chains_cost_no_depth_and_deep_nesting_is_reported() {
    let mut m = flask_module("app");
    let f = m.def("f", &[], FuncId::MODULE);
    let mut b = FnBuilder::new(f);
    read_query(&mut m, &mut b, "t", 2);
    m.at(3);
    let mut e = m.s("a");
    for i in 0..20_000 {
        let r = if i == 10_000 { m.n("t") } else { m.s("b") };
        e = m.e(Expr::Binary(BinOp::Add, e, r));
    }
    let c = m.pc("os.system", &[e]);
    m.eval(&mut b, c);
    m.at(4);
    let mut e = m.n("t");
    for _ in 0..500 {
        e = m.pc("wrap", &[e]);
    }
    let c = m.pc("os.system", &[e]);
    m.eval(&mut b, c);
    b.finish(&mut m.b);
    let r = run(m);
    assert_eq!(verdict(&r, "exec", 3), Verdict::Confirmed);
    assert_eq!(verdict(&r, "exec", 4), Verdict::Unknown);
    assert!(
        r.truncated
            .iter()
            .any(|t| t.reason.contains("nested deeper")),
        "{:?}",
        r.truncated
    );
}

/// `request.form.pop("x")` reads the request (a source path is no
/// container of ours); `d = {"x": "ls"}; d.pop("x")` is the stored entry.
#[test]
fn pop_on_a_source_path_reads_the_source() {
    let mut m = flask_module("app");
    let f = m.def("f", &[], FuncId::MODULE);
    let mut b = FnBuilder::new(f);
    m.at(2);
    let form = m.p("request.form");
    let x = m.s("x");
    let pop = m.mc(form, "pop", &[x]);
    let c = m.pc("os.system", &[pop]);
    m.eval(&mut b, c);
    m.at(3);
    let k = m.s("x");
    let v = m.s("ls");
    let d = m.e(Expr::Dict(vec![Entry::Pair(k, v)]));
    m.assign(&mut b, "d", d);
    let dn = m.n("d");
    let k = m.s("x");
    let pop = m.mc(dn, "pop", &[k]);
    let c = m.pc("os.system", &[pop]);
    m.eval(&mut b, c);
    b.finish(&mut m.b);
    let r = run(m);
    assert_eq!(verdict(&r, "exec", 2), Verdict::Confirmed);
    assert_eq!(verdict(&r, "exec", 3), Verdict::Safe);
}

/// `get_runner()(t)`: a call of the function another call returns applies
/// that function's summary.
#[test]
fn calling_a_returned_function_applies_its_summary() {
    for tainted in [true, false] {
        let mut m = flask_module("app");
        let get_runner = m.def("get_runner", &[], FuncId::MODULE);
        let runner = m.def("<lambda>", &["cmd"], get_runner);
        let mut b = FnBuilder::new(get_runner);
        m.at(1);
        let fv = m.e(Expr::Func(runner));
        m.ret(&mut b, Some(fv));
        b.finish(&mut m.b);
        let mut b = FnBuilder::new(runner);
        system(&mut m, &mut b, "cmd", 2);
        b.finish(&mut m.b);
        let view = m.def("view", &[], FuncId::MODULE);
        let mut b = FnBuilder::new(view);
        if tainted {
            read_query(&mut m, &mut b, "t", 3);
        } else {
            m.at(3);
            let ls = m.s("ls");
            m.assign(&mut b, "t", ls);
        }
        m.at(4);
        let g = m.pc("get_runner", &[]);
        let t = m.n("t");
        let call = m.call(g, &[t]);
        m.eval(&mut b, call);
        b.finish(&mut m.b);
        let r = run(m);
        let via = r.hits.iter().any(|h| h.span.line == 4 && h.via.is_some());
        assert_eq!(via, tainted, "{:#?}", r.hits);
    }
}

/// `subprocess.run(t, shell=True)` goes through a shell, `subprocess.run(t)`
/// does not; `open(p, "w")` writes, `open(p)` reads.
#[test]
fn shell_and_write_modes_are_reported() {
    let mut m = flask_module("app");
    m.b.import("subprocess", "subprocess", None, sp(1));
    let f = m.def("f", &[], FuncId::MODULE);
    let mut b = FnBuilder::new(f);
    read_query(&mut m, &mut b, "t", 2);
    for (line, shell) in [(3, true), (4, false)] {
        m.at(line);
        let callee = m.p("subprocess.run");
        let t = m.n("t");
        let call = if shell {
            let yes = m.e(Expr::Const(bw_ir::Const::Bool(true)));
            m.kwcall(callee, &[t], &[("shell", yes)])
        } else {
            m.call(callee, &[t])
        };
        m.eval(&mut b, call);
    }
    for (line, mode) in [(5, Some("w")), (6, None)] {
        m.at(line);
        let t = m.n("t");
        let mut args = vec![t];
        if let Some(md) = mode {
            args.push(m.s(md));
        }
        let call = m.pc("open", &args);
        m.eval(&mut b, call);
    }
    b.finish(&mut m.b);
    let r = run(m);
    assert!(hit(&r, "exec", 3).shell);
    assert!(!hit(&r, "exec", 4).shell);
    assert_eq!(hit(&r, "path", 5).write, Some(true));
    assert_eq!(hit(&r, "path", 6).write, Some(false));
    assert_eq!(hit(&r, "exec", 4).write, None);
}

/// A sanitiser cleans for its kinds only; a call nobody modelled returns
/// a value of unknown origin.
#[test]
fn sanitisers_clean_for_their_kinds_and_unmodelled_calls_are_unknown() {
    let mut m = flask_module("app");
    m.b.import("shlex", "shlex", None, sp(1));
    m.b.import("html", "html", None, sp(1));
    let f = m.def("f", &[], FuncId::MODULE);
    let mut b = FnBuilder::new(f);
    read_query(&mut m, &mut b, "t", 2);
    for (line, wrapper) in [(3, "shlex.quote"), (4, "html.escape"), (5, "mystery")] {
        m.at(line);
        let t = m.n("t");
        let w = m.pc(wrapper, &[t]);
        let c = m.pc("os.system", &[w]);
        m.eval(&mut b, c);
    }
    b.finish(&mut m.b);
    let r = run(m);
    assert_eq!(verdict(&r, "exec", 3), Verdict::Safe);
    assert_eq!(verdict(&r, "exec", 4), Verdict::Confirmed);
    assert_eq!(verdict(&r, "exec", 5), Verdict::Unknown);
}

/// A fixpoint that needs more visits of a block than allowed stops and
/// says so.
#[test]
fn a_fixpoint_cut_short_is_reported() {
    for visits in [1, 40] {
        let mut m = flask_module("app");
        let f = m.def("f", &[], FuncId::MODULE);
        let mut b = FnBuilder::new(f);
        m.at(2);
        let e = m.s("");
        m.assign(&mut b, "out", e);
        let head = b.new_block();
        b.goto(head);
        b.switch_to(head);
        m.at(3);
        let more = m.pc("more", &[]);
        let (body, exit) = b.branch(more, sp(3));
        b.switch_to(body);
        read_query(&mut m, &mut b, "out", 4);
        b.goto(head);
        b.switch_to(exit);
        system(&mut m, &mut b, "out", 5);
        b.finish(&mut m.b);
        let opts = Options {
            max_block_visits: visits,
            ..Options::default()
        };
        let r = analyse(&m.finish(), &python(), &opts);
        let cut = r.truncated.iter().any(|t| t.reason.contains("cut short"));
        assert_eq!(cut, visits == 1, "{:?}", r.truncated);
    }
}

/// JavaScript objects: `const o = { cmd: "ls", arg: req.query.q }`;
/// `exec(o.cmd)` is safe, `exec(o.arg)` is not.
#[test]
fn object_fields_read_per_key() {
    let mut m = M::new("src/app");
    m.b.import("exec", "child_process", Some("exec"), sp(1));
    let h = m.def("handler", &["req", "res"], FuncId::MODULE);
    let mut b = FnBuilder::new(h);
    m.at(2);
    let k1 = m.s("cmd");
    let v1 = m.s("ls");
    let k2 = m.s("arg");
    let v2 = m.p("req.query.q");
    let o = m.e(Expr::Dict(vec![Entry::Pair(k1, v1), Entry::Pair(k2, v2)]));
    m.assign(&mut b, "o", o);
    for (line, field) in [(3, "cmd"), (4, "arg")] {
        m.at(line);
        let o = m.n("o");
        let f = m.field(o, field);
        let c = m.pc("exec", &[f]);
        m.eval(&mut b, c);
    }
    b.finish(&mut m.b);
    let r = analyse(&m.finish(), &javascript(), &Options::default());
    assert_eq!(verdict(&r, "exec", 3), Verdict::Safe);
    assert_eq!(verdict(&r, "exec", 4), Verdict::Confirmed);
}
