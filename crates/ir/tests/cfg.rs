//! The graph a lowering builds, read back: blocks, dominators,
//! reachability, exception edges, loops and the text form.

use bw_ir::build::{FnBuilder, ModuleBuilder};
use bw_ir::cfg::Cfg;
use bw_ir::{
    BlockId, CmpOp, Expr, FuncId, FuncKind, Param, ParamKind, Pattern, Span, Stmt, Terminator,
};

fn at(line: u32) -> Span {
    Span {
        line,
        end_line: line,
        ..Span::default()
    }
}

/// ```text
/// def f(x):
///     if x not in ALLOWED:
///         return
///     run(x)
/// ```
fn guard_then_return() -> bw_ir::Module {
    let mut m = ModuleBuilder::new("app.py", "app", "test");
    let f = m.function(FuncKind::Def, "f", "f", Some(FuncId::MODULE), at(1));
    let x = m.intern("x");
    m.func_mut(f).params.push(Param {
        pattern: Pattern::Name(x),
        kind: ParamKind::Positional,
        default: None,
        annotation: None,
        span: at(1),
    });
    let mut b = FnBuilder::new(f);
    let xv = m.name("x", at(2));
    let allowed = m.name("ALLOWED", at(2));
    let cond = m.expr(Expr::Compare(CmpOp::NotIn, xv, allowed), at(2));
    let (then, other) = b.branch(cond, at(2));
    b.switch_to(then);
    b.terminate(Terminator::Return(None), at(3));
    b.switch_to(other);
    let run = m.name("run", at(4));
    let xv = m.name("x", at(4));
    let call = m.call(run, &[xv], at(4));
    b.push(Stmt::Eval(call), at(4));
    b.finish(&mut m);
    FnBuilder::new(FuncId::MODULE).finish(&mut m);
    m.finish()
}

#[test]
fn a_guard_that_returns_dominates_what_follows_it() {
    let m = guard_then_return();
    let f = m.func(FuncId(1));
    assert_eq!(f.blocks.len(), 3);
    let cfg = Cfg::new(f);
    let (entry, then, other) = (BlockId(0), BlockId(1), BlockId(2));
    assert!(cfg.dominates(entry, other));
    assert!(!cfg.dominates(then, other));
    assert_eq!(cfg.idom[other.index()], Some(entry));
    // The sink's block is not reachable from the rejecting branch.
    assert!(!cfg.reach_from(then, None)[other.index()]);
    assert_eq!(cfg.exits.len(), 2, "the early return and the fall-through");
}

#[test]
fn the_text_form_shows_blocks_lines_and_terminators() {
    let m = guard_then_return();
    let text = bw_ir::print::module(&m);
    let expected = "\
module app (app.py, test)

module-code <module>()
  b0:
       0| return

fn f(x) within <module>
  b0:
       2| if (x not in ALLOWED) then b1 else b2
  b1:
       3| return
  b2:
       4| run(x)
       0| return
";
    assert_eq!(text, expected);
}

#[test]
fn code_after_return_lands_in_a_block_nothing_reaches() {
    let mut m = ModuleBuilder::new("a.py", "a", "test");
    let mut b = FnBuilder::new(FuncId::MODULE);
    b.terminate(Terminator::Return(None), at(1));
    let one = m.name("dead", at(2));
    b.push(Stmt::Eval(one), at(2));
    b.finish(&mut m);
    let m = m.finish();
    let f = m.func(FuncId::MODULE);
    assert_eq!(f.blocks.len(), 2);
    let cfg = Cfg::new(f);
    assert!(cfg.reachable(BlockId(0)));
    assert!(!cfg.reachable(BlockId(1)));
    assert!(!cfg.dominates(BlockId(0), BlockId(1)));
}

/// ```text
/// try:
///     if bad: raise E
///     work()
/// except E:
///     pass
/// sink()
/// ```
#[test]
fn a_raise_inside_a_try_goes_to_its_handler_not_out() {
    let mut m = ModuleBuilder::new("a.py", "a", "test");
    let mut b = FnBuilder::new(FuncId::MODULE);
    let handler = b.new_block();
    b.push_handler(handler);
    let body = b.new_block();
    b.goto(body);
    b.switch_to(body);
    let bad = m.name("bad", at(2));
    let (raise, ok) = b.branch(bad, at(2));
    b.switch_to(raise);
    let e = m.name("E", at(2));
    b.terminate(Terminator::Throw(Some(e)), at(2));
    b.switch_to(ok);
    let work = m.name("work", at(3));
    let call = m.call(work, &[], at(3));
    b.push(Stmt::Eval(call), at(3));
    let try_end = b.end();
    b.pop_handler();
    b.switch_to(handler);
    let e = m.name("E", at(4));
    b.push(
        Stmt::Catch {
            target: None,
            types: vec![e],
        },
        at(4),
    );
    let handler_end = b.end();
    b.join(&[try_end, handler_end]);
    let sink = m.name("sink", at(6));
    let call = m.call(sink, &[], at(6));
    b.push(Stmt::Eval(call), at(6));
    b.finish(&mut m);
    let m = m.finish();
    let f = m.func(FuncId::MODULE);
    let cfg = Cfg::new(f);
    assert_eq!(f.blocks[raise.index()].handler, Some(handler));
    assert!(cfg.succs[raise.index()].contains(&handler));
    assert!(
        !cfg.exits.contains(&raise),
        "a handled raise does not leave the function"
    );
    let last = BlockId(f.blocks.len() as u32 - 1);
    assert!(
        cfg.reach_from(raise, None)[last.index()],
        "the raise falls through to sink()"
    );
    assert!(!cfg.dominates(ok, last));
}

/// ```text
/// while more():
///     step()
/// done()
/// ```
#[test]
fn a_loop_head_is_found_and_dominates_its_body() {
    let mut m = ModuleBuilder::new("a.py", "a", "test");
    let mut b = FnBuilder::new(FuncId::MODULE);
    let head = b.new_block();
    b.goto(head);
    b.switch_to(head);
    let more = m.name("more", at(1));
    let cond = m.call(more, &[], at(1));
    let (body, exit) = b.branch(cond, at(1));
    b.push_loop(head, exit);
    b.switch_to(body);
    let step = m.name("step", at(2));
    let call = m.call(step, &[], at(2));
    b.push(Stmt::Eval(call), at(2));
    b.goto(b.continue_target().unwrap());
    b.pop_loop();
    b.switch_to(exit);
    let done = m.name("done", at(3));
    let call = m.call(done, &[], at(3));
    b.push(Stmt::Eval(call), at(3));
    b.finish(&mut m);
    let m = m.finish();
    let cfg = Cfg::new(m.func(FuncId::MODULE));
    assert!(cfg.is_loop_head(head));
    assert!(!cfg.is_loop_head(body));
    assert!(cfg.dominates(head, body));
    assert!(cfg.dominates(head, exit));
    assert_eq!(cfg.rpo.first(), Some(&BlockId(0)));
}

#[test]
fn dotted_paths_and_imports_read_back() {
    let mut m = ModuleBuilder::new("a.py", "a", "test");
    m.import("request", "flask", Some("request"), at(1));
    let e = m.path("request.args.get", at(2));
    let m = m.finish();
    assert_eq!(m.dotted(e).as_deref(), Some("request.args.get"));
    let req = m.names.get("request").unwrap();
    assert_eq!(m.import_of(req).unwrap().module, "flask");
}
