//! What a repository on disk holds besides its code: the model file, the
//! adoption baseline, the architecture snapshot. Every front end (CLI, MCP
//! server, editor) reads them here, through the one reader of files
//! breakwater names itself ([`bw_files::read_in_tree`]: no link followed,
//! no FIFO or device opened, at most [`MAX_CONFIG_BYTES`] read); each front
//! end adds its own advice to the error (what to do differs: fix and rerun,
//! or fix and the server scans again).

use bw_files::{MAX_CONFIG_BYTES, read_text_in_tree};
use bw_model::modelfile::{FILE_NAME, ModelFile};
use bw_threats::baseline::{BASELINE_PATH, Baseline};
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

/// The text of a file breakwater reads by name under `root` (`rel` is
/// relative, `/`-separated), if it exists. Errors say what is wrong (a
/// link, a FIFO, too large, not UTF-8) and never quote the content.
pub fn read_named(root: &Path, rel: impl AsRef<Path>) -> Result<Option<String>, String> {
    read_text_in_tree(root, rel, MAX_CONFIG_BYTES).map_err(|e| e.to_string())
}

/// The repository's model file (`breakwater.toml`), if it has one. The
/// error names the file and the line.
pub fn read_model_file(root: &Path) -> Result<Option<ModelFile>, String> {
    match read_named(root, FILE_NAME)? {
        Some(text) => ModelFile::parse(FILE_NAME, &text)
            .map(Some)
            .map_err(|e| e.to_string()),
        None => Ok(None),
    }
}

/// The adoption baseline (`.breakwater/baseline.toml`), if there is one
/// (no `.breakwater` directory, or a file by that name: none).
pub fn read_baseline(root: &Path) -> Result<Option<Baseline>, String> {
    match read_named(root, BASELINE_PATH)? {
        Some(text) => Baseline::parse(&text)
            .map(Some)
            .map_err(|e| format!("{BASELINE_PATH}: {e}")),
        None => Ok(None),
    }
}

/// Where a command works: the model root found from the path it was
/// given, and which part of that root the path names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelRoot {
    /// The model root, written as the user can read it: the path as given
    /// when it is the root, else relative to the current directory when
    /// one contains the other (`../..`, `services/api`), else absolute.
    pub root: PathBuf,
    /// The given path relative to the root, `/`-separated (`app/api`, or
    /// a file `app/api/users.py`); empty when it is the root itself.
    pub scope: String,
    /// Why this folder is the root.
    pub found_by: RootFoundBy,
}

/// How the model root was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootFoundBy {
    /// The nearest folder upward holding `breakwater.toml`.
    ModelFile,
    /// No model file up to the repository root (the folder with `.git`).
    Repository,
    /// Neither a model file nor a repository above: the given path.
    Given,
    /// The given folder lies inside a repository but none of its files is
    /// part of it (ignored by its `.gitignore`): the folder itself, as a
    /// project of its own, rather than a scan of the repository that
    /// reports nothing about it.
    Ignored,
}

impl RootFoundBy {
    /// For `-v`: why this folder.
    pub fn describe(self) -> &'static str {
        match self {
            RootFoundBy::ModelFile => "it holds breakwater.toml",
            RootFoundBy::Repository => {
                "the repository root: no breakwater.toml between it and the given path"
            }
            RootFoundBy::Given => "the given path: no breakwater.toml and no repository above it",
            RootFoundBy::Ignored => {
                "the given folder: the repository around it ignores it (.gitignore), so it is scanned as a project of its own"
            }
        }
    }
}

/// Whether the folder `scope` of `root` holds files breakwater would read
/// of which the root's walk lists none because `.gitignore` leaves them
/// out: a folder the repository ignores, such as a downloaded corpus or a
/// build output.
fn ignored_folder(root: &Path, scope: &str) -> bool {
    use bw_files::{FileSource, FsSource, WalkOptions};
    let listed = |respect_gitignore: bool| {
        let opts = WalkOptions {
            respect_gitignore,
            ..WalkOptions::default()
        };
        FsSource::new(root, opts)
            .and_then(|s| s.list_under(scope))
            .is_ok_and(|l| !l.files.is_empty() || !l.skipped.is_empty())
    };
    !listed(true) && listed(false)
}

/// The model root for `start` (a folder, or a file inside one): the
/// nearest folder at or above it that holds `breakwater.toml`, looking no
/// further up than the repository root (the folder holding `.git`, a
/// directory or a worktree's file); else that repository root; else, with
/// neither above, the folder itself. Threat ids are relative to this root
/// whatever the working directory, so decisions keep matching when a
/// command runs from a sub-folder.
pub fn model_root(start: &Path) -> Result<ModelRoot, String> {
    let canon = std::fs::canonicalize(start).map_err(|e| {
        format!(
            "{}: {}; pass the path of a folder in the repository",
            start.display(),
            if e.kind() == ErrorKind::NotFound {
                "no such file or directory".to_string()
            } else {
                e.to_string()
            }
        )
    })?;
    let dir = if canon.is_dir() {
        canon.clone()
    } else {
        canon
            .parent()
            .map(Path::to_path_buf)
            .ok_or_else(|| format!("{}: not a folder or a file in one", start.display()))?
    };
    let exists = |p: PathBuf| std::fs::symlink_metadata(p).is_ok();
    let mut found = None;
    for d in dir.ancestors() {
        if exists(d.join(FILE_NAME)) {
            found = Some((d.to_path_buf(), RootFoundBy::ModelFile));
            break;
        }
        if exists(d.join(".git")) {
            found = Some((d.to_path_buf(), RootFoundBy::Repository));
            break;
        }
    }
    let (mut root, mut found_by) = found.unwrap_or((dir.clone(), RootFoundBy::Given));
    let mut scope = relative(&root, &canon).unwrap_or_default();
    if !scope.is_empty() && canon.is_dir() && ignored_folder(&root, &scope) {
        root = canon.clone();
        scope = String::new();
        found_by = RootFoundBy::Ignored;
    }
    let shown = if root == canon {
        start.to_path_buf()
    } else {
        readable(&root)
    };
    Ok(ModelRoot {
        root: shown,
        scope,
        found_by,
    })
}

/// `path` relative to `base` (both canonical), `/`-separated; `None` when
/// it is not inside.
fn relative(base: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(base).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

/// A canonical folder as a person reads it: relative to the current
/// directory when one contains the other, else absolute.
fn readable(dir: &Path) -> PathBuf {
    let Ok(cwd) = std::env::current_dir().and_then(std::fs::canonicalize) else {
        return dir.to_path_buf();
    };
    if let Ok(below) = dir.strip_prefix(&cwd) {
        return if below.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            below.to_path_buf()
        };
    }
    if let Ok(above) = cwd.strip_prefix(dir) {
        let ups = above
            .components()
            .filter(|c| matches!(c, Component::Normal(_)))
            .count();
        return std::iter::repeat_n("..", ups).collect();
    }
    dir.to_path_buf()
}

/// Is `path` (relative to the model root) inside `scope` (a folder or a
/// file relative to it; empty: everything)?
pub fn in_scope(scope: &str, path: &str) -> bool {
    scope.is_empty()
        || path == scope
        || path
            .strip_prefix(scope)
            .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_files_are_none_and_broken_ones_say_where() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read_model_file(dir.path()).unwrap().is_none());
        assert!(read_baseline(dir.path()).unwrap().is_none());
        // `.breakwater` as a file, not a directory: still no baseline.
        std::fs::write(dir.path().join(".breakwater"), "").unwrap();
        assert!(read_baseline(dir.path()).unwrap().is_none());
        std::fs::remove_file(dir.path().join(".breakwater")).unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "[system]\nname = 3\n").unwrap();
        let e = read_model_file(dir.path()).unwrap_err();
        assert!(e.contains("breakwater.toml"), "{e}");
        std::fs::create_dir(dir.path().join(".breakwater")).unwrap();
        std::fs::write(dir.path().join(BASELINE_PATH), "not = [toml").unwrap();
        let e = read_baseline(dir.path()).unwrap_err();
        assert!(e.starts_with(BASELINE_PATH), "{e}");
        std::fs::write(dir.path().join(FILE_NAME), "[system]\nname = \"x\"\n").unwrap();
        assert!(read_model_file(dir.path()).unwrap().is_some());
    }

    #[test]
    fn the_model_root_is_found_upward_and_stops_at_the_repository() {
        let dir = tempfile::tempdir().unwrap();
        let top = std::fs::canonicalize(dir.path()).unwrap();
        let deep = top.join("repo/app/api");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(deep.join("users.py"), "").unwrap();
        // Neither a model file nor a repository: the given folder.
        let r = model_root(&deep).unwrap();
        assert_eq!(
            (r.root.as_path(), r.scope.as_str(), r.found_by),
            (deep.as_path(), "", RootFoundBy::Given)
        );
        // A repository: its root, the path as the scope.
        std::fs::create_dir(top.join("repo/.git")).unwrap();
        let r = model_root(&deep).unwrap();
        assert_eq!(r.root, top.join("repo"));
        assert_eq!(
            (r.scope.as_str(), r.found_by),
            ("app/api", RootFoundBy::Repository)
        );
        // A file: its folder's root, the file as the scope.
        let r = model_root(&deep.join("users.py")).unwrap();
        assert_eq!(r.scope, "app/api/users.py");
        // A model file between: the nearest one wins.
        std::fs::write(top.join("repo/app").join(FILE_NAME), "").unwrap();
        let r = model_root(&deep).unwrap();
        assert_eq!(r.root, top.join("repo/app"));
        assert_eq!(
            (r.scope.as_str(), r.found_by),
            ("api", RootFoundBy::ModelFile)
        );
        // A model file above the repository root is not looked for.
        std::fs::remove_file(top.join("repo/app").join(FILE_NAME)).unwrap();
        std::fs::write(top.join(FILE_NAME), "").unwrap();
        let r = model_root(&deep).unwrap();
        assert_eq!(r.root, top.join("repo"));
        // The root itself, as given.
        let r = model_root(&top.join("repo")).unwrap();
        assert_eq!((r.root, r.scope.as_str()), (top.join("repo"), ""));
        assert!(
            model_root(&top.join("nothing"))
                .unwrap_err()
                .contains("no such")
        );
    }

    #[test]
    fn a_folder_the_repository_ignores_is_a_project_of_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let top = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir(top.join(".git")).unwrap();
        std::fs::write(top.join(".gitignore"), "corpus/\n").unwrap();
        for f in [
            "corpus/shop/app.py",
            "app/api/users.py",
            "corpus/notes/readme.txt",
        ] {
            std::fs::create_dir_all(top.join(f).parent().unwrap()).unwrap();
            std::fs::write(top.join(f), "x = 1\n").unwrap();
        }
        // Ignored, with code in it: the folder itself (a scan of the
        // repository would list none of its files and say nothing of it).
        let shop = top.join("corpus/shop");
        let r = model_root(&shop).unwrap();
        assert_eq!(
            (r.root.as_path(), r.scope.as_str(), r.found_by),
            (shop.as_path(), "", RootFoundBy::Ignored)
        );
        // Part of the repository: the repository's root, as before.
        let r = model_root(&top.join("app/api")).unwrap();
        assert_eq!((r.root, r.found_by), (top.clone(), RootFoundBy::Repository));
        // Ignored but holding nothing breakwater reads: nothing changes.
        let r = model_root(&top.join("corpus/notes")).unwrap();
        assert_eq!((r.root, r.found_by), (top.clone(), RootFoundBy::Repository));
    }

    #[test]
    fn scopes() {
        assert!(in_scope("", "a.py"));
        assert!(in_scope("app", "app/a.py") && in_scope("app/a.py", "app/a.py"));
        assert!(!in_scope("app", "apps/a.py") && !in_scope("app", "ap"));
    }
}
