//! The JavaScript/TypeScript/TSX lowering, read back: snapshots of the
//! text form over the fixtures, and the facts the engine relies on.

use bw_files::Lang;
use bw_ir::cfg::Cfg;
use bw_ir::{BlockId, Expr, FuncId, FuncKind, Module, ParamKind, Pattern, Stmt, Terminator};

fn lower(lang: Lang, path: &str, text: &str) -> Module {
    bw_lower::lower(lang, path, text).expect("lowers")
}

fn fixture(name: &str) -> String {
    let p = format!(
        "{}/tests/fixtures/javascript/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(p).expect("fixture")
}

fn snapshot(name: &str, lang: Lang) {
    let text = fixture(name);
    let m = lower(lang, &format!("src/routes/{name}"), &text);
    insta::assert_snapshot!(name, bw_ir::print::module(&m));
}

#[test]
fn snapshots_of_the_fixtures() {
    for (name, lang) in [
        ("imports.js", Lang::JavaScript),
        ("functions.js", Lang::JavaScript),
        ("statements.js", Lang::JavaScript),
        ("control.js", Lang::JavaScript),
        ("expressions.js", Lang::JavaScript),
        ("types.ts", Lang::TypeScript),
        ("component.tsx", Lang::Tsx),
    ] {
        snapshot(name, lang);
    }
}

fn js(text: &str) -> Module {
    lower(Lang::JavaScript, "src/app.js", text)
}

/// The function named `qualified`.
fn func<'m>(m: &'m Module, qualified: &str) -> (FuncId, &'m bw_ir::Function) {
    let i = m
        .functions
        .iter()
        .position(|f| f.qualified == qualified)
        .unwrap_or_else(|| panic!("no function {qualified}"));
    (FuncId(i as u32), &m.functions[i])
}

/// Every statement of a function with its block.
fn stmts(f: &bw_ir::Function) -> impl Iterator<Item = (BlockId, &Stmt)> {
    f.blocks
        .iter()
        .enumerate()
        .flat_map(|(i, b)| b.stmts.iter().map(move |(s, _)| (BlockId(i as u32), s)))
}

/// The text of every statement of a function, in block order.
fn stmt_texts(m: &Module, f: &bw_ir::Function) -> Vec<String> {
    stmts(f).map(|(_, s)| bw_ir::print::stmt(m, s)).collect()
}

/// The imports as (local, module, member).
fn import_rows(m: &Module) -> Vec<(String, String, Option<String>)> {
    m.imports
        .iter()
        .map(|i| {
            (
                m.name(i.local).to_string(),
                i.module.clone(),
                i.member.clone(),
            )
        })
        .collect()
}

/// The block of the first statement whose text contains `needle`.
fn block_of(m: &Module, f: &bw_ir::Function, needle: &str) -> BlockId {
    stmts(f)
        .find(|(_, s)| bw_ir::print::stmt(m, s).contains(needle))
        .unwrap_or_else(|| panic!("no statement with {needle}"))
        .0
}

#[test]
fn a_guard_that_returns_branches_to_a_returning_block_that_does_not_reach_the_sink() {
    let m = js("function f(x) {\n  if (!allowed.has(x)) return;\n  sink(x);\n}\n");
    let (_, f) = func(&m, "f");
    let Terminator::Branch { cond, then, other } = &f.blocks[0].term else {
        panic!("entry ends in a branch: {:?}", f.blocks[0].term)
    };
    assert_eq!(bw_ir::print::expr(&m, *cond), "(not allowed.has(x))");
    assert_eq!(f.blocks[then.index()].term, Terminator::Return(None));
    let cfg = Cfg::new(f);
    let sink = block_of(&m, f, "sink(x)");
    assert!(cfg.dominates(*other, sink));
    assert!(!cfg.reach_from(*then, None)[sink.index()]);
}

#[test]
fn a_factory_handler_is_a_lambda_within_its_factory() {
    let m = js(
        "function list() {\n  return (req, res) => {\n    res.json(req.query);\n  };\n}\napp.get('/orders', list());\n",
    );
    let (list, lf) = func(&m, "list");
    assert_eq!(lf.kind, FuncKind::Def);
    let (inner, f) = func(&m, "list.<lambda>");
    assert_eq!(f.kind, FuncKind::Lambda);
    assert_eq!(f.parent, Some(list));
    assert_eq!(f.params.len(), 2);
    // The factory returns the lambda itself.
    let Terminator::Return(Some(r)) = &lf.blocks[0].term else {
        panic!("list returns a value")
    };
    assert_eq!(m.expr(*r), &Expr::Func(inner));
}

#[test]
fn a_destructured_request_parameter_is_an_object_pattern() {
    let m = js("app.get('/', async ({ query, body: { id } }, res) => res.send(query.q));\n");
    let (_, f) = func(&m, "<lambda>");
    assert!(f.is_async);
    let Pattern::Object { props, rest } = &f.params[0].pattern else {
        panic!("an object pattern: {:?}", f.params[0].pattern)
    };
    assert!(rest.is_none());
    let keys: Vec<&str> = props.iter().map(|(k, _)| m.name(*k)).collect();
    assert_eq!(keys, ["query", "body"]);
    assert_eq!(props[0].1, Pattern::Name(m.names.get("query").unwrap()));
    assert!(matches!(props[1].1, Pattern::Object { .. }));
    assert_eq!(
        f.params[1].pattern,
        Pattern::Name(m.names.get("res").unwrap())
    );
    // An expression body returns its value.
    assert!(matches!(f.blocks[0].term, Terminator::Return(Some(_))));
}

#[test]
fn a_try_body_raises_into_its_catch_which_binds_the_error() {
    let m = js(
        "function f() {\n  try {\n    if (bad) throw new Error('x');\n    work();\n  } catch (err) {\n    log(err);\n  }\n  after();\n}\n",
    );
    let (_, f) = func(&m, "f");
    let cfg = Cfg::new(f);
    let work = block_of(&m, f, "work()");
    let catch = block_of(&m, f, "catch");
    assert_eq!(f.blocks[work.index()].handler, Some(catch));
    let (first, _) = &f.blocks[catch.index()].stmts[0];
    assert_eq!(
        first,
        &Stmt::Catch {
            target: Some(Pattern::Name(m.names.get("err").unwrap())),
            types: vec![]
        }
    );
    // The throw goes to the handler, not out of the function.
    let throw = f
        .blocks
        .iter()
        .position(|b| matches!(b.term, Terminator::Throw(Some(_))))
        .expect("a throw");
    assert_eq!(f.blocks[throw].handler, Some(catch));
    assert!(!cfg.exits.contains(&BlockId(throw as u32)));
    assert!(cfg.succs[throw].contains(&catch));
    // Both ways meet again before after().
    let after = block_of(&m, f, "after()");
    assert!(cfg.reach_from(catch, None)[after.index()]);
    assert!(cfg.reach_from(work, None)[after.index()]);
    // The catch block is outside the try: a throw in it leaves.
    assert_eq!(f.blocks[catch.index()].handler, None);
}

#[test]
fn finally_runs_on_the_normal_path_the_exception_path_and_before_a_return() {
    let m = js(
        "function f() {\n  try {\n    if (a) return 1;\n    b();\n  } finally {\n    cleanup();\n  }\n  c();\n}\n",
    );
    let (_, f) = func(&m, "f");
    let cfg = Cfg::new(f);
    let cleanups: Vec<BlockId> = stmts(f)
        .filter(|(_, s)| bw_ir::print::stmt(&m, s) == "cleanup()")
        .map(|(b, _)| b)
        .collect();
    assert_eq!(cleanups.len(), 3, "{}", bw_ir::print::module(&m));
    // The exception path: the try's blocks raise into a block that runs
    // cleanup() and rethrows.
    let b = block_of(&m, f, "b()");
    let fe = f.blocks[b.index()].handler.expect("under the finally");
    assert!(cleanups.contains(&fe));
    assert_eq!(f.blocks[fe.index()].term, Terminator::Throw(None));
    // The return runs cleanup() first.
    let ret = f
        .blocks
        .iter()
        .position(|b| {
            b.term
                == Terminator::Return(Some(
                    m.functions[1]
                        .blocks
                        .iter()
                        .find_map(|b| match b.term {
                            Terminator::Return(Some(e)) => Some(e),
                            _ => None,
                        })
                        .unwrap(),
                ))
        })
        .unwrap();
    assert!(cleanups.contains(&BlockId(ret as u32)));
    // The normal path: cleanup() then c().
    let c = block_of(&m, f, "c()");
    assert!(cleanups.contains(&c));
    assert!(cfg.reachable(c));
}

#[test]
fn logical_assignments_are_assignments_of_the_short_circuit() {
    let m = js("x ??= a;\ny ||= b;\nz &&= c;\nout += d;\n");
    let f = m.func(FuncId::MODULE);
    let text = stmt_texts(&m, f);
    assert_eq!(
        text,
        ["x = (x ?? a)", "y = (y or b)", "z = (z and c)", "out += d"]
    );
}

#[test]
fn function_declarations_are_bound_before_the_code_that_uses_them() {
    let m = js("app.get('/', handler);\nfunction handler(req, res) { res.send(req.query.q); }\n");
    let f = m.func(FuncId::MODULE);
    let text = stmt_texts(&m, f);
    assert_eq!(text, ["handler = fn handler", "app.get(\"/\", handler)"]);
}

#[test]
fn imports_and_requires_resolve_to_module_identities() {
    let m = lower(
        Lang::TypeScript,
        "src/routes/users.ts",
        "import db from '../db';\nimport { q as query } from '../db/index.js';\nimport * as fs from 'node:fs';\nconst { exec, spawn: sp } = require('child_process');\nconst pool = require('./pool').default;\nconst cfg = require('../../config');\n",
    );
    let got = import_rows(&m);
    let want = [
        ("db", "src/db", Some("default")),
        ("query", "src/db", Some("q")),
        ("fs", "fs", None),
        ("exec", "child_process", Some("exec")),
        ("sp", "child_process", Some("spawn")),
        ("pool", "src/routes/pool", Some("default")),
        ("cfg", "config", None),
    ];
    let want: Vec<(String, String, Option<String>)> = want
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.map(str::to_string)))
        .collect();
    assert_eq!(got, want);
    // A require bound by a declaration is an import, not a statement.
    assert!(stmts(m.func(FuncId::MODULE)).next().is_none());
    // The identity a file is imported by is the one it is given.
    assert_eq!(lower(Lang::JavaScript, "src/db/index.js", "").id, "src/db");
    assert_eq!(lower(Lang::TypeScript, "src/db.ts", "").id, "src/db");
    assert_eq!(bw_lower::javascript::module_id("index.js"), "index");
    assert_eq!(bw_lower::javascript::module_id("types/a.d.ts"), "types/a");
}

#[test]
fn commonjs_and_esm_exports_name_module_level_bindings() {
    let m = js(
        "function list() {}\nmodule.exports = { list, count: () => 1 };\nexports.one = function () {};\nexport default { a: 1 };\n",
    );
    let got: Vec<(String, String)> = m
        .exports
        .iter()
        .map(|e| (e.name.clone(), m.name(e.local).to_string()))
        .collect();
    assert_eq!(
        got,
        [
            ("list".to_string(), "list".to_string()),
            ("count".into(), "exports:count".into()),
            ("one".into(), "exports:one".into()),
            ("default".into(), "default".into()),
        ]
    );
    // Each synthetic local is bound at the top level.
    let f = m.func(FuncId::MODULE);
    for local in ["exports:count", "exports:one", "default"] {
        let s = m.names.get(local).unwrap();
        assert!(
            stmts(f).any(
                |(_, st)| matches!(st, Stmt::Assign { target: Pattern::Name(t), .. } if *t == s)
            ),
            "{local} is bound"
        );
    }
}

#[test]
fn rest_parameters_defaults_and_annotations() {
    let m = lower(
        Lang::TypeScript,
        "a.ts",
        "function f(a: Request, b = 1, ...rest: string[]) {}\n",
    );
    let (_, f) = func(&m, "f");
    assert_eq!(f.params.len(), 3);
    assert_eq!(
        f.params[0].annotation.map(|a| bw_ir::print::expr(&m, a)),
        Some("Request".into())
    );
    assert!(f.params[1].default.is_some());
    assert_eq!(f.params[2].kind, ParamKind::Rest);
    assert_eq!(f.params[2].annotation, None, "an array type is not simple");
}

#[test]
fn a_partial_tree_keeps_the_calls_it_holds() {
    // `@@` and the dangling `)` are errors to the grammar.
    let m = lower(
        Lang::TypeScript,
        "a.ts",
        "const a = 1;\n@@ db.query(req.body.sql) )\nres.send(a);\n",
    );
    let text = bw_ir::print::module(&m);
    assert!(text.contains("db.query(req.body.sql)"), "{text}");
    assert!(text.contains("res.send(a)"), "{text}");
}

#[test]
fn columns_count_characters_not_bytes() {
    let m = js("const é = 'ü'; run(é);\n");
    let f = m.func(FuncId::MODULE);
    let (_, sp) = f.blocks[0]
        .stmts
        .iter()
        .find(|(s, _)| matches!(s, Stmt::Eval(_)))
        .unwrap();
    assert_eq!((sp.line, sp.col), (1, 16));
    assert_eq!(sp.start, 17, "bytes");
    assert_eq!(sp.end_col, 22, "the call, without its semicolon");
}

fn nested(open: &str, leaf: &str, close: &str, n: usize) -> String {
    let mut s = String::with_capacity((open.len() + close.len()) * n + leaf.len());
    for _ in 0..n {
        s.push_str(open);
    }
    s.push_str(leaf);
    for _ in 0..n {
        s.push_str(close);
    }
    s
}

#[test]
fn deep_nesting_is_cut_off_and_reported_not_a_crash() {
    for text in [
        format!("x = {};\n", nested("[", "1", "]", 5000)),
        format!("x = {};\n", nested("<a>", "x", "</a>", 5000)),
        format!("x = {};\n", nested("f(", "1", ")", 5000)),
        format!("x = {};\n", nested("() => ", "1", "", 5000)),
        format!("x = {};\n", nested("{a: ", "1", "}", 5000)),
        format!("x = {};\n", nested("c ? ", "1", " : 2", 5000)),
        format!("x = {};\n", nested("!", "1", "", 5000)),
        nested("if (a) { ", "f();", " }", 5000),
        nested("try { ", "f();", " } finally { g(); }", 5000),
        nested("function f() { ", "g();", " }", 5000),
        nested("(a, ", "f()", ")", 5000) + ";\n",
        // Each finally body is lowered more than once: still linear.
        nested("try { f(); } finally { ", "g();", " }", 5000),
    ] {
        let m = js(&text);
        assert!(m.truncated.is_some(), "{}", &text[..40]);
        assert!(
            max_expr_depth(&m) <= bw_lower::javascript::MAX_DEPTH as usize + 2,
            "{}",
            &text[..40]
        );
        assert!(
            bw_ir::print::module(&m)
                .starts_with("module src/app (src/app.js, javascript)\ntruncated at ")
        );
    }
}

/// The deepest expression of a module (iteratively).
fn max_expr_depth(m: &Module) -> usize {
    let mut depth = vec![0usize; m.exprs.len()];
    // Operands are made before what holds them: one pass in order.
    for (i, e) in m.exprs.iter().enumerate() {
        let kids: Vec<bw_ir::ExprId> = match e {
            Expr::Field { obj, .. } => vec![*obj],
            Expr::Index { obj, index } => vec![*obj, *index],
            Expr::Call { callee, args, .. } => {
                let mut v = vec![*callee];
                v.extend(args.iter().map(|a| a.value));
                v
            }
            Expr::Binary(_, a, b) | Expr::Compare(_, a, b) | Expr::Logical(_, a, b) => {
                vec![*a, *b]
            }
            Expr::Unary(_, a) | Expr::Await(a) => vec![*a],
            Expr::Cond { test, then, other } => vec![*test, *then, *other],
            _ => vec![],
        };
        depth[i] = 1 + kids.iter().map(|k| depth[k.index()]).max().unwrap_or(0);
    }
    depth.into_iter().max().unwrap_or(0)
}

#[test]
fn chains_are_lowered_without_recursion_and_operators_stay_within_the_depth_limit() {
    let limit = bw_lower::javascript::MAX_DEPTH as usize;
    // A long concatenation is balanced: every operand kept, in order.
    let m = js(&format!("x = {}'end';\n", "a + ".repeat(20_000)));
    assert!(m.truncated.is_none());
    assert!(max_expr_depth(&m) < 40, "{}", max_expr_depth(&m));
    let names = m
        .exprs
        .iter()
        .filter(|e| matches!(e, Expr::Name(_)))
        .count();
    assert_eq!(names, 20_000);
    let text = bw_ir::print::module(&m);
    assert!(text.contains("(((a + a) + (a + a))"), "balanced");
    assert!(text.contains("+ \"end\")"), "the last operand last");
    // A short one keeps its shape.
    let m = js("x = a + b + c;\n");
    assert!(bw_ir::print::module(&m).contains("x = ((a + b) + c)"));
    // So does a long || chain with another operator's operands.
    let m = js(&format!("x = {}z;\n", "(p * q) || ".repeat(3_000)));
    assert!(m.truncated.is_none());
    assert!(max_expr_depth(&m) < 40);
    // Parentheses cost nothing.
    for text in [
        format!("x = {};\n", nested("(", "1", ")", 5_000)),
        format!("x = {};\n", nested("(", "() => 1", ")", 5_000)),
        nested("(", "f()", ")", 5_000) + ";\n",
        format!("{} = 1;\n", nested("(", "x", ")", 5_000)),
    ] {
        let m = js(&text);
        assert!(m.truncated.is_none(), "{}", &text[..20]);
        assert_eq!(stmts(m.func(FuncId::MODULE)).count(), 1);
    }
    // A method chain of any length is whole, as in Python: the dataflow
    // engine walks it in a loop, and the printer stops at its own depth.
    let m = js(&format!("x = q{};\n", ".where(a)".repeat(5_000)));
    assert!(m.truncated.is_none());
    assert_eq!(max_expr_depth(&m), 10_001, "5,000 calls of 5,000 fields");
    let text = bw_ir::print::module(&m);
    assert!(text.contains("….where(a)"), "printed to a bounded depth");
    // An operator chain that cannot be balanced (`-`) past the limit is
    // cut, and says so.
    let m = js(&format!("x = {}1;\n", "a - ".repeat(5_000)));
    assert!(m.truncated.is_some());
    assert!(max_expr_depth(&m) <= limit + 2, "{}", max_expr_depth(&m));
}

#[test]
fn an_inline_require_reads_an_import_of_the_resolved_module() {
    let m = js(
        "app.use('/users', require('./routes/users'));\nconst h = require('./h').handler;\nrequire('./routes/users').init(require(name));\n",
    );
    let imports = import_rows(&m);
    assert_eq!(
        imports,
        [
            (
                "require:src/routes/users".to_string(),
                "src/routes/users".to_string(),
                None
            ),
            ("h".into(), "src/h".into(), Some("handler".into())),
        ]
    );
    let text = stmt_texts(&m, m.func(FuncId::MODULE));
    assert_eq!(
        text,
        [
            "app.use(\"/users\", require:src/routes/users)",
            "require:src/routes/users.init(require(name))",
        ]
    );
}

#[test]
fn typescript_export_assignment_is_the_default_export() {
    let m = lower(
        Lang::TypeScript,
        "a.ts",
        "const router = make();\nexport = router;\n",
    );
    assert_eq!(m.exports.len(), 1);
    assert_eq!(m.exports[0].name, "default");
    assert_eq!(m.name(m.exports[0].local), "router");
}

#[test]
fn a_chained_commonjs_export_reads_the_export_back() {
    let m = js("exports = module.exports = createRouter();\n");
    let text = stmt_texts(&m, m.func(FuncId::MODULE));
    assert_eq!(
        text,
        [
            "default = createRouter()",
            "module.exports = default",
            "exports = module.exports",
        ]
    );
    assert_eq!(m.exports[0].name, "default");
}

#[test]
fn lowering_past_its_deadline_fails_with_a_timeout() {
    let text = "f(a, b, c);\n".repeat(2_000);
    let limits = bw_lang::Limits::time(std::time::Duration::from_secs(60));
    let tree = bw_lang::parse_within(Lang::JavaScript, &text, &limits).unwrap();
    let spent = bw_lang::Limits::time(std::time::Duration::ZERO);
    let r = bw_lower::javascript::lower_tree(Lang::JavaScript, "a.js", &text, &tree, &spent);
    assert!(matches!(
        r,
        Err(bw_lower::LowerError::Parse(
            bw_lang::ParseError::Timeout { .. }
        ))
    ));
    assert!(
        bw_lower::javascript::lower_tree(Lang::JavaScript, "a.js", &text, &tree, &limits).is_ok()
    );
}

#[test]
fn jsx_text_is_one_string_with_its_references_decoded() {
    let m = lower(
        Lang::Tsx,
        "a.tsx",
        "const a = <p>\n  Fish &amp; chips &#233;t&#xE9;\n  more ñ\n</p>;\n",
    );
    let text = bw_ir::print::module(&m);
    assert!(
        text.contains("\"p\"({}, \"Fish & chips été more ñ\")"),
        "{text}"
    );
}

/// A directive (`'use server'`) in the prologue of a program or function
/// body is kept as a constant statement (frameworks read it); any other
/// constant statement is dropped.
#[test]
fn directives_of_the_prologue_are_kept_and_other_constant_statements_dropped() {
    let m = js(
        "'use server';\n// note\n'use strict';\nlet a = 1;\n'not a directive';\nfunction f() { 'use client'; 1; g(); 'late'; }\n",
    );
    let consts = |f: &bw_ir::Function| -> Vec<String> {
        stmts(f)
            .filter_map(|(_, s)| match s {
                Stmt::Eval(e) => m.str_const(*e).map(str::to_string),
                _ => None,
            })
            .collect()
    };
    assert_eq!(consts(&m.functions[0]), vec!["use server", "use strict"]);
    let (_, f) = func(&m, "f");
    assert_eq!(consts(f), vec!["use client"]);
}

#[test]
fn a_compiled_import_is_the_module_and_its_default_the_module_too() {
    let m = js(
        "const child_process_1 = __importDefault(require(\"child_process\"));\nvar _express = _interopRequireDefault(require(\"express\"));\nconst ns = __importStar(require(\"./lib/db\"));\nconst plain = wrap(require(\"left-pad\"));\nconst app = (0, _express.default)();\nchild_process_1.default.exec(cmd);\nns.query(sql);\n",
    );
    assert_eq!(
        import_rows(&m),
        [
            (
                "child_process_1".to_string(),
                "child_process".to_string(),
                None
            ),
            ("_express".to_string(), "express".to_string(), None),
            ("ns".to_string(), "src/lib/db".to_string(), None),
            ("require:left-pad".to_string(), "left-pad".to_string(), None),
        ]
    );
    let (_, f) = func(&m, "<module>");
    let texts = stmt_texts(&m, f).join("\n");
    // `.default` of a wrapped import is the module itself; any other
    // wrapper is a call like another.
    assert!(texts.contains("child_process_1.exec(cmd)"), "{texts}");
    assert!(texts.contains("_express()"), "{texts}");
    assert!(texts.contains("wrap(require:left-pad)"), "{texts}");
}
