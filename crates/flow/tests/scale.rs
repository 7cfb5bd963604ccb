//! Size: a long function with many variables and branches is analysed in
//! time proportional to its size (measured, not asserted: shared machines
//! time badly), and correctly.

mod common;

use bw_flow::{Options, Verdict, analyse};
use bw_ir::build::FnBuilder;
use bw_ir::{CmpOp, Expr, FuncId};
use common::*;

/// `n` rounds of: `vI = request.args.get("q")`, `if vI not in ALLOWED:
/// return`, `os.system(vI)`, `wI = vI + "x"` and a branch joining.
fn long_function(n: u32) -> bw_ir::Module {
    let mut m = flask_module("app");
    module_code(&mut m);
    let f = m.def("f", &[], FuncId::MODULE);
    let mut b = FnBuilder::new(f);
    for i in 0..n {
        let v = format!("v{i}");
        read_query(&mut m, &mut b, &v, 10 + i * 4);
        m.at(11 + i * 4);
        let x = m.n(&v);
        let allowed = m.n("ALLOWED");
        let cond = m.e(Expr::Compare(CmpOp::NotIn, x, allowed));
        m.return_if(&mut b, cond);
        system(&mut m, &mut b, &v, 12 + i * 4);
        m.at(13 + i * 4);
        let x = m.n(&v);
        let s = m.s("x");
        let cat = m.e(Expr::Binary(bw_ir::BinOp::Add, x, s));
        m.assign(&mut b, &format!("w{i}"), cat);
    }
    b.finish(&mut m.b);
    m.finish()
}

#[test]
fn a_long_function_is_analysed_correctly_and_in_proportion() {
    let mut times = Vec::new();
    let sizes = [250, 500];
    for n in sizes {
        let m = long_function(n);
        let t = std::time::Instant::now();
        let r = analyse(&m, &python(), &Options::default());
        times.push(t.elapsed());
        assert!(r.truncated.is_empty(), "{:?}", r.truncated);
        assert_eq!(r.hits.len(), n as usize);
        assert!(r.hits.iter().all(|h| h.verdict == Verdict::Safe));
    }
    eprintln!(
        "{} rounds: {:?}, {} rounds: {:?}",
        sizes[0], times[0], sizes[1], times[1]
    );
}

/// `def f0(x): return f1(x)` … `def f{n-1}(x): return f0(x) if x else
/// request.args.get("q")`, and `def h(): os.system(f0("a"))`: a cycle of
/// calls whose one source reaches the start only through every link.
fn ring(n: u32) -> bw_ir::Module {
    let mut m = flask_module("app");
    let h = m.def("h", &[], FuncId::MODULE);
    let mut hb = FnBuilder::new(h);
    m.at(2);
    let a = m.s("a");
    let first = m.pc("f0", &[a]);
    let c = m.pc("os.system", &[first]);
    m.eval(&mut hb, c);
    hb.finish(&mut m.b);
    for i in 0..n {
        let f = m.def(&format!("f{i}"), &["x"], FuncId::MODULE);
        let mut b = FnBuilder::new(f);
        m.at(10 + i);
        let x = m.n("x");
        let next = m.pc(&format!("f{}", (i + 1) % n), &[x]);
        let value = if i + 1 == n {
            let q = m.s("q");
            let read = m.pc("request.args.get", &[q]);
            let test = m.n("x");
            m.e(Expr::Cond {
                test,
                then: next,
                other: read,
            })
        } else {
            next
        };
        m.ret(&mut b, Some(value));
        b.finish(&mut m.b);
    }
    m.finish()
}

#[test]
fn a_cycle_of_calls_settles_in_bounded_work() {
    for n in [8, 64] {
        let r = analyse(&ring(n), &python(), &Options::default());
        assert!(r.truncated.is_empty(), "{n} links: {:?}", r.truncated);
        assert_eq!(verdict(&r, "exec", 2), Verdict::Confirmed, "{n} links");
        // Each function a few times, not once a round per link.
        assert!(
            r.analysed <= 4 * (n + 2),
            "{n} links: {} analyses",
            r.analysed
        );
    }
}
