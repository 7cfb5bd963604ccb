//! The Python lowering: snapshots of the text form of each fixture
//! (`tests/fixtures/python/`), and targeted checks of what the dataflow
//! engine relies on.

use bw_files::Lang;
use bw_ir::cfg::Cfg;
use bw_ir::{BlockId, CmpOp, Expr, FuncId, Module, ParamKind, Pattern, Stmt, Terminator};
use std::path::Path;

fn fixture(name: &str) -> String {
    let p = format!(
        "{}/tests/fixtures/python/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn lower(path: &str, text: &str) -> Module {
    bw_lower::lower(Lang::Python, path, text).expect("lowers")
}

/// The fixture lowered as if it sat at `path` in a repository.
fn snapshot(name: &str, path: &str) {
    let m = lower(path, &fixture(name));
    insta::assert_snapshot!(name, bw_ir::print::module(&m));
}

#[test]
fn snapshots() {
    snapshot("imports.py", "app/api/views.py");
    snapshot("package_init.py", "app/api/__init__.py");
    snapshot("functions.py", "app/functions.py");
    snapshot("classes.py", "app/classes.py");
    snapshot("statements.py", "app/statements.py");
    snapshot("control.py", "app/control.py");
    snapshot("tries.py", "app/tries.py");
    snapshot("matching.py", "app/matching.py");
    snapshot("expressions.py", "app/expressions.py");
}

/// The function whose qualified name is `q`.
fn func<'m>(m: &'m Module, q: &str) -> (FuncId, &'m bw_ir::Function) {
    let i = m
        .functions
        .iter()
        .position(|f| f.qualified == q)
        .unwrap_or_else(|| panic!("no function {q}"));
    (FuncId(i as u32), &m.functions[i])
}

/// The block holding a statement whose text form is `text`.
fn block_of(m: &Module, f: &bw_ir::Function, text: &str) -> BlockId {
    let i = f
        .blocks
        .iter()
        .position(|b| {
            b.stmts
                .iter()
                .any(|(s, _)| bw_ir::print::stmt(m, s) == text)
        })
        .unwrap_or_else(|| panic!("no statement {text}"));
    BlockId(i as u32)
}

#[test]
fn a_guard_that_returns_is_a_branch_whose_then_side_returns() {
    let m = lower(
        "app/views.py",
        "ALLOWED = {'a'}\n\ndef f(x):\n    if x not in ALLOWED:\n        return\n    run(x)\n",
    );
    let (_, f) = func(&m, "f");
    let Terminator::Branch { cond, then, other } = &f.blocks[0].term else {
        panic!("{:?}", f.blocks[0].term);
    };
    let Expr::Compare(CmpOp::NotIn, l, r) = m.expr(*cond) else {
        panic!("{:?}", m.expr(*cond));
    };
    assert_eq!(m.dotted(*l).as_deref(), Some("x"));
    assert_eq!(m.dotted(*r).as_deref(), Some("ALLOWED"));
    assert_eq!(f.blocks[then.index()].term, Terminator::Return(None));
    assert_eq!(f.blocks[0].term_span.line, 4);
    let sink = block_of(&m, f, "run(x)");
    let cfg = Cfg::new(f);
    assert!(cfg.dominates(*other, sink));
    assert!(!cfg.reach_from(*then, None)[sink.index()]);
}

#[test]
fn a_raise_in_a_try_goes_to_the_except_clauses_and_on_to_the_code_after() {
    let m = lower("app/tries.py", &fixture("tries.py"));
    let (_, f) = func(&m, "handled");
    let cfg = Cfg::new(f);
    let raise = f
        .blocks
        .iter()
        .position(|b| matches!(b.term, Terminator::Throw(Some(_))))
        .map(|i| BlockId(i as u32))
        .expect("the raise");
    let dispatch = f.blocks[raise.index()].handler.expect("under a handler");
    assert_eq!(
        f.blocks[block_of(&m, f, "work(x)").index()].handler,
        Some(dispatch)
    );
    assert!(cfg.succs[raise.index()].contains(&dispatch));
    assert!(!cfg.exits.contains(&raise));
    // The clause binding `e` is reached from the dispatch, and the code
    // after the statement from the raise.
    let catch = block_of(&m, f, "catch ValueError | KeyError as e");
    let (Stmt::Catch { target, types }, _) = &f.blocks[catch.index()].stmts[0] else {
        panic!()
    };
    assert_eq!(types.len(), 2);
    assert!(matches!(target, Some(Pattern::Name(s)) if m.name(*s) == "e"));
    assert!(cfg.reach_from(dispatch, None)[catch.index()]);
    let sink = block_of(&m, f, "sink(x)");
    assert!(cfg.reach_from(raise, None)[sink.index()]);
    // `else` runs outside the clauses: not under the dispatch.
    assert_eq!(f.blocks[block_of(&m, f, "commit()").index()].handler, None);
    // No clause matched: the dispatch re-raises out of the function.
    assert!(
        f.blocks
            .iter()
            .enumerate()
            .any(|(i, b)| b.term == Terminator::Throw(None)
                && cfg.exits.contains(&BlockId(i as u32)))
    );
}

#[test]
fn finally_runs_on_the_normal_path_the_exceptional_path_and_before_a_return() {
    let m = lower("app/tries.py", &fixture("tries.py"));
    let (_, f) = func(&m, "cleanup");
    let cfg = Cfg::new(f);
    let closes: Vec<usize> = f
        .blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| {
            b.stmts
                .iter()
                .any(|(s, _)| bw_ir::print::stmt(&m, s) == "conn.close()")
        })
        .map(|(i, _)| i)
        .collect();
    assert_eq!(closes.len(), 3, "normal, exceptional, before the return");
    // Before the return: the same block returns after closing.
    assert!(
        closes
            .iter()
            .any(|i| matches!(f.blocks[*i].term, Terminator::Return(Some(_))))
    );
    // The exceptional copy re-raises, and is what the body raises into.
    let exc = closes
        .iter()
        .find(|i| f.blocks[**i].term == Terminator::Throw(None))
        .expect("exceptional copy");
    assert!(
        f.blocks
            .iter()
            .any(|b| b.handler == Some(BlockId(*exc as u32)))
    );
    assert!(cfg.exits.contains(&BlockId(*exc as u32)));
    // The returned value is computed inside the `try` (an exception there
    // runs the exceptional copy), before the `finally` body.
    let ret = block_of(&m, f, "<return> = conn.query()");
    assert_eq!(f.blocks[ret.index()].handler, Some(BlockId(*exc as u32)));

    // `break` inside try/finally runs the finally first.
    let (_, f) = func(&m, "loop_finally");
    let brk = f
        .blocks
        .iter()
        .position(|b| {
            matches!(b.term, Terminator::Goto(_))
                && b.term_span.line == 33
                && b.stmts
                    .iter()
                    .any(|(s, _)| bw_ir::print::stmt(&m, s) == "release(i)")
        })
        .expect("break after release");
    assert_eq!(f.blocks[brk].handler, None);
}

#[test]
fn imports_resolve_relative_to_the_files_package() {
    let m = lower("app/api/views.py", &fixture("imports.py"));
    assert_eq!(m.id, "app.api.views");
    let got: Vec<(String, String, Option<String>)> = m
        .imports
        .iter()
        .map(|i| {
            (
                m.name(i.local).to_string(),
                i.module.clone(),
                i.member.clone(),
            )
        })
        .collect();
    let want = |l: &str, module: &str, member: Option<&str>| {
        (
            l.to_string(),
            module.to_string(),
            member.map(str::to_string),
        )
    };
    assert!(got.contains(&want("models", "app.api", Some("models"))));
    assert!(got.contains(&want("raw_sql", "app.api.db", Some("raw"))));
    assert!(got.contains(&want("slug", "app.common.util", Some("slug"))));
    assert!(got.contains(&want("settings", "app", Some("settings"))));
    assert!(got.contains(&want("ET", "xml.etree.ElementTree", None)));
    assert!(got.contains(&want("req", "flask", Some("request"))));
    // In a package's `__init__.py`, `.` is the package itself.
    let m = lower("app/api/__init__.py", &fixture("package_init.py"));
    assert_eq!(m.id, "app.api");
    let db = m.names.get("db").unwrap();
    assert_eq!(m.import_of(db).unwrap().module, "app.api");
    let exports: Vec<&str> = m.exports.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(exports, ["VERSION"]);
}

#[test]
fn a_methods_receiver_is_its_first_parameter_unless_static() {
    let m = lower("app/classes.py", &fixture("classes.py"));
    let recv = |q: &str| {
        let (_, f) = func(&m, q);
        let params: Vec<String> = f
            .params
            .iter()
            .map(|p| bw_ir::print::pattern(&m, &p.pattern))
            .collect();
        (f.receiver.map(|r| m.name(r).to_string()), params)
    };
    assert_eq!(
        recv("Point.__init__"),
        (Some("self".into()), vec!["request".into(), "rest".into()])
    );
    assert_eq!(recv("Point.read"), (Some("this".into()), vec![]));
    assert_eq!(recv("Point.make"), (None, vec!["a".into(), "b".into()]));
    assert_eq!(
        recv("Point.from_env"),
        (Some("cls".into()), vec!["env".into()])
    );
    let (_, init) = func(&m, "Point.__init__");
    assert_eq!(init.params[1].kind, ParamKind::Rest);
    let point = &m.classes[0];
    assert_eq!(m.name(point.name), "Point");
    assert_eq!(point.methods.len(), 5);
    assert!(init.class == Some(bw_ir::ClassId(0)));
}

#[test]
fn deep_nesting_is_truncated_not_a_crash() {
    let deep = format!("x = {}1{}\n", "[".repeat(5000), "]".repeat(5000));
    let m = lower("deep.py", &deep);
    let t = m.truncated.expect("truncated");
    assert_eq!(t.line, 1);
    assert!(bw_ir::print::module(&m).starts_with("module deep (deep.py, python)\ntruncated at 1:"));

    let calls = format!("y = {}0{}\n", "f(".repeat(5000), ")".repeat(5000));
    assert!(lower("calls.py", &calls).truncated.is_some());

    let mut ifs = String::new();
    for i in 0..300 {
        ifs.push_str(&" ".repeat(i));
        ifs.push_str("if x:\n");
    }
    ifs.push_str(&" ".repeat(300));
    ifs.push_str("sink(x)\n");
    assert!(lower("ifs.py", &ifs).truncated.is_some());

    let lambdas = format!("g = {}0\n", "lambda: ".repeat(5000));
    assert!(lower("lambdas.py", &lambdas).truncated.is_some());
    let mut defs = String::new();
    for i in 0..300 {
        defs.push_str(&" ".repeat(i));
        defs.push_str(&format!("def f{i}(a=[[[[1]]]]):\n"));
    }
    defs.push_str(&" ".repeat(300));
    defs.push_str("return {'k': (x, [y, f(z)])}\n");
    assert!(lower("defs.py", &defs).truncated.is_some());

    // A long linear chain is no nesting: nothing is cut.
    let chain = format!(
        "s = a{}\nt = q{}\n",
        " + a".repeat(5000),
        ".strip()".repeat(3000)
    );
    let m = lower("chain.py", &chain);
    assert_eq!(m.truncated, None);
    let (_, code) = func(&m, "<module>");
    let (Stmt::Assign { value, .. }, _) = &code.blocks[0].stmts[0] else {
        panic!()
    };
    assert!(matches!(
        m.expr(*value),
        Expr::Binary(bw_ir::BinOp::Add, _, _)
    ));
}

#[test]
fn columns_count_characters_and_lines_start_at_one() {
    let m = lower("u.py", "a = \"ééé\"; b = call()\n");
    let (_, code) = func(&m, "<module>");
    let (Stmt::Assign { value, .. }, sp) = &code.blocks[0].stmts[1] else {
        panic!()
    };
    assert_eq!((sp.line, sp.col), (1, 12));
    let call = m.span(*value);
    assert_eq!((call.line, call.col, call.end_col), (1, 16, 22));
    assert_eq!((call.start, call.end), (18, 24));
}

#[test]
fn other_languages_and_spent_budgets_are_errors() {
    assert_eq!(
        bw_lower::lower(Lang::Dockerfile, "Dockerfile", "FROM x").unwrap_err(),
        bw_lower::LowerError::Unsupported(Lang::Dockerfile)
    );
    let past = bw_lang::Limits {
        deadline: bw_lang::Deadline::after(std::time::Duration::ZERO),
        budget: std::time::Duration::ZERO,
        memory: None,
    };
    let big = "x = f(y)\n".repeat(20_000);
    assert!(matches!(
        bw_lower::lower_within(Lang::Python, "a.py", &big, &past),
        Err(bw_lower::LowerError::Parse(
            bw_lang::ParseError::Timeout { .. }
        ))
    ));
}

/// The depth limit keeps the walk within a small stack, even unoptimised:
/// the nesting tests again on a thread of half a test thread's stack.
#[test]
fn deep_nesting_fits_a_small_stack() {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(deep_nesting_is_truncated_not_a_crash)
        .unwrap()
        .join()
        .unwrap();
}

/// Every block's targets and handler exist, every statement has a line,
/// and every expression a statement or terminator names is in the arena.
fn check_well_formed(m: &Module, what: &str) {
    let n = m.exprs.len() as u32;
    for f in &m.functions {
        let blocks = f.blocks.len();
        assert!(blocks > 0, "{what}: {} has no blocks", f.qualified);
        for (i, b) in f.blocks.iter().enumerate() {
            for t in bw_ir::cfg::targets(&b.term) {
                assert!(
                    t.index() < blocks,
                    "{what}: {} b{i} -> b{}",
                    f.qualified,
                    t.0
                );
            }
            if let Some(h) = b.handler {
                assert!(h.index() < blocks, "{what}: {} b{i} handler", f.qualified);
            }
            for (s, sp) in &b.stmts {
                assert!(sp.line >= 1 && sp.col >= 1, "{what}: {} b{i}", f.qualified);
                let e = match s {
                    Stmt::Assign { value, .. } | Stmt::AugAssign { value, .. } => Some(*value),
                    Stmt::Eval(e) | Stmt::Iterate { iter: e, .. } => Some(*e),
                    _ => None,
                };
                assert!(e.is_none_or(|e| e.0 < n), "{what}: {} b{i}", f.qualified);
            }
        }
    }
    // The text form reads every expression reachable from the module.
    assert!(!bw_ir::print::module(m).is_empty());
}

#[test]
fn every_python_file_in_the_repository_lowers_to_a_well_formed_graph() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut stack: Vec<_> = ["fixtures", "examples", "bench", "rules", "crates"]
        .iter()
        .map(|d| root.join(d))
        .collect();
    let mut seen = 0;
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                if !p.ends_with("target") {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|e| e == "py")
                && let Ok(text) = std::fs::read_to_string(&p)
            {
                let rel = p
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                check_well_formed(&lower(&rel, &text), &rel);
                seen += 1;
            }
        }
    }
    assert!(seen > 100, "{seen} files");
    // Broken code lowers what it can read.
    for broken in [
        "def f(:\n  ]] x = \n",
        "if x:\nreturn\n",
        "try:\n    a()\n",
        "match x:\n    case [1, *r] if :\n",
        "x = f'{'\n",
        "class A(\n    def m(self): return self.x\n",
        "for in range(3):\n    sink(x)\n",
    ] {
        check_well_formed(&lower("broken.py", broken), broken);
    }
    let m = lower("broken.py", "def f(:\n    sink(request.args)\n");
    assert!(bw_ir::print::module(&m).contains("request.args"));
}

#[test]
fn a_string_keeps_its_lines_that_look_like_comments() {
    // Past 64 comment-looking lines in a row the grammar is given spaces
    // (see `bw_lang::python_text`); the lowering reads the file's text.
    let body: String = (0..70).map(|i| format!("# line {i}\n")).collect();
    let src = format!("DOC = \"\"\"\n{body}\"\"\"\n");
    let m = lower("doc.py", &src);
    let (_, code) = func(&m, "<module>");
    let (Stmt::Assign { value, .. }, _) = &code.blocks[0].stmts[0] else {
        panic!()
    };
    assert_eq!(m.str_const(*value), Some(format!("\n{body}").as_str()));
}
