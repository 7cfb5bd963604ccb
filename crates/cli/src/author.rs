//! Who is recording a decision: `Name <email>` from the environment or git
//! configuration, read without running git (the repository's code and
//! hooks never run; the repository's config is only read as text).
//!
//! Informational only: identity comes from git history and review.
//!
//! Order, last assignment wins as in git: the system file (unless
//! `GIT_CONFIG_NOSYSTEM`), `$XDG_CONFIG_HOME/git/config`, `~/.gitconfig`
//! (both replaced by `GIT_CONFIG_GLOBAL` when set), then the repository's
//! `config`. `include.path` and `includeIf "gitdir:…"` are followed;
//! other conditional includes are not.

use std::path::{Path, PathBuf};

/// `Name <email>`, `Name`, `<email>`, or empty when nothing is configured.
pub fn author(repo: &Path) -> String {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    let (mut name, mut email) = (env("GIT_AUTHOR_NAME"), env("GIT_AUTHOR_EMAIL"));
    if name.is_none() || email.is_none() {
        let user = read_user(repo);
        name = name.or(user.name);
        email = email.or(user.email);
    }
    format_author(name.as_deref(), email.as_deref())
}

fn format_author(name: Option<&str>, email: Option<&str>) -> String {
    match (name.map(str::trim), email.map(str::trim)) {
        (Some(n), Some(e)) => format!("{n} <{e}>"),
        (Some(n), None) => n.to_string(),
        (None, Some(e)) => format!("<{e}>"),
        (None, None) => String::new(),
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
struct User {
    name: Option<String>,
    email: Option<String>,
}

fn read_user(repo: &Path) -> User {
    let env_path = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let home = env_path("HOME").or_else(|| env_path("USERPROFILE"));
    let git_dir = find_git_dir(repo);
    let mut files = vec![];
    if std::env::var_os("GIT_CONFIG_NOSYSTEM").is_none() {
        files.push(PathBuf::from("/etc/gitconfig"));
    }
    if let Some(global) = env_path("GIT_CONFIG_GLOBAL") {
        files.push(global);
    } else {
        let xdg = env_path("XDG_CONFIG_HOME").or_else(|| home.as_ref().map(|h| h.join(".config")));
        files.extend(xdg.map(|x| x.join("git/config")));
        files.extend(home.as_ref().map(|h| h.join(".gitconfig")));
    }
    if let Some(g) = &git_dir {
        files.push(common_dir(g).join("config"));
    }
    let mut reader = Reader {
        home,
        git_dir,
        user: User::default(),
    };
    for f in files {
        reader.read_file(&f, 0);
    }
    reader.user
}

/// The `.git` directory of the repository holding `repo` (a `.git` file
/// points elsewhere: worktrees and submodules).
fn find_git_dir(repo: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(repo).ok()?;
    for dir in start.ancestors() {
        let dot = dir.join(".git");
        if dot.is_dir() {
            return Some(dot);
        }
        if dot.is_file() {
            let text = std::fs::read_to_string(&dot).ok()?;
            let target = text.lines().find_map(|l| l.strip_prefix("gitdir:"))?.trim();
            return Some(dir.join(target));
        }
    }
    None
}

/// A linked worktree's git dir names the shared one in `commondir`.
fn common_dir(git_dir: &Path) -> PathBuf {
    match std::fs::read_to_string(git_dir.join("commondir")) {
        Ok(rel) => git_dir.join(rel.trim()),
        Err(_) => git_dir.to_path_buf(),
    }
}

struct Reader {
    home: Option<PathBuf>,
    git_dir: Option<PathBuf>,
    user: User,
}

impl Reader {
    fn read_file(&mut self, path: &Path, depth: usize) {
        // Includes may loop; git stops at 10 levels.
        if depth > 10 {
            return;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            return;
        };
        let base = path.parent().unwrap_or(Path::new("."));
        for (section, key, value) in entries(&text) {
            match (section.as_str(), key.as_str()) {
                ("user", "name") => self.user.name = Some(value),
                ("user", "email") => self.user.email = Some(value),
                ("include", "path") => {
                    let p = self.resolve(base, &value);
                    self.read_file(&p, depth + 1);
                }
                (s, "path")
                    if s.starts_with("includeif.")
                        && self.condition_holds(&section["includeif.".len()..], base) =>
                {
                    let p = self.resolve(base, &value);
                    self.read_file(&p, depth + 1);
                }
                _ => {}
            }
        }
    }

    fn expand_home(&self, p: &str) -> Option<PathBuf> {
        match p.strip_prefix("~/") {
            Some(rest) => self.home.as_ref().map(|h| h.join(rest)),
            None => Some(PathBuf::from(p)),
        }
    }

    fn resolve(&self, base: &Path, p: &str) -> PathBuf {
        let expanded = self.expand_home(p).unwrap_or_default();
        if expanded.is_absolute() {
            expanded
        } else {
            base.join(expanded)
        }
    }

    /// `gitdir:` and `gitdir/i:` conditions (the subsection keeps its case).
    fn condition_holds(&self, cond: &str, base: &Path) -> bool {
        let (pattern, case_insensitive) = if let Some(p) = cond.strip_prefix("gitdir:") {
            (p, false)
        } else if let Some(p) = cond.strip_prefix("gitdir/i:") {
            (p, true)
        } else {
            return false;
        };
        let Some(git_dir) = self
            .git_dir
            .as_ref()
            .and_then(|g| std::fs::canonicalize(g).ok())
        else {
            return false;
        };
        let mut pattern = if let Some(rel) = pattern.strip_prefix("./") {
            base.join(rel).to_string_lossy().into_owned()
        } else {
            match self.expand_home(pattern) {
                Some(p) => p.to_string_lossy().into_owned(),
                None => return false,
            }
        };
        if !(pattern.starts_with('/') || pattern.starts_with("**/")) {
            pattern = format!("**/{pattern}");
        }
        if pattern.ends_with('/') {
            pattern.push_str("**");
        }
        let Ok(glob) = globset::GlobBuilder::new(&pattern)
            .case_insensitive(case_insensitive)
            .literal_separator(true)
            .build()
        else {
            return false;
        };
        let m = glob.compile_matcher();
        m.is_match(&git_dir) || m.is_match(git_dir.join(""))
    }
}

/// `(section[.subsection], key, value)` for every assignment in a git config
/// file. Section and key names are lower-cased; a subsection keeps its case.
fn entries(text: &str) -> Vec<(String, String, String)> {
    let mut out = vec![];
    let mut section = String::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let mut rest = line.trim_start();
        if rest.starts_with('[') {
            let Some(close) = rest.find(']') else {
                continue;
            };
            section = section_name(&rest[1..close]);
            rest = rest[close + 1..].trim_start();
        }
        if rest.is_empty() || rest.starts_with('#') || rest.starts_with(';') {
            continue;
        }
        let (key, raw) = match rest.find('=') {
            Some(i) => (rest[..i].trim(), rest[i + 1..].to_string()),
            // A bare key is a boolean; no user field is one.
            None => continue,
        };
        let mut raw = raw;
        // A backslash at the end of a line continues the value.
        while raw.trim_end().ends_with('\\') && !raw.trim_end().ends_with("\\\\") {
            let t = raw.trim_end();
            raw = t[..t.len() - 1].to_string();
            match lines.next() {
                Some(next) => raw.push_str(next),
                None => break,
            }
        }
        out.push((section.clone(), key.to_ascii_lowercase(), value(&raw)));
    }
    out
}

/// `user`, `includeIf "gitdir:~/work/"` → `includeif.gitdir:~/work/`,
/// legacy `[section.sub]` → `section.sub`.
fn section_name(header: &str) -> String {
    let header = header.trim();
    match header.find(|c: char| c.is_whitespace()) {
        Some(i) => {
            let sub = header[i..].trim().trim_matches('"').replace("\\\"", "\"");
            format!("{}.{sub}", header[..i].to_ascii_lowercase())
        }
        None => header.to_ascii_lowercase(),
    }
}

/// A value: quotes removed, escapes resolved, an unquoted `#`/`;` starts a
/// comment, unquoted surrounding whitespace dropped.
fn value(raw: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    let mut pending_space = String::new();
    let mut chars = raw.trim_start().chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                quoted = !quoted;
                continue;
            }
            '\\' => {
                let escaped = match chars.next() {
                    Some('n') => '\n',
                    Some('t') => '\t',
                    Some('b') => '\u{8}',
                    Some(other) => other,
                    None => break,
                };
                out.push_str(&pending_space);
                pending_space.clear();
                out.push(escaped);
                continue;
            }
            '#' | ';' if !quoted => break,
            c if c.is_whitespace() && !quoted => {
                pending_space.push(c);
                continue;
            }
            _ => {}
        }
        out.push_str(&pending_space);
        pending_space.clear();
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_git_config_syntax() {
        let text = "# comment\n[core]\n\tbare = false\n[User]\n\tname = \"Jane \\\"JD\\\" Doe\"  # inline\n\temail=jane@example.com ; note\n[user \"work\"]\n\tname = Not Me\n[remote \"origin\"] url = x\n";
        let e = entries(text);
        assert!(e.contains(&("user".into(), "name".into(), "Jane \"JD\" Doe".into())));
        assert!(e.contains(&("user".into(), "email".into(), "jane@example.com".into())));
        assert!(e.contains(&("user.work".into(), "name".into(), "Not Me".into())));
        assert!(e.contains(&("remote.origin".into(), "url".into(), "x".into())));
        assert_eq!(value("  a   b  "), "a b".replace(' ', "   "));
        assert_eq!(value("\" spaced \" "), " spaced ");
        assert_eq!(
            entries("[user]\nname = Jane \\\n  Doe\n")[0].2,
            "Jane   Doe"
        );
        assert_eq!(
            section_name("includeIf \"gitdir:~/Work/\""),
            "includeif.gitdir:~/Work/"
        );
    }

    #[test]
    fn formats() {
        assert_eq!(format_author(Some("Jane"), Some("j@x")), "Jane <j@x>");
        assert_eq!(format_author(Some("Jane"), None), "Jane");
        assert_eq!(format_author(None, Some("j@x")), "<j@x>");
        assert_eq!(format_author(None, None), "");
    }

    #[test]
    fn repository_config_wins_and_includes_are_followed() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let repo = dir.path().join("home/work/repo");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        std::fs::create_dir_all(home.join(".config/git")).unwrap();
        std::fs::write(
            home.join(".gitconfig"),
            "[user]\n\tname = Global Name\n\temail = global@example.com\n[include]\n\tpath = extra.inc\n[includeIf \"gitdir:~/work/\"]\n\tpath = ~/work.inc\n[includeIf \"gitdir:~/elsewhere/\"]\n\tpath = ~/never.inc\n",
        )
        .unwrap();
        std::fs::write(home.join("extra.inc"), "[user]\n\tname = Included Name\n").unwrap();
        std::fs::write(
            home.join("work.inc"),
            "[user]\n\temail = work@example.com\n",
        )
        .unwrap();
        std::fs::write(
            home.join("never.inc"),
            "[user]\n\temail = never@example.com\n",
        )
        .unwrap();
        let mut reader = Reader {
            home: Some(home.clone()),
            git_dir: find_git_dir(&repo),
            user: User::default(),
        };
        reader.read_file(&home.join(".gitconfig"), 0);
        assert_eq!(
            reader.user,
            User {
                name: Some("Included Name".into()),
                email: Some("work@example.com".into()),
            }
        );
        std::fs::write(repo.join(".git/config"), "[user]\n\tname = Repo Name\n").unwrap();
        reader.read_file(&repo.join(".git/config"), 0);
        assert_eq!(reader.user.name.as_deref(), Some("Repo Name"));
        // A worktree's `.git` file and `commondir` lead to the shared config.
        let wt = dir.path().join("wt");
        let wt_git = repo.join(".git/worktrees/wt");
        std::fs::create_dir_all(&wt).unwrap();
        std::fs::create_dir_all(&wt_git).unwrap();
        std::fs::write(wt.join(".git"), format!("gitdir: {}\n", wt_git.display())).unwrap();
        std::fs::write(wt_git.join("commondir"), "../..\n").unwrap();
        let g = find_git_dir(&wt.join(".")).unwrap();
        assert_eq!(
            std::fs::canonicalize(common_dir(&g)).unwrap(),
            std::fs::canonicalize(repo.join(".git")).unwrap()
        );
    }
}
