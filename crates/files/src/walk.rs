//! The working tree as a file source: a parallel walk of a directory.
//!
//! What is listed:
//! - every file `.gitignore` (and `.ignore`) leaves, as git would decide;
//! - every file git tracks, whatever `.gitignore` says: a tracked file is
//!   code that runs, and an ignore pattern committed beside it must not
//!   hide it from a gate;
//! - with the reason it is skipped: links (never followed), FIFOs and
//!   other special files (never opened), names that are not UTF-8 (never
//!   guessed at), directories that could not be read (by their path),
//!   and other repositories inside this one (submodules, nested clones).
//!
//! The `.gitignore` files are read by the same reader as every other file
//! breakwater names itself ([`crate::read_in_tree`]): a `.gitignore` that
//! is a link, a FIFO or huge is not read (git does not follow such links
//! either), so a committed `.gitignore -> /dev/zero` cannot exhaust memory.

use crate::git::{IndexView, index_view};
use crate::{Entry, FileSource, Listing, SkipReason, SourceError, WalkOptions, detect_lang};
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::collections::{BTreeSet, HashMap};
use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

/// `.gitignore` files larger than this are not read (and said so).
const MAX_IGNORE_FILE_BYTES: u64 = 1 << 20;

/// A directory on disk. Links are never followed: a symlink, whether it
/// points inside or outside the tree, is listed as skipped.
pub struct FsSource {
    root: PathBuf,
    opts: WalkOptions,
}

impl FsSource {
    pub fn new(root: impl Into<PathBuf>, opts: WalkOptions) -> Result<Self, SourceError> {
        let root = root.into();
        if !root.is_dir() {
            return Err(SourceError::NoRoot {
                path: root.display().to_string(),
            });
        }
        Ok(FsSource { root, opts })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}

/// `p` relative to `root`, `/`-separated; `Err` with a lossy spelling
/// when a component is not UTF-8.
fn rel_path(root: &Path, p: &Path) -> Result<String, String> {
    let rel = p.strip_prefix(root).unwrap_or(p);
    let mut parts = vec![];
    let mut exact = true;
    for c in rel.components() {
        let s = c.as_os_str();
        match s.to_str() {
            Some(s) => parts.push(s.to_string()),
            None => {
                exact = false;
                parts.push(s.to_string_lossy().into_owned());
            }
        }
    }
    let joined = parts.join("/");
    if exact { Ok(joined) } else { Err(joined) }
}

/// Either spelling of [`rel_path`] (for messages about a directory).
fn shown(root: &Path, p: &Path) -> String {
    rel_path(root, p).unwrap_or_else(|lossy| lossy)
}

/// The deepest path an `ignore::Error` names, if any.
fn error_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, err } => Some(error_path(err).unwrap_or(path)),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errs) => errs.iter().find_map(error_path),
        _ => None,
    }
}

/// The innermost error, without the path a message shows apart.
fn error_cause(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => error_cause(err),
        other => other.to_string(),
    }
}

/// The kind of a special file, for its skip reason.
fn special_kind(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_char_device() || ft.is_block_device() {
            return "a device";
        }
    }
    let _ = ft;
    "not a regular file"
}

/// The `.gitignore`/`.ignore` matchers of the directories walked, read
/// once each, safely.
struct Ignores {
    /// Where ignore files start to apply: the work tree when the root is in
    /// one, else the root.
    top: PathBuf,
    /// `.ignore` files too (ripgrep's convention), after `.gitignore`.
    dot_ignore: bool,
    /// The repository's `info/exclude`.
    exclude: Option<Gitignore>,
    by_dir: RwLock<HashMap<PathBuf, Option<Arc<Gitignore>>>>,
    /// Ignore files that could not be read, with the reason.
    problems: Mutex<Vec<(PathBuf, SkipReason)>>,
}

/// Whether `dir` (resolved) lies in a part of `view`'s work tree that the
/// repository ignores and tracks nothing in: no part of that repository.
fn outside(view: &IndexView, dir: &Path, dot_ignore: bool) -> bool {
    view.files.is_empty()
        && view.submodules.is_empty()
        && dir != view.workdir
        && Ignores::new(
            view.workdir.clone(),
            dot_ignore,
            view.exclude_file.as_deref(),
        )
        .dir_ignored(dir)
}

impl Ignores {
    fn new(top: PathBuf, dot_ignore: bool, exclude_file: Option<&Path>) -> Ignores {
        let exclude = exclude_file.and_then(|f| {
            let bytes = crate::read_regular(f, MAX_IGNORE_FILE_BYTES).ok()??;
            let mut b = GitignoreBuilder::new(&top);
            add_lines(&mut b, &bytes);
            b.build().ok()
        });
        Ignores {
            top,
            dot_ignore,
            exclude,
            by_dir: RwLock::new(HashMap::new()),
            problems: Mutex::new(vec![]),
        }
    }

    /// The matcher of one directory (`None`: no ignore file there).
    fn matcher(&self, dir: &Path) -> Option<Arc<Gitignore>> {
        if let Some(m) = self.by_dir.read().ok().and_then(|m| m.get(dir).cloned()) {
            return m;
        }
        let rel = dir.strip_prefix(&self.top).unwrap_or(dir);
        let mut builder = GitignoreBuilder::new(dir);
        let mut any = false;
        let names: &[&str] = if self.dot_ignore {
            &[".gitignore", ".ignore"]
        } else {
            &[".gitignore"]
        };
        for name in names {
            match crate::read_in_tree(&self.top, rel.join(name), MAX_IGNORE_FILE_BYTES) {
                Ok(Some(bytes)) => {
                    add_lines(&mut builder, &bytes);
                    any = true;
                }
                Ok(None) => {}
                // The walk lists a link as a skipped link already.
                Err(crate::InTreeError::Link { .. }) => {}
                Err(e) => {
                    let reason = match e {
                        crate::InTreeError::TooLarge { bytes, limit, .. } => {
                            SkipReason::TooLarge { bytes, limit }
                        }
                        crate::InTreeError::NotRegular { kind, .. } => SkipReason::Special {
                            kind: kind.to_string(),
                        },
                        other => SkipReason::Unreadable {
                            error: other.to_string(),
                        },
                    };
                    if let Ok(mut p) = self.problems.lock() {
                        p.push((dir.join(name), reason));
                    }
                }
            }
        }
        let m = if any {
            builder.build().ok().map(Arc::new)
        } else {
            None
        };
        if let Ok(mut map) = self.by_dir.write() {
            map.insert(dir.to_path_buf(), m.clone());
        }
        m
    }

    /// Whether the directory `dir` (resolved, below `top`) or one of the
    /// directories between it and `top` is ignored: the walk would never
    /// enter it.
    fn dir_ignored(&self, dir: &Path) -> bool {
        let mut chain: Vec<&Path> = dir
            .ancestors()
            .take_while(|a| *a != self.top && a.starts_with(&self.top))
            .collect();
        chain.reverse();
        chain.iter().any(|d| self.ignored(d, true))
    }

    /// Whether git would ignore `path`: the deepest ignore file with an
    /// opinion decides (a `!pattern` re-includes), then `info/exclude`.
    /// Parents are not consulted: the walk never enters an ignored one.
    fn ignored(&self, path: &Path, is_dir: bool) -> bool {
        for dir in path.ancestors().skip(1) {
            if !dir.starts_with(&self.top) {
                break;
            }
            if let Some(m) = self.matcher(dir) {
                let r = m.matched(path, is_dir);
                if r.is_ignore() {
                    return true;
                }
                if r.is_whitelist() {
                    return false;
                }
            }
        }
        self.exclude
            .as_ref()
            .is_some_and(|m| m.matched(path, is_dir).is_ignore())
    }
}

/// Every line of an ignore file; a line that is not a valid pattern is
/// left out, as git does (and nothing of it is quoted anywhere).
fn add_lines(b: &mut GitignoreBuilder, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for (i, line) in text.lines().enumerate() {
        let line = if i == 0 {
            line.trim_start_matches('\u{feff}')
        } else {
            line
        };
        let _ = b.add_line(None, line);
    }
}

/// What one walk entry gives: a file to offer, a file skipped and why.
type Visited = (Option<Entry>, Option<(String, SkipReason)>);

impl FsSource {
    /// One walk entry: a file to offer, or a reason it is not offered.
    fn visit(&self, item: Result<ignore::DirEntry, ignore::Error>) -> Option<Visited> {
        let entry = match item {
            Ok(e) => e,
            Err(err) => {
                let path = error_path(&err)
                    .map(|p| shown(&self.root, p))
                    .filter(|p| !p.is_empty())
                    .unwrap_or_else(|| ".".into());
                let error = error_cause(&err);
                return Some((None, Some((path, SkipReason::Unreadable { error }))));
            }
        };
        let ft = entry.file_type()?;
        if ft.is_dir() {
            return None;
        }
        let rel = match rel_path(&self.root, entry.path()) {
            Ok(r) => r,
            Err(lossy) => {
                // Never read: the lossy name would be another file's.
                return (ft.is_symlink() || detect_lang(&lossy).is_some())
                    .then_some((None, Some((lossy, SkipReason::NonUtf8Name))));
            }
        };
        if ft.is_symlink() {
            return Some((None, Some((rel, SkipReason::Symlink))));
        }
        // Only files breakwater reads need their size (one stat each).
        detect_lang(&rel)?;
        if !ft.is_file() {
            let kind = special_kind(&ft).to_string();
            return Some((None, Some((rel, SkipReason::Special { kind }))));
        }
        Some(self.sized(rel, entry.metadata().map(|m| m.len())))
    }

    /// A regular file, offered unless it is too large.
    fn sized(&self, rel: String, len: Result<u64, impl std::fmt::Display>) -> Visited {
        match len {
            Err(err) => (
                None,
                Some((
                    rel,
                    SkipReason::Unreadable {
                        error: err.to_string(),
                    },
                )),
            ),
            Ok(len) if len > self.opts.max_file_bytes && crate::size_limited(&rel) => (
                None,
                Some((
                    rel,
                    SkipReason::TooLarge {
                        bytes: len,
                        limit: self.opts.max_file_bytes,
                    },
                )),
            ),
            Ok(len) => (
                Some(Entry {
                    path: rel,
                    size: len,
                }),
                None,
            ),
        }
    }

    /// A tracked file the walk left out (ignored, or in an ignored
    /// directory), looked at as the walk would have: without following a
    /// link on the way.
    fn visit_tracked(&self, rel: &str) -> Option<Visited> {
        let mut p = self.root.clone();
        let parts: Vec<&str> = rel.split('/').collect();
        for (i, part) in parts.iter().enumerate() {
            p.push(part);
            let meta = std::fs::symlink_metadata(&p).ok()?;
            let last = i + 1 == parts.len();
            if meta.file_type().is_symlink() {
                // A link on the way: what is behind it is not this file.
                let at = parts[..=i].join("/");
                return Some((None, Some((at, SkipReason::Symlink))));
            }
            if !last && !meta.is_dir() {
                return None;
            }
            if last {
                if meta.is_dir() {
                    return None;
                }
                if !meta.is_file() {
                    let kind = special_kind(&meta.file_type()).to_string();
                    return Some((None, Some((rel.into(), SkipReason::Special { kind }))));
                }
                return Some(self.sized(rel.into(), Ok::<u64, String>(meta.len())));
            }
        }
        None
    }

    fn is_excluded(&self, rel: &str) -> bool {
        rel.split('/').any(|c| c == ".git")
            || self
                .opts
                .exclude
                .iter()
                .any(|x| rel == x || rel.starts_with(&format!("{x}/")))
    }

    fn walk(&self, start: &Path) -> Result<Listing, SourceError> {
        let mut listing = Listing::default();
        let start_rel = shown(&self.root, start);
        let inside = |x: &String| {
            start_rel == *x
                || start_rel
                    .strip_prefix(x.as_str())
                    .is_some_and(|r| r.starts_with('/'))
        };
        if self.opts.exclude.iter().any(inside) {
            return Ok(listing);
        }
        // A directory asked for by name (`.breakwater/rules`) is entered
        // only if no component on the way is a link.
        let mut on_the_way = self.root.clone();
        for c in Path::new(&start_rel).components() {
            on_the_way.push(c);
            match std::fs::symlink_metadata(&on_the_way) {
                Ok(m) if m.file_type().is_symlink() => {
                    let at = shown(&self.root, &on_the_way);
                    listing.skipped.push((at, SkipReason::Symlink));
                    return Ok(listing);
                }
                Ok(m) if m.is_dir() => {}
                _ => return Ok(listing),
            }
        }
        let mut index = index_view(&self.root);
        // Ignore files apply from the work tree down (else from the root);
        // paths from the walk are under `root`, which may be spelled
        // through a link, so both are compared resolved.
        let root_canon = std::fs::canonicalize(&self.root).unwrap_or_else(|_| self.root.clone());
        // A root the repository around it ignores, with nothing tracked
        // under it (a downloaded corpus, a build output scanned on
        // purpose), is no part of that repository: it is walked as a tree
        // of its own, with its own ignore files only.
        if index
            .as_ref()
            .is_some_and(|v| outside(v, &root_canon, self.opts.respect_gitignore))
        {
            index = None;
        }
        let top = index
            .as_ref()
            .map_or_else(|| root_canon.clone(), |v| v.workdir.clone());
        let ignores = Arc::new(Ignores::new(
            top,
            self.opts.respect_gitignore,
            index.as_ref().and_then(|v| v.exclude_file.as_deref()),
        ));
        let submodules: BTreeSet<String> = index
            .as_ref()
            .map(|v| {
                v.submodules
                    .iter()
                    .filter_map(|s| std::str::from_utf8(s).ok().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let nested = Arc::new(Mutex::new(Vec::<String>::new()));

        let found = Mutex::new(Listing::default());
        let walker = {
            let (root, exclude) = (self.root.clone(), self.opts.exclude.clone());
            let (ignores, nested, submodules) =
                (ignores.clone(), nested.clone(), submodules.clone());
            let in_repo = index.is_some();
            let respect = self.opts.respect_gitignore;
            let root_canon = root_canon.clone();
            ignore::WalkBuilder::new(start)
                .follow_links(false)
                .hidden(false)
                .parents(false)
                .git_ignore(false)
                .ignore(false)
                .git_exclude(false)
                .git_global(respect)
                .require_git(false)
                .filter_entry(move |e| {
                    // Never descend into VCS metadata or the facts cache.
                    let name = e.file_name();
                    if e.depth() == 0 {
                        return true;
                    }
                    if name == ".git" || name == ".hg" || name == ".svn" {
                        return false;
                    }
                    let is_dir = e.file_type().is_some_and(|t| t.is_dir());
                    let rel = shown(&root, e.path());
                    if is_dir && exclude.contains(&rel) {
                        return false;
                    }
                    // Another repository: scanned on its own, not as part
                    // of this one.
                    if is_dir
                        && in_repo
                        && (submodules.contains(&rel)
                            || std::fs::symlink_metadata(e.path().join(".git")).is_ok())
                    {
                        if let Ok(mut n) = nested.lock() {
                            n.push(rel);
                        }
                        return false;
                    }
                    if respect {
                        let under = e.path().strip_prefix(&root).unwrap_or(e.path());
                        let abs = root_canon.join(under);
                        if ignores.ignored(&abs, is_dir) {
                            return false;
                        }
                    }
                    true
                })
                .build_parallel()
        };
        // Below the work tree's top, the walked directory itself (or one
        // above it) can be ignored: then only tracked files are listed.
        let start_canon: PathBuf = root_canon
            .components()
            .chain(start.strip_prefix(&self.root).unwrap_or(start).components())
            .collect();
        let start_ignored = self.opts.respect_gitignore && ignores.dir_ignored(&start_canon);
        // A parallel walk: directory reads and stats overlap on every core.
        // The order is restored by sorting below.
        if !start_ignored {
            walker.run(|| {
                Box::new(|item| {
                    if let Some((file, skipped)) = self.visit(item)
                        && let Ok(mut l) = found.lock()
                    {
                        l.files.extend(file);
                        l.skipped.extend(skipped);
                    }
                    ignore::WalkState::Continue
                })
            });
        }
        listing = found.into_inner().unwrap_or_default();

        // Other repositories inside this one, said once each.
        let nested = nested.lock().map(|n| n.clone()).unwrap_or_default();
        let under_start = |p: &str| {
            start_rel.is_empty() || p == start_rel || p.starts_with(&format!("{start_rel}/"))
        };
        let in_nested = |p: &str| {
            nested
                .iter()
                .chain(submodules.iter())
                .any(|n| p.starts_with(&format!("{n}/")))
        };
        for n in &nested {
            listing.skipped.push((n.clone(), SkipReason::Submodule));
        }
        // Tracked files are listed whatever `.gitignore` says.
        if let Some(view) = &index {
            self.add_tracked(&mut listing, view, &under_start, &in_nested);
        }
        if let Ok(problems) = ignores.problems.lock() {
            for (p, reason) in problems.iter() {
                let under = p.strip_prefix(&root_canon).unwrap_or(p);
                let rel = shown(Path::new(""), under);
                if under_start(&rel) && !rel.starts_with("..") && !Path::new(&rel).is_absolute() {
                    listing.skipped.push((rel, reason.clone()));
                }
            }
        }
        listing.files.sort();
        listing.files.dedup();
        listing.skipped.sort();
        listing.skipped.dedup();
        Ok(listing)
    }

    /// Add the index's files under the walked directory that the walk did
    /// not list (ignored ones): tracked files are code.
    fn add_tracked(
        &self,
        listing: &mut Listing,
        view: &IndexView,
        under_start: &dyn Fn(&str) -> bool,
        in_nested: &dyn Fn(&str) -> bool,
    ) {
        let seen: BTreeSet<String> = listing
            .files
            .iter()
            .map(|e| e.path.clone())
            .chain(listing.skipped.iter().map(|s| s.0.clone()))
            .collect();
        let mut extra = Listing::default();
        for raw in &view.files {
            let rel = match std::str::from_utf8(raw) {
                Ok(r) => r.to_string(),
                Err(_) => {
                    let lossy = String::from_utf8_lossy(raw).into_owned();
                    if under_start(&lossy)
                        && !seen.contains(&lossy)
                        && detect_lang(&lossy).is_some()
                        && self.tracked_exists(raw)
                    {
                        extra.skipped.push((lossy, SkipReason::NonUtf8Name));
                    }
                    continue;
                }
            };
            if seen.contains(&rel)
                || !under_start(&rel)
                || in_nested(&rel)
                || self.is_excluded(&rel)
                || detect_lang(&rel).is_none()
            {
                continue;
            }
            if let Some((file, skipped)) = self.visit_tracked(&rel) {
                extra.files.extend(file);
                extra
                    .skipped
                    .extend(skipped.filter(|s| !seen.contains(&s.0)));
            }
        }
        listing.files.extend(extra.files);
        listing.skipped.extend(extra.skipped);
        for s in &view.submodules {
            let s = String::from_utf8_lossy(s).into_owned();
            if under_start(&s) {
                listing.skipped.push((s, SkipReason::Submodule));
            }
        }
    }

    /// Whether a tracked path (bytes, as the index spells it) exists on disk.
    fn tracked_exists(&self, raw: &[u8]) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            std::fs::symlink_metadata(self.root.join(OsStr::from_bytes(raw))).is_ok()
        }
        #[cfg(not(unix))]
        {
            let _ = raw;
            false
        }
    }
}

impl FileSource for FsSource {
    fn list(&self) -> Result<Listing, SourceError> {
        self.walk(&self.root)
    }

    fn list_under(&self, dir: &str) -> Result<Listing, SourceError> {
        self.walk(&self.root.join(dir))
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, SourceError> {
        // The listing never offers a link, a special file or a path out of
        // the tree, but a path can be handed in from elsewhere (an editor's
        // URI, a proposed change naming a FIFO, a file the watcher reports
        // after a directory became a link): the reader refuses them all.
        let rel = Path::new(path);
        if !rel
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
        {
            return Err(SourceError::Io {
                path: path.into(),
                error: "is not a path inside the tree".into(),
            });
        }
        let io = |error: String| SourceError::Io {
            path: path.into(),
            error,
        };
        match crate::read_in_tree(&self.root, rel, self.opts.max_file_bytes) {
            Ok(Some(bytes)) => Ok(bytes),
            Ok(None) => Err(io("no such file (it may have been removed)".into())),
            Err(crate::InTreeError::Link { link, .. }) if link == path => {
                Err(io("is a symbolic link".into()))
            }
            Err(crate::InTreeError::Link { .. }) => {
                Err(io("is inside a symbolic link to a directory".into()))
            }
            Err(crate::InTreeError::NotRegular { kind, .. }) => {
                Err(io(format!("is {kind}, not a regular file; it is not read")))
            }
            Err(crate::InTreeError::TooLarge { limit, .. }) => {
                Err(io(format!("larger than {limit} bytes")))
            }
            Err(e) => Err(io(e.to_string())),
        }
    }

    /// Streamed, so a file over the size limit costs no memory; opened
    /// through the same checks as [`FsSource::read`] (no link on any
    /// component, a regular file).
    fn digest(&self, path: &str) -> Option<String> {
        let rel = Path::new(path);
        if !rel
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
        {
            return None;
        }
        let mut file = crate::open_in_tree(&self.root, rel).ok()??;
        let len = file.metadata().ok()?.len();
        let mut h = crate::blob_hasher(len);
        let mut buf = vec![0u8; 64 * 1024];
        let mut read = 0u64;
        loop {
            match std::io::Read::read(&mut file, &mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    h.update(&buf[..n]);
                    read += n as u64;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return None,
            }
        }
        // A file that changed size while being read has no stable id.
        (read == len)
            .then(|| h.try_finalize().ok())
            .flatten()
            .map(|id| id.to_hex().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{git, write};

    fn listing(root: &Path) -> Listing {
        FsSource::new(root, WalkOptions::default())
            .unwrap()
            .list()
            .unwrap()
    }

    fn files(l: &Listing) -> Vec<&str> {
        l.files.iter().map(|e| e.path.as_str()).collect()
    }

    fn skipped(l: &Listing) -> Vec<(&str, &str)> {
        l.skipped
            .iter()
            .map(|(p, r)| (p.as_str(), r.label()))
            .collect()
    }

    #[test]
    fn tracked_files_are_listed_whatever_gitignore_says() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        git(root, &["init", "-q"]);
        write(root, "app.py", "x = 1\n");
        write(root, "hidden.py", "import os\n");
        write(root, "ignored_dir/tracked.py", "y = 2\n");
        write(root, "ignored_dir/local.py", "z = 3\n");
        write(root, "scratch.py", "untracked and ignored\n");
        write(root, ".gitignore", "hidden.py\nignored_dir/\nscratch.py\n");
        git(root, &["add", "app.py", ".gitignore"]);
        git(root, &["add", "-f", "hidden.py", "ignored_dir/tracked.py"]);
        // Before anything is committed, and after: the index decides.
        for commit in [false, true] {
            if commit {
                git(root, &["commit", "-q", "-m", "c"]);
            }
            let l = listing(root);
            assert_eq!(
                files(&l),
                ["app.py", "hidden.py", "ignored_dir/tracked.py"],
                "untracked ignored files stay ignored"
            );
            assert!(l.skipped.is_empty(), "{:?}", l.skipped);
        }
        // A subdirectory scanned on its own sees its tracked files too.
        let sub = FsSource::new(root.join("ignored_dir"), WalkOptions::default())
            .unwrap()
            .list()
            .unwrap();
        assert_eq!(files(&sub), ["tracked.py"]);
        // An ignored folder with nothing tracked in it, scanned on its own
        // (a downloaded corpus), is a tree of its own: all of it is listed,
        // and its own ignore files apply.
        write(root, "corpus/shop/app.py", "a = 1\n");
        write(root, "corpus/shop/build/out.py", "b = 2\n");
        write(root, "corpus/shop/.gitignore", "build/\n");
        write(
            root,
            ".gitignore",
            "hidden.py\nignored_dir/\nscratch.py\ncorpus/\n",
        );
        let shop = FsSource::new(root.join("corpus/shop"), WalkOptions::default())
            .unwrap()
            .list()
            .unwrap();
        assert_eq!(files(&shop), ["app.py"]);
        assert!(
            !files(&listing(root))
                .iter()
                .any(|f| f.starts_with("corpus"))
        );
        // Without git the patterns apply as written.
        std::fs::remove_dir_all(root.join(".git")).unwrap();
        assert_eq!(files(&listing(root)), ["app.py"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_or_special_gitignore_is_never_read() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("repo");
        write(&root, "app.py", "x = 1\n");
        write(&root, "sub/b.py", "y = 2\n");
        // Patterns from outside the tree would hide every Python file.
        write(d.path(), "outside/patterns", "*.py\n");
        std::os::unix::fs::symlink(d.path().join("outside/patterns"), root.join(".gitignore"))
            .unwrap();
        // A FIFO would block the walk forever if it were opened.
        let fifo = root.join("sub/.gitignore");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid path string.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let (tx, rx) = std::sync::mpsc::channel();
        let r = root.clone();
        std::thread::spawn(move || {
            let _ = tx.send(listing(&r));
        });
        let l = rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the walk does not wait on a FIFO");
        assert_eq!(files(&l), ["app.py", "sub/b.py"]);
        assert_eq!(
            skipped(&l),
            [(".gitignore", "symlink"), ("sub/.gitignore", "special")]
        );
    }

    #[test]
    fn submodules_and_nested_repositories_are_skipped_with_a_reason() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        git(root, &["init", "-q"]);
        write(root, "app.py", "x = 1\n");
        // A nested clone: a directory with its own `.git`.
        write(root, "vendor/lib/.git", "gitdir: ../../.git/modules/lib\n");
        write(root, "vendor/lib/code.py", "import os\n");
        git(root, &["add", "app.py"]);
        let l = listing(root);
        assert_eq!(files(&l), ["app.py"]);
        assert_eq!(skipped(&l), [("vendor/lib", "submodule")]);
        assert!(
            SkipReason::Submodule
                .message()
                .contains("scan it on its own")
        );
        assert!(!SkipReason::Submodule.is_failure());
        // Outside a repository, a directory of repositories is walked.
        std::fs::remove_dir_all(root.join(".git")).unwrap();
        assert_eq!(files(&listing(root)), ["app.py", "vendor/lib/code.py"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_name_that_is_not_utf8_is_skipped_never_read_under_another_name() {
        use std::os::unix::ffi::OsStrExt;
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        // "café.py" in Latin-1, and the file its lossy spelling would name.
        let latin1 = std::ffi::OsStr::from_bytes(b"caf\xe9.py");
        std::fs::write(root.join(latin1), "import os\n").unwrap();
        write(root, "caf\u{fffd}.py", "decoy = 1\n");
        let l = listing(root);
        assert_eq!(files(&l), ["caf\u{fffd}.py"]);
        assert_eq!(skipped(&l), [("caf\u{fffd}.py", "non-utf8-name")]);
        let msg = SkipReason::NonUtf8Name.message();
        assert!(msg.contains("not UTF-8") && msg.contains("rename"), "{msg}");
        assert!(SkipReason::NonUtf8Name.is_failure());
    }

    #[cfg(unix)]
    #[test]
    fn an_unreadable_directory_is_named_by_its_path() {
        let d = tempfile::tempdir().unwrap();
        let src = FsSource::new(d.path(), WalkOptions::default()).unwrap();
        // What the walker yields when it cannot read a directory (the tests
        // run as root, which reads every directory whatever its mode).
        let denied = || {
            Box::new(ignore::Error::Io(std::io::Error::from(
                std::io::ErrorKind::PermissionDenied,
            )))
        };
        let err = ignore::Error::WithDepth {
            depth: 2,
            err: Box::new(ignore::Error::WithPath {
                path: d.path().join("locked/inner"),
                err: denied(),
            }),
        };
        let (file, skip) = src.visit(Err(err)).unwrap();
        assert!(file.is_none());
        let (path, reason) = skip.unwrap();
        assert_eq!(path, "locked/inner");
        assert!(
            reason.message().contains("ermission denied"),
            "{}",
            reason.message()
        );
        // And for real, where permissions bind (not as root).
        use std::os::unix::fs::PermissionsExt;
        write(d.path(), "locked/inner/a.py", "y = 2\n");
        let locked = d.path().join("locked/inner");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        let binds = std::fs::read_dir(&locked).is_err();
        let l = listing(d.path());
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
        if binds {
            assert_eq!(skipped(&l), [("locked/inner", "unreadable")]);
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_listed_as_special_and_never_opened() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        write(root, "app.py", "x = 1\n");
        let fifo = root.join("pipe.py");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid path string.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let src = FsSource::new(root, WalkOptions::default()).unwrap();
        let l = src.list().unwrap();
        assert_eq!(files(&l), ["app.py"]);
        assert_eq!(skipped(&l), [("pipe.py", "special")]);
        // Handed in by name (a proposed change, an editor): refused at once.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(src.read("pipe.py").map_err(|e| e.to_string()));
        });
        let e = rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("reading a FIFO does not block")
            .unwrap_err();
        assert!(e.contains("FIFO"), "{e}");
    }
}
