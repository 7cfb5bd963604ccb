//! How long lowering a file takes next to parsing it alone:
//! `cargo run --release -p bw-lower --example lower_time FILE` (Python,
//! JavaScript, TypeScript or TSX, by its extension).

use std::time::Duration;

// The allocators of the `breakwater` binary (see its `main.rs`): Rust's
// and tree-sitter's allocations both go to mimalloc, counted.
#[global_allocator]
static GLOBAL: bw_lang::alloc::Counting<mimalloc::MiMalloc> =
    bw_lang::alloc::Counting(mimalloc::MiMalloc);

fn main() {
    // SAFETY: first thing in `main`, before any tree-sitter object exists
    // or another thread starts; one allocator family with malloc's
    // alignment.
    unsafe {
        bw_lang::alloc::count_tree_sitter(Some((
            libmimalloc_sys::mi_malloc,
            libmimalloc_sys::mi_realloc,
            libmimalloc_sys::mi_free,
        )));
    }
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: lower_time FILE");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(&path).expect("a UTF-8 file");
    let lang = match path.rsplit('.').next() {
        Some("py") => bw_files::Lang::Python,
        Some("ts") => bw_files::Lang::TypeScript,
        Some("tsx") => bw_files::Lang::Tsx,
        _ => bw_files::Lang::JavaScript,
    };
    // CPU time of this thread: the machine may be busy with other work.
    let cpu = || {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: a valid clock id and a pointer to a timespec we own.
        unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
        Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
    };
    let best = |f: &dyn Fn()| {
        (0..5)
            .map(|_| {
                let t = cpu();
                f();
                cpu().saturating_sub(t)
            })
            .min()
            .unwrap_or(Duration::ZERO)
    };
    let limits = bw_lang::Limits::time(Duration::from_secs(60));
    let t = if lang == bw_files::Lang::Python {
        bw_lang::python_text(&text)
    } else {
        std::borrow::Cow::Borrowed(text.as_str())
    };
    let lower_tree = |tree: &tree_sitter::Tree| -> Result<bw_ir::Module, String> {
        if lang == bw_files::Lang::Python {
            bw_lower::python::lower_tree(&path, &t, tree, &limits).map_err(|e| format!("{e:?}"))
        } else {
            bw_lower::javascript::lower_tree(lang, &path, &t, tree, &limits)
                .map_err(|e| e.to_string())
        }
    };
    // The parse alone (the tree dropped, as the lowering drops it).
    let parse = best(&|| {
        let tree = bw_lang::parse_within(lang, &t, &limits);
        assert!(tree.is_ok());
    });
    // The lowering alone, of one tree.
    let tree = bw_lang::parse_within(lang, &t, &limits).expect("parses");
    let lower = best(&|| {
        assert!(lower_tree(&tree).is_ok());
    });
    // The floor: visiting every node of the tree once, with one cursor.
    let walk = best(&|| {
        let mut c = tree.walk();
        let mut seen = 0usize;
        loop {
            seen += usize::from(c.node().is_named());
            if c.goto_first_child() || c.goto_next_sibling() {
                continue;
            }
            let mut more = false;
            while c.goto_parent() {
                if c.goto_next_sibling() {
                    more = true;
                    break;
                }
            }
            if !more {
                break;
            }
        }
        assert!(seen > 0);
    });
    let m = lower_tree(&tree).expect("lowers");
    let stmts: usize = m
        .functions
        .iter()
        .flat_map(|f| &f.blocks)
        .map(|b| b.stmts.len())
        .sum();
    println!(
        "{path}: {} bytes, {} nodes, {} functions, {stmts} statements, {} expressions",
        text.len(),
        tree.root_node().descendant_count(),
        m.functions.len(),
        m.exprs.len()
    );
    // The dataflow engine over the lowered module, with the built-in
    // catalogue of the file's language.
    let spec = bw_flow::catalogue::FlowSpec::builtin();
    let cat = if lang == bw_files::Lang::Python {
        &spec.python
    } else {
        &spec.javascript
    };
    let opts = bw_flow::Options::default();
    let flow = best(&|| {
        let r = bw_flow::analyse(&m, cat, &opts);
        std::hint::black_box(r);
    });
    let r = bw_flow::analyse(&m, cat, &opts);
    println!(
        "dataflow: {} sink hits, {} truncations, {} function analyses",
        r.hits.len(),
        r.truncated.len(),
        r.analysed
    );
    println!(
        "best of 5, thread CPU time: parse {:.1} ms, one walk over the tree {:.1} ms, lowering {:.1} ms ({:.0}% of the parse), dataflow {:.1} ms ({:.0}% of the parse)",
        parse.as_secs_f64() * 1e3,
        walk.as_secs_f64() * 1e3,
        lower.as_secs_f64() * 1e3,
        lower.as_secs_f64() / parse.as_secs_f64() * 100.0,
        flow.as_secs_f64() * 1e3,
        flow.as_secs_f64() / parse.as_secs_f64() * 100.0
    );
}
