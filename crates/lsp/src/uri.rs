//! `file:` URIs and the repository-relative paths breakwater works with.

use lsp_types::Uri;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The local path a `file:` URI names (percent-decoded); `None` for other
/// schemes (`untitled:`, `git:`) and for URIs of another host.
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    // `file:///p` (empty authority) or `file://localhost/p`.
    let path = match rest.strip_prefix("localhost") {
        Some(p) if p.starts_with('/') => p,
        _ if rest.starts_with('/') => rest,
        _ => return None,
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let bytes = decode(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
    }
    #[cfg(not(unix))]
    {
        let s = String::from_utf8(bytes).ok()?;
        // `/c:/x` is `c:/x` on Windows.
        let s = match s.as_bytes() {
            [b'/', d, b':', ..] if d.is_ascii_alphabetic() => s[1..].to_string(),
            _ => s,
        };
        Some(PathBuf::from(s))
    }
}

fn decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The `file:` URI of an absolute path: every byte but unreserved
/// characters and `/` percent-encoded, as editors write them.
pub fn from_path(path: &Path) -> Uri {
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt;
        path.as_os_str().as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let bytes = {
        let s = path.to_string_lossy().replace('\\', "/");
        if s.starts_with('/') {
            s.into_bytes()
        } else {
            format!("/{s}").into_bytes()
        }
    };
    let mut s = String::from("file://");
    for b in bytes {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                s.push(b as char)
            }
            _ => s.push_str(&format!("%{b:02X}")),
        }
    }
    Uri::from_str(&s).expect("a percent-encoded file URI is valid")
}

/// `path` relative to `root`, `/`-separated, when it lies inside it. A
/// path that climbs out with `..` (`file:///repo/../etc/passwd`) is not
/// inside, whatever its prefix.
pub fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = rel
        .components()
        .map(|c| match c {
            std::path::Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect();
    let rel = parts?.join("/");
    (!rel.is_empty()).then_some(rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(s: &str) -> Uri {
        Uri::from_str(s).unwrap()
    }

    #[test]
    fn file_uris_round_trip_through_paths() {
        let p = Path::new("/home/dev/my app/views ü#1.py");
        let u = from_path(p);
        assert_eq!(
            u.as_str(),
            "file:///home/dev/my%20app/views%20%C3%BC%231.py"
        );
        assert_eq!(to_path(&u).unwrap(), p);
        assert_eq!(
            to_path(&uri("file://localhost/srv/a.py")).unwrap(),
            Path::new("/srv/a.py")
        );
        // Editors encode more or less than we do; both decode the same.
        assert_eq!(
            to_path(&uri("file:///srv/c%3A/x%2ey.py")).unwrap(),
            Path::new("/srv/c:/x.y.py")
        );
        assert!(to_path(&uri("untitled:Untitled-1")).is_none());
        assert!(to_path(&uri("file://server/share/a.py")).is_none());
    }

    #[test]
    fn paths_relative_to_the_root() {
        let root = Path::new("/repo");
        assert_eq!(
            relative(root, Path::new("/repo/app/views.py")).as_deref(),
            Some("app/views.py")
        );
        assert_eq!(relative(root, Path::new("/elsewhere/a.py")), None);
        assert_eq!(relative(root, root), None);
        // Climbing out of the root is not inside it.
        assert_eq!(relative(root, Path::new("/repo/../etc/passwd")), None);
        assert_eq!(relative(root, Path::new("/repo/app/../../x.py")), None);
        let u = to_path(&uri("file:///repo/%2E%2E/etc/passwd")).unwrap();
        assert_eq!(relative(root, &u), None);
    }
}
