//! `breakwater debug …`: what the analysis sees, for contributors and bug
//! reports. `debug ir FILE` prints the file's intermediate form; `debug
//! flows FILE` the new analysis core's sink hits in it (experimental).

use bw_engine::{FsSource, Library, WalkOptions};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(clap::Subcommand)]
enum Sub {
    /// Print a file's intermediate form, the language-neutral code the dataflow analysis
    /// reads: imports (resolved to modules), exports, classes, and each function's
    /// control-flow graph, one line per statement with its source line.
    Ir {
        /// A source file (Python). Its module identity comes from its path relative to the
        /// model root, as the scan sees it.
        file: PathBuf,
    },
    /// Print the new analysis core's sink hits in one file (experimental, see
    /// docs/experimental-core.md): position, kind, resolved callee, verdict, enclosing
    /// function, and a confirmed flow's source and steps.
    Flows {
        /// A source file of a language the new core covers.
        file: PathBuf,
    },
}

pub fn run(a: Args) -> u8 {
    match a.command {
        Sub::Ir { file } => ir(&file),
        Sub::Flows { file } => flows(&file),
    }
}

fn ir(file: &Path) -> u8 {
    let shown = file.display();
    match std::fs::metadata(file) {
        Ok(m) if m.is_file() => {}
        Ok(_) => {
            return super::fail(format!(
                "{shown}: not a file\n  = help: `debug ir` prints one source file's intermediate form; pass its path"
            ));
        }
        Err(e) => {
            let why = if e.kind() == std::io::ErrorKind::NotFound {
                "no such file".to_string()
            } else {
                e.to_string()
            };
            return super::fail(format!(
                "{shown}: {why}\n  = help: pass the path of a source file"
            ));
        }
    }
    // The path in the repository: the module identity is made from it.
    let path = match super::target(Some(file)) {
        Ok(t) if !t.scope.is_empty() => t.scope,
        Ok(_) => file.to_string_lossy().into_owned(),
        Err(e) => return super::fail(e),
    };
    let Some(lang) = bw_files::detect_lang(&path) else {
        return super::fail(format!(
            "{path}: not a source file of a language breakwater reads\n  = help: {}",
            reads()
        ));
    };
    let text = match std::fs::read(file).map(String::from_utf8) {
        Ok(Ok(t)) => t,
        Ok(Err(_)) => return super::fail(format!("{path}: not UTF-8 text")),
        Err(e) => return super::fail(format!("{path}: {e}")),
    };
    match bw_lower::lower(lang, &path, &text) {
        Ok(m) => {
            if let Some(t) = m.truncated {
                info!(
                    "note: {path}: nested too deeply at line {}: what lies deeper is shown as `?`",
                    t.line
                );
            }
            out!("{}", bw_ir::print::module(&m));
            crate::exit::PASS
        }
        Err(bw_lower::LowerError::Unsupported(l)) => super::fail(format!(
            "{path}: no intermediate form for {} files yet\n  = help: {}",
            l.name(),
            reads()
        )),
        Err(bw_lower::LowerError::Parse(e)) => super::fail(format!(
            "{path}: could not be parsed ({e:?})\n  = help: check the file is complete, or report it with the file attached"
        )),
    }
}

fn flows(file: &Path) -> u8 {
    let target = match super::target(Some(file)) {
        Ok(t) => t,
        Err(e) => return super::fail(e),
    };
    let text = match std::fs::read(file) {
        Ok(b) => match String::from_utf8(b) {
            Ok(t) => t,
            Err(_) => return super::fail(format!("{}: not UTF-8 text", file.display())),
        },
        Err(e) => return super::fail(format!("{}: {e}", file.display())),
    };
    let path = if target.scope.is_empty() {
        file.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    } else {
        target.scope.clone()
    };
    let Some(lang) = bw_files::detect_lang(&path).filter(|l| bw_facts::core::covers(*l)) else {
        return super::fail(format!(
            "{path}: the new analysis core reads no files of this kind yet\n  = help: debug flows takes a Python, JavaScript or TypeScript file"
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

/// What `debug ir` reads, for its help lines.
fn reads() -> String {
    let names: Vec<&str> = bw_lower::LOWERED.iter().map(|l| l.name()).collect();
    format!("`debug ir` reads {} files", names.join(", "))
}
