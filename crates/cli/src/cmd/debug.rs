//! `breakwater debug …`: what the analysis sees, for people working on
//! breakwater itself (the output is not a stable interface).

use bw_engine::{FsSource, Library, WalkOptions};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Debug,
}

#[derive(clap::Subcommand)]
enum Debug {
    /// The new analysis core's sink hits in one file (experimental): kind, callee, line,
    /// verdict, source and steps.
    Flows(FlowsArgs),
}

#[derive(clap::Args)]
struct FlowsArgs {
    /// The file (JavaScript or TypeScript).
    file: PathBuf,
}

pub fn run(a: Args) -> u8 {
    match a.command {
        Debug::Flows(f) => flows(f),
    }
}

fn flows(a: FlowsArgs) -> u8 {
    let target = match super::target(Some(&a.file)) {
        Ok(t) => t,
        Err(e) => return super::fail(e),
    };
    let text = match std::fs::read(&a.file) {
        Ok(b) => match String::from_utf8(b) {
            Ok(t) => t,
            Err(_) => return super::fail(format!("{}: not UTF-8 text", a.file.display())),
        },
        Err(e) => return super::fail(format!("{}: {e}", a.file.display())),
    };
    let path = if target.scope.is_empty() {
        a.file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    } else {
        target.scope.clone()
    };
    let Some(lang) = bw_files::detect_lang(&path).filter(|l| bw_facts::core::covers(*l)) else {
        return super::fail(format!(
            "{path}: the new analysis core reads no files of this kind yet\n  = help: debug flows takes a JavaScript or TypeScript file"
        ));
    };
    let source = match FsSource::new(&target.root, WalkOptions::default()) {
        Ok(s) => s,
        Err(e) => return super::fail(e),
    };
    let lib = match Library::for_source(&source) {
        Ok(l) => l,
        Err(e) => return super::fail(e),
    };
    let an = match bw_facts::core::analyse(&path, lang, &text, &lib.flow) {
        Ok(a) => a,
        Err(e) => return super::fail(format!("{path}: {e}")),
    };
    outln!("{}", render(&an));
    crate::exit::PASS
}

/// The hits, one block each, in source order.
fn render(an: &bw_facts::core::Analysis) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let r = &an.result;
    let _ = writeln!(s, "{}: {} sink hit(s)", r.path, r.hits.len());
    for h in &r.hits {
        let _ = writeln!(
            s,
            "{}:{} {} `{}` {:?} in {}",
            h.span.line, h.span.col, h.kind, h.callee, h.verdict, h.function
        );
        if let Some(src) = &h.source {
            let _ = writeln!(
                s,
                "  source: {} `{}` at {}:{}",
                src.kind, src.label, src.span.line, src.span.col
            );
        }
        for st in &h.steps {
            let _ = writeln!(
                s,
                "  step: {} at {}:{}",
                st.label, st.span.line, st.span.col
            );
        }
        if !h.params.is_empty() {
            let _ = writeln!(s, "  params: {:?}", h.params);
        }
        if let Some(v) = &h.via {
            let _ = writeln!(s, "  via: {} at {}:{}", v.function, v.span.line, v.span.col);
        }
    }
    for t in &r.truncated {
        let _ = writeln!(
            s,
            "truncated: {} at {}:{}: {}",
            t.function, t.span.line, t.span.col, t.reason
        );
    }
    s.trim_end().to_string()
}
