//! Reading another revision straight from git objects (gix): no checkout,
//! no worktree, no `git` process, nothing from the repository executed.
//!
//! [`GitRepo`] finds the repository around a directory, resolves revisions
//! and merge bases, and offers a commit's tree as a [`FileSource`]
//! ([`TreeSource`]) so `diff` runs the same pipeline over the base revision
//! as over the working tree. It also answers the history questions `diff`
//! asks: which commits a change holds and who wrote them.

use crate::{Entry, FileSource, Listing, SkipReason, SourceError, detect_lang};
use gix::ObjectId;
use std::path::{Path, PathBuf};

/// Errors reading git data, with what to do.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error(
        "{path}: not inside a git repository; diff needs git history (run `git init`, or scan instead)"
    )]
    NoRepo { path: String },
    #[error(
        "`{rev}` is not a revision of this repository: {error}\n  = help: check the name (`git branch -a`); in CI, a shallow checkout lacks the base: fetch the history (GitHub: `fetch-depth: 0`, GitLab: `GIT_DEPTH: 0`)"
    )]
    BadRevision { rev: String, error: String },
    #[error(
        "no common ancestor between {a} and {b}; pass the base revision explicitly (in CI, a shallow checkout hides it: fetch the history)"
    )]
    NoMergeBase { a: String, b: String },
    #[error(
        "could not find the default branch (tried origin/HEAD, origin/main, origin/master, main, master); pass the base revision explicitly, e.g. `breakwater diff origin/develop`"
    )]
    NoDefaultBranch,
    #[error("git: {0}")]
    Other(String),
}

fn other(e: impl std::fmt::Display) -> GitError {
    GitError::Other(e.to_string())
}

/// A commit, as a person reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    pub id: String,
    /// `Name <email>`.
    pub author: String,
    pub summary: String,
    /// Commit time, seconds since the epoch.
    pub time: i64,
}

/// The repository around a scanned directory.
pub struct GitRepo {
    repo: gix::ThreadSafeRepository,
    /// The scanned directory relative to the work tree (`""` at the top,
    /// else `services/api/`): only files under it are offered, with the
    /// prefix removed, so paths match a scan of that directory.
    prefix: String,
}

impl GitRepo {
    /// The repository containing `root`.
    pub fn discover(root: &Path) -> Result<GitRepo, GitError> {
        let no_repo = || GitError::NoRepo {
            path: root.display().to_string(),
        };
        let repo = gix::discover(root).map_err(|_| no_repo())?;
        let workdir = repo.workdir().ok_or_else(no_repo)?.to_path_buf();
        let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        let (root, workdir) = (canon(root), canon(&workdir));
        let rel: PathBuf = root.strip_prefix(&workdir).map_err(|_| no_repo())?.into();
        let mut prefix = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        if !prefix.is_empty() {
            prefix.push('/');
        }
        Ok(GitRepo {
            repo: repo.into_sync(),
            prefix,
        })
    }

    fn local(&self) -> gix::Repository {
        self.repo.to_thread_local()
    }

    /// The commit a revision names (`HEAD`, `main`, `origin/main~2`, a hash).
    pub fn resolve(&self, rev: &str) -> Result<ObjectId, GitError> {
        let repo = self.local();
        let bad = |e: String| GitError::BadRevision {
            rev: rev.to_string(),
            error: e,
        };
        let id = repo.rev_parse_single(rev).map_err(|e| bad(e.to_string()))?;
        let commit = id
            .object()
            .map_err(|e| bad(e.to_string()))?
            .peel_to_commit()
            .map_err(|e| bad(e.to_string()))?;
        Ok(commit.id)
    }

    /// The best common ancestor of two commits.
    pub fn merge_base(&self, a: ObjectId, b: ObjectId) -> Result<ObjectId, GitError> {
        let repo = self.local();
        match repo.merge_base(a, b) {
            Ok(Some(id)) => Ok(id.detach()),
            _ => Err(GitError::NoMergeBase {
                a: a.to_hex_with_len(8).to_string(),
                b: b.to_hex_with_len(8).to_string(),
            }),
        }
    }

    /// The default branch: what `origin/HEAD` points at, else the first of
    /// origin/main, origin/master, main, master that exists.
    pub fn default_branch(&self) -> Result<String, GitError> {
        let repo = self.local();
        if let Ok(r) = repo.find_reference("refs/remotes/origin/HEAD")
            && let Some(name) = r.target().try_name()
        {
            let name = name.as_bstr().to_string();
            return Ok(name
                .strip_prefix("refs/remotes/")
                .unwrap_or(&name)
                .to_string());
        }
        for name in ["origin/main", "origin/master", "main", "master"] {
            if repo.rev_parse_single(name).is_ok() {
                return Ok(name.to_string());
            }
        }
        Err(GitError::NoDefaultBranch)
    }

    /// A short label for a commit (`a1b2c3d4`).
    pub fn short(&self, id: ObjectId) -> String {
        id.to_hex_with_len(8).to_string()
    }

    /// The commits reachable from `head` but not from `base`, oldest first.
    pub fn commits_between(
        &self,
        base: ObjectId,
        head: ObjectId,
    ) -> Result<Vec<CommitInfo>, GitError> {
        let repo = self.local();
        let walk = repo
            .rev_walk([head])
            .with_hidden([base])
            .all()
            .map_err(other)?;
        let mut out = vec![];
        for info in walk {
            let info = info.map_err(other)?;
            let commit = info.object().map_err(other)?;
            out.push(commit_info(&commit));
        }
        out.reverse();
        Ok(out)
    }

    /// The oldest commit on HEAD's first-parent history (at most `max`
    /// commits back) from which on `path` contained every text in
    /// `needles` (whitespace ignored): when the code under a threat first
    /// appeared. One entry per needle set, in order; `None` when HEAD's
    /// version does not contain it.
    pub fn first_seen(
        &self,
        path: &str,
        needles: &[Vec<String>],
        max: usize,
    ) -> Result<Vec<Option<CommitInfo>>, GitError> {
        let repo = self.local();
        let head = self.resolve("HEAD")?;
        let walk = repo
            .rev_walk([head])
            .first_parent_only()
            .all()
            .map_err(other)?;
        let full = format!("{}{path}", self.prefix);
        let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let needles: Vec<Vec<String>> = needles
            .iter()
            .map(|n| n.iter().map(|x| squash(x)).collect())
            .collect();
        let mut result: Vec<Option<CommitInfo>> = vec![None; needles.len()];
        let mut alive: Vec<bool> = vec![true; needles.len()];
        let mut last_blob: Option<(ObjectId, Vec<bool>)> = None;
        for info in walk.take(max) {
            let info = info.map_err(other)?;
            let commit = info.object().map_err(other)?;
            let tree = commit.tree().map_err(other)?;
            let blob = tree
                .lookup_entry_by_path(full.as_str())
                .map_err(other)?
                .filter(|e| e.mode().is_blob())
                .map(|e| e.oid().to_owned());
            let has: Vec<bool> = match (&blob, &last_blob) {
                (Some(b), Some((lb, h))) if b == lb => h.clone(),
                (Some(b), _) => {
                    let data = repo.find_object(*b).map_err(other)?.detach().data;
                    let text = squash(&String::from_utf8_lossy(&data));
                    needles
                        .iter()
                        .map(|n| n.iter().all(|x| text.contains(x.as_str())))
                        .collect()
                }
                (None, _) => vec![false; needles.len()],
            };
            for i in 0..needles.len() {
                if alive[i] && has[i] {
                    result[i] = Some(commit_info(&commit));
                } else {
                    alive[i] = false;
                }
            }
            if !alive.iter().any(|a| *a) {
                break;
            }
            last_blob = blob.map(|b| (b, has));
        }
        Ok(result)
    }

    /// One file of a commit (a path relative to the scanned directory), or
    /// `None` when the commit does not have it.
    pub fn file_at(&self, commit: ObjectId, path: &str) -> Result<Option<Vec<u8>>, GitError> {
        let repo = self.local();
        let tree = tree_of(&repo, commit)?;
        let full = format!("{}{path}", self.prefix);
        let entry = tree.lookup_entry_by_path(full.as_str()).map_err(other)?;
        match entry {
            Some(e) if e.mode().is_blob() => {
                let at = format!("commit {}", self.short(commit));
                bounded_blob(&repo, e.oid().to_owned(), path, &at).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// The person git would record for a commit made now (`user.name`,
    /// `user.email` from git config, read without running git), if set.
    pub fn user(&self) -> Option<String> {
        let repo = self.local();
        let cfg = repo.config_snapshot();
        let name = cfg.string("user.name").map(|s| s.to_string());
        let email = cfg.string("user.email").map(|s| s.to_string());
        match (name, email) {
            (Some(n), Some(e)) => Some(format!("{n} <{e}>")),
            (Some(n), None) => Some(n),
            (None, Some(e)) => Some(format!("<{e}>")),
            (None, None) => None,
        }
    }

    /// A commit's tree as a file source: everything the commit holds under
    /// the scanned directory, with the walk's size limit, link policy and
    /// exclusions (the facts cache). `.gitignore` has no say over committed
    /// files: a tracked file is code, and the working tree's walk lists it
    /// too. Submodules are listed as skipped.
    pub fn tree_source(
        &self,
        commit: ObjectId,
        opts: &crate::WalkOptions,
    ) -> Result<TreeSource, GitError> {
        let repo = self.local();
        let tree = tree_of(&repo, commit)?;
        let mut rec = gix::traverse::tree::Recorder::default();
        tree.traverse().breadthfirst(&mut rec).map_err(other)?;
        let entries: Vec<(Vec<u8>, BlobKind, ObjectId)> = rec
            .records
            .into_iter()
            .map(|e| {
                let kind = if e.mode.is_link() {
                    BlobKind::Link
                } else if e.mode.is_blob() {
                    BlobKind::File
                } else if e.mode.is_commit() {
                    BlobKind::Submodule
                } else {
                    BlobKind::Other
                };
                (e.filepath.to_vec(), kind, e.oid)
            })
            .collect();
        self.blob_source(&repo, &entries, opts)
    }

    /// The commit HEAD points at; `None` on a branch with no commit yet.
    pub fn head(&self) -> Result<Option<ObjectId>, GitError> {
        let repo = self.local();
        let head = repo.head().map_err(other)?;
        if head.is_unborn() {
            return Ok(None);
        }
        self.resolve("HEAD").map(Some)
    }

    /// The git index (the staging area: what `git commit` would record) as
    /// a file source, as [`GitRepo::tree_source`] offers a tree. Only merged entries are
    /// offered: a path with an unresolved conflict cannot be committed, and
    /// an entry added with `git add -N` (intent to add) has no staged
    /// content yet.
    pub fn index_source(&self, opts: &crate::WalkOptions) -> Result<TreeSource, GitError> {
        use gix::index::entry::{Flags, Mode, Stage};
        let repo = self.local();
        let index = repo.index_or_empty().map_err(other)?;
        let entries: Vec<(Vec<u8>, BlobKind, ObjectId)> = index
            .entries()
            .iter()
            .filter(|e| e.stage() == Stage::Unconflicted && !e.flags.contains(Flags::INTENT_TO_ADD))
            .map(|e| {
                let kind = if e.mode == Mode::SYMLINK {
                    BlobKind::Link
                } else if e.mode == Mode::FILE || e.mode == Mode::FILE_EXECUTABLE {
                    BlobKind::File
                } else if e.mode == Mode::COMMIT {
                    BlobKind::Submodule
                } else {
                    BlobKind::Other
                };
                (e.path(&index).to_vec(), kind, e.id)
            })
            .collect();
        self.blob_source(&repo, &entries, opts)
    }

    /// One file of the index (a path relative to the scanned directory),
    /// or `None` when it is not staged.
    pub fn file_in_index(&self, path: &str) -> Result<Option<Vec<u8>>, GitError> {
        use gix::index::entry::{Mode, Stage};
        let repo = self.local();
        let index = repo.index_or_empty().map_err(other)?;
        let full = format!("{}{path}", self.prefix);
        let entry = index.entries().iter().find(|e| {
            e.stage() == Stage::Unconflicted
                && (e.mode == Mode::FILE || e.mode == Mode::FILE_EXECUTABLE)
                && e.path(&index) == full.as_bytes()
        });
        match entry {
            Some(e) => bounded_blob(&repo, e.id, path, "the index").map(Some),
            None => Ok(None),
        }
    }

    /// The blobs under the scanned directory as a file source: links,
    /// submodules, names that are not UTF-8 and oversized files listed as
    /// skipped; excluded and unread files left out.
    fn blob_source(
        &self,
        repo: &gix::Repository,
        entries: &[(Vec<u8>, BlobKind, ObjectId)],
        opts: &crate::WalkOptions,
    ) -> Result<TreeSource, GitError> {
        let max_file_bytes = opts.max_file_bytes;
        let mut listing = Listing::default();
        let mut blobs = std::collections::BTreeMap::new();
        let mut too_large = std::collections::BTreeMap::new();
        for (full, kind, oid) in entries {
            let Some(path) = full.strip_prefix(self.prefix.as_bytes()) else {
                continue;
            };
            let path = match std::str::from_utf8(path) {
                Ok(p) => p.to_string(),
                Err(_) => {
                    let lossy = String::from_utf8_lossy(path).into_owned();
                    if *kind == BlobKind::Link
                        || (*kind == BlobKind::File && detect_lang(&lossy).is_some())
                    {
                        listing.skipped.push((lossy, SkipReason::NonUtf8Name));
                    }
                    continue;
                }
            };
            if path.split('/').any(|c| c == ".git")
                || opts
                    .exclude
                    .iter()
                    .any(|x| path == *x || path.starts_with(&format!("{x}/")))
            {
                continue;
            }
            match kind {
                BlobKind::Link => {
                    listing.skipped.push((path, SkipReason::Symlink));
                    continue;
                }
                BlobKind::Submodule => {
                    listing.skipped.push((path, SkipReason::Submodule));
                    continue;
                }
                BlobKind::Other => continue,
                BlobKind::File => {}
            }
            if detect_lang(&path).is_none() {
                continue;
            }
            let size = repo.find_header(*oid).map(|h| h.size()).map_err(other)?;
            if size > max_file_bytes && crate::size_limited(&path) {
                too_large.insert(path.clone(), *oid);
                listing.skipped.push((
                    path,
                    SkipReason::TooLarge {
                        bytes: size,
                        limit: max_file_bytes,
                    },
                ));
                continue;
            }
            listing.files.push(Entry {
                path: path.clone(),
                size,
            });
            blobs.insert(path, *oid);
        }
        listing.files.sort();
        listing.skipped.sort();
        Ok(TreeSource {
            repo: self.repo.clone(),
            listing,
            blobs,
            too_large,
            handles: std::sync::Mutex::new(vec![]),
        })
    }
}

/// What a tree or index entry is, for [`GitRepo::blob_source`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum BlobKind {
    File,
    Link,
    /// A gitlink: a commit of another repository.
    Submodule,
    Other,
}

/// A blob read by name (the model file, a file of the history), at most
/// [`crate::MAX_CONFIG_BYTES`]: a small pack entry can inflate to
/// gigabytes, and its header says how large before it is read.
fn bounded_blob(
    repo: &gix::Repository,
    oid: ObjectId,
    path: &str,
    at: &str,
) -> Result<Vec<u8>, GitError> {
    let size = repo.find_header(oid).map(|h| h.size()).map_err(other)?;
    if size > crate::MAX_CONFIG_BYTES {
        return Err(GitError::Other(format!(
            "{path} in {at} is larger than {} bytes ({size}); it is not read",
            crate::MAX_CONFIG_BYTES
        )));
    }
    Ok(repo.find_object(oid).map_err(other)?.detach().data)
}

fn tree_of(repo: &gix::Repository, commit: ObjectId) -> Result<gix::Tree<'_>, GitError> {
    repo.find_commit(commit)
        .map_err(other)?
        .tree()
        .map_err(other)
}

fn commit_info(commit: &gix::Commit<'_>) -> CommitInfo {
    let author = commit
        .author()
        .map(|a| format!("{} <{}>", a.name, a.email))
        .unwrap_or_default();
    let summary = commit
        .message()
        .map(|m| m.summary().to_string())
        .unwrap_or_default();
    let time = commit.time().map(|t| t.seconds).unwrap_or(0);
    CommitInfo {
        id: commit.id.to_string(),
        author,
        summary,
        time,
    }
}

/// The files of one commit (or of the index), read from the object
/// database on demand.
pub struct TreeSource {
    repo: gix::ThreadSafeRepository,
    listing: Listing,
    blobs: std::collections::BTreeMap<String, ObjectId>,
    /// The blobs over the size limit: never read, but their ids tell
    /// their versions apart.
    too_large: std::collections::BTreeMap<String, ObjectId>,
    handles: std::sync::Mutex<Vec<gix::Repository>>,
}

impl FileSource for TreeSource {
    fn list(&self) -> Result<Listing, SourceError> {
        Ok(self.listing.clone())
    }

    /// The blob's own id: nothing is read.
    fn digest(&self, path: &str) -> Option<String> {
        self.blobs
            .get(path)
            .or_else(|| self.too_large.get(path))
            .map(|id| id.to_hex().to_string())
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, SourceError> {
        let Some(id) = self.blobs.get(path) else {
            return Err(SourceError::Missing { path: path.into() });
        };
        // One thread-local handle per worker, reused: making one per read
        // costs more than inflating most blobs.
        let repo = self
            .handles
            .lock()
            .ok()
            .and_then(|mut v| v.pop())
            .unwrap_or_else(|| self.repo.to_thread_local());
        let data = repo
            .find_object(*id)
            .map(|o| o.detach().data)
            .map_err(|e| SourceError::Io {
                path: path.into(),
                error: e.to_string(),
            });
        if let Ok(mut v) = self.handles.lock() {
            v.push(repo);
        }
        data
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{git, write};

    #[test]
    fn a_commit_lists_what_is_in_it_whatever_gitignore_says() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        git(root, &["init", "-q"]);
        write(root, "app.py", "x = 1\n");
        write(root, "hidden.py", "import os\n");
        write(root, ".gitignore", "hidden.py\n");
        git(root, &["add", "app.py", ".gitignore"]);
        git(root, &["add", "-f", "hidden.py"]);
        // A submodule: a gitlink entry, another repository's commit.
        let blob = "0123456789012345678901234567890123456789";
        git(
            root,
            &[
                "update-index",
                "--add",
                "--cacheinfo",
                &format!("160000,{blob},libs/sub"),
            ],
        );
        git(root, &["commit", "-q", "-m", "c"]);
        let repo = GitRepo::discover(root).unwrap();
        let head = repo.resolve("HEAD").unwrap();
        let opts = crate::WalkOptions::default();
        for src in [
            repo.tree_source(head, &opts).unwrap(),
            repo.index_source(&opts).unwrap(),
        ] {
            let l = src.list().unwrap();
            let files: Vec<&str> = l.files.iter().map(|e| e.path.as_str()).collect();
            assert_eq!(files, ["app.py", "hidden.py"]);
            assert_eq!(l.skipped, [("libs/sub".to_string(), SkipReason::Submodule)]);
            assert_eq!(src.read("hidden.py").unwrap(), b"import os\n");
        }
    }
}
