//! `breakwater facts [PATH]`: the raw per-file facts as JSON — what rules
//! are matched against. For rule authors and bug reports.

use bw_engine::{FsSource, Library, WalkOptions, facts_of};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// A repository, or a single file inside the current directory.
    #[arg(default_value = ".")]
    path: PathBuf,
}

pub fn run(a: Args) -> u8 {
    let (root, only) = if a.path.is_file() {
        (
            a.path
                .parent()
                .map(PathBuf::from)
                .unwrap_or_else(|| ".".into()),
            a.path.file_name().map(|n| n.to_string_lossy().into_owned()),
        )
    } else {
        (a.path.clone(), None)
    };
    let root = if root.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        root
    };
    let source = match FsSource::new(&root, WalkOptions::default()) {
        Ok(s) => s,
        Err(e) => return super::fail(e),
    };
    let lib = match Library::for_source(&source) {
        Ok(l) => l,
        Err(e) => return super::fail(e),
    };
    let files = match facts_of(&source, &lib) {
        Ok(f) => f,
        Err(e) => return super::fail(e),
    };
    let files: Vec<_> = files
        .into_iter()
        .filter(|f| only.as_deref().is_none_or(|o| f.path == o))
        .collect();
    match serde_json::to_string_pretty(&files) {
        Ok(s) => {
            println!("{s}");
            crate::exit::PASS
        }
        Err(e) => super::fail(e),
    }
}
