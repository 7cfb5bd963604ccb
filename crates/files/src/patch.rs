//! Unified diffs (`git diff`, `diff -u`), parsed and applied in memory.
//!
//! A proposed change arrives as text, often written by an AI assistant, so
//! the reader is strict about what it changes and lenient about what does
//! not matter: hunk headers whose line counts are off are tolerated (the
//! hunk's own lines decide), a hunk that moved is found by its context
//! (nearest match first, then ignoring trailing whitespace), and every
//! failure says which file and hunk did not apply and why. Paths must stay
//! inside the tree: absolute paths and `..` are refused.

use std::collections::BTreeMap;

/// One file's change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePatch {
    /// The path before (`None`: a new file).
    pub old_path: Option<String>,
    /// The path after (`None`: the file is deleted).
    pub new_path: Option<String>,
    pub hunks: Vec<Hunk>,
    /// Git said `Binary files … differ`: no content to apply.
    pub binary: bool,
}

impl FilePatch {
    /// The path the change is about, for messages.
    pub fn path(&self) -> &str {
        self.new_path
            .as_deref()
            .or(self.old_path.as_deref())
            .unwrap_or("")
    }
}

/// One `@@` hunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunk {
    /// 1-based line the hunk starts at in the old file, as the header says.
    pub old_start: usize,
    pub lines: Vec<Line>,
    /// The old side's last line has no newline (`\ No newline at end of file`).
    pub old_no_newline: bool,
    /// The new side's last line has no newline.
    pub new_no_newline: bool,
}

/// A line of a hunk, without its prefix and newline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Context(String),
    Remove(String),
    Add(String),
}

/// Why a diff could not be read or applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatchError {
    #[error("the diff has no file changes (expected `--- a/PATH`, `+++ b/PATH` and `@@` hunks)")]
    Empty,
    #[error("line {line} of the diff: {message}")]
    Syntax { line: usize, message: String },
    #[error("{path}: the path must be relative and stay inside the repository")]
    BadPath { path: String },
    #[error("{path}: the diff changes a file that does not exist")]
    Missing { path: String },
    #[error("{path}: the diff creates a file that already exists")]
    Exists { path: String },
    #[error(
        "{path}: hunk {hunk} (@@ -{old_start}) does not apply: its context and removed lines are not in the file{hint}"
    )]
    NoMatch {
        path: String,
        hunk: usize,
        old_start: usize,
        hint: String,
    },
    #[error("{path}: binary changes cannot be checked")]
    Binary { path: String },
    #[error("{path}: the file is not UTF-8 text")]
    NotText { path: String },
}

/// Parse a unified diff with one or more files.
pub fn parse(text: &str) -> Result<Vec<FilePatch>, PatchError> {
    let lines: Vec<&str> = text.split('\n').collect();
    // `split` leaves an empty last element after a final newline.
    let n = if text.ends_with('\n') {
        lines.len() - 1
    } else {
        lines.len()
    };
    let lines = &lines[..n];
    let mut out: Vec<FilePatch> = vec![];
    let mut cur: Option<FilePatch> = None;
    let mut i = 0;
    let syntax = |line: usize, message: &str| PatchError::Syntax {
        line: line + 1,
        message: message.to_string(),
    };
    while i < lines.len() {
        let l = lines[i].trim_end_matches('\r');
        if let Some(rest) = l.strip_prefix("diff --git ") {
            out.extend(cur.take());
            let (a, b) = split_git_header(rest);
            cur = Some(FilePatch {
                old_path: a.map(|p| strip_side(&p, "a/")),
                new_path: b.map(|p| strip_side(&p, "b/")),
                hunks: vec![],
                binary: false,
            });
            i += 1;
            continue;
        }
        if l.starts_with("--- ")
            && lines
                .get(i + 1)
                .is_some_and(|n| n.trim_end_matches('\r').starts_with("+++ "))
        {
            let old = header_path(&l[4..], "a/");
            let new = header_path(&lines[i + 1].trim_end_matches('\r')[4..], "b/");
            // A `diff --git` header already opened this file; otherwise
            // (plain `diff -u`) each `---`/`+++` pair starts one.
            match &mut cur {
                Some(c) if c.hunks.is_empty() && !c.binary => {
                    c.old_path = old;
                    c.new_path = new;
                }
                _ => {
                    out.extend(cur.take());
                    cur = Some(FilePatch {
                        old_path: old,
                        new_path: new,
                        hunks: vec![],
                        binary: false,
                    });
                }
            }
            i += 2;
            continue;
        }
        if l.starts_with("@@") {
            let Some(file) = cur.as_mut() else {
                return Err(syntax(
                    i,
                    "a hunk before any `--- a/PATH` / `+++ b/PATH` header",
                ));
            };
            let (old_start, old_len, new_len) =
                hunk_header(l).ok_or_else(|| syntax(i, "malformed hunk header"))?;
            i += 1;
            let mut hunk = Hunk {
                old_start,
                lines: vec![],
                old_no_newline: false,
                new_no_newline: false,
            };
            let (mut old_seen, mut new_seen) = (0usize, 0usize);
            let mut credited = 0usize;
            while i < lines.len() {
                let raw = lines[i].trim_end_matches('\r');
                let counted = old_seen >= old_len && new_seen >= new_len;
                if raw.starts_with("@@") || raw.starts_with("diff --git ") {
                    break;
                }
                // A removed `-- x` line followed by an added `++ y` line
                // looks like a file header: it is one only once the counts
                // are met, or when it names sides.
                if raw.starts_with("--- ")
                    && lines.get(i + 1).is_some_and(|n| {
                        let n = n.trim_end_matches('\r');
                        n.starts_with("+++ ")
                            && (counted
                                || (raw.starts_with("--- a/") && n.starts_with("+++ b/"))
                                || raw == "--- /dev/null"
                                || n == "+++ /dev/null")
                    })
                {
                    break;
                }
                if raw.starts_with('\\') {
                    // `\ No newline at end of file` belongs to the line above.
                    match hunk.lines.last() {
                        Some(Line::Remove(_)) => hunk.old_no_newline = true,
                        Some(Line::Add(_)) => hunk.new_no_newline = true,
                        Some(Line::Context(_)) => {
                            hunk.old_no_newline = true;
                            hunk.new_no_newline = true;
                        }
                        None => {}
                    }
                    i += 1;
                    continue;
                }
                let line = match raw.chars().next() {
                    Some(' ') => Line::Context(raw[1..].to_string()),
                    Some('-') => Line::Remove(raw[1..].to_string()),
                    Some('+') => Line::Add(raw[1..].to_string()),
                    // An empty line where a context line of an empty line
                    // was meant (editors and chat windows strip the space),
                    // but only while the header's counts expect more.
                    None if !counted => {
                        credited += 1;
                        hunk.lines.push(Line::Context(String::new()));
                        old_seen += 1;
                        new_seen += 1;
                        i += 1;
                        continue;
                    }
                    _ => break,
                };
                credited = 0;
                match &line {
                    Line::Context(_) => {
                        old_seen += 1;
                        new_seen += 1;
                    }
                    Line::Remove(_) => old_seen += 1,
                    Line::Add(_) => new_seen += 1,
                }
                hunk.lines.push(line);
                i += 1;
            }
            // Empty lines taken on credit at the end of a hunk were more
            // likely the blank line between two diffs than context.
            for _ in 0..credited {
                hunk.lines.pop();
            }
            file.hunks.push(hunk);
            continue;
        }
        if let Some(file) = cur.as_mut() {
            if let Some(p) = l.strip_prefix("rename from ") {
                file.old_path = Some(unquote(p));
            } else if let Some(p) = l.strip_prefix("rename to ") {
                file.new_path = Some(unquote(p));
            } else if l.starts_with("new file mode") {
                file.old_path = None;
            } else if l.starts_with("deleted file mode") {
                file.new_path = None;
            } else if l.starts_with("Binary files ") || l == "GIT binary patch" {
                file.binary = true;
            }
        }
        i += 1;
    }
    out.extend(cur);
    if out.is_empty() {
        return Err(PatchError::Empty);
    }
    for f in &out {
        for p in f.old_path.iter().chain(f.new_path.iter()) {
            check_path(p)?;
        }
    }
    Ok(out)
}

/// `a/x b/x` from a `diff --git` line (the paths are the same on both
/// sides unless renamed, when `rename from/to` follow and win).
fn split_git_header(rest: &str) -> (Option<String>, Option<String>) {
    if let Some(stripped) = rest.strip_prefix('"')
        && let Some(end) = stripped.find("\" ")
    {
        let a = unquote(&rest[..end + 2]);
        let b = unquote(&stripped[end + 2..]);
        return (Some(a), Some(b));
    }
    // Paths with spaces: split where the second half starts with `b/`.
    if let Some(pos) = rest.find(" b/") {
        return (
            Some(rest[..pos].to_string()),
            Some(rest[pos + 1..].to_string()),
        );
    }
    match rest.split_once(' ') {
        Some((a, b)) => (Some(a.to_string()), Some(b.to_string())),
        None => (None, None),
    }
}

/// The path of a `---`/`+++` line: `/dev/null` is none, a tab starts a
/// timestamp, `a/`/`b/` is git's side prefix.
fn header_path(s: &str, side: &str) -> Option<String> {
    let s = s.split('\t').next().unwrap_or(s).trim_end();
    if s == "/dev/null" {
        return None;
    }
    Some(strip_side(&unquote(s), side))
}

fn strip_side(p: &str, side: &str) -> String {
    p.strip_prefix(side).unwrap_or(p).to_string()
}

/// A C-quoted path as git writes it (`"a/caf\303\251.py"`), else the text.
fn unquote(s: &str) -> String {
    let Some(inner) = s.strip_prefix('"').and_then(|x| x.strip_suffix('"')) else {
        return s.to_string();
    };
    let mut bytes = vec![];
    let mut it = inner.bytes().peekable();
    while let Some(b) = it.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match it.next() {
            Some(b'n') => bytes.push(b'\n'),
            Some(b't') => bytes.push(b'\t'),
            Some(d @ b'0'..=b'7') => {
                let mut v = u32::from(d - b'0');
                for _ in 0..2 {
                    match it.peek() {
                        Some(&x @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(x - b'0');
                            it.next();
                        }
                        _ => break,
                    }
                }
                bytes.push(v as u8);
            }
            Some(x) => bytes.push(x),
            None => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// `@@ -12,7 +12,9 @@ context` → (12, 7, 9); a missing count is 1.
fn hunk_header(l: &str) -> Option<(usize, usize, usize)> {
    let body = l.strip_prefix("@@")?.trim_start();
    let end = body.find("@@")?;
    let mut parts = body[..end].split_whitespace();
    let old = parts.next()?.strip_prefix('-')?;
    let new = parts.next()?.strip_prefix('+')?;
    let range = |r: &str| -> Option<(usize, usize)> {
        match r.split_once(',') {
            Some((s, n)) => Some((s.parse().ok()?, n.parse().ok()?)),
            None => Some((r.parse().ok()?, 1)),
        }
    };
    let (os, ol) = range(old)?;
    let (_, nl) = range(new)?;
    Some((os, ol, nl))
}

/// A path a change may touch: relative, no `..`, no empty components.
pub fn check_path(p: &str) -> Result<(), PatchError> {
    let bad = p.is_empty()
        || p.starts_with('/')
        || p.contains('\\')
        || p.contains('\0')
        || p.split('/').any(|c| c.is_empty() || c == "." || c == "..")
        || p.as_bytes().get(1) == Some(&b':');
    if bad {
        return Err(PatchError::BadPath { path: p.into() });
    }
    Ok(())
}

/// Apply one file's hunks to its old text.
pub fn apply(path: &str, old: &str, hunks: &[Hunk]) -> Result<String, PatchError> {
    let mut lines: Vec<String> = old.split_inclusive('\n').map(str::to_string).collect();
    let mut offset: isize = 0;
    // Where the previous hunk ended: hunks apply in order and never overlap.
    let mut floor = 0usize;
    for (hi, h) in hunks.iter().enumerate() {
        let old_side: Vec<&str> = h
            .lines
            .iter()
            .filter_map(|l| match l {
                Line::Context(s) | Line::Remove(s) => Some(s.as_str()),
                Line::Add(_) => None,
            })
            .collect();
        // `-0,0` (or a pure addition) means "after line old_start".
        let stated = if old_side.is_empty() {
            h.old_start
        } else {
            h.old_start.saturating_sub(1)
        };
        let want = (stated as isize + offset).max(floor as isize) as usize;
        let at = find(&lines, &old_side, want, floor, false)
            .or_else(|| find(&lines, &old_side, want, floor, true))
            .ok_or_else(|| PatchError::NoMatch {
                path: path.into(),
                hunk: hi + 1,
                old_start: h.old_start,
                hint: match old_side.first() {
                    Some(first) => format!(" (looked for `{}`)", first.trim()),
                    None => String::new(),
                },
            })?;
        // The replacement keeps the file's line ending style, and the
        // file's own text for context lines (a loose match must not
        // rewrite them).
        let eol = if lines.iter().any(|l| l.ends_with("\r\n")) {
            "\r\n"
        } else {
            "\n"
        };
        let end = at + old_side.len();
        let last_of_file = end == lines.len();
        let mut replacement: Vec<String> = vec![];
        let mut k = at;
        for l in &h.lines {
            match l {
                Line::Context(_) => {
                    replacement.push(lines[k].clone());
                    k += 1;
                }
                Line::Remove(_) => k += 1,
                Line::Add(s) => replacement.push(format!("{s}{eol}")),
            }
        }
        let count = replacement.len();
        let last_added = h
            .lines
            .iter()
            .rev()
            .find(|l| !matches!(l, Line::Remove(_)))
            .is_some_and(|l| matches!(l, Line::Add(_)));
        for (i, r) in replacement.iter_mut().enumerate() {
            let is_last = i + 1 == count;
            if is_last && last_of_file {
                let newline = if h.new_no_newline {
                    false
                } else if h.old_no_newline || last_added {
                    true
                } else {
                    // A context line the diff says nothing about keeps the
                    // file's own ending.
                    r.ends_with('\n')
                };
                let bare = r.trim_end_matches(['\n', '\r']).len();
                r.truncate(bare);
                if newline {
                    r.push_str(eol);
                }
            } else if !r.ends_with('\n') {
                r.push_str(eol);
            }
        }
        // A pure addition at the very end of a file without a final
        // newline needs one before the new lines.
        if at == lines.len()
            && !replacement.is_empty()
            && let Some(prev) = lines.last_mut()
            && !prev.ends_with('\n')
        {
            prev.push_str(eol);
        }
        let added = replacement.len();
        lines.splice(at..end, replacement);
        offset += added as isize - old_side.len() as isize;
        floor = at + added;
    }
    Ok(lines.concat())
}

/// Where `needle` sits in `hay` at or after `floor`, nearest to `want`.
fn find(hay: &[String], needle: &[&str], want: usize, floor: usize, loose: bool) -> Option<usize> {
    let eq = |a: &str, b: &str| {
        let a = a.trim_end_matches(['\n', '\r']);
        if loose {
            a.trim_end() == b.trim_end()
        } else {
            a == b
        }
    };
    let fits = |at: usize| {
        at + needle.len() <= hay.len()
            && needle.iter().enumerate().all(|(k, n)| eq(&hay[at + k], n))
    };
    if needle.is_empty() {
        return Some(want.clamp(floor, hay.len()));
    }
    let last = hay.len().checked_sub(needle.len())?;
    if floor > last {
        return None;
    }
    let want = want.clamp(floor, last);
    for d in 0..=(last - floor) {
        if want + d <= last && fits(want + d) {
            return Some(want + d);
        }
        if d > 0 && want >= floor + d && fits(want - d) {
            return Some(want - d);
        }
    }
    None
}

/// The files a diff produces, applied over `current` (the content of a
/// path now, `None` when it does not exist): new content, or `None` for a
/// deleted file.
pub fn apply_all(
    patches: &[FilePatch],
    current: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Result<BTreeMap<String, Option<Vec<u8>>>, PatchError> {
    let mut out: BTreeMap<String, Option<Vec<u8>>> = BTreeMap::new();
    let now = |out: &BTreeMap<String, Option<Vec<u8>>>, p: &str| match out.get(p) {
        Some(c) => c.clone(),
        None => current(p),
    };
    for f in patches {
        if f.binary {
            return Err(PatchError::Binary {
                path: f.path().into(),
            });
        }
        let old_text = match &f.old_path {
            None => {
                if let Some(p) = &f.new_path
                    && now(&out, p).is_some()
                {
                    return Err(PatchError::Exists { path: p.clone() });
                }
                String::new()
            }
            Some(p) => {
                let bytes = now(&out, p).ok_or_else(|| PatchError::Missing { path: p.clone() })?;
                String::from_utf8(bytes).map_err(|_| PatchError::NotText { path: p.clone() })?
            }
        };
        let new_text = apply(f.path(), &old_text, &f.hunks)?;
        if let Some(old) = &f.old_path
            && f.new_path.as_deref() != Some(old.as_str())
        {
            out.insert(old.clone(), None);
        }
        if let Some(new) = &f.new_path {
            out.insert(new.clone(), Some(new_text.into_bytes()));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(diff: &str, old: &str) -> Result<String, PatchError> {
        let p = parse(diff)?;
        assert_eq!(p.len(), 1);
        apply(p[0].path(), old, &p[0].hunks)
    }

    const OLD: &str = "a\nb\nc\nd\ne\nf\ng\n";

    #[test]
    fn a_git_diff_applies_exactly() {
        let diff = "diff --git a/x.py b/x.py\nindex 1..2 100644\n--- a/x.py\n+++ b/x.py\n@@ -2,3 +2,4 @@ def f():\n b\n-c\n+C\n+C2\n d\n";
        let p = parse(diff).unwrap();
        assert_eq!(p[0].old_path.as_deref(), Some("x.py"));
        assert_eq!(p[0].new_path.as_deref(), Some("x.py"));
        assert_eq!(one(diff, OLD).unwrap(), "a\nb\nC\nC2\nd\ne\nf\ng\n");
    }

    #[test]
    fn a_hunk_that_moved_is_found_by_its_context_and_wrong_counts_are_tolerated() {
        // Says line 1, really at line 5; counts are wrong too.
        let diff = "--- x.py\n+++ x.py\n@@ -1,9 +1,1 @@\n e\n-f\n+F\n g\n";
        assert_eq!(one(diff, OLD).unwrap(), "a\nb\nc\nd\ne\nF\ng\n");
    }

    #[test]
    fn trailing_whitespace_differences_still_match() {
        let diff = "--- a/x.py\n+++ b/x.py\n@@ -1,2 +1,2 @@\n a  \n-b\n+B\n";
        assert_eq!(one(diff, OLD).unwrap(), "a\nB\nc\nd\ne\nf\ng\n");
    }

    #[test]
    fn a_hunk_whose_context_is_absent_is_refused_with_the_place() {
        let diff = "--- a/x.py\n+++ b/x.py\n@@ -3,2 +3,2 @@\n zzz\n-c\n+C\n";
        let e = one(diff, OLD).unwrap_err();
        assert!(matches!(e, PatchError::NoMatch { hunk: 1, .. }), "{e}");
        assert!(e.to_string().contains("x.py: hunk 1"), "{e}");
    }

    #[test]
    fn new_deleted_and_renamed_files() {
        let diff = "diff --git a/new.py b/new.py\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ b/new.py\n@@ -0,0 +1,2 @@\n+x = 1\n+y = 2\ndiff --git a/old.py b/old.py\ndeleted file mode 100644\n--- a/old.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-z = 1\ndiff --git a/m.py b/n.py\nsimilarity index 100%\nrename from m.py\nrename to n.py\n";
        let p = parse(diff).unwrap();
        assert_eq!(p.len(), 3);
        let files = apply_all(&p, &|path| match path {
            "old.py" => Some(b"z = 1\n".to_vec()),
            "m.py" => Some(b"m = 1\n".to_vec()),
            _ => None,
        })
        .unwrap();
        assert_eq!(files["new.py"].as_deref(), Some(&b"x = 1\ny = 2\n"[..]));
        assert_eq!(files["old.py"], None);
        assert_eq!(files["m.py"], None);
        assert_eq!(files["n.py"].as_deref(), Some(&b"m = 1\n"[..]));
    }

    #[test]
    fn no_newline_at_end_of_file_is_honoured_both_ways() {
        let diff = "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+B\n";
        assert_eq!(one(diff, "a\nb").unwrap(), "a\nB\n");
        let diff = "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n+B\n\\ No newline at end of file\n";
        assert_eq!(one(diff, "a\nb\n").unwrap(), "a\nB");
        // Appending to a file without a final newline.
        let diff = "--- a/x\n+++ b/x\n@@ -2,0 +3 @@\n+c\n";
        assert_eq!(one(diff, "a\nb").unwrap(), "a\nb\nc\n");
    }

    #[test]
    fn several_hunks_apply_in_order_with_offsets() {
        let diff = "--- a/x\n+++ b/x\n@@ -1,2 +1,3 @@\n a\n+a2\n b\n@@ -6,2 +7,1 @@\n f\n-g\n";
        assert_eq!(one(diff, OLD).unwrap(), "a\na2\nb\nc\nd\ne\nf\n");
    }

    #[test]
    fn crlf_files_keep_their_line_endings() {
        let diff = "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n+B\n";
        assert_eq!(one(diff, "a\r\nb\r\n").unwrap(), "a\r\nB\r\n");
    }

    #[test]
    fn an_empty_line_stands_for_an_empty_context_line() {
        let diff = "--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n\n-c\n+C\n";
        assert_eq!(one(diff, "a\n\nc\n").unwrap(), "a\n\nC\n");
    }

    #[test]
    fn paths_outside_the_tree_are_refused() {
        for p in ["../etc/passwd", "/etc/passwd", "a/../../b", "C:/x", "a//b"] {
            let diff = format!("--- {p}\n+++ {p}\n@@ -1 +1 @@\n-a\n+b\n");
            assert!(
                matches!(parse(&diff), Err(PatchError::BadPath { .. })),
                "{p}"
            );
        }
    }

    #[test]
    fn creating_an_existing_file_or_changing_a_missing_one_is_refused() {
        let create = parse("--- /dev/null\n+++ b/x.py\n@@ -0,0 +1 @@\n+a\n").unwrap();
        let e = apply_all(&create, &|_| Some(b"old\n".to_vec())).unwrap_err();
        assert!(matches!(e, PatchError::Exists { .. }));
        let change = parse("--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n+b\n").unwrap();
        let e = apply_all(&change, &|_| None).unwrap_err();
        assert!(matches!(e, PatchError::Missing { .. }));
    }

    #[test]
    fn text_without_a_diff_is_empty_and_a_stray_hunk_is_a_syntax_error() {
        assert_eq!(parse("hello\n"), Err(PatchError::Empty));
        assert!(matches!(
            parse("@@ -1 +1 @@\n-a\n+b\n"),
            Err(PatchError::Syntax { line: 1, .. })
        ));
    }

    #[test]
    fn quoted_paths_are_decoded() {
        assert_eq!(unquote("\"a/caf\\303\\251.py\""), "a/café.py");
        let diff = "diff --git \"a/x y.py\" \"b/x y.py\"\n--- \"a/x y.py\"\n+++ \"b/x y.py\"\n@@ -1 +1 @@\n-a\n+b\n";
        assert_eq!(parse(diff).unwrap()[0].path(), "x y.py");
    }
}
