//! One module per subcommand.

pub mod ai;
pub mod diff;
pub mod explain;
pub mod facts;
pub mod init;
pub mod rules;
pub mod scan;
pub mod status;
pub mod triage;

use std::path::Path;

/// Print an error and what to do; return the usage/configuration exit code.
pub fn fail(message: impl std::fmt::Display) -> u8 {
    eprintln!("error: {message}");
    crate::exit::USAGE
}

/// Read the repository's model file, if there is one.
pub fn load_model_file(root: &Path) -> Result<Option<bw_model::modelfile::ModelFile>, String> {
    let path = root.join(bw_model::modelfile::FILE_NAME);
    match std::fs::read_to_string(&path) {
        Ok(text) => bw_model::modelfile::ModelFile::parse(bw_model::modelfile::FILE_NAME, &text)
            .map(Some)
            .map_err(|e| {
                format!("{e}\n  = help: fix the file, or move it aside to scan without it")
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Read the repository's adoption baseline, if there is one.
pub fn load_baseline(root: &Path) -> Result<Option<bw_threats::baseline::Baseline>, String> {
    use bw_threats::baseline::{BASELINE_PATH, Baseline};
    match std::fs::read_to_string(root.join(BASELINE_PATH)) {
        Ok(text) => Baseline::parse(&text).map(Some).map_err(|e| {
            format!(
                "{e}
  = help: fix the file, or delete it (and run `breakwater init --baseline` again)"
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", root.join(BASELINE_PATH).display())),
    }
}

/// What every command that scans a repository needs, read once: its files,
/// model file, adoption baseline and rule library.
pub struct Workspace {
    pub source: bw_engine::FsSource,
    pub model_file: Option<bw_model::modelfile::ModelFile>,
    pub baseline: Option<bw_threats::baseline::Baseline>,
    pub lib: bw_engine::Library,
}

/// Open a repository for scanning; the error says what to fix.
pub fn open(root: &Path, walk: bw_engine::WalkOptions) -> Result<Workspace, String> {
    let source = bw_engine::FsSource::new(root, walk).map_err(|e| e.to_string())?;
    let model_file = load_model_file(root)?;
    let baseline = load_baseline(root)?;
    let lib = bw_engine::Library::for_source(&source)
        .map_err(|e| format!("{e}\n  = help: fix the rule or flow file named above"))?;
    Ok(Workspace {
        source,
        model_file,
        baseline,
        lib,
    })
}

/// Write rendered output to a file, or to stdout (a closed pipe, as with
/// `| head`, is not an error worth reporting).
pub fn write_output(output: Option<&Path>, buf: &[u8]) -> Result<(), String> {
    use std::io::Write;
    match output {
        Some(p) => std::fs::write(p, buf).map_err(|e| format!("{}: {e}", p.display())),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(buf).and_then(|_| stdout.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
                _ => Ok(()),
            }
        }
    }
}

/// The system name: the model file's, else the directory's.
pub fn system_name(root: &Path) -> String {
    std::fs::canonicalize(root)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "system".into())
}
