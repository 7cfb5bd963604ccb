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
    let source = match FsSource::new(&target.root, WalkOptions::default()) {
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
    let files = match facts_of(&scoped, &lib) {
        Ok(f) => f,
        Err(e) => return super::fail(e),
    };
    match serde_json::to_string_pretty(&files) {
        Ok(s) => {
            outln!("{s}");
            crate::exit::PASS
        }
        Err(e) => super::fail(e),
    }
}
