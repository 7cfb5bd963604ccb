//! A proposed change held in memory over another source: the files it
//! adds or rewrites are served from memory, the files it deletes are gone,
//! every other file is read from the source below. Nothing is written
//! anywhere, so "what would this change do?" can be answered with the same
//! pipeline as a scan, without touching the working tree.

use crate::{Entry, FileSource, Listing, SkipReason, SourceError, detect_lang};
use std::collections::BTreeMap;

/// `base` with some files replaced, added or deleted.
pub struct OverlaySource<'a> {
    base: &'a dyn FileSource,
    /// `Some(bytes)`: the file's new content; `None`: deleted.
    changes: BTreeMap<String, Option<Vec<u8>>>,
    max_file_bytes: u64,
}

impl<'a> OverlaySource<'a> {
    /// An overlay with no changes yet; files over `max_file_bytes` are
    /// listed as skipped, as a walk of the disk would.
    pub fn new(base: &'a dyn FileSource, max_file_bytes: u64) -> Self {
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
}

impl FileSource for OverlaySource<'_> {
    fn list(&self) -> Result<Listing, SourceError> {
        let mut l = self.base.list()?;
        l.files.retain(|e| !self.changes.contains_key(&e.path));
        l.skipped.retain(|(p, _)| !self.changes.contains_key(p));
        for (path, content) in &self.changes {
            let Some(bytes) = content else { continue };
            if detect_lang(path).is_none() {
                continue;
            }
            let size = bytes.len() as u64;
            if size > self.max_file_bytes {
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
        Ok(l)
    }

    fn list_under(&self, dir: &str) -> Result<Listing, SourceError> {
        let mut l = self.list()?;
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        l.files.retain(|e| e.path.starts_with(&prefix));
        l.skipped.retain(|(p, _)| p.starts_with(&prefix));
        Ok(l)
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, SourceError> {
        match self.changes.get(path) {
            Some(Some(bytes)) => Ok(bytes.clone()),
            Some(None) => Err(SourceError::Missing { path: path.into() }),
            None => self.base.read(path),
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
}
