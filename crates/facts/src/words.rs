//! Words of an identifier, shared by every extractor and the secrets scan.

/// Split an identifier into lower-case words on non-alphanumerics and
/// camelCase: `dbPassword_FILE` -> `db`, `password`, `file`.
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Words that name an administrative surface, in a route or a handler.
pub const ADMIN_WORDS: &[&str] = &[
    "admin",
    "internal",
    "debug",
    "manage",
    "management",
    "superuser",
    "staff",
    "ops",
];

/// Whether a route or a name speaks of an admin surface.
pub fn is_admin_name(name: &str) -> bool {
    words(name)
        .iter()
        .any(|w| ADMIN_WORDS.contains(&w.as_str()))
}

/// Words that name a host or URL: an allowlist of them, or a value
/// holding one (`ALLOWED_HOSTS`, `allowedDomains`, `hostname`, `netloc`).
pub const HOST_WORDS: &[&str] = &[
    "host",
    "hosts",
    "hostname",
    "hostnames",
    "domain",
    "domains",
    "netloc",
    "origin",
    "origins",
    "url",
    "urls",
];

/// `name` has a word of [`HOST_WORDS`].
pub fn hostish(name: &str) -> bool {
    words(name).iter().any(|w| HOST_WORDS.contains(&w.as_str()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn splits() {
        assert_eq!(
            super::words("dbPassword_FILE"),
            vec!["db", "password", "file"]
        );
        assert_eq!(
            super::words("getHTTPResponse2"),
            vec!["get", "httpresponse2"]
        );
        assert_eq!(super::words("__init__"), vec!["init"]);
    }
}
