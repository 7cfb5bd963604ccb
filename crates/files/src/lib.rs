//! The file-source seam: every byte breakwater analyses comes through a
//! [`FileSource`]. The CLI walks the file system ([`FsSource`]); tests, the
//! editor (unsaved buffers) and `diff` (git blobs of another revision) feed
//! the same pipeline through [`MemorySource`] or their own implementation.
//!
//! This crate also decides what a file *is* before anything parses it:
//! its language ([`Lang`]), its class (source, test, vendored, minified,
//! generated — see [`FileClass`]) and whether it can be read at all
//! ([`SkipReason`]). Nothing is skipped silently: every file that is not
//! analysed is returned with the reason.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

mod classify;
mod display;
pub mod git;
mod intree;
mod overlay;
pub mod patch;
#[cfg(test)]
mod testutil;
mod walk;
pub use classify::{FileClass, Lang, classify, classify_path, detect_lang};
pub use display::{display_path, terminal_safe, terminal_safe_lines};
pub use intree::{
    InTreeError, MAX_CONFIG_BYTES, TEMP_DIR, dir_in_tree, file_in_tree, open_in_tree, read_in_tree,
    read_regular, read_text_in_tree, write_in_tree, write_in_tree_with,
};
pub use overlay::OverlaySource;
pub use walk::FsSource;

/// Files larger than this are skipped (`SkipReason::TooLarge`) unless the
/// caller raises the limit. Real source files beyond 2 MB are almost always
/// generated or bundled.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;

/// Where the facts cache lives under a scanned root. The walk never enters
/// it: its entries are the tool's own data, not the repository's.
pub const CACHE_DIR: &str = ".breakwater/cache";

/// Why a file was not analysed. Reported in every output.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "reason")]
pub enum SkipReason {
    /// Larger than the size limit.
    TooLarge { bytes: u64, limit: u64 },
    /// Contains NUL bytes: not text.
    Binary,
    /// Not valid UTF-8.
    InvalidUtf8,
    /// A symbolic link: never followed, so nothing outside the tree is read.
    Symlink,
    /// The operating system refused to read it.
    Unreadable { error: String },
    /// Test code: classified and reported apart, not analysed for threats.
    Test,
    /// Vendored third-party code (node_modules, vendor/, site-packages).
    Vendored,
    /// Minified code (very long lines).
    Minified,
    /// Generated code (a generated-file marker in its head).
    Generated,
    /// Parsing took longer than the per-file time budget.
    Timeout { millis: u64 },
    /// Not valid in its format (a YAML or JSON syntax error); `error` says
    /// where. What could be read around it is still analysed.
    Malformed { error: String },
    /// Analysing it would go past a per-file budget other than time: the
    /// memory its analysis holds, what its YAML aliases expand to, how deep
    /// it nests. `budget` names the budget and its value.
    OverBudget { budget: String },
    /// The file's name is not UTF-8: it is never read under a guessed name
    /// (that could be another file).
    NonUtf8Name,
    /// Another git repository inside this one (a submodule or a nested
    /// clone): scanned on its own, not as part of this one.
    Submodule,
    /// A FIFO, socket or device: never opened (reading could block forever
    /// or never end).
    Special { kind: String },
}

impl SkipReason {
    /// A short word for summaries ("3 skipped: 2 test, 1 too-large").
    pub fn label(&self) -> &'static str {
        match self {
            SkipReason::TooLarge { .. } => "too-large",
            SkipReason::Binary => "binary",
            SkipReason::InvalidUtf8 => "invalid-utf8",
            SkipReason::Symlink => "symlink",
            SkipReason::Unreadable { .. } => "unreadable",
            SkipReason::Test => "test",
            SkipReason::Vendored => "vendored",
            SkipReason::Minified => "minified",
            SkipReason::Generated => "generated",
            SkipReason::Timeout { .. } => "timeout",
            SkipReason::Malformed { .. } => "malformed",
            SkipReason::OverBudget { .. } => "over-budget",
            SkipReason::NonUtf8Name => "non-utf8-name",
            SkipReason::Submodule => "submodule",
            SkipReason::Special { .. } => "special",
        }
    }

    /// A sentence for a person: what happened and what to do.
    pub fn message(&self) -> String {
        match self {
            SkipReason::TooLarge { bytes, limit } => format!(
                "{bytes} bytes is over the {limit}-byte limit; raise it with --max-file-size if this is hand-written code"
            ),
            SkipReason::Binary => "contains NUL bytes, so it is not text".into(),
            SkipReason::InvalidUtf8 => {
                "is not valid UTF-8; re-encode it as UTF-8 to analyse it".into()
            }
            SkipReason::Symlink => "is a symbolic link; links are never followed".into(),
            SkipReason::Unreadable { error } => format!("could not be read: {error}"),
            SkipReason::Test => "is test code".into(),
            SkipReason::Vendored => "is vendored third-party code".into(),
            SkipReason::Minified => "looks minified (very long lines)".into(),
            SkipReason::Generated => "carries a generated-code marker".into(),
            SkipReason::Timeout { millis } => {
                format!(
                    "took longer than {millis} ms (the per-file time budget) to analyse and was abandoned; if it is hand-written code, split it"
                )
            }
            SkipReason::Malformed { error } => format!(
                "{error}; what could not be read was not modelled (secrets are still looked for in the whole file): fix the syntax to have it analysed"
            ),
            SkipReason::OverBudget { budget } => format!(
                "goes past the per-file budget for {budget}, so what lies beyond it was not analysed; a file built to exhaust resources looks like this, and a genuine one should be split or simplified"
            ),
            SkipReason::NonUtf8Name => {
                "has a file name that is not UTF-8, so it is not read; rename it to a UTF-8 name to analyse it".into()
            }
            SkipReason::Submodule => {
                "is another git repository (a submodule or nested clone); scan it on its own".into()
            }
            SkipReason::Special { kind } => {
                format!("is {kind}, not a regular file, so it is not read")
            }
        }
    }

    /// True when the file failed (as opposed to being deliberately left out).
    /// Failed files make a scan incomplete (exit code 3). A file over a
    /// budget failed; a malformed one did not (the repository's file is
    /// broken, the scan is not: it is reported, and it counts for the
    /// gate, see [`counts_for_gate`]).
    ///
    /// [`counts_for_gate`]: SkipReason::counts_for_gate
    pub fn is_failure(&self) -> bool {
        matches!(
            self,
            SkipReason::Unreadable { .. }
                | SkipReason::InvalidUtf8
                | SkipReason::Timeout { .. }
                | SkipReason::OverBudget { .. }
                | SkipReason::NonUtf8Name
        )
    }

    /// True when the file was not analysed for a reason that is no choice
    /// of the repository's owners: code may be in it that nothing checked.
    /// Gates (`scan --fail-on`, `diff`/`check` for the files a change adds
    /// or changes) count such a file as unverified until a decision accepts
    /// it. Every reason says here which it is — there is no catch-all arm,
    /// so a new reason must decide.
    ///
    /// `lang` is the file's language, when it has one: configuration text
    /// (`.json`, `.toml`, …) is read only for secrets, so a large data file
    /// is no code the gate misses.
    pub fn counts_for_gate(&self, lang: Option<Lang>) -> bool {
        let holds_code = lang.is_none_or(|l| l != Lang::Config);
        match self {
            // Padding a hand-written file past the size limit hides it.
            SkipReason::TooLarge { .. } => holds_code,
            // So does one NUL byte in a file JavaScript engines still run.
            SkipReason::Binary => holds_code,
            SkipReason::InvalidUtf8 => true,
            SkipReason::Unreadable { .. } => true,
            SkipReason::Timeout { .. } => true,
            // Over a budget (memory, alias expansion, nesting depth): code
            // past the budget was not checked. Like a file too large, a
            // configuration file read only for secrets hides no code.
            SkipReason::OverBudget { .. } => holds_code,
            // A syntax error in YAML, package.json or pyproject.toml: what
            // could not be read (services, dependencies) was not modelled.
            SkipReason::Malformed { .. } => holds_code,
            // A name that is not UTF-8 is never read under a guessed name:
            // whatever it holds, nothing checked it.
            SkipReason::NonUtf8Name => true,
            // Another repository, scanned on its own; a FIFO, socket or
            // device holds no code anyone can review.
            SkipReason::Submodule | SkipReason::Special { .. } => false,
            // Links are never followed; a target inside the tree is
            // analysed under its own path.
            SkipReason::Symlink => false,
            // Left out by choice: classified and reported apart.
            SkipReason::Test
            | SkipReason::Vendored
            | SkipReason::Minified
            | SkipReason::Generated => false,
        }
    }
}

/// One file the source offers, with its repository-relative path
/// (always `/`-separated).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    pub path: String,
    pub size: u64,
}

/// What a source lists: the files to consider, and what it refused to
/// offer (symlinks, unreadable directories) with the reason.
#[derive(Debug, Default, Clone)]
pub struct Listing {
    pub files: Vec<Entry>,
    pub skipped: Vec<(String, SkipReason)>,
}

/// Errors of the file source itself (the root is missing, …).
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: no such directory; pass the path of a repository to scan")]
    NoRoot { path: String },
    #[error("{path}: could not read: {error}")]
    Io { path: String, error: String },
    #[error("{path}: not in this source")]
    Missing { path: String },
}

/// The seam every reader of files goes through.
pub trait FileSource: Send + Sync {
    /// Every candidate file, sorted by path, plus what was refused.
    fn list(&self) -> Result<Listing, SourceError>;
    /// The bytes of one listed file.
    fn read(&self, path: &str) -> Result<Vec<u8>, SourceError>;

    /// The git blob id (hex) of a file's bytes, whatever its size: how a
    /// file that could not be analysed (too large, undecodable, truncated)
    /// is told from its other versions, here or in another source (a
    /// commit's tree, the working tree). `None` when it cannot be read.
    fn digest(&self, path: &str) -> Option<String> {
        self.read(path).ok().map(|b| blob_id(&b))
    }

    /// The files under one directory (`.breakwater/rules`), without
    /// listing the whole tree where the source can avoid it.
    fn list_under(&self, dir: &str) -> Result<Listing, SourceError> {
        let mut l = self.list()?;
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        l.files.retain(|e| e.path.starts_with(&prefix));
        l.skipped.retain(|(p, _)| p.starts_with(&prefix));
        Ok(l)
    }
}

/// A borrowed source is a source (an overlay over `&dyn FileSource`).
impl<T: FileSource + ?Sized> FileSource for &T {
    fn list(&self) -> Result<Listing, SourceError> {
        (**self).list()
    }
    fn read(&self, path: &str) -> Result<Vec<u8>, SourceError> {
        (**self).read(path)
    }
    fn list_under(&self, dir: &str) -> Result<Listing, SourceError> {
        (**self).list_under(dir)
    }
    fn digest(&self, path: &str) -> Option<String> {
        (**self).digest(path)
    }
}

/// Options for walking a directory.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Honour .gitignore, .ignore and global git excludes.
    pub respect_gitignore: bool,
    /// Skip files larger than this.
    pub max_file_bytes: u64,
    /// Directories never entered, relative to the root and `/`-separated
    /// (the facts cache: [`CACHE_DIR`] by default, plus a `--cache-dir`
    /// inside the tree).
    pub exclude: Vec<String>,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            respect_gitignore: true,
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            exclude: vec![CACHE_DIR.into()],
        }
    }
}

/// Files held in memory: tests, editor buffers, blobs read from git.
#[derive(Debug, Default, Clone)]
pub struct MemorySource {
    files: BTreeMap<String, Vec<u8>>,
}

impl MemorySource {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn with(mut self, path: &str, text: impl Into<Vec<u8>>) -> Self {
        self.insert(path, text);
        self
    }
    pub fn insert(&mut self, path: &str, text: impl Into<Vec<u8>>) {
        self.files
            .insert(path.trim_start_matches("./").to_string(), text.into());
    }
}

impl FileSource for MemorySource {
    fn list(&self) -> Result<Listing, SourceError> {
        Ok(Listing {
            files: self
                .files
                .iter()
                .map(|(p, b)| Entry {
                    path: p.clone(),
                    size: b.len() as u64,
                })
                .collect(),
            skipped: vec![],
        })
    }
    fn read(&self, path: &str) -> Result<Vec<u8>, SourceError> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| SourceError::Missing { path: path.into() })
    }
}

/// A hasher for the git blob id of `len` bytes (header already fed).
pub(crate) fn blob_hasher(len: u64) -> gix::hash::Hasher {
    let mut h = gix::hash::hasher(gix::hash::Kind::Sha1);
    h.update(&gix::objs::encode::loose_header(gix::objs::Kind::Blob, len));
    h
}

/// The git blob id (hex) of some bytes: what `git hash-object` prints, so
/// a file on disk and the same file in a commit have the same one.
pub fn blob_id(bytes: &[u8]) -> String {
    let mut h = blob_hasher(bytes.len() as u64);
    h.update(bytes);
    h.try_finalize()
        .map(|id| id.to_hex().to_string())
        .unwrap_or_default()
}

/// Content hash used for caching and fingerprints (hex SHA-256).
pub fn content_hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether the size limit applies to a file: only to files read for
/// analysis. Lockfiles (only their presence matters) and test, vendored,
/// generated or minified paths (skipped by their path, never read) are
/// offered whatever their size, so they are reported for what they are.
pub fn size_limited(path: &str) -> bool {
    detect_lang(path).is_some_and(|l| l != Lang::Lockfile)
        && classify_path(path) == FileClass::Source
}

/// Decode bytes as text, or say why not. Line endings are made the ones
/// every reader counts: a lone `\r` (old Mac files, or a hostile file
/// hiding lines from a tool that counts only `\n`) becomes `\n`, so the
/// parser's line numbers are the editor's; every byte offset is kept.
pub fn decode_text(bytes: Vec<u8>) -> Result<String, SkipReason> {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return Err(SkipReason::Binary);
    }
    String::from_utf8(bytes)
        .map(normalize_line_ends)
        .map_err(|_| SkipReason::InvalidUtf8)
}

/// `text` with each lone `\r` (one not followed by `\n`) replaced by `\n`:
/// a line ends at `\n`, `\r\n` or a lone `\r`, as editors (and the
/// Language Server Protocol) count lines. Same length, same byte offsets.
pub fn normalize_line_ends(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    let mut bytes = text.into_bytes();
    for i in 0..bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            bytes[i] = b'\n';
        }
    }
    // Only ASCII bytes changed, so the text is still UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

/// The byte offset where each line of `text` starts (the first is 0), a
/// line ending at `\n`, `\r\n` or a lone `\r`.
pub fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for (i, b) in bytes.iter().enumerate() {
        let ends = *b == b'\n' || (*b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        if ends {
            starts.push(i + 1);
        }
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn write(dir: &Path, rel: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, "{}").unwrap();
    }

    fn paths(l: &Listing) -> Vec<&str> {
        l.files.iter().map(|e| e.path.as_str()).collect()
    }

    #[cfg(unix)]
    #[test]
    fn reading_refuses_links_on_the_way_and_paths_out_of_the_tree() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("repo");
        write(&root, "app/a.py");
        write(d.path(), "outside/secret.py");
        std::os::unix::fs::symlink(d.path().join("outside"), root.join("app/linked")).unwrap();
        std::os::unix::fs::symlink(d.path().join("outside"), root.join("top")).unwrap();
        let src = FsSource::new(&root, WalkOptions::default()).unwrap();
        assert_eq!(src.read("app/a.py").unwrap(), b"{}");
        for path in [
            "app/linked/secret.py",
            "top/secret.py",
            "../outside/secret.py",
            "app/../../outside/secret.py",
        ] {
            let e = src.read(path).expect_err(path).to_string();
            assert!(
                e.contains("symbolic link") || e.contains("not a path inside"),
                "{path}: {e}"
            );
        }
        let abs = d.path().join("outside/secret.py");
        assert!(src.read(abs.to_str().unwrap()).is_err());
    }

    #[test]
    fn the_walk_never_enters_the_cache_even_without_gitignore() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), ".breakwater/cache/v1/ab/ab12.json");
        write(d.path(), ".breakwater/flow/team.toml");
        write(d.path(), "pkg/.breakwater/cache/x.json");
        write(d.path(), "conf/settings.json");
        let opts = WalkOptions {
            respect_gitignore: false,
            ..Default::default()
        };
        let src = FsSource::new(d.path(), opts).unwrap();
        // Only the root's cache is the tool's; a nested one is data.
        assert_eq!(
            paths(&src.list().unwrap()),
            [
                ".breakwater/flow/team.toml",
                "conf/settings.json",
                "pkg/.breakwater/cache/x.json"
            ]
        );
        assert!(
            src.list_under(".breakwater/cache")
                .unwrap()
                .files
                .is_empty()
        );
    }

    #[test]
    fn a_custom_exclusion_is_matched_by_whole_path() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "tmp/facts/a.json");
        write(d.path(), "src/facts/b.json");
        let opts = WalkOptions {
            exclude: vec!["tmp/facts".into()],
            ..Default::default()
        };
        let src = FsSource::new(d.path(), opts).unwrap();
        assert_eq!(paths(&src.list().unwrap()), ["src/facts/b.json"]);
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line_and_keeps_offsets() {
        let text = "a\rb\r\nc\nd\r";
        assert_eq!(normalize_line_ends(text.into()), "a\nb\r\nc\nd\n");
        assert_eq!(line_starts(text), [0, 2, 5, 7, 9]);
        assert_eq!(decode_text(text.into()).unwrap().lines().count(), 4);
        assert_eq!(normalize_line_ends("x\r\n".into()), "x\r\n");
    }
}
