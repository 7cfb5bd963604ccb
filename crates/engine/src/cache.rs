//! The per-file facts cache: what extraction made of a file, stored under
//! a key that names everything extraction depends on.
//!
//! A key is the SHA-256 of the cache format, the tool version, the build
//! of the extraction code, the rule pack ([`Library::fingerprint`]), the
//! file's path and the SHA-256 of its content. Each entry is one JSON file
//! at `<dir>/v<FORMAT>/<first two hex digits>/<key>.json`, written to a
//! temporary file and renamed into place, so a reader (another scan running
//! at the same time) sees a whole entry or none. An entry that cannot be
//! read or decoded, or that names another key or path, is a miss and is
//! overwritten. Only successful extractions are stored.
//!
//! Entries are addressed by content, not by when they were written: the
//! files of two revisions that are the same at the same path share one
//! entry, whichever scan wrote it.
//!
//! A cache directory git tracks is refused ([`Cache::open`]): a pull
//! request could otherwise commit entries that hide its own code. Nothing
//! in the scanned tree may lead the cache elsewhere: the default location
//! ([`Cache::open_under`]) must not pass through a symbolic link, the
//! format and shard directories must be real directories, and an entry is
//! read only if it is a regular file (never through a link, never blocking
//! on a FIFO, never more than [`MAX_ENTRY_BYTES`]).
//!
//! [`Library::fingerprint`]: crate::Library::fingerprint

use bw_facts::FileFacts;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Version of the entry format and key derivation; entries of another
/// format live in another directory and are never read.
pub const CACHE_FORMAT: u32 = 1;

/// Entries larger than this are not read (a few MB for the largest files).
pub const MAX_ENTRY_BYTES: u64 = 64 << 20;

/// Fingerprint of the extraction code this binary was built from.
const EXTRACT_BUILD: &str = env!("BW_EXTRACT_BUILD");

/// An opened cache directory: known not to be tracked by git and writable.
#[derive(Debug, Clone)]
pub struct Cache {
    /// `<dir>/v<FORMAT>`.
    entries: PathBuf,
    /// Entries are read, never written (see [`Cache::read_only`]).
    read_only: bool,
}

/// Why a scan runs without its cache. The message is a one-line warning.
#[derive(Debug, thiserror::Error)]
pub enum CacheUnavailable {
    #[error(
        "{dir} is tracked by git; ignoring it (a committed cache could plant results) — remove it with git rm -r --cached {dir}"
    )]
    Tracked { dir: String },
    #[error("{dir}: could not check whether git tracks it ({error}); scanning without the cache")]
    Git { dir: String, error: String },
    #[error("{dir}: cannot write the facts cache ({error}); scanning without it")]
    NotWritable { dir: String, error: String },
    #[error(
        "{dir}: {link} is a symbolic link; the facts cache follows no link out of the tree, scanning without it"
    )]
    Link { dir: String, link: String },
}

impl Cache {
    /// Open (creating it, with a `.gitignore` of `*`) the cache at `dir`.
    /// Refused when any file under `dir` is in the git index of the
    /// repository holding it, or when `dir` cannot be written.
    pub fn open(dir: &Path) -> Result<Cache, CacheUnavailable> {
        Cache::open_checked(dir, None)
    }

    /// Open the default cache of the tree at `root`,
    /// `root/.breakwater/cache`, as [`Cache::open`] does, refusing it when
    /// `.breakwater` or `.breakwater/cache` is a symbolic link (a tree
    /// could otherwise point the cache's writes anywhere).
    pub fn open_under(root: &Path) -> Result<Cache, CacheUnavailable> {
        Cache::open_checked(&root.join(bw_files::CACHE_DIR), Some(root))
    }

    /// `in_tree`: the root of the tree `dir` lies in at [`bw_files::CACHE_DIR`],
    /// whose every component must be a real directory
    /// ([`bw_files::dir_in_tree`], as for every writer into the tree).
    fn open_checked(dir: &Path, in_tree: Option<&Path>) -> Result<Cache, CacheUnavailable> {
        let shown = dir.display().to_string();
        let (existing, rest) = split_existing(dir);
        match bw_files::git::tracked_under(&existing, &rest) {
            Ok(false) => {}
            Ok(true) => return Err(CacheUnavailable::Tracked { dir: shown }),
            Err(e) => {
                return Err(CacheUnavailable::Git {
                    dir: shown,
                    error: e.message,
                });
            }
        }
        let entries = dir.join(format!("v{CACHE_FORMAT}"));
        let not_writable = |e: std::io::Error| CacheUnavailable::NotWritable {
            dir: shown.clone(),
            error: e.to_string(),
        };
        match in_tree {
            Some(root) => {
                let rel = format!("{}/v{CACHE_FORMAT}", bw_files::CACHE_DIR);
                bw_files::dir_in_tree(root, rel).map_err(|e| match e {
                    bw_files::InTreeError::Link { link, .. } => CacheUnavailable::Link {
                        dir: shown.clone(),
                        link,
                    },
                    other => CacheUnavailable::NotWritable {
                        dir: shown.clone(),
                        error: other.to_string(),
                    },
                })?;
            }
            None => {
                if std::fs::symlink_metadata(&entries).is_ok_and(|m| m.is_symlink()) {
                    return Err(CacheUnavailable::Link {
                        dir: shown,
                        link: entries.display().to_string(),
                    });
                }
                std::fs::create_dir_all(&entries).map_err(not_writable)?;
            }
        }
        // Written whenever it is missing; the write doubles as the check
        // that the directory takes new files.
        let ignore = dir.join(".gitignore");
        if !ignore.exists() {
            write_atomic(dir, ".gitignore", b"*\n").map_err(not_writable)?;
        } else {
            write_atomic(&entries, ".probe", b"").map_err(not_writable)?;
            let _ = std::fs::remove_file(entries.join(".probe"));
        }
        Ok(Cache {
            entries,
            read_only: false,
        })
    }

    /// The same cache, read but never written: for scans of content that
    /// is not in the tree (a change proposed in memory), whose entries
    /// would only fill the directory with files no scan will ask for.
    pub fn read_only(&self) -> Cache {
        Cache {
            entries: self.entries.clone(),
            read_only: true,
        }
    }

    /// The directory holding this format's entries.
    pub fn entries_dir(&self) -> &Path {
        &self.entries
    }

    fn entry_path(&self, key: &str) -> PathBuf {
        self.entries.join(&key[..2]).join(format!("{key}.json"))
    }

    /// The stored facts of `path` under `key`, or `None` (absent, unreadable,
    /// corrupt, or not this key's).
    pub(crate) fn get(&self, key: &str, path: &str) -> Option<FileFacts> {
        let bytes = read_entry(&self.entry_path(key))?;
        let entry: Entry<'_> = serde_json::from_slice(&bytes).ok()?;
        (entry.key == key && entry.facts.path == path).then_some(entry.facts)
    }

    /// Store `facts` under `key`. Failures (disk full, a directory made
    /// read-only mid-scan) only cost the next scan a parse.
    pub(crate) fn put(&self, key: &str, facts: &FileFacts) {
        if self.read_only {
            return;
        }
        let entry = EntryRef { key, facts };
        let Ok(bytes) = serde_json::to_vec(&entry) else {
            return;
        };
        let shard = self.entries.join(&key[..2]);
        // A shard is a real directory made here, never a link elsewhere.
        match std::fs::symlink_metadata(&shard) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return,
            Err(_) => {
                if std::fs::create_dir(&shard).is_err()
                    && !std::fs::symlink_metadata(&shard).is_ok_and(|m| m.is_dir())
                {
                    return;
                }
            }
        }
        let _ = write_atomic(&shard, &format!("{key}.json"), &bytes);
    }
}

/// The bytes of a regular file at `path` (not through a link at its last
/// component, not a FIFO or device), at most [`MAX_ENTRY_BYTES`].
fn read_entry(path: &Path) -> Option<Vec<u8>> {
    bw_files::read_regular(path, MAX_ENTRY_BYTES).ok().flatten()
}

#[derive(Deserialize)]
struct Entry<'a> {
    #[serde(borrow)]
    key: Cow<'a, str>,
    facts: FileFacts,
}

#[derive(Serialize)]
struct EntryRef<'a> {
    key: &'a str,
    facts: &'a FileFacts,
}

/// The key prefix shared by every file of one scan: format, version,
/// extraction build and rule pack.
#[derive(Clone)]
pub(crate) struct Salt(Sha256);

impl Salt {
    pub(crate) fn new(tool_version: &str, extract_build: &str, rule_pack: &str) -> Salt {
        let mut h = Sha256::new();
        h.update(b"breakwater facts cache\0");
        h.update(CACHE_FORMAT.to_le_bytes());
        for part in [tool_version, extract_build, rule_pack] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        Salt(h)
    }

    /// The salt of this binary with this rule pack.
    pub(crate) fn current(rule_pack: &str) -> Salt {
        Salt::new(env!("CARGO_PKG_VERSION"), EXTRACT_BUILD, rule_pack)
    }

    /// The key of one file: its path and the SHA-256 of its bytes.
    pub(crate) fn key(&self, path: &str, content: &[u8]) -> String {
        let mut h = self.0.clone();
        h.update((path.len() as u64).to_le_bytes());
        h.update(path.as_bytes());
        h.update(Sha256::digest(content));
        hex(&h.finalize())
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Write `dir/name` through a temporary file in the same directory and a
/// rename, so no reader ever sees part of it.
fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let tmp = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    let written = std::fs::File::create_new(&tmp).and_then(|mut f| f.write_all(bytes));
    match written.and_then(|_| std::fs::rename(&tmp, dir.join(name))) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// The longest existing ancestor of `dir` and the rest of the path below
/// it (`/`-separated), for asking git about a directory not created yet.
fn split_existing(dir: &Path) -> (PathBuf, String) {
    let abs = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut existing = abs.as_path();
    let mut rest: Vec<String> = vec![];
    while !existing.is_dir() {
        match (existing.parent(), existing.file_name()) {
            (Some(p), Some(n)) => {
                rest.push(n.to_string_lossy().into_owned());
                existing = p;
            }
            _ => break,
        }
    }
    rest.reverse();
    (existing.to_path_buf(), rest.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_input_of_the_key_changes_it() {
        let base = Salt::new("0.1.0", "build-a", "pack-a");
        let key = base.key("app/views.py", b"x = 1\n");
        assert_eq!(key.len(), 64);
        assert!(key.bytes().all(|b| b.is_ascii_hexdigit()));
        // Stable: the same inputs give the same key.
        assert_eq!(
            key,
            Salt::new("0.1.0", "build-a", "pack-a").key("app/views.py", b"x = 1\n")
        );
        let others = [
            Salt::new("0.1.1", "build-a", "pack-a").key("app/views.py", b"x = 1\n"),
            Salt::new("0.1.0", "build-b", "pack-a").key("app/views.py", b"x = 1\n"),
            Salt::new("0.1.0", "build-a", "pack-b").key("app/views.py", b"x = 1\n"),
            base.key("app/views2.py", b"x = 1\n"),
            base.key("app/views.py", b"x = 2\n"),
            // Length-prefixed parts: moving a byte between parts is another key.
            Salt::new("0.1.0b", "uild-a", "pack-a").key("app/views.py", b"x = 1\n"),
        ];
        for (i, k) in others.iter().enumerate() {
            assert_ne!(&key, k, "variant {i} collides");
        }
    }

    /// The build fingerprint the cache keys on covers every workspace
    /// crate whose code decides a file's facts: `bw-facts` and each
    /// `bw-*` crate it depends on (the new core's `bw-flow`, `bw-lower`,
    /// `bw-ir` among them), so an upgrade of any of them never reads
    /// another build's facts.
    #[test]
    fn the_build_fingerprint_covers_every_crate_facts_depend_on() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        let build = std::fs::read_to_string(format!("{root}/engine/build.rs")).unwrap();
        let list = build
            .lines()
            .find(|l| l.starts_with("const FACT_CRATES"))
            .expect("build.rs names FACT_CRATES");
        let manifest = std::fs::read_to_string(format!("{root}/facts/Cargo.toml")).unwrap();
        let deps = manifest
            .split("[dependencies]")
            .nth(1)
            .unwrap()
            .split("\n[")
            .next()
            .unwrap();
        let mut needed = vec!["facts".to_string()];
        for l in deps.lines() {
            if let Some(rest) = l.trim().strip_prefix("bw-") {
                needed.push(rest.split(['.', ' ', '=']).next().unwrap().to_string());
            }
        }
        assert!(needed.len() > 3, "{needed:?}");
        for n in needed {
            assert!(
                list.contains(&format!("\"{n}\"")),
                "`{n}` decides facts but the cache's build fingerprint does not cover it: {list}"
            );
        }
    }

    #[test]
    fn hex_matches_the_files_crate() {
        let d = Sha256::digest(b"abc");
        assert_eq!(hex(&d), bw_files::content_hash(b"abc"));
    }

    fn sample(path: &str) -> FileFacts {
        bw_facts::extract(
            path,
            bw_files::Lang::Python,
            "import os\nfrom flask import request\nos.system(request.args[\"c\"])\n",
            &bw_facts::flowspec::FlowSpec::builtin(),
        )
        .unwrap()
    }

    #[test]
    fn an_entry_round_trips_and_a_corrupt_one_is_a_miss_then_overwritten() {
        let d = tempfile::tempdir().unwrap();
        let cache = Cache::open(&d.path().join("c")).unwrap();
        assert_eq!(
            std::fs::read_to_string(d.path().join("c/.gitignore")).unwrap(),
            "*\n"
        );
        let salt = Salt::new("v", "b", "r");
        let facts = sample("a.py");
        assert!(!facts.facts.is_empty());
        let key = salt.key("a.py", b"text");
        assert!(cache.get(&key, "a.py").is_none());
        cache.put(&key, &facts);
        let file = cache.entry_path(&key);
        assert!(file.starts_with(d.path().join("c/v1").join(&key[..2])));
        assert_eq!(cache.get(&key, "a.py"), Some(facts.clone()));
        // The path is checked too: an entry never serves another file.
        assert!(cache.get(&key, "b.py").is_none());

        for junk in [
            &b""[..],
            b"{\"key\":",
            b"\xff\xfe",
            b"[]",
            b"{\"key\":\"x\",\"facts\":{}}",
        ] {
            std::fs::write(&file, junk).unwrap();
            assert!(cache.get(&key, "a.py").is_none(), "{junk:?} was read");
        }
        cache.put(&key, &facts);
        assert_eq!(cache.get(&key, "a.py"), Some(facts));
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(file.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn an_entry_under_another_key_is_a_miss() {
        let d = tempfile::tempdir().unwrap();
        let cache = Cache::open(d.path()).unwrap();
        let salt = Salt::new("v", "b", "r");
        let (k1, k2) = (salt.key("a.py", b"1"), salt.key("a.py", b"2"));
        cache.put(&k1, &sample("a.py"));
        std::fs::create_dir_all(cache.entry_path(&k2).parent().unwrap()).unwrap();
        std::fs::copy(cache.entry_path(&k1), cache.entry_path(&k2)).unwrap();
        assert!(cache.get(&k2, "a.py").is_none());
    }

    #[test]
    fn a_directory_that_cannot_be_made_is_not_writable() {
        let d = tempfile::tempdir().unwrap();
        // `.breakwater` is a file, so nothing can be created under it
        // (whoever runs the test, root included).
        std::fs::write(d.path().join(".breakwater"), "").unwrap();
        let e = Cache::open(&d.path().join(".breakwater/cache")).unwrap_err();
        assert!(matches!(e, CacheUnavailable::NotWritable { .. }), "{e}");
        assert!(e.to_string().contains("cannot write the facts cache"));
    }

    #[cfg(unix)]
    #[test]
    fn links_never_lead_the_cache_out_of_the_tree() {
        use std::os::unix::fs::symlink;
        let d = tempfile::tempdir().unwrap();
        let outside = d.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        let empty = |p: &Path| std::fs::read_dir(p).unwrap().next().is_none();

        // `.breakwater` or `.breakwater/cache` as a link: refused, nothing written.
        let root = d.path().join("a");
        std::fs::create_dir(&root).unwrap();
        symlink(&outside, root.join(".breakwater")).unwrap();
        let e = Cache::open_under(&root).unwrap_err();
        assert!(matches!(e, CacheUnavailable::Link { .. }), "{e}");
        let root = d.path().join("b");
        std::fs::create_dir_all(root.join(".breakwater")).unwrap();
        symlink(&outside, root.join(".breakwater/cache")).unwrap();
        assert!(Cache::open_under(&root).is_err());
        // Whatever the location, the format directory is never a link.
        let dir = d.path().join("c");
        std::fs::create_dir(&dir).unwrap();
        symlink(&outside, dir.join("v1")).unwrap();
        assert!(Cache::open(&dir).is_err());
        assert!(empty(&outside));

        // A shard that is a link is not written through.
        let root = d.path().join("d");
        std::fs::create_dir(&root).unwrap();
        let cache = Cache::open_under(&root).unwrap();
        let salt = Salt::new("v", "b", "r");
        let key = salt.key("a.py", b"1");
        symlink(&outside, cache.entries_dir().join(&key[..2])).unwrap();
        cache.put(&key, &sample("a.py"));
        assert!(empty(&outside));
        assert!(cache.get(&key, "a.py").is_none());
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_read_as_entries() {
        let d = tempfile::tempdir().unwrap();
        let cache = Cache::open(d.path()).unwrap();
        let salt = Salt::new("v", "b", "r");
        let (k1, k2, k3) = (
            salt.key("a.py", b"1"),
            salt.key("a.py", b"2"),
            salt.key("a.py", b"3"),
        );
        cache.put(&k1, &sample("a.py"));
        assert!(cache.get(&k1, "a.py").is_some());
        // A link to a valid entry is still not read.
        let p2 = cache.entry_path(&k2);
        std::fs::create_dir_all(p2.parent().unwrap()).unwrap();
        std::fs::copy(cache.entry_path(&k1), d.path().join("planted")).unwrap();
        let text = std::fs::read_to_string(d.path().join("planted")).unwrap();
        std::fs::write(d.path().join("planted"), text.replace(&k1, &k2)).unwrap();
        std::os::unix::fs::symlink(d.path().join("planted"), &p2).unwrap();
        assert!(cache.get(&k2, "a.py").is_none());
        // A FIFO does not block the scan.
        let p3 = cache.entry_path(&k3);
        std::fs::create_dir_all(p3.parent().unwrap()).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(&p3)
            .status()
            .unwrap();
        assert!(made.success());
        assert!(cache.get(&k3, "a.py").is_none());
        // Both are overwritten by real entries.
        cache.put(&k2, &sample("a.py"));
        cache.put(&k3, &sample("a.py"));
        assert!(cache.get(&k2, "a.py").is_some() && cache.get(&k3, "a.py").is_some());
    }

    #[test]
    fn split_existing_finds_the_nearest_directory() {
        let d = tempfile::tempdir().unwrap();
        let (base, rest) = split_existing(&d.path().join(".breakwater/cache"));
        assert_eq!(base, std::path::absolute(d.path()).unwrap());
        assert_eq!(rest, ".breakwater/cache");
        std::fs::create_dir_all(d.path().join(".breakwater/cache")).unwrap();
        let (base, rest) = split_existing(&d.path().join(".breakwater/cache"));
        assert_eq!(base, d.path().join(".breakwater/cache"));
        assert_eq!(rest, "");
    }
}
