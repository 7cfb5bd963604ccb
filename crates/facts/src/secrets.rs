//! Hard-coded secrets, looked for in every text file (code or config).
//!
//! Secrets are strings, not code structure, so this module scans text
//! line by line with small hand-written matchers: each line is cut into
//! runs of token characters once, and every matcher looks at a bounded
//! window, so a file is scanned in linear time (no backtracking regex).
//!
//! Two kinds of finding:
//! - *known formats*: AWS access key ids, GitHub/GitLab/Slack/Stripe/OpenAI/
//!   Anthropic/Google keys, PEM private keys, JWTs, connection strings with
//!   a literal password;
//! - *generic assignments*: a name that says password/secret/token/api key
//!   assigned a literal that is not a placeholder (and, for secrets and
//!   tokens, has enough entropy to be a real one).
//!
//! The raw value never leaves this module: the fact carries [`mask`]ed text
//! only (kind, a short prefix, length and a short hash), and the evidence
//! line has the value replaced by that mask.

use crate::evidence::{line_location_of, normalise};
use crate::types::{Evidence, Fact, Prop, Subject};
use bw_files::Lang;
use sha2::{Digest, Sha256};

/// Longest value a matcher looks at; longer runs are cut (keeps scanning linear).
pub(crate) const MAX_VALUE: usize = 512;
/// Lines longer than this are scanned only in their first part (minified blobs).
const MAX_LINE: usize = 4096;
/// How many assignment operators are examined on one line.
const MAX_OPS_PER_LINE: usize = 16;

/// The masked form of a secret: kind, a short prefix, length in characters
/// and a short SHA-256 hash, e.g. `openai-key sk-p…(51) #3fa2c1`.
///
/// Only a token whose format starts with a public marker (`ghp_`, `sk-`,
/// `AKIA`, `xoxb-`, …) shows a prefix, at most 4 characters and at most a
/// quarter of the value: there the prefix says which service the token is
/// for and nothing about its secret part. A password, a connection
/// string's password, a generic secret or an `Authorization` value shows
/// none (`generic-password …(8) #9f86d0`): its first characters are part of
/// what is secret.
pub fn mask(kind: &str, value: &str) -> String {
    let len = value.chars().count();
    let keep = if has_public_prefix(kind) {
        (len / 4).min(4)
    } else {
        0
    };
    let prefix: String = value.chars().take(keep).collect();
    let digest = Sha256::digest(value.as_bytes());
    let hash: String = digest.iter().take(3).map(|b| format!("{b:02x}")).collect();
    format!("{kind} {prefix}…({len}) #{hash}")
}

/// Kinds of token whose first characters are a published format marker.
fn has_public_prefix(kind: &str) -> bool {
    matches!(
        kind,
        "github-token"
            | "gitlab-token"
            | "openai-key"
            | "anthropic-key"
            | "slack-token"
            | "stripe-key"
            | "aws-access-key"
            | "google-api-key"
            | "jwt"
    )
}

/// Shannon entropy in bits per character.
pub fn entropy(value: &str) -> f64 {
    let mut counts = [0u32; 256];
    let mut n = 0u32;
    for b in value.bytes() {
        counts[b as usize] += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    let n = n as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// A value that stands in for a secret rather than being one: `changeme`,
/// `your-api-key`, `<token>`, `${DB_PASSWORD}`, `{{ .Values.pw }}`, `****`…
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    const EXACT: &[&str] = &[
        "password",
        "passwd",
        "pass",
        "secret",
        "token",
        "none",
        "null",
        "nil",
        "undefined",
        "true",
        "false",
        "empty",
        "string",
        "value",
        "test",
        "testing",
        "todo",
        "tbd",
        "fixme",
        "required",
        "optional",
        "default",
        "unset",
        "notset",
        "api_key",
        "apikey",
        "api-key",
        "secret_key",
        "secretkey",
        "mysecret",
        "mypassword",
        "secretpassword",
        "supersecret",
    ];
    if EXACT.contains(&lower.as_str()) {
        return true;
    }
    const CONTAINS: &[&str] = &[
        "changeme",
        "change_me",
        "change-me",
        "changethis",
        "change_this",
        "replace_me",
        "replaceme",
        "replace-me",
        "example",
        "dummy",
        "placeholder",
        "redacted",
        "your_",
        "your-",
        "yourpassword",
        "yourtoken",
        "yoursecret",
        "fake",
        "sample",
        "xxxx",
        "****",
        "....",
        "${",
        "{{",
        "$(",
        "%(",
        "%s",
        "#{",
        "<",
        ">",
        "insert",
        "not-a-real",
        "notareal",
        "not_a_real",
        "foobar",
        "replace",
        "generate",
        "random",
        "-here",
        "_here",
        "put-",
        "put_",
        "enter-",
        "enter_",
        "some-",
        "some_",
    ];
    if CONTAINS.iter().any(|c| lower.contains(c)) {
        return true;
    }
    // `test` as a word: `test-token`, `my_test_key` (but not `latest`, `contest`).
    if has_word(&lower, "test") || has_word(&lower, "mock") {
        return true;
    }
    // A value that is one character repeated (`aaaaaaaa`, `00000000`).
    let mut chars = v.chars();
    if let Some(first) = chars.next()
        && chars.all(|c| c == first)
    {
        return true;
    }
    // Starts like a variable or template reference.
    v.starts_with('$') || v.starts_with('%') || (v.starts_with('{') && v.ends_with('}'))
}

/// `word` appears in `s` bounded by non-letters (or the ends).
fn has_word(s: &str, word: &str) -> bool {
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(pos) = s[from..].find(word) {
        let start = from + pos;
        let end = start + word.len();
        let before = start == 0 || !b[start - 1].is_ascii_alphabetic();
        let after = end >= b.len() || !b[end].is_ascii_alphabetic();
        if before && after {
            return true;
        }
        from = start + 1;
    }
    false
}

/// What a variable name says it holds: `Some("generic-password")`,
/// `Some("generic-secret")`, or `None` for names that are not secrets or
/// that name something about a secret (`PASSWORD_FILE`, `token_url`,
/// `max_tokens`, `secret_name`).
pub fn secret_name_kind(name: &str) -> Option<&'static str> {
    if name.is_empty() || name.len() > 128 {
        return None;
    }
    let words = crate::words::words(name);
    const NOT_THE_SECRET: &[&str] = &[
        "url",
        "uri",
        "urls",
        "endpoint",
        "path",
        "file",
        "files",
        "dir",
        "name",
        "names",
        "field",
        "label",
        "placeholder",
        "hint",
        "header",
        "type",
        "length",
        "len",
        "min",
        "max",
        "policy",
        "regex",
        "pattern",
        "prompt",
        "message",
        "msg",
        "error",
        "errors",
        "reset",
        "forgot",
        "expire",
        "expires",
        "expiry",
        "expiration",
        "ttl",
        "timeout",
        "id",
        "ids",
        "count",
        "limit",
        "format",
        "prefix",
        "tokens",
        "usage",
        "input",
        "output",
        "hash",
        "hashed",
        "digest",
        "salt",
        "ref",
        "arn",
        "env",
        "var",
        "key_id",
        "required",
        "enabled",
        "disabled",
        "mode",
        "store",
        "manager",
        "provider",
        "version",
        "size",
        "rotation",
        "lifetime",
        "validity",
        "age",
        "strength",
        "confirm",
        "confirmation",
        "changed",
        "mask",
        "regexp",
        "rules",
        "template",
        "count",
        "location",
        "source",
        "class",
        "method",
        "schema",
        "example",
    ];
    if words.iter().any(|w| NOT_THE_SECRET.contains(&w.as_str())) {
        return None;
    }
    let joined: String = words.concat();
    if words.iter().any(|w| w == "pwd")
        || joined.contains("password")
        || joined.contains("passwd")
        || joined.contains("passphrase")
    {
        return Some("generic-password");
    }
    const SECRET: &[&str] = &[
        "secret",
        "token",
        "apikey",
        "privatekey",
        "accesskey",
        "authkey",
        "signingkey",
        "encryptionkey",
        "masterkey",
        "hmackey",
        "sessionkey",
        "webhooksecret",
    ];
    if SECRET.iter().any(|s| joined.contains(s)) {
        return Some("generic-secret");
    }
    None
}

/// Whether a literal environment value assigned to `name` in a deployment
/// file (Dockerfile ENV/ARG, compose `environment`, Kubernetes `env`) is a
/// secret baked into the deployment. Placeholders count — a literal
/// `changeme` in an image is still the password it ships with — but empty
/// values and `${VAR}` / `$(VAR)` / `{{ }}` references do not.
pub fn is_literal_secret_env(name: &str, value: &str) -> bool {
    let v = value.trim();
    if v.is_empty()
        || v.contains("${")
        || v.starts_with('$')
        || v.contains("{{")
        || v.contains("$(")
    {
        return false;
    }
    if known_format_in(v).is_some() {
        return true;
    }
    if secret_name_kind(name).is_none() {
        return false;
    }
    // Numbers and booleans next to a secret-ish name are settings, not secrets.
    let lower = v.to_ascii_lowercase();
    if v.bytes().all(|b| b.is_ascii_digit())
        || matches!(
            lower.as_str(),
            "true" | "false" | "yes" | "no" | "null" | "~"
        )
    {
        return false;
    }
    // File paths to a mounted secret are the right way to do it.
    !v.starts_with('/') || v.contains(' ')
}

/// The kind of a known token format that `value` contains, if any.
fn known_format_in(value: &str) -> Option<&'static str> {
    let mut found = None;
    for_each_run(value, |start, end| {
        if found.is_none()
            && let Some((kind, s, e)) = match_known(value, start, end)
            && !is_placeholder(&value[s..e])
        {
            found = Some(kind);
        }
    });
    found
}

/// Token characters: what API keys and JWTs are made of.
fn is_tok(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.'
}

/// The shortest known-format token (an AWS key id: `AKIA` + 16).
pub(crate) const MIN_KNOWN_TOKEN: usize = 20;

/// Call `f(start, end)` for every maximal run of token characters.
pub(crate) fn for_each_run(line: &str, mut f: impl FnMut(usize, usize)) {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if is_tok(b[i]) {
            let s = i;
            while i < b.len() && is_tok(b[i]) {
                i += 1;
            }
            f(s, i);
        } else {
            i += 1;
        }
    }
}

fn count_while(b: &[u8], from: usize, end: usize, pred: impl Fn(u8) -> bool) -> usize {
    let mut n = 0;
    while from + n < end && n < MAX_VALUE && pred(b[from + n]) {
        n += 1;
    }
    n
}

fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}
fn alnum_us(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}
fn alnum_dash(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}
fn upper_digit(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

/// Match a known token format starting somewhere in the run `[start, end)`.
/// Returns the kind and the byte range of the token.
pub(crate) fn match_known(
    line: &str,
    start: usize,
    end: usize,
) -> Option<(&'static str, usize, usize)> {
    let b = line.as_bytes();
    // A run can hold `key=...` glued by '.' or '-'; look at every sub-start
    // that follows a separator, bounded by the run.
    let mut at = start;
    let mut tries = 0;
    loop {
        let rest = &line[at..end];
        if let Some(m) = match_at(b, rest, at, end) {
            return Some(m);
        }
        tries += 1;
        // Advance to the character after the next '.', '-' or '_' separator.
        let next = line[at..end].find(['.', '-', '_']).map(|p| at + p + 1);
        match next {
            Some(n) if n < end && tries < 8 => at = n,
            _ => break,
        }
    }
    None
}

fn match_at(b: &[u8], rest: &str, at: usize, end: usize) -> Option<(&'static str, usize, usize)> {
    // The token must start at a word boundary.
    if at > 0 && b[at - 1].is_ascii_alphanumeric() {
        return None;
    }
    let prefixed = |p: &str| rest.starts_with(p);
    // AWS access key id: AKIA/ASIA/ABIA/ACCA + 16 upper-case alphanumerics, exactly.
    if ["AKIA", "ASIA", "ABIA", "ACCA"].iter().any(|p| prefixed(p)) {
        let n = count_while(b, at + 4, end, upper_digit);
        let e = at + 4 + n;
        if n == 16 && (e >= b.len() || !b[e].is_ascii_alphanumeric()) {
            return Some(("aws-access-key", at, e));
        }
    }
    // GitHub tokens.
    for p in ["ghp_", "gho_", "ghs_", "ghu_", "ghr_"] {
        if prefixed(p) {
            let n = count_while(b, at + 4, end, alnum);
            if n >= 36 {
                return Some(("github-token", at, at + 4 + n));
            }
        }
    }
    if prefixed("github_pat_") {
        let n = count_while(b, at + 11, end, alnum_us);
        if n >= 50 {
            return Some(("github-token", at, at + 11 + n));
        }
    }
    if prefixed("glpat-") {
        let n = count_while(b, at + 6, end, alnum_dash);
        if n >= 20 {
            return Some(("gitlab-token", at, at + 6 + n));
        }
    }
    // Slack: xoxb-, xoxa-, xoxp-, xoxr-, xoxs- then digits and letters in dash-separated parts.
    if rest.len() > 5
        && rest.starts_with("xox")
        && matches!(b[at + 3], b'b' | b'a' | b'p' | b'r' | b's')
        && b[at + 4] == b'-'
    {
        let n = count_while(b, at + 5, end, alnum_dash);
        let body = &rest[5..5 + n];
        if n >= 20 && body.bytes().any(|c| c.is_ascii_digit()) && body.contains('-') {
            return Some(("slack-token", at, at + 5 + n));
        }
    }
    for p in ["sk_live_", "rk_live_"] {
        if prefixed(p) {
            let n = count_while(b, at + 8, end, alnum);
            if n >= 16 {
                return Some(("stripe-key", at, at + 8 + n));
            }
        }
    }
    if prefixed("sk-ant-") {
        let n = count_while(b, at + 7, end, alnum_dash);
        if n >= 32 {
            return Some(("anthropic-key", at, at + 7 + n));
        }
    }
    for p in ["sk-proj-", "sk-svcacct-", "sk-admin-"] {
        if prefixed(p) {
            let n = count_while(b, at + p.len(), end, alnum_dash);
            if n >= 20 {
                return Some(("openai-key", at, at + p.len() + n));
            }
        }
    }
    if prefixed("sk-") && !prefixed("sk-ant-") {
        let n = count_while(b, at + 3, end, alnum);
        let e = at + 3 + n;
        if n == 48 && (e >= b.len() || !alnum_dash(b[e])) {
            return Some(("openai-key", at, e));
        }
    }
    if prefixed("AIza") {
        let n = count_while(b, at + 4, end, alnum_dash);
        if n == 35 {
            return Some(("google-api-key", at, at + 39));
        }
    }
    if prefixed("eyJ") {
        // header.payload.signature, base64url segments.
        let h = count_while(b, at, end, alnum_dash);
        let p0 = at + h;
        if h >= 10 && p0 < end && b[p0] == b'.' && rest[h + 1..].starts_with("eyJ") {
            let p = count_while(b, p0 + 1, end, alnum_dash);
            let s0 = p0 + 1 + p;
            if p >= 10 && s0 < end && b[s0] == b'.' {
                let s = count_while(b, s0 + 1, end, alnum_dash);
                if s >= 16 {
                    return Some(("jwt", at, s0 + 1 + s));
                }
            }
        }
    }
    None
}

/// One finding on a line: kind, byte range of the secret value, and the name it is assigned to.
struct Hit {
    kind: &'static str,
    start: usize,
    end: usize,
    name: Option<String>,
    /// The secret when it is not the text in `start..end` (a PEM body on
    /// the next line: the hit sits on the header, which is kept).
    body: Option<String>,
}

/// A secret value this module reported, and the kind it was reported as.
/// It never leaves the crate: [`crate::redact`] uses it to mask the same
/// value wherever else the file's facts repeat it.
pub(crate) struct Found {
    pub kind: &'static str,
    pub value: String,
}

/// Scan one file for hard-coded secrets.
pub fn scan(path: &str, lang: Lang, text: &str) -> Vec<Fact> {
    scan_found(path, lang, text).0
}

/// [`scan`], also returning the raw values it reported.
pub(crate) fn scan_found(path: &str, lang: Lang, text: &str) -> (Vec<Fact>, Vec<Found>) {
    let mut out = Vec::new();
    let mut found = Vec::new();
    let code = lang.is_code();
    let lines: Vec<&str> = text.lines().collect();
    let mut triple: Option<&'static str> = None;
    // `.env.example`, `config.sample.json`, `settings.template.yaml`: values
    // there are documentation; only known token formats are reported.
    let file_name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let example_file = ["example", "sample", "template", "dist"]
        .iter()
        .any(|w| file_name.split(['.', '-', '_']).any(|part| part == *w));
    for (i, full) in lines.iter().enumerate() {
        if crate::budget::spent() {
            break;
        }
        let line = cut(full, MAX_LINE);
        if line.len() < 8 {
            if lang == Lang::Python {
                triple = track_triple_quotes(line, triple);
            }
            continue;
        }
        let mut hits: Vec<Hit> = Vec::new();
        // Known formats, one pass over the runs of the line.
        for_each_run(line, |s, e| {
            // Every known token format is longer than this: most runs in
            // code are identifiers and never reach the matchers.
            if e - s < MIN_KNOWN_TOKEN {
                return;
            }
            if let Some((kind, ks, ke)) = match_known(line, s, e) {
                let value = &line[ks..ke];
                if !is_placeholder(value)
                    && !value.contains("EXAMPLE")
                    && !value.contains("example")
                {
                    hits.push(Hit {
                        kind,
                        start: ks,
                        end: ke,
                        name: None,
                        body: None,
                    });
                }
            }
        });
        if let Some(h) = private_key(line, lines.get(i + 1).copied()) {
            hits.push(h);
        }
        hits.extend(connection_strings(line));
        let comment = {
            let t = line.trim_start();
            t.starts_with('#') || t.starts_with("//") || t.starts_with('*') || t.starts_with("/*")
        };
        // Python docstrings and long strings hold examples (`passwd='…'` in
        // documentation): generic assignments there are not code.
        let in_long_string = triple.is_some();
        if lang == Lang::Python {
            triple = track_triple_quotes(line, triple);
        }
        if !comment && !in_long_string && !example_file {
            for h in assignments(line, code, lang) {
                if !hits.iter().any(|k| h.start < k.end && k.start < h.end) {
                    hits.push(h);
                } else if let Some(k) = hits.iter_mut().find(|k| h.start < k.end && k.start < h.end)
                {
                    k.name = k.name.take().or(h.name);
                }
            }
        }
        if hits.is_empty() {
            continue;
        }
        hits.sort_by_key(|h| h.start);
        // One fact per distinct secret on the line.
        let mut seen: Vec<(&str, String)> = Vec::new();
        hits.retain(|h| {
            let key = (
                h.kind,
                h.body
                    .clone()
                    .unwrap_or_else(|| line[h.start..h.end].to_string()),
            );
            if seen.contains(&key) {
                false
            } else {
                seen.push(key);
                true
            }
        });
        // Mask every value of the line, from the right so ranges stay valid.
        let mut masked_line = line.to_string();
        let mut masks = Vec::new();
        for h in hits.iter().rev() {
            let raw = &line[h.start..h.end];
            let value = h.body.as_deref().unwrap_or(raw);
            let m = mask(h.kind, value);
            if h.body.is_some() {
                masked_line.replace_range(h.start..h.end, &format!("{raw} [{m}]"));
            } else {
                masked_line.replace_range(h.start..h.end, &format!("[{m}]"));
                masks.push((value.to_string(), m));
            }
        }
        // A value repeated elsewhere on the line must not survive either.
        for (value, m) in &masks {
            if masked_line.contains(value.as_str()) {
                masked_line = masked_line.replace(value.as_str(), &format!("[{m}]"));
            }
        }
        let line_no = i as u32 + 1;
        for h in &hits {
            let value = h.body.as_deref().unwrap_or(&line[h.start..h.end]);
            let evidence = Evidence {
                location: line_location_of(path, full, line_no),
                text: normalise(&masked_line),
                symbol: "<module>".to_string(),
            };
            let mut fact = Fact::new(Subject::Secret, h.kind, evidence)
                .with("masked", Prop::Str(mask(h.kind, value)))
                .with(
                    "entropy",
                    Prop::Int((entropy(value) * 100.0).round() as i64),
                );
            if let Some(name) = &h.name {
                fact = fact.with("name", Prop::Str(name.clone()));
            }
            out.push(fact);
            found.push(Found {
                kind: h.kind,
                value: value.to_string(),
            });
        }
    }
    (out, found)
}

/// The open triple-quote delimiter after this line, given the one open
/// before it.
fn track_triple_quotes(line: &str, mut open: Option<&'static str>) -> Option<&'static str> {
    let mut rest = line;
    loop {
        match open {
            Some(d) => match rest.find(d) {
                Some(p) => {
                    rest = &rest[p + 3..];
                    open = None;
                }
                None => return open,
            },
            None => {
                let a = rest.find("\"\"\"");
                let b = rest.find("'''");
                let (p, d) = match (a, b) {
                    (Some(a), Some(b)) if b < a => (b, "'''"),
                    (Some(a), _) => (a, "\"\"\""),
                    (None, Some(b)) => (b, "'''"),
                    (None, None) => return None,
                };
                // A `#` before the quotes makes them part of a comment.
                if rest[..p].contains('#') {
                    return None;
                }
                rest = &rest[p + 3..];
                open = Some(d);
            }
        }
    }
}

/// The first `max` bytes of a line, cut at a character boundary.
fn cut(line: &str, max: usize) -> &str {
    if line.len() <= max {
        return line;
    }
    let mut e = max;
    while e > 0 && !line.is_char_boundary(e) {
        e -= 1;
    }
    &line[..e]
}

/// `-----BEGIN … PRIVATE KEY-----` followed by key material (on the same
/// line after a `\n` escape, or on the next line). Headers with no body, or
/// a `...` body, are documentation and are skipped.
fn private_key(line: &str, next: Option<&str>) -> Option<Hit> {
    let begin = line.find("-----BEGIN ")?;
    let rest = &line[begin + 11..];
    let close = rest.find("-----")?;
    let label = &rest[..close];
    if !label.ends_with("PRIVATE KEY") || label.len() > 40 {
        return None;
    }
    let header_end = begin + 11 + close + 5;
    let base64 = |b: u8| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=';
    // Material on the same line (PEM embedded in a string with \n escapes).
    let after = &line[header_end..];
    let trimmed = after.trim_start_matches("\\n").trim_start_matches("\\r");
    let skip = after.len() - trimmed.len();
    let body_len = trimmed
        .bytes()
        .take(MAX_VALUE)
        .take_while(|&b| base64(b))
        .count();
    if body_len >= 40 {
        let s = header_end + skip;
        return Some(Hit {
            kind: "private-key",
            start: s,
            end: s + body_len,
            name: None,
            body: None,
        });
    }
    // Material on the next line: the header line itself carries no secret;
    // the hit covers the header so the fact sits on it.
    let next = next?.trim();
    let n = next
        .bytes()
        .take(MAX_VALUE)
        .take_while(|&b| base64(b))
        .count();
    if n >= 40 && n == next.len().min(MAX_VALUE) {
        let body = next[..n].to_string();
        return Some(Hit {
            kind: "private-key",
            start: begin,
            end: header_end,
            name: None,
            body: Some(body),
        });
    }
    None
}

/// `scheme://user:password@host` with a literal password.
fn connection_strings(line: &str) -> Vec<Hit> {
    let mut out = Vec::new();
    userinfo_passwords(line, MAX_OPS_PER_LINE, |start, end| {
        out.push(Hit {
            kind: "connection-string",
            start,
            end,
            name: None,
            body: None,
        })
    });
    out
}

/// The byte range of every literal password in the user-info of a URL on
/// `line` (`scheme://user:password@host`, any scheme), looking at no more
/// than `limit` `://` separators. Passwords that are references
/// (`${DB_PASSWORD}`, `%(pw)s`, `{password}`) or placeholders (`password`,
/// `changeme`, `<pass>`) are not reported, nor are users that are
/// variables. Each separator costs a bounded window, so the scan is linear.
pub(crate) fn userinfo_passwords(line: &str, limit: usize, mut f: impl FnMut(usize, usize)) {
    let b = line.as_bytes();
    let mut from = 0;
    let mut guard = 0;
    while let Some(p) = line[from..].find("://") {
        guard += 1;
        if guard > limit {
            break;
        }
        let sep = from + p;
        from = sep + 3;
        // scheme: letters, digits, + . - before ://
        let mut s = sep;
        while s > 0
            && sep - s < 32
            && (b[s - 1].is_ascii_alphanumeric() || matches!(b[s - 1], b'+' | b'.' | b'-'))
        {
            s -= 1;
        }
        if s == sep || !b[s].is_ascii_alphabetic() {
            continue;
        }
        // authority up to the first '/', whitespace, quote; userinfo before the last '@'.
        let auth_start = sep + 3;
        let mut e = auth_start;
        while e < b.len()
            && e - auth_start < MAX_VALUE
            && !matches!(
                b[e],
                b'/' | b' ' | b'\t' | b'"' | b'\'' | b'`' | b'?' | b'#' | b'>' | b',' | b';'
            )
        {
            e += 1;
        }
        while e > auth_start && !line.is_char_boundary(e) {
            e -= 1;
        }
        let authority = &line[auth_start..e];
        let Some(at) = authority.rfind('@') else {
            continue;
        };
        let userinfo = &authority[..at];
        let Some(colon) = userinfo.find(':') else {
            continue;
        };
        let user = &userinfo[..colon];
        let password = &userinfo[colon + 1..];
        let host = &authority[at + 1..];
        if password.is_empty() || host.is_empty() || user.contains('$') || is_placeholder(password)
        {
            continue;
        }
        if password.contains('{') || (password.contains('%') && password.contains('(')) {
            continue;
        }
        let ps = auth_start + colon + 1;
        f(ps, ps + password.len());
    }
}

/// An assignment-like operator on a line: `=`, `:`, Go's `:=`, PHP's `=>`.
pub(crate) struct AssignOp {
    /// Where the `=` or `:` is.
    pub op: usize,
    /// Where the value may start.
    pub after: usize,
    /// `=>`: a PHP/Ruby key, or a JavaScript arrow function.
    pub arrow: bool,
}

/// The first assignment-like operator at or after `from`, skipping
/// comparisons (`==`, `!=`, `<=`, `>=`) and `::`, `://`.
pub(crate) fn next_assign_op(b: &[u8], from: usize) -> Option<AssignOp> {
    let mut i = from;
    while i < b.len() {
        let c = b[i];
        i += 1;
        if c != b'=' && c != b':' {
            continue;
        }
        let op = i - 1;
        let prev = if op > 0 { b[op - 1] } else { b' ' };
        let next = b.get(op + 1).copied().unwrap_or(b' ');
        if c == b'=' && (matches!(prev, b'=' | b'!' | b'<' | b'>') || next == b'=') {
            continue;
        }
        if c == b':' && (next == b'/' || next == b':' || prev == b':') {
            continue;
        }
        let arrow = c == b'=' && next == b'>';
        let wide = (c == b':' && next == b'=') || arrow;
        return Some(AssignOp {
            op,
            after: op + 1 + usize::from(wide),
            arrow,
        });
    }
    None
}

/// `name = "value"`, `name: value`, `"name": "value"`, `name=value` (env files).
fn assignments(line: &str, code: bool, lang: Lang) -> Vec<Hit> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut ops = 0;
    let mut i = 0;
    let unquoted_ok = matches!(lang, Lang::Config | Lang::Yaml | Lang::Dockerfile);
    while let Some(AssignOp { op, after, .. }) = next_assign_op(b, i) {
        i = op + 1;
        ops += 1;
        if ops > MAX_OPS_PER_LINE {
            break;
        }
        let c = b[op];
        let Some(name) = name_before(line, op) else {
            continue;
        };
        // `name: "Type"` in Python is an annotation (a forward reference),
        // unless the name is itself a quoted dict key.
        if lang == Lang::Python && c == b':' && !quoted_before(line, op) {
            continue;
        }
        let Some(kind) = secret_name_kind(&name) else {
            continue;
        };
        let Some((vs, ve, quoted)) = value_after(line, after, unquoted_ok) else {
            continue;
        };
        // A bare value must look like one token, not an expression or a list.
        if !quoted
            && line[vs..ve].contains([
                '(', ')', ';', '[', ']', '{', '}', '"', '\'', ',', '<', '>', '`',
            ])
        {
            continue;
        }
        if code && !quoted {
            continue;
        }
        let value = &line[vs..ve];
        if !plausible_secret_value(value) || names_itself(value) {
            continue;
        }
        let lname = name.to_ascii_lowercase();
        let kind = if lname.contains("aws") && lname.contains("secret") && is_aws_secret(value) {
            "aws-secret-key"
        } else {
            kind
        };
        let keep = match kind {
            "generic-password" => value.chars().count() >= 8,
            "aws-secret-key" => true,
            _ => value.chars().count() >= 12 && entropy(value) >= 3.5 && !snake_identifier(value),
        };
        if keep {
            out.push(Hit {
                kind,
                start: vs,
                end: ve,
                name: Some(name),
                body: None,
            });
        }
    }
    out
}

/// The character before `op` (past spaces) is a closing quote.
fn quoted_before(line: &str, op: usize) -> bool {
    let t = line[..op].trim_end();
    t.ends_with('"') || t.ends_with('\'')
}

/// An identifier-like value that names a secret instead of being one:
/// `challengePassword`, `refresh_token`, `client-secret`.
pub(crate) fn names_itself(v: &str) -> bool {
    if !v
        .bytes()
        .all(|b| b.is_ascii_alphabetic() || matches!(b, b'_' | b'-' | b'.'))
    {
        return false;
    }
    let joined: String = crate::words::words(v).concat();
    [
        "password",
        "passwd",
        "secret",
        "token",
        "apikey",
        "privatekey",
    ]
    .iter()
    .any(|w| joined.contains(w))
}

/// A lower-case identifier made of words (`_auth_user_backend`,
/// `my-app-session`): a key *name* such as a session key's, not a secret.
fn snake_identifier(v: &str) -> bool {
    let parts: Vec<&str> = v.split(['_', '-']).filter(|p| !p.is_empty()).collect();
    parts.len() >= 3
        && v.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        && parts
            .iter()
            .all(|p| p.len() >= 2 && p.bytes().any(|b| b.is_ascii_lowercase()))
}

pub(crate) fn is_aws_secret(v: &str) -> bool {
    v.len() == 40
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'/' || b == b'+')
}

pub(crate) fn plausible_secret_value(v: &str) -> bool {
    if v.is_empty() || v.len() > MAX_VALUE || is_placeholder(v) {
        return false;
    }
    if v.chars().any(char::is_whitespace) {
        return false; // sentences: labels, error messages
    }
    if v.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    !names_a_place(v)
}

/// A value that says where the secret is rather than being it: a URL, a
/// path, a read of the environment, a dotted identifier
/// (`settings.SECRET_KEY`, `config.token`).
pub(crate) fn names_a_place(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    if lower.starts_with("http://")
        || lower.starts_with("https://")
        || v.starts_with('/')
        || v.starts_with("./")
        || lower.contains("environ")
        || lower.contains("process.env")
        || lower.contains("getenv")
    {
        return true;
    }
    v.contains('.')
        && v.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        && v.bytes().any(|b| b.is_ascii_lowercase())
        && !v.bytes().any(|b| b.is_ascii_digit())
}

/// The identifier just before an assignment operator (quotes allowed around
/// it), looking back past a type annotation (`secret_key: str = "…"`).
pub(crate) fn name_before(line: &str, op: usize) -> Option<String> {
    let b = line.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.';
    let mut e = op;
    while e > 0 && b[e - 1] == b' ' {
        e -= 1;
    }
    if e > 0 && matches!(b[e - 1], b'"' | b'\'') {
        e -= 1;
    }
    let mut s = e;
    while s > 0 && e - s < 64 && ident(b[s - 1]) {
        s -= 1;
    }
    if s == e {
        return None;
    }
    let name = &line[s..e];
    // Look past a type annotation: `name: str = …`.
    if b[op] == b'='
        && matches!(
            name,
            "str" | "string" | "String" | "&str" | "SecretStr" | "Optional" | "any"
        )
    {
        let mut k = s;
        while k > 0 && b[k - 1] == b' ' {
            k -= 1;
        }
        if k > 0 && b[k - 1] == b':' {
            return name_before(line, k - 1);
        }
    }
    // Keep the last segment of a dotted path: `config.password`, `self.api_key`.
    let last = name.rsplit('.').next().unwrap_or(name);
    if last.is_empty() {
        None
    } else {
        Some(last.to_string())
    }
}

/// The value after an operator: a quoted string (any of ' " `), or, when
/// allowed, the bare rest of the line up to a comment. Returns its byte
/// range and whether it was quoted.
fn value_after(line: &str, after: usize, unquoted_ok: bool) -> Option<(usize, usize, bool)> {
    let b = line.as_bytes();
    let mut s = after;
    while s < b.len() && (b[s] == b' ' || b[s] == b'\t') {
        s += 1;
    }
    if s >= b.len() {
        return None;
    }
    // Python string prefixes: r"…", b"…" are literals; f"…" is formatted (skip).
    let mut q = b[s];
    if matches!(q, b'r' | b'b' | b'R' | b'B') && s + 1 < b.len() && matches!(b[s + 1], b'"' | b'\'')
    {
        s += 1;
        q = b[s];
    }
    if matches!(q, b'"' | b'\'' | b'`') {
        let vs = s + 1;
        let mut e = vs;
        while e < b.len() && e - vs <= MAX_VALUE && b[e] != q {
            if b[e] == b'\\' {
                return None; // escapes: not worth guessing
            }
            e += 1;
        }
        if e >= b.len() || b[e] != q {
            return None;
        }
        return Some((vs, e, true));
    }
    if !unquoted_ok {
        return None;
    }
    // The bare rest of the line, up to a ` #` comment.
    let rest = &line[s..];
    let mut e = s + rest.find(" #").unwrap_or(rest.len());
    while e > s && b[e - 1].is_ascii_whitespace() {
        e -= 1;
    }
    if e == s { None } else { Some((s, e, false)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(lang: Lang, src: &str) -> Vec<String> {
        scan("app/x", lang, src)
            .into_iter()
            .map(|f| f.kind)
            .collect()
    }

    #[test]
    fn key_names_are_not_secrets() {
        let src =
            "BACKEND_SESSION_KEY = \"_auth_user_backend\"\nAPI_SECRET = \"q8Zr-2mVt_Xw9LkPe4Nb\"\n";
        assert_eq!(kinds(Lang::Python, src), vec!["generic-secret"]);
    }

    #[test]
    fn mask_shape() {
        let m = mask(
            "openai-key",
            "sk-proj-lSXpfKtHF4vUCsMehGAkWvj7FAc9QeWJKY40uvSwMFL",
        );
        assert!(m.starts_with("openai-key sk-p…(51) #"), "{m}");
        assert_eq!(m.len(), "openai-key sk-p…(51) #".len() + 6);
        // a format's marker shows at most a quarter of a short value
        assert!(mask("github-token", "ghp_x").starts_with("github-token g…(5)"));
        // a password shows none of itself
        assert!(mask("generic-password", "hunter22").starts_with("generic-password …(8) #"));
        assert!(mask("connection-string", "Zr8vQ").starts_with("connection-string …(5) #"));
    }

    #[test]
    fn names() {
        assert_eq!(secret_name_kind("DB_PASSWORD"), Some("generic-password"));
        assert_eq!(secret_name_kind("dbPassword"), Some("generic-password"));
        assert_eq!(secret_name_kind("STRIPE_API_KEY"), Some("generic-secret"));
        assert_eq!(secret_name_kind("client_secret"), Some("generic-secret"));
        assert_eq!(secret_name_kind("ENCRYPTION_KEY"), Some("generic-secret"));
        assert_eq!(secret_name_kind("gpgPassphrase"), Some("generic-password"));
        assert_eq!(secret_name_kind("primary_key"), None);
        assert_eq!(secret_name_kind("POSTGRES_PASSWORD_FILE"), None);
        assert_eq!(secret_name_kind("max_tokens"), None);
        assert_eq!(secret_name_kind("token_url"), None);
        assert_eq!(secret_name_kind("username"), None);
    }

    #[test]
    fn known_formats() {
        assert_eq!(
            kinds(Lang::Python, "KEY = 'AKIAZ7Q3NRW5XJ2PLM4T'\n"),
            ["aws-access-key"]
        );
        assert!(kinds(Lang::Python, "KEY = 'AKIAIOSFODNN7EXAMPLE'\n").is_empty());
        assert_eq!(
            kinds(
                Lang::Python,
                "t = 'ghp_IhKtJ0RlgLKOmxgJTeKdNnFRIBXuDL7DxtpY'\n"
            ),
            ["github-token"]
        );
        assert_eq!(
            kinds(Lang::Python, "t = 'glpat-Rq7vXm2Lp9Wz4Kc8Nt3B'\n"),
            ["gitlab-token"]
        );
        assert_eq!(
            kinds(
                Lang::Python,
                "t = 'xoxb-284719365012-539182746305-Tq9ZrW2mKx7LpVn3Hc8Jd4Fs'\n"
            ),
            ["slack-token"]
        );
        assert_eq!(
            kinds(
                Lang::JavaScript,
                "const s = 'sk_live_4fQz9TkW2mXr7LpVn3Hc8JdY';\n"
            ),
            ["stripe-key"]
        );
        assert!(
            kinds(
                Lang::JavaScript,
                "const s = 'sk_test_4fQz9TkW2mXr7LpVn3Hc8JdY';\n"
            )
            .is_empty()
        );
        assert_eq!(
            kinds(
                Lang::Python,
                "k = 'sk-ant-api03-Vx7Qm2Lr9Tz4Wc8Nk3Bp6Hd1Fs5Jy0Ga2Xe7Ru'\n"
            ),
            ["anthropic-key"]
        );
        assert_eq!(
            kinds(
                Lang::Python,
                "k = 'sk-proj-Wm4Tz8Qx2Lr7Vn3Kc9Hb5Jd1Fs6Py0Ga'\n"
            ),
            ["openai-key"]
        );
        assert_eq!(
            kinds(
                Lang::Python,
                "k = 'sk-u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8dKLzdocJ2isAj'\n"
            ),
            ["openai-key"]
        );
        assert_eq!(
            kinds(
                Lang::Python,
                "k = 'AIzaSyQ3xT7mWq2Lr9Vn4Kc8Hb5Jd1Fs6Py0GaE'\n"
            ),
            ["google-api-key"]
        );
        let jwt =
            "tok = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIn0.Qm5Tk2Xr8Lw4Zp7Vn3Hc9Jd1Fs6'\n";
        assert_eq!(kinds(Lang::Python, jwt), ["jwt"]);
        let pem = "KEY = \"\"\"\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAq7Zt3Xw9Lr2Vn5Kc8Hb4Jd1Fs6Py0GaQe3Rt8Uo2Ip7AsDfGh\n-----END RSA PRIVATE KEY-----\n\"\"\"\n";
        assert_eq!(kinds(Lang::Python, pem), ["private-key"]);
        assert!(
            kinds(
                Lang::Python,
                "if s.startswith('-----BEGIN RSA PRIVATE KEY-----'):\n    pass\n"
            )
            .is_empty()
        );
        assert_eq!(
            kinds(
                Lang::Config,
                "DATABASE_URL=postgres://app:Zr8vQm2xLt@db.internal:5432/app\n"
            ),
            ["connection-string"]
        );
        assert!(
            kinds(
                Lang::Config,
                "DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app\n"
            )
            .is_empty()
        );
        assert!(
            kinds(
                Lang::Config,
                "DATABASE_URL=postgres://user:password@localhost/app\n"
            )
            .is_empty()
        );
    }

    #[test]
    fn generic_assignments() {
        assert_eq!(
            kinds(Lang::Python, "DB_PASSWORD = 'Tr0ub4dor&3x'\n"),
            ["generic-password"]
        );
        assert_eq!(
            kinds(Lang::Python, "api_key: str = 'q8Zr2Lm7Xv4Tn9Kw3Hb6'\n"),
            ["generic-secret"]
        );
        assert_eq!(
            kinds(Lang::Config, "JWT_SECRET=Vq8mZ2rLx7TkW4nH9cJ3\n"),
            ["generic-secret"]
        );
        assert_eq!(
            kinds(
                Lang::JavaScript,
                "const cfg = { \"password\": \"Pz9!kLm2qR\" };\n"
            ),
            ["generic-password"]
        );
        // not secrets
        for src in [
            "password = os.environ['DB_PASSWORD']\n",
            "password = os.environ.get('DB_PASSWORD', '')\n",
            "const token = process.env.API_TOKEN;\n",
            "DB_PASSWORD = 'changeme'\n",
            "API_KEY = 'your-api-key-here'\n",
            "SECRET = '<secret>'\n",
            "password = '${DB_PASSWORD}'\n",
            "password = '{{ db_password }}'\n",
            "token = 'aaaaaaaaaaaaaaaaaaaa'\n",
            "if password == 'hunter2hunter2':\n",
            "label = {'password': 'Enter your password'}\n",
            "secret_key = 'devkey'\n",
            "token = 'abcabcabcabc'\n",
            "PASSWORD_MIN_LENGTH = 12\n",
            "password = get_password()\n",
            "# password = 'Tr0ub4dor&3x'\n",
            "password = f'{prefix}Tr0ub4dor'\n",
            "API_KEY = 'test-key-123456789'\n",
            "password = 'redacted-for-docs'\n",
        ] {
            assert!(kinds(Lang::Python, src).is_empty(), "{src}");
        }
        assert!(kinds(Lang::Config, "DB_PASSWORD=\n").is_empty());
        assert!(kinds(Lang::Config, "DB_PASSWORD=${DB_PASSWORD}\n").is_empty());
        assert!(
            kinds(Lang::Python, "DB_PASSWORD = Tr0ub4dor\n").is_empty(),
            "unquoted in code is a name"
        );
    }

    #[test]
    fn example_files_and_docstrings() {
        let env = "SECRET_KEY=Vq8mZ2rLx7TkW4nH9cJ3\n";
        assert_eq!(kinds(Lang::Config, env), ["generic-secret"]);
        assert!(scan("deploy/.env.example", Lang::Config, env).is_empty());
        assert!(scan("config.sample.env", Lang::Config, env).is_empty());
        assert!(
            kinds(
                Lang::Config,
                "SECRET_KEY=replace-with-a-long-random-string\n"
            )
            .is_empty()
        );
        let doc = "def f():\n    \"\"\"Example:\n\n        >>> login(passwd='Gz8kq2Lm9pZ!')\n    \"\"\"\n    return 1\n";
        assert!(kinds(Lang::Python, doc).is_empty(), "docstring example");
        let after = format!("{doc}PASSWORD = 'Gz8kq2Lm9pZ!'\n");
        assert_eq!(
            kinds(Lang::Python, &after),
            ["generic-password"],
            "code after the docstring"
        );
        assert!(
            kinds(
                Lang::Python,
                "def f(private_key: \"_RSAPrivateKey\", data: bytes): ...\n"
            )
            .is_empty()
        );
        assert!(
            kinds(
                Lang::Python,
                "OIDS = {OID.CHALLENGE_PASSWORD: \"challengePassword\"}\n"
            )
            .is_empty()
        );
    }

    #[test]
    fn aws_secret_by_name() {
        let src = "aws_secret_access_key = 'Zq8Lr2Vn5Xc1Wd7Ty3Hb9Km4Pj6Fs0Ag2Ne8R+/x'\n";
        assert_eq!(kinds(Lang::Python, src), ["aws-secret-key"]);
    }

    #[test]
    fn raw_value_never_appears() {
        let planted = "ghp_IhKtJ0RlgLKOmxgJTeKdNnFRIBXuDL7DxtpY";
        let pw = "Tr0ub4dor&3x";
        let src = format!(
            "T = '{planted}'  # again: {planted}\nDB_PASSWORD = '{pw}'\nURL = 'mysql://root:{pw}@db/x'\n"
        );
        let facts = scan("a.py", Lang::Python, &src);
        assert_eq!(facts.len(), 3);
        let json = serde_json::to_string(&facts).unwrap();
        assert!(!json.contains(planted));
        assert!(!json.contains(pw));
        assert!(json.contains("github-token ghp_…(40)"));
    }

    #[test]
    fn multibyte_text_never_splits_a_character() {
        for pad in 0..4 {
            let src = format!("u = 'postgres://{}{}'\n", "a".repeat(pad), "é".repeat(600));
            let _ = scan("x.py", Lang::Python, &src);
            let src = format!("password = '{}{}'\n", "a".repeat(pad), "ü".repeat(700));
            let _ = scan("x.py", Lang::Python, &src);
            let src = format!("{}{}\n", "ß".repeat(3000 + pad), "token=abc");
            let _ = scan("x.env", Lang::Config, &src);
        }
        let pw = "пароль-Zq8vL2";
        let facts = scan("x.py", Lang::Python, &format!("DB_PASSWORD = '{pw}'\n"));
        assert_eq!(facts.len(), 1);
        assert!(!serde_json::to_string(&facts).unwrap().contains(pw));
    }

    #[test]
    fn linear_on_long_lines() {
        let long = "a=".repeat(200_000);
        let started = std::time::Instant::now();
        let _ = scan("x.env", Lang::Config, &long);
        let _ = scan("x.py", Lang::Python, &"sk-".repeat(100_000));
        assert!(started.elapsed().as_secs() < 2);
    }

    #[test]
    fn deployment_env() {
        assert!(is_literal_secret_env("DB_PASSWORD", "changeme"));
        assert!(is_literal_secret_env("POSTGRES_PASSWORD", "postgres"));
        assert!(!is_literal_secret_env("DB_PASSWORD", ""));
        assert!(!is_literal_secret_env("DB_PASSWORD", "${DB_PASSWORD}"));
        assert!(!is_literal_secret_env(
            "DB_PASSWORD_FILE",
            "/run/secrets/db"
        ));
        assert!(!is_literal_secret_env("TOKEN_TTL", "3600"));
        assert!(!is_literal_secret_env("LOG_LEVEL", "info"));
        assert!(is_literal_secret_env(
            "OPENAI",
            "sk-proj-Wm4Tz8Qx2Lr7Vn3Kc9Hb5Jd1Fs6Py0Ga"
        ));
    }
}
