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
        /// A source file (Python, JavaScript, TypeScript, TSX). Its module identity comes
        /// from its path relative to the model root, as the scan sees it.
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

/// The file a `debug` command shows: the model root, its path in the
/// repository (module identities are made from it, as the scan sees it)
/// and its text, read as breakwater reads files it names itself: never
/// through a link, never a FIFO or device, bounded.
fn source_file(file: &Path, what: &str) -> Result<(super::Target, String, String), u8> {
    let shown = file.display();
    match std::fs::symlink_metadata(file) {
        Ok(m) if m.is_dir() => {
            return Err(super::fail(format!(
                "{shown}: not a file\n  = help: `debug {what}` shows one source file; pass its path"
            )));
        }
        Ok(_) => {}
        Err(e) => {
            let why = if e.kind() == std::io::ErrorKind::NotFound {
                "no such file".to_string()
            } else {
                e.to_string()
            };
            return Err(super::fail(format!(
                "{shown}: {why}\n  = help: pass the path of a source file"
            )));
        }
    }
    // The root is found from the file's folder: resolving the file itself
    // would follow it if it were a link.
    let Some(name) = file.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Err(super::fail(format!(
            "{shown}: not a file\n  = help: `debug {what}` shows one source file; pass its path"
        )));
    };
    let folder = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let target = super::target(Some(folder)).map_err(super::fail)?;
    let path = if target.scope.is_empty() {
        name
    } else {
        format!("{}/{name}", target.scope)
    };
    match bw_files::read_text_in_tree(&target.root, &path, bw_files::MAX_CONFIG_BYTES) {
        Ok(Some(text)) => Ok((target, path, text)),
        Ok(None) => Err(super::fail(format!("{path}: no such file"))),
        Err(e) => Err(super::fail(e.to_string())),
    }
}

fn ir(file: &Path) -> u8 {
    let (_, path, text) = match source_file(file, "ir") {
        Ok(f) => f,
        Err(code) => return code,
    };
    let Some(lang) = bw_files::detect_lang(&path) else {
        return super::fail(format!(
            "{path}: not a source file of a language breakwater reads\n  = help: {}",
            reads()
        ));
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
    let (target, path, text) = match source_file(file, "flows") {
        Ok(f) => f,
        Err(code) => return code,
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
