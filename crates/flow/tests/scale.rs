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
