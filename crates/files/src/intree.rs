//! Reading and writing files breakwater names itself (`breakwater.toml`,
//! `.breakwater/baseline.toml`, the architecture snapshot, the team's rules,
//! `.gitignore` files, the facts cache, the AI log) inside a tree someone
//! else may have written.
//!
//! A repository is hostile by assumption: any of those names can be a
//! committed symbolic link (to `/dev/zero`, to `/etc/passwd`, to a
//! directory outside the tree), and on a shared disk a FIFO or a device.
//! One reader and one "directory I may write into" check serve every
//! caller, so the rules are the same everywhere:
//!
//! - no component of the path below the root is followed if it is a
//!   symbolic link (each directory is opened with `O_NOFOLLOW` relative to
//!   the previous one, so a link swapped in mid-way is refused too);
//! - the file is opened with `O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC` (opening
//!   a FIFO never waits for a writer), then `fstat` must say it is a
//!   regular file;
//! - at most a stated number of bytes is read;
//! - an error names the file and what is wrong with it, never its content
//!   or where a link points.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

/// The model file, the baseline, snapshots, rules: a few hundred KB at
/// most in practice. Fixed-name files larger than this are refused.
pub const MAX_CONFIG_BYTES: u64 = 16 * 1024 * 1024;

/// What is wrong with a file breakwater was asked to read or write.
#[derive(Debug, thiserror::Error)]
pub enum InTreeError {
    #[error(
        "{path}: `{link}` is a symbolic link; breakwater follows no link inside the repository — replace the link with the real file or directory"
    )]
    Link { path: String, link: String },
    #[error(
        "{path} is {kind}, not a regular file; breakwater reads and writes only regular files — remove it or replace it with a regular file"
    )]
    NotRegular { path: String, kind: &'static str },
    #[error(
        "{path}: `{component}` is not a directory; move it aside so breakwater can create the directory"
    )]
    NotDirectory { path: String, component: String },
    #[error(
        "{path} is larger than {limit} bytes ({bytes}); breakwater does not read a file this size by that name — move it aside"
    )]
    TooLarge {
        path: String,
        bytes: u64,
        limit: u64,
    },
    #[error("{path}: not a path inside the repository")]
    NotInside { path: String },
    #[error(
        "{path} is read-only; breakwater does not replace a file you made read-only — make it writable (chmod u+w) if breakwater should change it"
    )]
    ReadOnly { path: String },
    #[error("{path}: {error}")]
    Io { path: String, error: String },
}

impl InTreeError {
    fn io(path: &Path, e: &io::Error) -> InTreeError {
        InTreeError::Io {
            path: crate::display_path(path),
            error: e.to_string(),
        }
    }
}

/// The relative path's components, or an error when it climbs out of the
/// tree or is absolute.
fn components<'a>(root: &Path, rel: &'a Path) -> Result<Vec<&'a std::ffi::OsStr>, InTreeError> {
    let mut out = vec![];
    for c in rel.components() {
        match c {
            Component::Normal(s) => out.push(s),
            Component::CurDir => {}
            _ => {
                return Err(InTreeError::NotInside {
                    path: crate::display_path(&root.join(rel)),
                });
            }
        }
    }
    Ok(out)
}

/// What a file type is, for a person.
fn kind_of(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if ft.is_char_device() || ft.is_block_device() {
            return "a device";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    if ft.is_dir() {
        "a directory"
    } else if ft.is_symlink() {
        "a symbolic link"
    } else {
        "not a regular file"
    }
}

/// Read `root/rel` as [`read_in_tree`] says; `None` when there is no such
/// file (or a parent on the way is a plain file, so it cannot exist).
pub fn read_in_tree(
    root: &Path,
    rel: impl AsRef<Path>,
    max_bytes: u64,
) -> Result<Option<Vec<u8>>, InTreeError> {
    let rel = rel.as_ref();
    let full = root.join(rel);
    let Some(file) = open_in_tree(root, rel)? else {
        return Ok(None);
    };
    read_bounded(file, &full, max_bytes).map(Some)
}

/// [`read_in_tree`], as UTF-8 text.
pub fn read_text_in_tree(
    root: &Path,
    rel: impl AsRef<Path>,
    max_bytes: u64,
) -> Result<Option<String>, InTreeError> {
    let rel = rel.as_ref();
    match read_in_tree(root, rel, max_bytes)? {
        None => Ok(None),
        Some(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| InTreeError::Io {
                path: crate::display_path(&root.join(rel)),
                error: "is not UTF-8 text; save it as UTF-8".into(),
            }),
    }
}

/// Read a regular file at an absolute path the user (not the repository)
/// chose, with the same refusals for its last component: not a link, not
/// a FIFO or device, at most `max_bytes`. `None` when it does not exist.
pub fn read_regular(path: &Path, max_bytes: u64) -> Result<Option<Vec<u8>>, InTreeError> {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(InTreeError::NotInside {
            path: crate::display_path(path),
        });
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    match open_in_tree(dir, Path::new(name))? {
        None => Ok(None),
        Some(f) => read_bounded(f, path, max_bytes).map(Some),
    }
}

fn read_bounded(file: File, full: &Path, max_bytes: u64) -> Result<Vec<u8>, InTreeError> {
    let meta = file.metadata().map_err(|e| InTreeError::io(full, &e))?;
    let too_large = |bytes: u64| InTreeError::TooLarge {
        path: crate::display_path(full),
        bytes,
        limit: max_bytes,
    };
    if meta.len() > max_bytes {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // One byte past the limit tells a file that grew since the stat.
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| InTreeError::io(full, &e))?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Open `root/rel` for reading: no link on any component below `root`, a
/// regular file at the end (checked on the opened descriptor). `None` when
/// it does not exist.
pub fn open_in_tree(root: &Path, rel: &Path) -> Result<Option<File>, InTreeError> {
    let parts = components(root, rel)?;
    let Some((name, dirs)) = parts.split_last() else {
        return Err(InTreeError::NotRegular {
            path: crate::display_path(root),
            kind: "a directory",
        });
    };
    let full = root.join(rel);
    let file = match imp::open(root, dirs, name, &full)? {
        Some(f) => f,
        None => return Ok(None),
    };
    let meta = file.metadata().map_err(|e| InTreeError::io(&full, &e))?;
    if !meta.is_file() {
        return Err(InTreeError::NotRegular {
            path: crate::display_path(&full),
            kind: kind_of(&meta.file_type()),
        });
    }
    Ok(Some(file))
}

/// The directory `root/rel`, made if missing, into which breakwater may
/// write: every component below `root` is a real directory (an existing
/// symbolic link, even to a directory inside the tree, is refused, as is
/// a file in the way). Returns the directory's path.
pub fn dir_in_tree(root: &Path, rel: impl AsRef<Path>) -> Result<PathBuf, InTreeError> {
    let rel = rel.as_ref();
    let parts = components(root, rel)?;
    let full = root.join(rel);
    let mut dir = root.to_path_buf();
    for part in parts {
        dir.push(part);
        let meta = match std::fs::symlink_metadata(&dir) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                match std::fs::create_dir(&dir) {
                    Ok(()) => {}
                    // Made by someone else meanwhile: checked below.
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                    Err(e) => return Err(InTreeError::io(&dir, &e)),
                }
                std::fs::symlink_metadata(&dir).map_err(|e| InTreeError::io(&dir, &e))?
            }
            Err(e) => return Err(InTreeError::io(&dir, &e)),
        };
        refuse_non_dir(&full, &dir, root, &meta)?;
    }
    Ok(full)
}

fn refuse_non_dir(
    full: &Path,
    dir: &Path,
    root: &Path,
    meta: &std::fs::Metadata,
) -> Result<(), InTreeError> {
    let shown = || crate::display_path(dir.strip_prefix(root).unwrap_or(dir));
    if meta.file_type().is_symlink() {
        return Err(InTreeError::Link {
            path: crate::display_path(full),
            link: shown(),
        });
    }
    if !meta.is_dir() {
        return Err(InTreeError::NotDirectory {
            path: crate::display_path(full),
            component: shown(),
        });
    }
    Ok(())
}

/// Check that `root/rel` may be written: its directory passes
/// [`dir_in_tree`] (and is made), and the file itself, when it exists, is a
/// regular file (a link there would be replaced by a rename, never written
/// through, but a person asked for the file, not the link). Returns the
/// file's path.
pub fn file_in_tree(root: &Path, rel: impl AsRef<Path>) -> Result<PathBuf, InTreeError> {
    let rel = rel.as_ref();
    let parts = components(root, rel)?;
    let Some((name, dirs)) = parts.split_last() else {
        return Err(InTreeError::NotInside {
            path: crate::display_path(root),
        });
    };
    let dir = dir_in_tree(root, dirs.iter().collect::<PathBuf>())?;
    let full = dir.join(name);
    match std::fs::symlink_metadata(&full) {
        Ok(m) if m.file_type().is_symlink() => Err(InTreeError::Link {
            path: crate::display_path(&full),
            link: crate::display_path(rel),
        }),
        Ok(m) if !m.is_file() => Err(InTreeError::NotRegular {
            path: crate::display_path(&full),
            kind: kind_of(&m.file_type()),
        }),
        _ => Ok(full),
    }
}

/// Where [`write_in_tree`] keeps its temporary files: under `.breakwater`
/// (ignored by git through its own `.gitignore`), never beside the file,
/// where a `git add -A` after a killed write would commit a copy.
pub const TEMP_DIR: &str = ".breakwater/tmp";

/// Replace `root/rel` with `bytes` atomically: a reader sees the old file
/// or the new one, never a part, and a crash leaves the old file as it was.
///
/// - Every directory on the way is a real directory ([`dir_in_tree`]), the
///   file itself is not a link or special file ([`file_in_tree`]).
/// - An existing file the user may not write (its permission bits say
///   read-only) is refused: a rename would replace it all the same.
///   A writable one keeps its permission bits.
/// - The new content is written and synced in a temporary file under
///   [`TEMP_DIR`], then renamed into place. Temporary files whose writer is
///   no longer running (killed mid-write) are removed by the next write.
pub fn write_in_tree(
    root: &Path,
    rel: impl AsRef<Path>,
    bytes: &[u8],
) -> Result<PathBuf, InTreeError> {
    write_in_tree_with(root, rel.as_ref(), bytes, &mut |_| Ok(()))
}

/// [`write_in_tree`] with a hook run after the temporary file is written
/// and synced, just before the rename (tests inject failures here).
pub fn write_in_tree_with(
    root: &Path,
    rel: &Path,
    bytes: &[u8],
    before_rename: &mut dyn FnMut(&Path) -> io::Result<()>,
) -> Result<PathBuf, InTreeError> {
    use std::io::Write;
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let target = file_in_tree(root, rel)?;
    let permissions = match std::fs::symlink_metadata(&target) {
        Ok(m) => {
            refuse_read_only(&target, &m)?;
            Some(m.permissions())
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(InTreeError::io(&target, &e)),
    };
    let temp_dir = temp_dir(root)?;
    remove_stale_temps(&temp_dir);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (mut file, mut temp) = loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = temp_dir.join(format!("{name}.{}.{n}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(f) => break (f, TempFile { path, armed: true }),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(InTreeError::io(&path, &e)),
        }
    };
    let at = |e: io::Error| InTreeError::io(&target, &e);
    file.write_all(bytes).map_err(at)?;
    if let Some(p) = permissions {
        file.set_permissions(p).map_err(at)?;
    }
    file.sync_all().map_err(at)?;
    drop(file);
    before_rename(&temp.path).map_err(at)?;
    std::fs::rename(&temp.path, &target).map_err(at)?;
    temp.armed = false;
    if let Some(dir) = target.parent() {
        sync_dir(dir);
    }
    Ok(target)
}

/// `root/.breakwater/tmp`, made with a `.gitignore` of `*` when missing.
fn temp_dir(root: &Path) -> Result<PathBuf, InTreeError> {
    let dir = dir_in_tree(root, TEMP_DIR)?;
    let ignore = dir.join(".gitignore");
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&ignore)
    {
        Ok(mut f) => {
            use std::io::Write;
            f.write_all(b"*\n")
                .map_err(|e| InTreeError::io(&ignore, &e))?;
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(InTreeError::io(&ignore, &e)),
    }
    Ok(dir)
}

/// Refuse to replace a file its permission bits make read-only for this
/// user (for root, which may write anything: read-only for everyone).
fn refuse_read_only(target: &Path, meta: &std::fs::Metadata) -> Result<(), InTreeError> {
    #[cfg(unix)]
    let read_only = {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: geteuid and getegid cannot fail.
        let (uid, gid) = unsafe { (libc::geteuid(), libc::getegid()) };
        let mode = meta.mode();
        let bit = if uid == 0 {
            0o222
        } else if meta.uid() == uid {
            0o200
        } else if meta.gid() == gid {
            0o020
        } else {
            0o002
        };
        mode & bit == 0
    };
    #[cfg(not(unix))]
    let read_only = meta.permissions().readonly();
    if read_only {
        return Err(InTreeError::ReadOnly {
            path: crate::display_path(target),
        });
    }
    Ok(())
}

/// Whether the process that wrote a temporary file (its id is in the
/// name) is still running: only then may its file still be renamed.
fn writer_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: signal 0 only checks that the process exists.
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    true
}

/// Remove temporary files left by writers that are no longer running.
fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(stem) = name.strip_suffix(".tmp") else {
            continue;
        };
        // `<name>.<pid>.<n>.tmp`
        let mut parts = stem.rsplitn(3, '.');
        let (_n, pid) = (parts.next(), parts.next());
        if let Some(pid) = pid.and_then(|p| p.parse::<u32>().ok())
            && !writer_alive(pid)
            && entry.file_type().is_ok_and(|t| t.is_file())
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Removes the temporary file unless it was renamed into place.
struct TempFile {
    path: PathBuf,
    armed: bool,
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if self.armed {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Make a rename durable (best effort: not every platform can open a directory).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(unix)]
mod imp {
    use super::InTreeError;
    use std::ffi::{CString, OsStr};
    use std::fs::File;
    use std::io;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    fn cstr(s: &OsStr, full: &Path) -> Result<CString, InTreeError> {
        CString::new(s.as_bytes()).map_err(|_| InTreeError::NotInside {
            path: crate::display_path(full),
        })
    }

    fn openat(dir: Option<&OwnedFd>, name: &CString, flags: libc::c_int) -> io::Result<OwnedFd> {
        let at = dir.map_or(libc::AT_FDCWD, |d| d.as_raw_fd());
        // SAFETY: `name` is a valid NUL-terminated string and `at` an open
        // descriptor (or AT_FDCWD); the result is checked before use.
        let fd = unsafe { libc::openat(at, name.as_ptr(), flags | libc::O_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` was just returned by openat and is owned by nobody else.
        Ok(unsafe { OwnedFd::from_raw_fd(fd) })
    }

    /// What `name` in `dir` is, without following it.
    fn lstat_at(dir: Option<&OwnedFd>, name: &CString) -> Option<libc::mode_t> {
        let at = dir.map_or(libc::AT_FDCWD, |d| d.as_raw_fd());
        let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
        // SAFETY: valid string and descriptor; `st` is written on success only.
        let r = unsafe {
            libc::fstatat(
                at,
                name.as_ptr(),
                st.as_mut_ptr(),
                libc::AT_SYMLINK_NOFOLLOW,
            )
        };
        // SAFETY: fstatat returned 0, so it filled `st`.
        (r == 0).then(|| unsafe { st.assume_init() }.st_mode & libc::S_IFMT)
    }

    pub(super) fn open(
        root: &Path,
        dirs: &[&OsStr],
        name: &OsStr,
        full: &Path,
    ) -> Result<Option<File>, InTreeError> {
        let root_c = cstr(root.as_os_str(), full)?;
        let mut dir = openat(None, &root_c, libc::O_RDONLY | libc::O_DIRECTORY)
            .map_err(|e| InTreeError::io(root, &e))?;
        let mut walked = std::path::PathBuf::new();
        let link = |walked: &Path| InTreeError::Link {
            path: crate::display_path(full),
            link: crate::display_path(walked),
        };
        for d in dirs {
            walked.push(d);
            let c = cstr(d, full)?;
            match openat(
                Some(&dir),
                &c,
                libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW,
            ) {
                Ok(next) => dir = next,
                Err(e) => {
                    return match (e.raw_os_error(), lstat_at(Some(&dir), &c)) {
                        (_, Some(libc::S_IFLNK)) => Err(link(&walked)),
                        (Some(libc::ENOENT | libc::ENOTDIR), _) => Ok(None),
                        _ => Err(InTreeError::io(&root.join(&walked), &e)),
                    };
                }
            }
        }
        walked.push(name);
        let c = cstr(name, full)?;
        match openat(
            Some(&dir),
            &c,
            libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY,
        ) {
            Ok(fd) => Ok(Some(File::from(fd))),
            Err(e) => match (e.raw_os_error(), lstat_at(Some(&dir), &c)) {
                (_, Some(libc::S_IFLNK)) => Err(link(&walked)),
                (Some(libc::ENOENT | libc::ENOTDIR), _) => Ok(None),
                _ => Err(InTreeError::io(full, &e)),
            },
        }
    }
}

#[cfg(not(unix))]
mod imp {
    use super::InTreeError;
    use std::ffi::OsStr;
    use std::fs::File;
    use std::path::Path;

    /// Without `openat`, each component is checked, then the file opened.
    pub(super) fn open(
        root: &Path,
        dirs: &[&OsStr],
        name: &OsStr,
        full: &Path,
    ) -> Result<Option<File>, InTreeError> {
        let mut p = root.to_path_buf();
        let mut walked = std::path::PathBuf::new();
        for c in dirs.iter().chain([&name]) {
            p.push(c);
            walked.push(c);
            match std::fs::symlink_metadata(&p) {
                Ok(m) if m.file_type().is_symlink() => {
                    return Err(InTreeError::Link {
                        path: crate::display_path(full),
                        link: crate::display_path(&walked),
                    });
                }
                Ok(_) => {}
                Err(_) => return Ok(None),
            }
        }
        match File::open(full) {
            Ok(f) => Ok(Some(f)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(InTreeError::io(full, &e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    #[test]
    fn reads_a_regular_file_and_says_none_when_absent() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), ".breakwater/baseline.toml", "x = 1\n");
        let got = read_in_tree(d.path(), ".breakwater/baseline.toml", 100).unwrap();
        assert_eq!(got.as_deref(), Some(&b"x = 1\n"[..]));
        assert!(
            read_in_tree(d.path(), "missing.toml", 100)
                .unwrap()
                .is_none()
        );
        assert!(
            read_in_tree(d.path(), "nodir/x.toml", 100)
                .unwrap()
                .is_none()
        );
        // A file where a directory should be: the file cannot exist.
        write(d.path(), "plain", "");
        assert!(
            read_in_tree(d.path(), "plain/x.toml", 100)
                .unwrap()
                .is_none()
        );
        assert!(matches!(
            read_in_tree(d.path(), "../x", 100),
            Err(InTreeError::NotInside { .. })
        ));
    }

    #[test]
    fn a_file_over_the_bound_is_refused_before_it_is_read() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "big.toml", &"x".repeat(1000));
        let e = read_in_tree(d.path(), "big.toml", 999).unwrap_err();
        assert!(
            matches!(e, InTreeError::TooLarge { bytes: 1000, .. }),
            "{e}"
        );
        assert!(read_in_tree(d.path(), "big.toml", 1000).unwrap().is_some());
    }

    #[cfg(unix)]
    #[test]
    fn links_on_any_component_are_refused_without_saying_where_they_point() {
        use std::os::unix::fs::symlink;
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("repo");
        std::fs::create_dir(&root).unwrap();
        write(d.path(), "outside/baseline.toml", "secret-outside = 1\n");
        symlink("/etc/passwd", root.join("breakwater.toml")).unwrap();
        symlink(d.path().join("outside"), root.join(".breakwater")).unwrap();
        symlink("/dev/zero", root.join("zero.toml")).unwrap();
        // Even a link inside the tree: a person asked for this name.
        write(&root, "real.toml", "a = 1\n");
        symlink("real.toml", root.join("inner.toml")).unwrap();
        for rel in [
            "breakwater.toml",
            ".breakwater/baseline.toml",
            "zero.toml",
            "inner.toml",
        ] {
            let e = read_in_tree(&root, rel, MAX_CONFIG_BYTES).unwrap_err();
            let msg = e.to_string();
            assert!(matches!(e, InTreeError::Link { .. }), "{rel}: {msg}");
            assert!(msg.contains("symbolic link"), "{msg}");
            for leak in ["/etc/passwd", "outside", "root:", "/dev/zero"] {
                assert!(!msg.contains(leak), "{rel}: {msg}");
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_waiting_for_a_writer() {
        let d = tempfile::tempdir().unwrap();
        let fifo = d.path().join("breakwater.toml");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid path string.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        // Run in a thread so a regression fails the test instead of hanging it.
        let root = d.path().to_path_buf();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(read_in_tree(&root, "breakwater.toml", 100).map(|_| ()));
        });
        let got = rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the read returns instead of blocking on the FIFO");
        let e = got.unwrap_err();
        assert!(e.to_string().contains("FIFO"), "{e}");
        // The same for a directory.
        std::fs::create_dir(d.path().join("dir.toml")).unwrap();
        let e = read_in_tree(d.path(), "dir.toml", 100).unwrap_err();
        assert!(e.to_string().contains("a directory"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn writable_directories_are_real_directories_all_the_way() {
        use std::os::unix::fs::symlink;
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("repo");
        std::fs::create_dir_all(root.join("inside")).unwrap();
        std::fs::create_dir(d.path().join("outside")).unwrap();
        let made = dir_in_tree(&root, ".breakwater/ai-log/runs").unwrap();
        assert!(made.is_dir());
        symlink(d.path().join("outside"), root.join("linked")).unwrap();
        symlink("inside", root.join("inner")).unwrap();
        for rel in ["linked", "linked/sub", "inner/sub"] {
            let e = dir_in_tree(&root, rel).unwrap_err();
            assert!(matches!(e, InTreeError::Link { .. }), "{rel}: {e}");
        }
        assert!(
            std::fs::read_dir(d.path().join("outside"))
                .unwrap()
                .next()
                .is_none()
        );
        write(&root, "afile", "");
        let e = dir_in_tree(&root, "afile/sub").unwrap_err();
        assert!(matches!(e, InTreeError::NotDirectory { .. }), "{e}");
        // A file to write: its directory checked and made, a link refused.
        assert_eq!(
            file_in_tree(&root, ".breakwater/x.toml").unwrap(),
            root.join(".breakwater/x.toml")
        );
        symlink("/etc/passwd", root.join("breakwater.toml")).unwrap();
        assert!(matches!(
            file_in_tree(&root, "breakwater.toml"),
            Err(InTreeError::Link { .. })
        ));
        assert!(matches!(
            file_in_tree(&root, "linked/x.toml"),
            Err(InTreeError::Link { .. })
        ));
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }

    #[test]
    fn a_killed_writers_temp_is_removed_by_the_next_write_and_never_lies_beside_the_file() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        write(root, "breakwater.toml", "old\n");
        // A process that ran and is gone: its id names no running process.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        std::fs::create_dir_all(root.join(TEMP_DIR)).unwrap();
        let stale = root
            .join(TEMP_DIR)
            .join(format!("breakwater.toml.{dead}.0.tmp"));
        std::fs::write(&stale, "x".repeat(100_000)).unwrap();
        // A write in progress in this process is left alone.
        let live = root
            .join(TEMP_DIR)
            .join(format!("breakwater.toml.{}.999999.tmp", std::process::id()));
        std::fs::write(&live, "in progress").unwrap();
        let mut seen = None;
        write_in_tree_with(root, Path::new("breakwater.toml"), b"new\n", &mut |tmp| {
            seen = Some(tmp.to_path_buf());
            Ok(())
        })
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(root.join("breakwater.toml")).unwrap(),
            "new\n"
        );
        let seen = seen.unwrap();
        assert!(seen.starts_with(root.join(TEMP_DIR)), "{}", seen.display());
        assert!(!stale.exists(), "the killed writer's temp is removed");
        assert!(live.exists(), "a running writer's temp is kept");
        assert_eq!(names(root), [".breakwater", "breakwater.toml"]);
        // Git never sees the temporary files.
        assert_eq!(
            std::fs::read_to_string(root.join(TEMP_DIR).join(".gitignore")).unwrap(),
            "*\n"
        );
        // A failure before the rename leaves the old file and no temp.
        std::fs::remove_file(&live).unwrap();
        let e = write_in_tree_with(root, Path::new("breakwater.toml"), b"newer\n", &mut |_| {
            Err(io::Error::other("injected"))
        })
        .unwrap_err();
        assert!(e.to_string().contains("injected"), "{e}");
        assert_eq!(
            std::fs::read_to_string(root.join("breakwater.toml")).unwrap(),
            "new\n"
        );
        assert_eq!(names(&root.join(TEMP_DIR)), [".gitignore"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_file_is_refused_and_a_writable_one_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        let target = root.join("breakwater.toml");
        std::fs::write(&target, "mine\n").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o444)).unwrap();
        let e = write_in_tree(root, "breakwater.toml", b"theirs\n").unwrap_err();
        assert!(matches!(e, InTreeError::ReadOnly { .. }), "{e}");
        assert!(e.to_string().contains("chmod u+w"), "{e}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "mine\n");
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_in_tree(root, "breakwater.toml", b"theirs\n").unwrap();
        let mode = std::fs::metadata(&target).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }

    #[cfg(unix)]
    #[test]
    fn writes_never_go_through_a_linked_directory_or_file() {
        use std::os::unix::fs::symlink;
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("repo");
        std::fs::create_dir(&root).unwrap();
        std::fs::create_dir(d.path().join("outside")).unwrap();
        symlink(d.path().join("outside"), root.join(".breakwater")).unwrap();
        for rel in [".breakwater/baseline.toml", "breakwater.toml"] {
            // The temporary file would go under the linked `.breakwater` too.
            let e = write_in_tree(&root, rel, b"x").unwrap_err();
            assert!(matches!(e, InTreeError::Link { .. }), "{rel}: {e}");
            assert!(
                e.to_string().contains("`.breakwater` is a symbolic link"),
                "{e}"
            );
        }
        assert!(names(&d.path().join("outside")).is_empty());
        assert_eq!(names(&root), [".breakwater"]);
    }
}
