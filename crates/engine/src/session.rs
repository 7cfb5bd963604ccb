//! An analysis that stays in memory between edits: the editor's view of a
//! repository.
//!
//! [`scan`](crate::scan) lists the tree, extracts every file and analyses
//! the whole in one go. A [`Session`] does the listing and the extraction
//! once (through the facts cache when it has one), keeps every file's facts,
//! and after an edit re-extracts only the edited file before running the
//! analysis again (link, build, evaluate, decisions, excerpts) — which is
//! what makes a re-analysis per keystroke affordable. Unsaved buffers come
//! in through the same file-source seam as everything else: the session
//! reads through an [`OverlaySource`], so the extractors, the excerpts and
//! every other reader see the editor's text.
//!
//! A session's report is the report [`scan`](crate::scan) gives for the same
//! files, byte for byte (`tests/session.rs` checks it).

use crate::{
    EngineError, FileResult, Library, ScanCache, ScanOptions, ScanOutput, Timing, analyse,
    candidates, extract_all, extract_bytes,
};
use bw_files::{FileSource, Lang, OverlaySource, SkipReason};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// What a change did to the session's facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Update {
    /// The file was extracted again: the next analysis may differ.
    Extracted,
    /// The file was extracted again and yields the same facts as before
    /// (an edit inside a comment, a string no rule reads, a file that is
    /// skipped either way): threats, their positions and the model are as
    /// they were; only the excerpts' text and the byte counts of the next
    /// analysis can differ.
    SameFacts,
    /// The bytes are those last extracted: nothing to do.
    Unchanged,
    /// The file was dropped from the session.
    Removed,
    /// The path is not one the listing offers (not a language breakwater
    /// reads, ignored, not on disk when the tree was last listed): nothing
    /// is analysed for it.
    NotListed,
}

/// One listed file and what extraction made of it.
struct Slot {
    lang: Lang,
    result: FileResult,
    /// SHA-256 of the bytes last extracted, when known.
    digest: Option<[u8; 32]>,
}

/// A repository held in memory: every file's facts, re-extracted one file
/// at a time as it changes.
pub struct Session<S> {
    source: OverlaySource<S>,
    lib: Library,
    opts: ScanOptions,
    /// What the last listing refused (links, large files, unreadable directories).
    refused: Vec<(String, SkipReason)>,
    /// Every listed file breakwater reads, by path.
    files: BTreeMap<String, Slot>,
    /// Cache hits and parses since the last analysis.
    hits: AtomicUsize,
    parsed: AtomicUsize,
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

impl<S: FileSource> Session<S> {
    /// List the tree and extract every file (in parallel, through the facts
    /// cache of `opts` when there is one).
    pub fn new(
        source: OverlaySource<S>,
        lib: Library,
        opts: ScanOptions,
    ) -> Result<Session<S>, EngineError> {
        let mut s = Session {
            source,
            lib,
            opts,
            refused: vec![],
            files: BTreeMap::new(),
            hits: AtomicUsize::new(0),
            parsed: AtomicUsize::new(0),
        };
        s.relist()?;
        Ok(s)
    }

    /// The files the session reads: buffers over the base source.
    pub fn source(&self) -> &OverlaySource<S> {
        &self.source
    }

    pub fn library(&self) -> &Library {
        &self.lib
    }

    pub fn options(&self) -> &ScanOptions {
        &self.opts
    }

    /// The model file, baseline, date and name the next analysis applies.
    /// (A change of `cache` applies to later extractions only.)
    pub fn options_mut(&mut self) -> &mut ScanOptions {
        &mut self.opts
    }

    /// True when `path` is a listed file breakwater reads.
    pub fn is_listed(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// Extract a list of paths through the cache, in parallel.
    fn extract_many(&mut self, paths: Vec<(String, Lang, u64)>) {
        if paths.is_empty() {
            return;
        }
        let scan_cache = self.scan_cache();
        let results = extract_all(
            &self.source,
            &paths,
            &self.lib,
            self.opts.threads,
            &scan_cache,
            &|_, _| {},
        );
        self.count(&scan_cache);
        for ((path, lang, _), result) in paths.into_iter().zip(results) {
            self.files.insert(
                path,
                Slot {
                    lang,
                    result,
                    digest: None,
                },
            );
        }
    }

    fn scan_cache(&self) -> ScanCache<'_> {
        ScanCache {
            cache: self
                .opts
                .cache
                .as_ref()
                .map(|c| (c, crate::cache::Salt::current(&self.lib.fingerprint()))),
            ..ScanCache::off()
        }
    }

    fn count(&self, c: &ScanCache<'_>) {
        self.hits
            .fetch_add(c.hits.load(Ordering::Relaxed), Ordering::Relaxed);
        self.parsed
            .fetch_add(c.parsed.load(Ordering::Relaxed), Ordering::Relaxed);
    }

    /// The tree as a scan of the base with the buffers would list it,
    /// restricted to what the base lists: a buffer for a path the base does
    /// not offer (ignored, or not on disk yet) is not analysed, so the
    /// editor never widens what a scan of the same tree reads.
    fn listing(&self) -> Result<bw_files::Listing, EngineError> {
        let mut l = self.source.base().list()?;
        let limit = self.source.max_file_bytes();
        let mut refused = vec![];
        l.files.retain_mut(|e| match self.source.written(&e.path) {
            None => true,
            Some(b) if b.len() as u64 > limit => {
                refused.push((
                    e.path.clone(),
                    SkipReason::TooLarge {
                        bytes: b.len() as u64,
                        limit,
                    },
                ));
                false
            }
            Some(b) => {
                e.size = b.len() as u64;
                true
            }
        });
        if !refused.is_empty() {
            l.skipped.extend(refused);
            l.skipped.sort();
        }
        Ok(l)
    }

    /// List the tree again: files that appeared are extracted, files that
    /// are gone are dropped, the others keep their facts (a changed file
    /// is re-read with [`Session::refresh`]). Listing a large tree costs
    /// tens of milliseconds, so call it when files appear or disappear,
    /// not on every edit.
    pub fn relist(&mut self) -> Result<(), EngineError> {
        let listing = self.listing()?;
        let listed = candidates(&listing);
        let keep: std::collections::BTreeSet<&str> =
            listed.iter().map(|(p, _, _)| p.as_str()).collect();
        self.files.retain(|p, _| keep.contains(p.as_str()));
        let new: Vec<(String, Lang, u64)> = listed
            .into_iter()
            .filter(|(p, _, _)| !self.files.contains_key(p))
            .collect();
        self.refused = listing.skipped;
        self.extract_many(new);
        Ok(())
    }

    /// Replace the rule library (a team's rule or flow spec changed): every
    /// file is extracted again (through the cache), since flow specs shape
    /// extraction.
    pub fn set_library(&mut self, lib: Library) {
        let same = lib.fingerprint() == self.lib.fingerprint();
        self.lib = lib;
        if same {
            return;
        }
        let all: Vec<(String, Lang, u64)> = self
            .files
            .iter()
            .map(|(p, s)| (p.clone(), s.lang, 0))
            .collect();
        self.extract_many(all);
    }

    /// Extract `bytes` for a listed path unless they are what was extracted last.
    fn extract(&mut self, path: &str, bytes: Vec<u8>, cached: bool) -> Update {
        let Some(slot) = self.files.get(path) else {
            return Update::NotListed;
        };
        let d = digest(&bytes);
        if slot.digest == Some(d) {
            return Update::Unchanged;
        }
        let lang = slot.lang;
        let scan_cache = if cached {
            self.scan_cache()
        } else {
            ScanCache::off()
        };
        let result = extract_bytes(
            path,
            lang,
            bytes,
            &self.lib.flow,
            self.lib.core,
            &scan_cache,
        );
        self.count(&scan_cache);
        drop(scan_cache);
        let same = slot.result.same_facts(&result);
        self.files.insert(
            path.to_string(),
            Slot {
                lang,
                result,
                digest: Some(d),
            },
        );
        if same {
            Update::SameFacts
        } else {
            Update::Extracted
        }
    }

    /// The editor's text for `path` (saved or not): from now on every read
    /// of `path` sees it, and the file is extracted again. Buffers bypass
    /// the facts cache (an entry per keystroke would only fill the disk).
    pub fn set_buffer(&mut self, path: &str, bytes: Vec<u8>) -> Update {
        self.source.write(path, bytes);
        if !self.files.contains_key(path) {
            return Update::NotListed;
        }
        let len = self.source.written(path).map_or(0, <[u8]>::len) as u64;
        let limit = self.source.max_file_bytes();
        if len > limit {
            // Refused as the listing refuses a file over the size limit.
            return self.skip(path, SkipReason::TooLarge { bytes: len, limit });
        }
        match self.source.read(path) {
            Ok(b) => self.extract(path, b, false),
            Err(e) => self.skip(
                path,
                SkipReason::Unreadable {
                    error: e.to_string(),
                },
            ),
        }
    }

    /// The editor closed `path` without saving: the file on disk shows again.
    pub fn clear_buffer(&mut self, path: &str) -> Update {
        if !self.source.forget(path) {
            return Update::Unchanged;
        }
        self.refresh(path)
    }

    /// `path` changed on disk (or the buffer over it went away): read it
    /// again through the cache. A file that is not listed yet needs
    /// [`Session::relist`].
    pub fn refresh(&mut self, path: &str) -> Update {
        if !self.files.contains_key(path) {
            return Update::NotListed;
        }
        match self.source.read(path) {
            Ok(b) => self.extract(path, b, true),
            Err(e) => self.skip(
                path,
                SkipReason::Unreadable {
                    error: e.to_string(),
                },
            ),
        }
    }

    fn skip(&mut self, path: &str, reason: SkipReason) -> Update {
        let Some(slot) = self.files.get_mut(path) else {
            return Update::NotListed;
        };
        slot.result = FileResult::Skipped(path.to_string(), reason);
        slot.digest = None;
        Update::Extracted
    }

    /// `path` was deleted: drop its facts (and any buffer).
    pub fn remove(&mut self, path: &str) -> Update {
        self.source.forget(path);
        match self.files.remove(path) {
            Some(_) => Update::Removed,
            None => Update::NotListed,
        }
    }

    /// Analyse the files as they are now: the report a scan of the same
    /// files would give.
    pub fn analyse(&self) -> ScanOutput {
        let start = Instant::now();
        let results = self
            .files
            .values()
            .map(|s| Cow::Borrowed(&s.result))
            .collect();
        let a = analyse(
            &self.source,
            &self.lib,
            &self.opts,
            &self.refused,
            results,
            Timing {
                start,
                t_list: Default::default(),
                cache: None,
            },
        );
        ScanOutput {
            report: a.report,
            elapsed: start.elapsed(),
            incomplete: a.incomplete,
            cache_hits: self.hits.swap(0, Ordering::Relaxed),
            parsed: self.parsed.swap(0, Ordering::Relaxed),
            facts: a.facts,
        }
    }
}
