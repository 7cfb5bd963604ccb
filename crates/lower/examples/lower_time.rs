//! Time the JavaScript/TypeScript lowering of one file against its parse:
//! `cargo run --release -p bw-lower --example lower_time FILE.js` (the
//! best of five runs of each).

use bw_files::Lang;
use std::time::{Duration, Instant};

fn main() {
    let path = std::env::args().nth(1).expect("a file");
    let text = std::fs::read_to_string(&path).expect("readable UTF-8");
    let lang = match path.rsplit('.').next() {
        Some("ts") => Lang::TypeScript,
        Some("tsx") => Lang::Tsx,
        _ => Lang::JavaScript,
    };
    let limits = bw_lang::Limits::time(Duration::from_secs(600));
    // The best of a few runs of each (the machine is shared).
    let (mut parse, mut lower, mut walk) = (Duration::MAX, Duration::MAX, Duration::MAX);
    let mut nodes = 0usize;
    let mut m = None;
    for _ in 0..5 {
        let t = Instant::now();
        let tree = bw_lang::parse_within(lang, &text, &limits).expect("parses");
        parse = parse.min(t.elapsed());
        // The floor of any walk over the tree: visiting every node once.
        let t = Instant::now();
        let mut c = tree.walk();
        nodes = 0;
        'walk: loop {
            nodes += 1;
            if c.goto_first_child() || c.goto_next_sibling() {
                continue;
            }
            loop {
                if !c.goto_parent() {
                    break 'walk;
                }
                if c.goto_next_sibling() {
                    break;
                }
            }
        }
        walk = walk.min(t.elapsed());
        drop(m.take());
        let t = Instant::now();
        let lowered =
            bw_lower::javascript::lower_tree(lang, &path, &text, &tree, &limits).expect("lowers");
        lower = lower.min(t.elapsed());
        m = Some(lowered);
    }
    let m = m.expect("lowered");
    let blocks: usize = m.functions.iter().map(|f| f.blocks.len()).sum();
    println!(
        "{} lines, {} bytes, {} nodes: parse {:.1} ms, bare cursor walk {:.1} ms, lower {:.1} ms ({:.0}% of parse); {} functions, {} blocks, {} expressions{}",
        text.lines().count(),
        text.len(),
        nodes,
        parse.as_secs_f64() * 1e3,
        walk.as_secs_f64() * 1e3,
        lower.as_secs_f64() * 1e3,
        100.0 * lower.as_secs_f64() / parse.as_secs_f64(),
        m.functions.len(),
        blocks,
        m.exprs.len(),
        if m.truncated { ", truncated" } else { "" }
    );
}
