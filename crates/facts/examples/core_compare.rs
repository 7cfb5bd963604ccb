//! Old versus new analysis core on a set of files: for each Python, JavaScript or
//! TypeScript file under the folders given (default `rules/tests` and
//! `examples`), the sink facts only the old extractor reports, only the
//! new core reports, and those whose verdict changed. Deterministic
//! (files in path order), so the output can be committed and diffed.
//!
//! ```text
//! cargo run -p bw-facts --example core_compare -- rules/tests examples
//! ```

use bw_facts::budget::Budget;
use bw_facts::core::{Core, covers, diff_sinks};
use bw_facts::flowspec::FlowSpec;
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "node_modules") {
                continue;
            }
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let mut roots: Vec<String> = std::env::args().skip(1).collect();
    if roots.is_empty() {
        roots = vec!["rules/tests".into(), "examples".into()];
    }
    let spec = FlowSpec::builtin();
    let mut all = Vec::new();
    for r in &roots {
        files(Path::new(r), &mut all);
    }
    let (mut n, mut same, mut old_only, mut new_only, mut changed) = (0, 0, 0, 0, 0);
    for p in all {
        let path = p.to_string_lossy().replace('\\', "/");
        let Some(lang) = bw_files::detect_lang(&path).filter(|l| covers(*l)) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let by = |core| bw_facts::extract_by(&path, lang, &text, &spec, &Budget::default(), core);
        let (old, new) = match (by(Core::Old), by(Core::Ir)) {
            (Ok(o), Ok(n)) => (o.facts, n.facts),
            (o, n) => {
                println!("{path}: failed: {:?} / {:?}", o.err(), n.err());
                continue;
            }
        };
        n += 1;
        let d = diff_sinks(&old, &new);
        if d.is_empty() {
            same += 1;
            continue;
        }
        println!("{path}");
        for k in &d.only_old {
            println!("  only old: {k}");
        }
        for k in &d.only_new {
            println!("  only new: {k}");
        }
        for (o, nw) in &d.changed {
            println!("  changed:  {o} -> {nw}");
        }
        old_only += d.only_old.len();
        new_only += d.only_new.len();
        changed += d.changed.len();
    }
    println!(
        "{n} file(s), {same} with the same sinks; {old_only} sink(s) only old, {new_only} only new, {changed} verdict(s) changed"
    );
}
