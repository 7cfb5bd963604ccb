//! Changes held in memory over another source: the files they add or
//! rewrite are served from memory, the files they delete are gone, every
//! other file is read from the source below. Nothing is written anywhere.
//!
//! Two front-ends lay changes this way: `check_change` (a proposed change,
//! "what would this do?", over a borrowed source, `OverlaySource<&dyn
//! FileSource>`) and the editor's session (unsaved buffers over the disk,
//! owned by the session), so both are answered by the same pipeline as a
//! scan, without touching the working tree.

use crate::{Entry, FileSource, Listing, SkipReason, SourceError, detect_lang};
use std::collections::BTreeMap;

/// `base` with some files replaced, added or deleted.
pub struct OverlaySource<S> {
    base: S,
    /// `Some(bytes)`: the file's new content; `None`: deleted.
    changes: BTreeMap<String, Option<Vec<u8>>>,
    max_file_bytes: u64,
}

impl<S: FileSource> OverlaySource<S> {
    /// An overlay with no changes yet; files over `max_file_bytes` are
    /// listed as skipped, as a walk of the disk would.
    pub fn new(base: S, max_file_bytes: u64) -> Self {
        OverlaySource {
            base,
            changes: BTreeMap::new(),
            max_file_bytes,
        }
    }

    /// Give `path` (relative, `/`-separated) new content.
    pub fn write(&mut self, path: &str, bytes: impl Into<Vec<u8>>) {
        self.changes.insert(path.to_string(), Some(bytes.into()));
    }

    /// Remove `path`.
    pub fn delete(&mut self, path: &str) {
        self.changes.insert(path.to_string(), None);
    }

    /// Drop the change to `path`, so the base shows again; true when there
    /// was one.
    pub fn forget(&mut self, path: &str) -> bool {
        self.changes.remove(path).is_some()
    }

    /// The content the overlay gives `path`, when it changes it and does
    /// not delete it.
    pub fn written(&self, path: &str) -> Option<&[u8]> {
        self.changes.get(path)?.as_deref()
    }

    /// The current content of `path`: the overlay's, else the base's;
    /// `None` when the file does not exist (or was deleted).
    pub fn current(&self, path: &str) -> Option<Vec<u8>> {
        match self.changes.get(path) {
            Some(c) => c.clone(),
            None => self.base.read(path).ok(),
        }
    }

    /// The paths the overlay changes, in order, with whether each is deleted.
    pub fn changed(&self) -> impl Iterator<Item = (&str, bool)> {
        self.changes.iter().map(|(p, c)| (p.as_str(), c.is_none()))
    }

    /// The source below the changes.
    pub fn base(&self) -> &S {
        &self.base
    }

    /// The size limit changed files are held to.
    pub fn max_file_bytes(&self) -> u64 {
        self.max_file_bytes
    }

    /// `listing` (the base's, or part of it) with the changes applied.
    fn apply(&self, mut l: Listing, under: Option<&str>) -> Listing {
        if self.changes.is_empty() {
            return l;
        }
        l.files.retain(|e| !self.changes.contains_key(&e.path));
        l.skipped.retain(|(p, _)| !self.changes.contains_key(p));
        for (path, content) in &self.changes {
            let Some(bytes) = content else { continue };
            if detect_lang(path).is_none() || under.is_some_and(|d| !path.starts_with(d)) {
                continue;
            }
            let size = bytes.len() as u64;
            if size > self.max_file_bytes && crate::size_limited(path) {
                l.skipped.push((
                    path.clone(),
                    SkipReason::TooLarge {
                        bytes: size,
                        limit: self.max_file_bytes,
                    },
                ));
            } else {
                l.files.push(Entry {
                    path: path.clone(),
                    size,
                });
            }
        }
        l.files.sort();
        l.skipped.sort();
        l
    }
}

impl<S: FileSource> FileSource for OverlaySource<S> {
    fn list(&self) -> Result<Listing, SourceError> {
        Ok(self.apply(self.base.list()?, None))
    }

    fn list_under(&self, dir: &str) -> Result<Listing, SourceError> {
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        Ok(self.apply(self.base.list_under(dir)?, Some(&prefix)))
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, SourceError> {
        match self.changes.get(path) {
            Some(Some(bytes)) => Ok(bytes.clone()),
            Some(None) => Err(SourceError::Missing { path: path.into() }),
            None => self.base.read(path),
        }
    }

    fn digest(&self, path: &str) -> Option<String> {
        match self.changes.get(path) {
            Some(Some(bytes)) => Some(crate::blob_id(bytes)),
            Some(None) => None,
            None => self.base.digest(path),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemorySource;

    #[test]
    fn changes_shadow_the_base_and_deletions_hide_it() {
        let base = MemorySource::new()
            .with("app/a.py", "a = 1\n")
            .with("app/b.py", "b = 1\n")
            .with("app/c.py", "c = 1\n");
        let mut o = OverlaySource::new(&base, 10);
        o.write("app/a.py", "a = 2\n");
        o.delete("app/b.py");
        o.write("app/new.py", "n = 1\n");
        o.write("app/huge.py", "x = 'far too long'\n");
        o.write("notes.bin", "not a language breakwater reads");
        let l = o.list().unwrap();
        let paths: Vec<&str> = l.files.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["app/a.py", "app/c.py", "app/new.py"]);
        assert_eq!(l.skipped.len(), 1);
        assert_eq!(l.skipped[0].0, "app/huge.py");
        assert_eq!(o.read("app/a.py").unwrap(), b"a = 2\n");
        assert_eq!(o.read("app/c.py").unwrap(), b"c = 1\n");
        assert!(o.read("app/b.py").is_err());
        assert_eq!(o.current("app/b.py"), None);
        // The base is untouched.
        assert_eq!(base.read("app/a.py").unwrap(), b"a = 1\n");
        assert_eq!(base.read("app/b.py").unwrap(), b"b = 1\n");
    }

    #[test]
    fn an_owned_base_changes_forgotten_and_listings_under_a_directory() {
        let base = MemorySource::new()
            .with("app/a.py", "a = 1\n")
            .with(".breakwater/flow/team.toml", "language = \"python\"\n");
        let mut o = OverlaySource::new(base, 64);
        o.write("app/a.py", "a = 2\n");
        o.write(".breakwater/rules/new.toml", "id = \"x\"\n");
        assert_eq!(o.written("app/a.py"), Some(&b"a = 2\n"[..]));
        let under = o.list_under(".breakwater").unwrap();
        let paths: Vec<&str> = under.files.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [".breakwater/flow/team.toml", ".breakwater/rules/new.toml"]
        );
        assert!(o.forget("app/a.py") && !o.forget("app/a.py"));
        assert_eq!(o.read("app/a.py").unwrap(), b"a = 1\n");
        assert_eq!(o.written("app/a.py"), None);
        assert_eq!(o.base().read("app/a.py").unwrap(), b"a = 1\n");
    }
}
