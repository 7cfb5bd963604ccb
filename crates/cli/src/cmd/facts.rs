//! `breakwater facts [PATH]`: the raw per-file facts as JSON — what rules
//! are matched against. For rule authors and bug reports.

use bw_engine::{FsSource, Library, WalkOptions, facts_of};
use bw_files::{FileSource, Listing, SourceError};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// A folder or a file in the repository: the facts of the files under it, with paths
    /// relative to the model root (as threat ids are).
    path: Option<PathBuf>,
    /// Skip files larger than this many bytes.
    #[arg(long, default_value_t = bw_files::DEFAULT_MAX_FILE_BYTES)]
    max_file_size: u64,
}

/// A source that lists only the files under one folder (or one file).
struct Scoped<'a> {
    inner: &'a dyn FileSource,
    scope: &'a str,
}

impl FileSource for Scoped<'_> {
    fn list(&self) -> Result<Listing, SourceError> {
        let mut l = self.inner.list()?;
        let scope = self.scope;
        l.files
            .retain(|e| bw_engine::repo::in_scope(scope, &e.path));
        l.skipped
            .retain(|(p, _)| bw_engine::repo::in_scope(scope, p));
        Ok(l)
    }
    fn read(&self, path: &str) -> Result<Vec<u8>, SourceError> {
        self.inner.read(path)
    }
}

pub fn run(a: Args) -> u8 {
    let target = match super::target(a.path.as_deref()) {
        Ok(t) => t,
        Err(e) => return super::fail(e),
    };
    let walk = WalkOptions {
        max_file_bytes: a.max_file_size,
        ..WalkOptions::default()
    };
    let source = match FsSource::new(&target.root, walk) {
        Ok(s) => s,
        Err(e) => return super::fail(e),
    };
    let lib = match Library::for_source(&source) {
        Ok(l) => l,
        Err(e) => return super::fail(e),
    };
    let scoped = Scoped {
        inner: &source,
        scope: &target.scope,
    };
    let found = match facts_of(&scoped, &lib) {
        Ok(f) => f,
        Err(e) => return super::fail(e),
    };
    // Every file left out is said, with its reason: an empty list must
    // never look like "no facts" when the file was not read.
    let mut failed = 0;
    for (path, reason) in &found.skipped {
        let path = bw_files::terminal_safe(path);
        if reason.is_failure() {
            failed += 1;
            error!("{path}: not analysed: {}", reason.message());
        } else {
            info!("skipped {path}: {} ({})", reason.message(), reason.label());
        }
    }
    match serde_json::to_string_pretty(&found.files) {
        Ok(s) => outln!("{s}"),
        Err(e) => return super::fail(e),
    }
    if failed > 0 {
        crate::exit::INCOMPLETE
    } else {
        crate::exit::PASS
    }
}
