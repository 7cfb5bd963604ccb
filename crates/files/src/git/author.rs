//! Who is recording a decision: `Name <email>` from `GIT_AUTHOR_NAME` /
//! `GIT_AUTHOR_EMAIL`, else from git configuration (system, global and the
//! repository's, with includes) read through gix — git itself never runs,
//! so no hook or configured program of the repository can.
//!
//! Informational only: identity comes from git history and review.

use std::path::Path;

/// `Name <email>`, `Name`, `<email>`, or empty when nothing is configured.
pub fn author(repo: &Path) -> String {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    if let (Some(n), Some(e)) = (env("GIT_AUTHOR_NAME"), env("GIT_AUTHOR_EMAIL")) {
        return format!("{} <{}>", n.trim(), e.trim());
    }
    let configured = super::GitRepo::discover(repo)
        .ok()
        .and_then(|r| r.user())
        .unwrap_or_default();
    match (env("GIT_AUTHOR_NAME"), env("GIT_AUTHOR_EMAIL")) {
        (Some(n), None) => match configured.split_once('<') {
            Some((_, e)) => format!("{} <{}", n.trim(), e),
            None => n.trim().to_string(),
        },
        (None, Some(e)) => match configured.split_once(" <") {
            Some((n, _)) => format!("{n} <{}>", e.trim()),
            None => format!("<{}>", e.trim()),
        },
        _ => configured,
    }
}
