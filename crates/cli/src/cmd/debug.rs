//! `breakwater debug …`: what the analysis sees, for contributors and bug
//! reports. `debug ir FILE` prints the file's intermediate form.

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
}

pub fn run(a: Args) -> u8 {
    match a.command {
        Sub::Ir { file } => ir(&file),
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

/// What `debug ir` reads, for its help lines.
fn reads() -> String {
    let names: Vec<&str> = bw_lower::LOWERED.iter().map(|l| l.name()).collect();
    format!("`debug ir` reads {} files", names.join(", "))
}
