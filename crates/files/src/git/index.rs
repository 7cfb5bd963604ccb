//! What the git index says about the scanned tree, read from the repository's own
//! files with gix: git itself is never run.
//!
//! Today: whether anything under a directory is in the index (the facts
//! cache refuses to use a directory a commit could have filled).

use std::path::{Component, Path, PathBuf};

/// A repository was found but could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{path}: could not read the git repository: {message}")]
pub struct IndexError {
    pub path: String,
    pub message: String,
}

/// True when the git index of the repository containing `root` holds a
/// file at or under `root/prefix` (`prefix` is relative, `/`-separated),
/// or a file where one of its parent directories should be (a tracked
/// symbolic link in place of `.breakwater`). The path is checked both as
/// spelled and with symbolic links resolved. No repository: `false`.
pub fn tracked_under(root: &Path, prefix: &str) -> Result<bool, IndexError> {
    let err = |message: String| IndexError {
        path: root.display().to_string(),
        message,
    };
    let repo = match gix::discover(root) {
        Ok(r) => r,
        Err(e) => {
            use gix::discover::upwards::Error as Up;
            return match e.downcast_any_ref::<Up>() {
                Some(
                    Up::NoGitRepository { .. }
                    | Up::NoGitRepositoryWithinCeiling { .. }
                    | Up::NoGitRepositoryWithinFs { .. },
                ) => Ok(false),
                _ => Err(err(e.to_string())),
            };
        }
    };
    // A bare repository has no work tree for the directory to be in.
    let Some(workdir) = repo.workdir() else {
        return Ok(false);
    };
    let workdir = std::fs::canonicalize(workdir).map_err(|e| err(e.to_string()))?;
    let root = std::fs::canonicalize(root).map_err(|e| err(e.to_string()))?;
    let spelled = root.join(prefix);
    let mut candidates: Vec<String> = vec![];
    candidates.extend(relative_to(&workdir, &spelled));
    if let Some(resolved) = resolve_existing(&spelled) {
        candidates.extend(relative_to(&workdir, &resolved));
    }
    if candidates.is_empty() {
        return Ok(false);
    }
    let index = repo.index_or_empty().map_err(|e| err(e.to_string()))?;
    Ok(index.entries().iter().any(|entry| {
        let path = entry.path(&index);
        candidates.iter().any(|c| overlaps(path, c.as_bytes()))
    }))
}

/// What the index of the repository around a scanned directory says about
/// the files under it: the walk lists these even where a `.gitignore`
/// matches them (tracked files are code, whatever `.gitignore` says), and
/// skips the submodules (other repositories) it records.
pub(crate) struct IndexView {
    /// The repository's work tree, links resolved.
    pub workdir: PathBuf,
    /// Tracked files (links included) under the scanned directory, relative
    /// to it, as the index spells them (bytes: a name need not be UTF-8).
    pub files: Vec<Vec<u8>>,
    /// Submodules (gitlink entries) under the scanned directory.
    pub submodules: Vec<Vec<u8>>,
    /// The repository's own exclude file (`info/exclude`), outside the tree.
    pub exclude_file: Option<PathBuf>,
}

/// The [`IndexView`] of `root`; `None` when it is not inside a work tree
/// (or the index cannot be read: the walk then lists what `.gitignore`
/// leaves, as outside git).
pub(crate) fn index_view(root: &Path) -> Option<IndexView> {
    use gix::index::entry::Mode;
    let repo = gix::discover(root).ok()?;
    let workdir = std::fs::canonicalize(repo.workdir()?).ok()?;
    let canon = std::fs::canonicalize(root).ok()?;
    let mut prefix = relative_to(&workdir, &canon)?;
    if !prefix.is_empty() {
        prefix.push('/');
    }
    let index = repo.index_or_empty().ok()?;
    let (mut files, mut submodules) = (vec![], vec![]);
    for entry in index.entries() {
        let path: &[u8] = entry.path(&index);
        let Some(rel) = path.strip_prefix(prefix.as_bytes()) else {
            continue;
        };
        if entry.mode == Mode::COMMIT {
            submodules.push(rel.to_vec());
        } else {
            files.push(rel.to_vec());
        }
    }
    // A conflicted path has one entry per stage.
    files.dedup();
    submodules.dedup();
    Some(IndexView {
        workdir,
        files,
        submodules,
        exclude_file: Some(repo.common_dir().join("info").join("exclude")),
    })
}

/// `path` is `dir`, inside it, or one of its parents.
fn overlaps(path: &[u8], dir: &[u8]) -> bool {
    let under = |a: &[u8], b: &[u8]| {
        b.is_empty() || a == b || (a.starts_with(b) && a.get(b.len()) == Some(&b'/'))
    };
    under(path, dir) || under(dir, path)
}

/// `path` relative to `base`, `/`-separated, when it lies inside it.
fn relative_to(base: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(base).ok()?;
    let mut parts = vec![];
    for c in rel.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_str()?.to_string()),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(parts.join("/"))
}

/// `path` with symbolic links resolved, for the part of it that exists.
fn resolve_existing(path: &Path) -> Option<PathBuf> {
    let mut existing = path;
    let mut rest = vec![];
    loop {
        if let Ok(p) = std::fs::canonicalize(existing) {
            let mut out = p;
            out.extend(rest.iter().rev());
            return Some(out);
        }
        rest.push(existing.file_name()?);
        existing = existing.parent()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{git, write};

    #[test]
    fn no_repository_means_nothing_is_tracked() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), ".breakwater/cache/v1/ab/x.json", "{}");
        assert!(!tracked_under(d.path(), ".breakwater/cache").unwrap());
    }

    #[test]
    fn staged_file_under_the_prefix_is_tracked_untracked_is_not() {
        let d = tempfile::tempdir().unwrap();
        git(d.path(), &["init", "-q"]);
        write(d.path(), "app.py", "x = 1\n");
        write(d.path(), ".breakwater/cache/v1/ab/x.json", "{}");
        write(d.path(), ".breakwater/cachet/y.json", "{}");
        git(d.path(), &["add", "app.py", ".breakwater/cachet/y.json"]);
        // A sibling whose name merely starts with the prefix does not count.
        assert!(!tracked_under(d.path(), ".breakwater/cache").unwrap());
        git(d.path(), &["add", "-f", ".breakwater/cache/v1/ab/x.json"]);
        assert!(tracked_under(d.path(), ".breakwater/cache").unwrap());
        // Committed and still in the index: still tracked.
        git(d.path(), &["commit", "-q", "-m", "plant"]);
        assert!(tracked_under(d.path(), ".breakwater/cache").unwrap());
    }

    #[test]
    fn root_below_the_work_tree_is_resolved_against_it() {
        let d = tempfile::tempdir().unwrap();
        git(d.path(), &["init", "-q"]);
        write(d.path(), "svc/.breakwater/cache/v1/ab/x.json", "{}");
        let svc = d.path().join("svc");
        assert!(!tracked_under(&svc, ".breakwater/cache").unwrap());
        git(d.path(), &["add", "-f", "svc/.breakwater/cache"]);
        assert!(tracked_under(&svc, ".breakwater/cache").unwrap());
        // The same file seen from the repository root.
        assert!(tracked_under(d.path(), "svc/.breakwater/cache").unwrap());
        assert!(!tracked_under(d.path(), ".breakwater/cache").unwrap());
    }

    #[cfg(unix)]
    #[test]
    fn a_tracked_link_in_place_of_a_parent_is_tracked() {
        let d = tempfile::tempdir().unwrap();
        git(d.path(), &["init", "-q"]);
        write(d.path(), "planted/cache/v1/ab/x.json", "{}");
        std::os::unix::fs::symlink("planted", d.path().join(".breakwater")).unwrap();
        git(d.path(), &["add", ".breakwater"]);
        assert!(tracked_under(d.path(), ".breakwater/cache").unwrap());
        // And through the link: the files it leads to are tracked too.
        git(d.path(), &["rm", "-q", "--cached", ".breakwater"]);
        assert!(!tracked_under(d.path(), ".breakwater/cache").unwrap());
        git(d.path(), &["add", "-f", "planted/cache"]);
        assert!(tracked_under(d.path(), ".breakwater/cache").unwrap());
    }

    #[test]
    fn overlap_is_by_whole_path_components() {
        assert!(overlaps(b".breakwater/cache/v1/x", b".breakwater/cache"));
        assert!(overlaps(b".breakwater/cache", b".breakwater/cache"));
        assert!(overlaps(b".breakwater", b".breakwater/cache"));
        assert!(!overlaps(b".breakwater/cachex", b".breakwater/cache"));
        assert!(!overlaps(b".breakwaterx", b".breakwater/cache"));
        assert!(overlaps(b"anything", b""));
    }
}
