//! Masking credentials at the source.
//!
//! Every string a file's extraction yields (evidence text, properties,
//! flow labels, summaries, imports, ignore reasons) goes through
//! [`redact_facts`] before it leaves [`crate::extract`], so every surface
//! that renders facts — reports in every format, the facts cache, the
//! snapshot, the editor and the assistants — inherits the masking. Readers
//! of raw file text outside extraction call [`redact_source`] (the AI
//! context) or [`redact_range`] (the lines of an excerpt) on it.
//!
//! What is masked, wherever it appears in a piece of text:
//! - the token formats the secrets scan knows (GitHub, GitLab, Slack,
//!   Stripe, OpenAI, Anthropic, Google, AWS key ids, JWTs), PEM private-key
//!   material (on the header's line or the lines after it);
//! - the password in a URL's user-info, whatever the scheme
//!   (`postgresql://app:[…]@db:5432/x`);
//! - the literal value of a name that says password, secret, token or API
//!   key ([`secret_name_kind`]): keyword arguments, assignments, object and
//!   dict keys, subscripts (`config["SECRET_KEY"] = …`), `key=value` DSNs and
//!   query strings inside strings (`host=db password=…`,
//!   `Server=x;Password=…;`, `?password=…&`), `name:`/`value:` pairs
//!   (Kubernetes `env`), Dockerfile `ENV NAME value`;
//! - `Authorization` / `Proxy-Authorization` credentials (after `Bearer`,
//!   `Basic`, `token`…), `Cookie` values, `X-Api-Key`-style headers, also
//!   as `set("Authorization", "…")` calls, and a bare `Bearer <token>`;
//! - the password of basic-auth pairs (`auth=("user", "…")`,
//!   `HTTPBasicAuth("user", "…")`, `login("user", "…")`), defaults of
//!   secret lookups (`getenv("DB_PASSWORD", "…")`) and the literal key of
//!   `jwt.encode`/`jwt.sign`/`hmac.new`/`cookieParser`;
//! - any value the secrets scan reported in the file, wherever else the
//!   file's facts repeat it, when it cannot be an ordinary word.
//!
//! In code a name-based value counts only when it is a literal (a quoted
//! string, or the text after `name=` inside a string); in configuration and
//! deployment files bare values count too. References (`${DB_PASSWORD}`,
//! `{{ .Values.pw }}`, `%(pw)s`, `{password}`), reads from the environment
//! and placeholders (`changeme`, `<token>`, `password`) are left alone: a
//! false alarm here would mangle the model.
//!
//! A value becomes `[` + [`mask`] + `]` (kind, a short prefix, length and a
//! short hash): deterministic, recognisable, and the same as the secret
//! facts show. The scan is linear: every matcher looks at a bounded window
//! around a separator (`=`, `:`, `://`, `(`, a run of token characters),
//! with no backtracking regular expression.

use crate::secrets::{
    AssignOp, Found, MAX_VALUE, MIN_KNOWN_TOKEN, entropy, for_each_run, is_aws_secret,
    is_placeholder, mask, match_known, names_a_place, names_itself, next_assign_op,
    secret_name_kind, userinfo_passwords,
};
use crate::types::{FileFacts, Prop, Source};
use aho_corasick::{AhoCorasick, MatchKind};
use bw_files::{Lang, detect_lang};
use std::borrow::Cow;

/// The marker [`crate::evidence::normalise`] ends a capped text with.
const CAP: char = '…';
/// How many lines after a PEM header are read as key material.
const MAX_PEM_LINES: u32 = 256;
/// How many lines a Kubernetes-style `name:` waits for its `value:`.
const PENDING_LINES: u32 = 4;
/// Longest name looked at before an operator.
const MAX_NAME: usize = 64;
/// Shortest reported value repeated elsewhere that is masked by value
/// (shorter ones only where they sit in a credential position).
const MIN_REPEATED: usize = 8;

/// How values are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Source code: a name-based value counts when it is a literal — a
    /// quoted string, or the text after `name=` inside a string.
    Code,
    /// Configuration and deployment files: bare values count too.
    Config,
}

impl Mode {
    pub fn of(lang: Lang) -> Mode {
        if lang.is_code() {
            Mode::Code
        } else {
            Mode::Config
        }
    }

    /// The mode of a file by its path (configuration when unknown).
    pub fn of_path(path: &str) -> Mode {
        detect_lang(path).map_or(Mode::Config, Mode::of)
    }
}

/// Mask the credentials in one piece of text (a line, a fact's evidence
/// text, a label). Text without credentials is returned as it is.
pub fn redact(text: &str, mode: Mode) -> Cow<'_, str> {
    Redactor::new(mode, None).text(text)
}

/// A redacted file text and how many values were masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redacted {
    pub text: String,
    pub masked: usize,
}

/// Mask the credentials in a whole file's text, as extraction masks its
/// facts: the positions above, PEM bodies across lines, Kubernetes
/// `name:`/`value:` pairs, and every value the secrets scan reports in the
/// file wherever it is repeated. Lines are kept (same count, same order), so
/// line numbers still point at the right place.
pub fn redact_source(path: &str, lang: Lang, text: &str) -> Redacted {
    let found = if lang == Lang::Lockfile {
        vec![]
    } else {
        crate::secrets::scan_found(path, lang, text).1
    };
    redact_with(lang, text, &found)
}

/// [`redact_source`] for a file the secrets scan is known to report
/// nothing in (its facts hold no secret): the positions only.
pub fn redact_positions(lang: Lang, text: &str) -> Redacted {
    redact_with(lang, text, &[])
}

fn redact_with(lang: Lang, text: &str, found: &[Found]) -> Redacted {
    let belt = Belt::new(found);
    let mut r = Redactor::new(Mode::of(lang), belt.as_ref());
    let out = r.text(text).into_owned();
    Redacted {
        text: out,
        masked: r.masked,
    }
}

/// Whether masking a line of `text` can depend on lines far above it (a
/// PEM body under its header): then [`redact_range`] cannot be used and
/// the whole text goes through [`redact_source`].
pub fn needs_whole_text(text: &str) -> bool {
    text.contains("PRIVATE KEY")
}

/// Lines `first..=last` (0-based, clamped to the text) of a file's lines,
/// masked by position exactly as [`redact_positions`] masks them in the
/// whole text, reading only the few lines above `first` that can change
/// how they are masked (a `name:` whose `value:` follows). For a text
/// where [`needs_whole_text`] holds, or one the secrets scan reports values
/// in, use [`redact_source`].
pub fn redact_range<S: AsRef<str>>(
    lang: Lang,
    lines: &[S],
    first: usize,
    last: usize,
) -> Vec<String> {
    let mut r = Redactor::new(Mode::of(lang), None);
    let from = first.saturating_sub(PENDING_LINES as usize);
    let to = last.min(lines.len().saturating_sub(1));
    let mut out = vec![];
    for (i, line) in lines.iter().enumerate().take(to + 1).skip(from) {
        let shown = r.line(line.as_ref());
        if i >= first {
            out.push(shown.into_owned());
        }
    }
    out
}

/// Mask every string of a file's facts that can carry literal text.
pub(crate) fn redact_facts(ff: &mut FileFacts, mode: Mode, found: &[Found]) {
    let belt = Belt::new(found);
    let fix = |s: &mut String| {
        if let Cow::Owned(o) = Redactor::new(mode, belt.as_ref()).text(s) {
            *s = o;
        }
    };
    let fix_list = |l: &mut Vec<String>| {
        let before = l.clone();
        l.iter_mut().for_each(fix);
        if *l != before {
            l.sort();
            l.dedup();
        }
    };
    let fix_source = |s: &mut Option<Source>| {
        if let Some(s) = s {
            fix(&mut s.label);
        }
    };
    for f in &mut ff.facts {
        fix(&mut f.evidence.text);
        fix(&mut f.evidence.symbol);
        for p in f.props.values_mut() {
            match p {
                Prop::Str(s) => fix(s),
                Prop::List(l) => fix_list(l),
                Prop::Bool(_) | Prop::Int(_) => {}
            }
        }
        if let Some(flow) = &mut f.flow {
            fix_source(&mut flow.source);
            flow.steps.iter_mut().for_each(|s| fix(&mut s.label));
            flow.calls.iter_mut().for_each(fix);
        }
    }
    for i in &mut ff.imports {
        fix(&mut i.local);
        fix(&mut i.module);
        if let Some(n) = &mut i.name {
            fix(n);
        }
    }
    for func in &mut ff.functions {
        fix(&mut func.symbol);
        fix(&mut func.export_name);
        func.params.iter_mut().for_each(fix);
        fix_source(&mut func.returns_source);
        for c in &mut func.calls {
            fix(&mut c.callee);
            for a in &mut c.args {
                fix_source(&mut a.source);
            }
        }
        if let Some(q) = &mut func.query_helper {
            fix(&mut q.call);
        }
        if let Some(h) = &mut func.http_wrapper {
            fix(&mut h.call);
            fix(&mut h.client);
            fix(&mut h.allowlist);
        }
    }
    for ig in &mut ff.ignores {
        fix(&mut ig.reason);
        ig.rules.iter_mut().for_each(fix);
    }
}

/// The values the secrets scan reported in one file, searched for all at
/// once wherever else the file repeats them.
pub(crate) struct Belt {
    ac: AhoCorasick,
    kinds: Vec<&'static str>,
}

impl Belt {
    pub(crate) fn new(found: &[Found]) -> Option<Belt> {
        let mut pairs: Vec<(&str, &'static str)> = found
            .iter()
            .filter(|f| distinctive(&f.value))
            .map(|f| (f.value.as_str(), f.kind))
            .collect();
        pairs.sort();
        pairs.dedup_by(|a, b| a.0 == b.0);
        if pairs.is_empty() {
            return None;
        }
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(pairs.iter().map(|p| p.0))
            .ok()?;
        Some(Belt {
            ac,
            kinds: pairs.iter().map(|p| p.1).collect(),
        })
    }

    fn spans(&self, s: &str, out: &mut Vec<Span>) {
        let b = s.as_bytes();
        let masks = mask_regions(s);
        for m in self.ac.find_iter(s) {
            let (a, e) = (m.start(), m.end());
            // Whole values only: not the middle of a longer word.
            let glued = |x: u8, y: u8| x.is_ascii_alphanumeric() && y.is_ascii_alphanumeric();
            if (a > 0 && glued(b[a - 1], b[a])) || (e < b.len() && glued(b[e - 1], b[e])) {
                continue;
            }
            if masks.iter().any(|&(ms, me)| a < me && ms < e) {
                continue;
            }
            out.push(Span::new(
                a,
                e,
                self.kinds[m.pattern().as_usize()],
                Rank::Repeated,
            ));
        }
    }
}

/// A reported value that can be masked wherever the file repeats it: it
/// cannot be an ordinary word of the file. `postgres` reported as
/// `POSTGRES_PASSWORD: postgres` must not turn `image: postgres:16` into a
/// mask; `Zr8vQm2x` can be masked anywhere.
fn distinctive(v: &str) -> bool {
    let classes = [
        v.bytes().any(|b| b.is_ascii_lowercase()),
        v.bytes().any(|b| b.is_ascii_uppercase()),
        v.bytes().any(|b| b.is_ascii_digit()),
        v.bytes().any(|b| !b.is_ascii_alphanumeric()),
    ];
    v.chars().count() >= MIN_REPEATED
        && !v.contains(CAP)
        && classes.iter().filter(|c| **c).count() >= 2
        && entropy(v) >= 2.5
}

/// Which matcher found a span; the lower wins when two cover the same text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    Known,
    Url,
    Pem,
    Position,
    Bearer,
    Repeated,
}

#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    kind: &'static str,
    rank: Rank,
}

impl Span {
    fn new(start: usize, end: usize, kind: &'static str, rank: Rank) -> Span {
        Span {
            start,
            end,
            kind,
            rank,
        }
    }
}

/// A line-by-line masker. State carried between lines: a PEM body after
/// its header, and a Kubernetes-style `name:` naming a secret whose
/// `value:` comes next.
struct Redactor<'b> {
    mode: Mode,
    belt: Option<&'b Belt>,
    pem_lines: u32,
    pending: Option<(Class, u32)>,
    /// How many values were masked so far.
    masked: usize,
}

impl<'b> Redactor<'b> {
    fn new(mode: Mode, belt: Option<&'b Belt>) -> Redactor<'b> {
        Redactor {
            mode,
            belt,
            pem_lines: 0,
            pending: None,
            masked: 0,
        }
    }

    /// Mask a text of any number of lines, keeping its line breaks.
    fn text<'a>(&mut self, s: &'a str) -> Cow<'a, str> {
        if !s.contains('\n') {
            return self.line(s);
        }
        let mut out = String::with_capacity(s.len());
        let mut changed = false;
        for piece in s.split_inclusive('\n') {
            let body = piece.strip_suffix('\n').unwrap_or(piece);
            let body = body.strip_suffix('\r').unwrap_or(body);
            let r = self.line(body);
            changed |= matches!(r, Cow::Owned(_));
            out.push_str(&r);
            out.push_str(&piece[body.len()..]);
        }
        if changed {
            Cow::Owned(out)
        } else {
            Cow::Borrowed(s)
        }
    }

    /// Mask one line.
    fn line<'a>(&mut self, s: &'a str) -> Cow<'a, str> {
        // Short identifiers (names, callees, parameters: most strings a
        // file's facts hold) cannot carry a credential position or a token.
        if self.belt.is_none()
            && self.pem_lines == 0
            && self.pending.is_none()
            && s.len() < MIN_KNOWN_TOKEN
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'$'))
        {
            return Cow::Borrowed(s);
        }
        self.pending = self
            .pending
            .and_then(|(class, left)| (left > 0).then(|| (class, left - 1)));
        let mut spans = Vec::new();
        let pem_open = self.pem_lines > 0;
        if pem_open {
            self.pem_continuation(s, &mut spans);
        }
        let capped = s.ends_with(CAP);
        let body_end = if capped {
            s.len() - CAP.len_utf8()
        } else {
            s.len()
        };
        known_formats(s, body_end, capped, &mut spans);
        if !pem_open || self.pem_lines == 0 {
            self.pem_headers(s, &mut spans);
        }
        url_passwords(s, body_end, capped, &mut spans);
        self.operators(s, body_end, capped, &mut spans);
        calls(s, &mut spans);
        bearer(s, &mut spans);
        if self.mode == Mode::Config {
            env_instruction(s, &mut spans);
        }
        if let Some(b) = self.belt {
            b.spans(s, &mut spans);
        }
        if spans.is_empty() {
            return Cow::Borrowed(s);
        }
        spans.sort_by_key(|x| (x.start, std::cmp::Reverse(x.end), x.rank));
        let mut out = String::with_capacity(s.len() + 48 * spans.len());
        let mut last = 0;
        for sp in spans {
            if sp.start < last
                || sp.start >= sp.end
                || !s.is_char_boundary(sp.start)
                || !s.is_char_boundary(sp.end)
            {
                continue;
            }
            out.push_str(&s[last..sp.start]);
            out.push('[');
            out.push_str(&mask(sp.kind, &s[sp.start..sp.end]));
            out.push(']');
            last = sp.end;
            self.masked += 1;
        }
        if last == 0 {
            return Cow::Borrowed(s);
        }
        out.push_str(&s[last..]);
        Cow::Owned(out)
    }

    /// `-----BEGIN … PRIVATE KEY-----` and the key material after it on
    /// the same line (a string with `\n` escapes, or a text whose line
    /// breaks were collapsed). A header that ends its line opens a body on
    /// the next lines.
    fn pem_headers(&mut self, s: &str, spans: &mut Vec<Span>) {
        let mut from = 0;
        while let Some(p) = s[from..].find("-----BEGIN ") {
            let begin = from + p;
            let rest = &s[begin + 11..];
            let Some(close) = rest.find("-----") else {
                return;
            };
            let label = &rest[..close];
            from = begin + 11 + close + 5;
            if !label.ends_with("PRIVATE KEY") || label.len() > 40 {
                continue;
            }
            match s[from..].find("-----END") {
                Some(e) => {
                    base64_runs(s, from, from + e, 16, spans);
                    from += e + 8;
                }
                None => {
                    let tail = &s[from..];
                    if tail
                        .trim_matches(|c: char| c.is_whitespace() || "\"'`\\n+,(".contains(c))
                        .is_empty()
                    {
                        self.pem_lines = MAX_PEM_LINES;
                    } else {
                        base64_runs(s, from, s.len(), 16, spans);
                    }
                    return;
                }
            }
        }
    }

    /// A line inside a PEM body: key material is masked; a line that is
    /// not key material ends the body.
    fn pem_continuation(&mut self, s: &str, spans: &mut Vec<Span>) {
        self.pem_lines -= 1;
        if let Some(e) = s.find("-----END") {
            base64_runs(s, 0, e, 4, spans);
            self.pem_lines = 0;
            return;
        }
        let body_like = s.bytes().all(|b| {
            is_base64(b)
                || b.is_ascii_whitespace()
                || matches!(b, b'"' | b'\'' | b'`' | b'\\' | b'+' | b',')
        }) || s.starts_with("Proc-Type:")
            || s.starts_with("DEK-Info:");
        if body_like {
            base64_runs(s, 0, s.len(), 4, spans);
        } else {
            self.pem_lines = 0;
        }
    }

    /// Name-based values: `name = "…"`, `name: "…"`, `"name": "…"`,
    /// `name=…` inside a string, bare values in configuration.
    fn operators(&mut self, s: &str, body_end: usize, capped: bool, spans: &mut Vec<Span>) {
        let b = s.as_bytes();
        let mut quotes = Quotes::new(b);
        let mut i = 0;
        while let Some(AssignOp { op, after, arrow }) = next_assign_op(b, i) {
            i = op + 1;
            let c = b[op];
            let in_str = quotes.at(op);
            let Some(key) = key_before(s, op) else {
                continue;
            };
            if arrow && !key.quoted {
                continue; // `token => …` is a function
            }
            let mut pair_value = false;
            let class = match Class::of(key.name) {
                Class::Name => {
                    // Kubernetes-style `name: DB_PASSWORD`: the next `value:` is its value.
                    let bare = self.bare(in_str);
                    if let Some(v) =
                        value_after(s, after, in_str, bare, Ends::Word, body_end, capped)
                    {
                        self.pending = match Class::of(&s[v.start..v.end]) {
                            c @ (Class::Generic(_) | Class::Auth | Class::Cookie) => {
                                Some((c, PENDING_LINES))
                            }
                            _ => None,
                        };
                    }
                    continue;
                }
                // (Collapsed text puts it right after the name's value.)
                Class::Value => match self.pending.take() {
                    Some((c, _)) => {
                        pair_value = true;
                        c
                    }
                    None => continue,
                },
                Class::None => continue,
                other => other,
            };
            // `name: value` outside a string is a key only where an entry
            // starts: at the start of the text, after `{`, `,`, `(`, `[` or a
            // list's `-` (not a ternary's `? a : "b"`, not prose's "the
            // token: …"); inside a string only a header line counts
            // (`"Authorization: Bearer …"`).
            if c == b':' {
                if in_str.is_none() && !pair_value && !key_context(s, key.start) {
                    continue;
                }
                if in_str.is_some() && matches!(class, Class::Generic(_)) {
                    continue;
                }
            }
            let ends = match class {
                Class::Auth | Class::Cookie => Ends::Line,
                _ => Ends::Word,
            };
            let Some(mut v) =
                value_after(s, after, in_str, self.bare(in_str), ends, body_end, capped)
            else {
                continue;
            };
            v.spaces_ok = self.mode == Mode::Config && in_str.is_none();
            if let Some(sp) = class.span(key.name, s, v) {
                i = sp.end.max(i);
                spans.push(sp);
            }
        }
    }

    /// Whether a bare (unquoted) value counts here.
    fn bare(&self, in_str: Option<u8>) -> bool {
        self.mode == Mode::Config || in_str.is_some()
    }
}

/// What a name before an operator says about its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// A password, secret, token or API key (the kind to mask it as).
    Generic(&'static str),
    /// `Authorization`, `Proxy-Authorization`: the credential after the scheme.
    Auth,
    /// `Cookie`, `Set-Cookie`: the whole value.
    Cookie,
    /// `name` (of a `name:`/`value:` pair).
    Name,
    /// `value` (of a `name:`/`value:` pair).
    Value,
    None,
}

impl Class {
    fn of(name: &str) -> Class {
        if !may_be_secret_name(name) {
            return Class::None;
        }
        if name.eq_ignore_ascii_case("name") {
            return Class::Name;
        }
        if name.eq_ignore_ascii_case("value") {
            return Class::Value;
        }
        match Class::header(name) {
            Some("authorization") => Class::Auth,
            Some("cookie") => Class::Cookie,
            _ => secret_name_kind(name).map_or(Class::None, |k| {
                let lower = name.to_ascii_lowercase();
                if lower.contains("aws") && lower.contains("secret") {
                    Class::Generic("aws-secret-key")
                } else {
                    Class::Generic(k)
                }
            }),
        }
    }

    /// The kind of a header name that carries a credential whatever its value looks like.
    fn header(name: &str) -> Option<&'static str> {
        let n = name.to_ascii_lowercase();
        match n.as_str() {
            "authorization" | "proxy-authorization" => Some("authorization"),
            "cookie" | "set-cookie" => Some("cookie"),
            _ => None,
        }
    }

    /// The span to mask for a value of this class, if the value is a
    /// literal credential.
    fn span(self, name: &str, s: &str, v: Val) -> Option<Span> {
        let value = &s[v.start..v.end];
        match self {
            Class::Generic(kind) => {
                if !generic_value(value, v.bare, v.spaces_ok) {
                    return None;
                }
                let kind = match kind {
                    "aws-secret-key" if is_aws_secret(value) => "aws-secret-key",
                    "aws-secret-key" => secret_name_kind(name).unwrap_or("generic-secret"),
                    k => k,
                };
                Some(Span::new(v.start, v.end, kind, Rank::Position))
            }
            Class::Auth => {
                let (a, e) = credential_of_auth(s, v.start, v.end)?;
                Some(Span::new(a, e, "authorization", Rank::Position))
            }
            Class::Cookie => {
                let t = value.trim();
                if t.is_empty() || !literal_value(t) || t.starts_with('{') {
                    return None;
                }
                let a = v.start + (value.len() - value.trim_start().len());
                Some(Span::new(a, a + t.len(), "cookie", Rank::Position))
            }
            Class::Name | Class::Value | Class::None => None,
        }
    }
}

/// A cheap test every name [`Class::of`] classifies passes: its letters
/// and digits, lower-cased, hold `pass`, `pwd`, `secret`, `token`, `key`,
/// `auth` or `cookie`, or it is `name` / `value`. Most names in code do
/// not, and are rejected without building their words.
fn may_be_secret_name(name: &str) -> bool {
    let mut buf = [0u8; MAX_NAME];
    let mut n = 0;
    for b in name.bytes().filter(u8::is_ascii_alphanumeric) {
        if n == buf.len() {
            return true; // long names: let the full test decide
        }
        buf[n] = b.to_ascii_lowercase();
        n += 1;
    }
    let joined = &buf[..n];
    let has = |w: &[u8]| joined.windows(w.len()).any(|x| x == w);
    joined == b"name"
        || joined == b"value"
        || [
            &b"pass"[..],
            b"pwd",
            b"secret",
            b"token",
            b"key",
            b"auth",
            b"cookie",
        ]
        .iter()
        .any(|w| has(w))
}

/// The name before an operator.
#[derive(Debug, Clone, Copy)]
struct Key<'a> {
    name: &'a str,
    /// Where the name (or its opening quote) starts.
    start: usize,
    /// The name was quoted (`"password": …`, `["SECRET_KEY"] = …`).
    quoted: bool,
}

fn ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'$')
}

/// The identifier that ends at `e` (exclusive), if any: its start.
fn ident_start(b: &[u8], e: usize) -> Option<usize> {
    let mut s = e;
    while s > 0 && e - s < MAX_NAME && ident(b[s - 1]) {
        s -= 1;
    }
    (s < e).then_some(s)
}

/// The key before the operator at `op`: `name`, `"name"`, `obj.name`,
/// `x["name"]`, and past a type annotation (`name: str = …`).
fn key_before(s: &str, op: usize) -> Option<Key<'_>> {
    let b = s.as_bytes();
    let mut e = op;
    while e > 0 && matches!(b[e - 1], b' ' | b'\t') {
        e -= 1;
    }
    let mut quoted = false;
    if e > 1 && b[e - 1] == b']' && matches!(b[e - 2], b'"' | b'\'') {
        e -= 2;
        quoted = true;
    } else if e > 0 && matches!(b[e - 1], b'"' | b'\'' | b'`') {
        e -= 1;
        quoted = true;
    }
    let st = ident_start(b, e)?;
    let full = &s[st..e];
    let mut start = st;
    if quoted && st > 0 && matches!(b[st - 1], b'"' | b'\'' | b'`') {
        start = st - 1;
    }
    // `name: Type = value`: the name is before the annotation.
    if b[op] == b'=' && !quoted {
        let mut k = st;
        while k > 0 && b[k - 1] == b' ' {
            k -= 1;
        }
        if k > 0 && b[k - 1] == b':' && (k < 2 || b[k - 2] != b':') {
            let mut k2 = k - 1;
            while k2 > 0 && b[k2 - 1] == b' ' {
                k2 -= 1;
            }
            if let Some(ns) = ident_start(b, k2) {
                let name = &s[ns..k2];
                let name = name.rsplit('.').next().unwrap_or(name);
                if !name.is_empty() {
                    return Some(Key {
                        name,
                        start: ns,
                        quoted: false,
                    });
                }
            }
        }
    }
    let name = if quoted {
        full
    } else {
        full.rsplit('.').next().unwrap_or(full)
    };
    (!name.is_empty()).then_some(Key {
        name,
        start,
        quoted,
    })
}

/// Whether the key starting at `start` opens an entry: after `{`, `,`,
/// `(`, `[`, a list item's `-`, or at the start of the text.
fn key_context(s: &str, start: usize) -> bool {
    let t = s[..start].trim_end();
    t.is_empty() || t.ends_with(['{', ',', '(', '[']) || t == "-" || t.ends_with(" -")
}

/// Where a bare value ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ends {
    /// At a space (or a separator).
    Word,
    /// At the end of the string or line (a header value: `Bearer abc`).
    Line,
}

/// A value after an operator.
#[derive(Debug, Clone, Copy)]
struct Val {
    start: usize,
    end: usize,
    /// Unquoted in configuration or inside a string.
    bare: bool,
    /// A value of several words counts (configuration, outside a string);
    /// in code, words with spaces are labels and messages.
    spaces_ok: bool,
}

/// The value after an operator: a quoted literal (Python `r`/`b`/`u`
/// prefixes allowed, `f` strings are not literals), or when `bare_ok`
/// (configuration, or inside a string) the unquoted text up to where it
/// ends. A quoted value cut by the evidence cap runs to the cap.
fn value_after(
    s: &str,
    after: usize,
    in_str: Option<u8>,
    bare_ok: bool,
    ends: Ends,
    body_end: usize,
    capped: bool,
) -> Option<Val> {
    let b = s.as_bytes();
    let mut v = after;
    while v < body_end && matches!(b[v], b' ' | b'\t') {
        v += 1;
    }
    if v >= body_end {
        return None;
    }
    if let Some(q) = in_str {
        // Code quoted inside a string (JSON, a notebook): `password=\"…\"`.
        if b[v] == b'\\' && matches!(b.get(v + 1), Some(b'"' | b'\'')) {
            let inner = &s[v + 2..body_end];
            let close = [b'\\', b[v + 1]];
            let e = inner
                .as_bytes()
                .windows(2)
                .take(MAX_VALUE)
                .position(|w| w == close)?;
            return trimmed(s, v + 2, v + 2 + e, false);
        }
        // `host=db password=… dbname=x`, `Password=…;`, `?password=…&`,
        // `"Authorization: Bearer …"`: up to the string's end.
        let mut e = v;
        while e < body_end && e - v < MAX_VALUE {
            let c = b[e];
            if c == q || c == b'\\' {
                break;
            }
            if ends == Ends::Word
                && (c.is_ascii_whitespace() || matches!(c, b';' | b'&' | b',' | b')' | b'}'))
            {
                break;
            }
            e += 1;
        }
        return trimmed(s, v, e, true);
    }
    let mut p = v;
    // Python string prefixes: r"…", b"…", u"…", rb"…" are literals.
    while p < body_end && p - v < 2 && matches!(b[p], b'r' | b'b' | b'u' | b'R' | b'B' | b'U') {
        p += 1;
    }
    if !(p < body_end && matches!(b[p], b'"' | b'\'' | b'`')) {
        p = v;
    }
    if p < body_end && matches!(b[p], b'"' | b'\'' | b'`') {
        let q = b[p];
        let vs = p + 1;
        let mut e = vs;
        while e < body_end && e - vs <= MAX_VALUE && b[e] != q {
            if b[e] == b'\\' {
                e += 1;
            }
            e += 1;
        }
        if e < body_end && b[e] == q {
            return Some(Val {
                start: vs,
                end: e,
                bare: false,
                spaces_ok: false,
            });
        }
        if capped && e >= body_end {
            return trimmed(s, vs, body_end, false);
        }
        return None;
    }
    if p != v || !bare_ok {
        return None;
    }
    // A bare value in configuration: up to a comment, a separator, or the
    // next `key=` / `key:` pair (Dockerfile `ENV A=x B=y`, collapsed YAML).
    let mut e = v;
    while e < body_end && e - v < MAX_VALUE {
        let c = b[e];
        if matches!(c, b',' | b';' | b'}' | b']' | b'"' | b'\'' | b'`') {
            break;
        }
        if c == b' ' || c == b'\t' {
            let rest = s[e..body_end].trim_start();
            if rest.starts_with('#') || rest.starts_with("- ") || next_is_pair(rest) {
                break;
            }
        }
        e += 1;
    }
    trimmed(s, v, e, true)
}

/// `[v, e)` without surrounding whitespace, on character boundaries.
fn trimmed(s: &str, v: usize, mut e: usize, bare: bool) -> Option<Val> {
    while e > v && !s.is_char_boundary(e) {
        e -= 1;
    }
    let text = &s[v..e];
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    let start = v + (text.len() - text.trim_start().len());
    Some(Val {
        start,
        end: start + t.len(),
        bare,
        spaces_ok: false,
    })
}

/// The text starts with `key=` or `key:` (another pair on the same line).
fn next_is_pair(rest: &str) -> bool {
    let b = rest.as_bytes();
    let n = b.iter().take(MAX_NAME).take_while(|&&c| ident(c)).count();
    n > 0 && matches!(b.get(n), Some(b'=' | b':'))
}

/// A reference to a value kept elsewhere, not the value.
fn is_reference(v: &str) -> bool {
    v.starts_with('$')
        || v.starts_with('@')
        || v.contains("${")
        || v.contains("{{")
        || v.contains("$(")
        || v.contains("%(")
        || v.contains("#{")
        || (v.contains('{') && v.contains('}'))
}

/// A literal that may be a credential: not empty, not a mask already, not a
/// reference or a placeholder.
fn literal_value(v: &str) -> bool {
    let t = v.trim();
    !t.is_empty() && !t.contains(CAP) && !is_reference(t) && !is_placeholder(t)
}

/// A literal assigned to a secret-ish name that is the secret itself.
fn generic_value(v: &str, bare: bool, spaces_ok: bool) -> bool {
    if !literal_value(v)
        || v.len() > MAX_VALUE
        || (!spaces_ok && v.chars().any(char::is_whitespace))
    {
        return false;
    }
    if names_itself(v) || names_a_place(v) {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    if bare {
        // Settings, not secrets: numbers, booleans, YAML syntax.
        if v.bytes().all(|b| b.is_ascii_digit())
            || matches!(
                lower.as_str(),
                "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~"
            )
            || v.starts_with(['[', '{', '!', '&', '*', '|', '>', '(', '-'])
        {
            return false;
        }
    }
    true
}

/// The credential in an `Authorization` value `[a, e)`: after a scheme
/// word (`Bearer`, `Basic`, `token`, …) when there is one, else all of it.
fn credential_of_auth(s: &str, a: usize, e: usize) -> Option<(usize, usize)> {
    let v = &s[a..e];
    let mut start = a;
    if let Some(sp) = v.find(' ') {
        let scheme = &v[..sp];
        if scheme.len() <= 24
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            start = a + sp + (v[sp..].len() - v[sp..].trim_start().len());
        }
    }
    let cred = s[start..e].trim_end();
    if cred.is_empty() || !literal_value(cred) || cred.starts_with('[') {
        return None;
    }
    Some((start, start + cred.len()))
}

/// Where each quote opens and closes on one line, read once from the left.
struct Quotes<'a> {
    b: &'a [u8],
    pos: usize,
    open: Option<u8>,
}

impl<'a> Quotes<'a> {
    fn new(b: &'a [u8]) -> Quotes<'a> {
        Quotes {
            b,
            pos: 0,
            open: None,
        }
    }

    /// The quote open at byte `i` (positions only move forward).
    fn at(&mut self, i: usize) -> Option<u8> {
        while self.pos < i && self.pos < self.b.len() {
            let c = self.b[self.pos];
            match self.open {
                Some(_) if c == b'\\' => self.pos += 1,
                Some(q) if c == q => self.open = None,
                None if matches!(c, b'"' | b'\'' | b'`') => self.open = Some(c),
                _ => {}
            }
            self.pos += 1;
        }
        self.open
    }
}

fn is_base64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')
}

/// Runs of base64 of at least `min` characters in `[from, to)`, skipping
/// `\n`-style escapes and masks already there.
fn base64_runs(s: &str, from: usize, to: usize, min: usize, spans: &mut Vec<Span>) {
    let b = s.as_bytes();
    let to = to.min(b.len());
    let mut i = from;
    while i < to {
        if b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == b'['
            && let Some(e) = mask_end(s, i)
        {
            i = e;
            continue;
        }
        if is_base64(b[i]) {
            let st = i;
            while i < to && is_base64(b[i]) {
                i += 1;
            }
            if i - st >= min {
                spans.push(Span::new(st, i, "private-key", Rank::Pem));
            }
            continue;
        }
        i += 1;
    }
}

/// If a mask (`[kind prefix…(len) #hash]`) starts at `i`, where it ends.
fn mask_end(s: &str, i: usize) -> Option<usize> {
    let rest = s.get(i..)?;
    if !rest.starts_with('[') {
        return None;
    }
    let close = rest.bytes().take(96).position(|b| b == b']')?;
    let inner = &rest[1..close];
    let (head, hash) = inner.rsplit_once(" #")?;
    let ok = hash.len() == 6
        && hash.bytes().all(|b| b.is_ascii_hexdigit())
        && head.contains("…(")
        && head.ends_with(')')
        && head.split(' ').next().is_some_and(|k| {
            !k.is_empty() && k.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
        });
    ok.then_some(i + close + 1)
}

/// Every mask on a line, as byte ranges.
fn mask_regions(s: &str) -> Vec<(usize, usize)> {
    let mut out = vec![];
    let mut from = 0;
    while let Some(p) = s[from..].find('[') {
        let i = from + p;
        match mask_end(s, i) {
            Some(e) => {
                out.push((i, e));
                from = e;
            }
            None => from = i + 1,
        }
    }
    out
}

/// Prefixes of the known token formats, for a token the evidence cap cut.
const KNOWN_PREFIXES: &[(&str, &str)] = &[
    ("github_pat_", "github-token"),
    ("ghp_", "github-token"),
    ("gho_", "github-token"),
    ("ghs_", "github-token"),
    ("ghu_", "github-token"),
    ("ghr_", "github-token"),
    ("glpat-", "gitlab-token"),
    ("xoxb-", "slack-token"),
    ("xoxa-", "slack-token"),
    ("xoxp-", "slack-token"),
    ("xoxr-", "slack-token"),
    ("xoxs-", "slack-token"),
    ("sk_live_", "stripe-key"),
    ("rk_live_", "stripe-key"),
    ("sk-ant-", "anthropic-key"),
    ("sk-proj-", "openai-key"),
    ("sk-svcacct-", "openai-key"),
    ("sk-admin-", "openai-key"),
    ("AKIA", "aws-access-key"),
    ("ASIA", "aws-access-key"),
    ("AIza", "google-api-key"),
    ("eyJ", "jwt"),
];

/// Known token formats anywhere in the text; a token the evidence cap cut
/// short is masked by its prefix.
fn known_formats(s: &str, body_end: usize, capped: bool, spans: &mut Vec<Span>) {
    let mut last = None;
    for_each_run(s, |a, e| {
        last = Some((a, e));
        if e - a < MIN_KNOWN_TOKEN {
            return;
        }
        if let Some((kind, ks, ke)) = match_known(s, a, e) {
            let v = &s[ks..ke];
            if !is_placeholder(v) && !v.contains("EXAMPLE") && !v.contains("example") {
                spans.push(Span::new(ks, ke, kind, Rank::Known));
            }
        }
    });
    if let Some((a, e)) = last
        && capped
        && e == body_end
    {
        let run = &s[a..e];
        // The token may start after a separator inside the run (`key=ghp_…`).
        let starts = std::iter::once(0).chain(
            run.match_indices(['.', '-', '_', '='])
                .map(|(i, _)| i + 1)
                .take(8),
        );
        for st in starts {
            let t = &run[st..];
            if let Some((p, kind)) = KNOWN_PREFIXES.iter().find(|(p, _)| t.starts_with(p))
                && t.len() >= p.len() + 4
            {
                spans.push(Span::new(a + st, e, kind, Rank::Known));
                break;
            }
        }
    }
}

/// Passwords in URLs' user-info; a URL the evidence cap cut inside its
/// user-info (`https://user:pa…`) has the rest after the colon masked.
fn url_passwords(s: &str, body_end: usize, capped: bool, spans: &mut Vec<Span>) {
    userinfo_passwords(s, usize::MAX, |a, e| {
        spans.push(Span::new(a, e, "connection-string", Rank::Url))
    });
    if !capped {
        return;
    }
    let Some(sep) = s[..body_end].rfind("://") else {
        return;
    };
    let auth = &s[sep + 3..body_end];
    if auth.is_empty() || auth.contains('@') || auth.contains(['/', ' ', '"', '\'', '`', '?', '#'])
    {
        return;
    }
    if let Some(colon) = auth.find(':') {
        let rest = &auth[colon + 1..];
        if !rest.is_empty() && !rest.bytes().all(|b| b.is_ascii_digit()) && literal_value(rest) {
            let a = sep + 3 + colon + 1;
            spans.push(Span::new(a, body_end, "connection-string", Rank::Url));
        }
    }
}

/// The last segment of the callee that ends at `p` (an opening bracket),
/// and the one before it, as written.
fn callee_before(s: &str, p: usize) -> Option<(&str, &str)> {
    let b = s.as_bytes();
    let mut e = p;
    while e > 0 && b[e - 1] == b' ' {
        e -= 1;
    }
    let st = ident_start(b, e)?;
    let mut parts = s[st..e].rsplit('.');
    Some((parts.next().unwrap_or(""), parts.next().unwrap_or("")))
}

/// What a call's arguments hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CallForm {
    /// `get("NAME", "default")`, `set("Header", "value")`.
    NameValue,
    /// `HTTPBasicAuth(user, "password")`.
    UserPassword,
    /// `jwt.sign(payload, "key")` (after a `jwt.` receiver).
    JwtKey,
    /// `hmac.new(b"key", …)` (after `hmac.`), `cookieParser("key")`.
    FirstKey,
}

const CALL_FORMS: &[(&str, CallForm)] = &[
    ("get", CallForm::NameValue),
    ("getenv", CallForm::NameValue),
    ("setdefault", CallForm::NameValue),
    ("set", CallForm::NameValue),
    ("setheader", CallForm::NameValue),
    ("header", CallForm::NameValue),
    ("append", CallForm::NameValue),
    ("add", CallForm::NameValue),
    ("put", CallForm::NameValue),
    ("putheader", CallForm::NameValue),
    ("add_header", CallForm::NameValue),
    ("setrequestheader", CallForm::NameValue),
    ("httpbasicauth", CallForm::UserPassword),
    ("httpdigestauth", CallForm::UserPassword),
    ("basicauth", CallForm::UserPassword),
    ("httpproxyauth", CallForm::UserPassword),
    ("login", CallForm::UserPassword),
    ("encode", CallForm::JwtKey),
    ("decode", CallForm::JwtKey),
    ("sign", CallForm::JwtKey),
    ("verify", CallForm::JwtKey),
    ("new", CallForm::FirstKey),
    ("cookieparser", CallForm::FirstKey),
    ("cookie_parser", CallForm::FirstKey),
];

/// The quoted literal starting at or after `i` (spaces skipped): its
/// range and the index after its closing quote.
fn quoted_arg(s: &str, i: usize) -> Option<(usize, usize, usize)> {
    let b = s.as_bytes();
    let mut p = i;
    while p < b.len() && b[p] == b' ' {
        p += 1;
    }
    let mut q = p;
    while q < b.len() && q - p < 2 && matches!(b[q], b'r' | b'b' | b'u' | b'R' | b'B' | b'U') {
        q += 1;
    }
    let quote = *b.get(q)?;
    if !matches!(quote, b'"' | b'\'' | b'`') {
        return None;
    }
    let vs = q + 1;
    let mut e = vs;
    while e < b.len() && e - vs <= MAX_VALUE && b[e] != quote {
        if b[e] == b'\\' {
            e += 1;
        }
        e += 1;
    }
    (e < b.len() && b[e] == quote).then_some((vs, e, e + 1))
}

/// Past one argument (balanced brackets and quotes) and its comma: the
/// index after the comma.
fn skip_arg(s: &str, i: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut p = i;
    while p < b.len() && p - i <= MAX_VALUE {
        let c = b[p];
        match quote {
            Some(q) => {
                if c == b'\\' {
                    p += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'"' | b'\'' | b'`' => quote = Some(c),
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => {
                    if depth == 0 {
                        return None;
                    }
                    depth -= 1;
                }
                b',' if depth == 0 => return Some(p + 1),
                _ => {}
            },
        }
        p += 1;
    }
    None
}

/// A comma (after spaces) at `i`: the index after it.
fn comma(s: &str, i: usize) -> Option<usize> {
    let t = s.get(i..)?;
    let skipped = t.len() - t.trim_start().len();
    t.trim_start().starts_with(',').then_some(i + skipped + 1)
}

/// Credentials passed to calls: `set("Authorization", "…")`,
/// `getenv("DB_PASSWORD", "…")`, `auth=("user", "…")`,
/// `HTTPBasicAuth("user", "…")`, `login("user", "…")`,
/// `jwt.encode(payload, "…")`, `hmac.new(b"…")`, `cookieParser("…")`.
fn calls(s: &str, spans: &mut Vec<Span>) {
    let b = s.as_bytes();
    for (p, _) in s.match_indices(['(', '[']) {
        let open = b[p];
        // `auth=(…)`, `auth: […]`: a user and a password.
        let mut k = p;
        while k > 0 && b[k - 1] == b' ' {
            k -= 1;
        }
        if k > 0
            && matches!(b[k - 1], b'=' | b':')
            && let Some(key) = key_before(s, k - 1)
            && key.name.eq_ignore_ascii_case("auth")
        {
            if let Some(i) = skip_arg(s, p + 1)
                && let Some((vs, ve, _)) = quoted_arg(s, i)
                && generic_value(&s[vs..ve], false, false)
            {
                spans.push(Span::new(vs, ve, "generic-password", Rank::Position));
            }
            continue;
        }
        if open != b'(' {
            continue;
        }
        let Some((last, before)) = callee_before(s, p) else {
            continue;
        };
        let Some(&(_, form)) = CALL_FORMS
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(last))
        else {
            continue;
        };
        match form {
            CallForm::NameValue => {
                let Some((ns, ne, after)) = quoted_arg(s, p + 1) else {
                    continue;
                };
                let Some(i) = comma(s, after) else { continue };
                let Some((vs, ve, _)) = quoted_arg(s, i) else {
                    continue;
                };
                let name = &s[ns..ne];
                let class = Class::of(name);
                if let Some(sp) = class.span(
                    name,
                    s,
                    Val {
                        start: vs,
                        end: ve,
                        bare: false,
                        spaces_ok: false,
                    },
                ) {
                    spans.push(sp);
                }
            }
            CallForm::UserPassword => {
                if let Some(i) = skip_arg(s, p + 1)
                    && let Some((vs, ve, _)) = quoted_arg(s, i)
                    && generic_value(&s[vs..ve], false, false)
                {
                    spans.push(Span::new(vs, ve, "generic-password", Rank::Position));
                }
            }
            CallForm::JwtKey if before.eq_ignore_ascii_case("jwt") => {
                if let Some(i) = skip_arg(s, p + 1)
                    && let Some((vs, ve, _)) = quoted_arg(s, i)
                    && literal_value(&s[vs..ve])
                {
                    spans.push(Span::new(vs, ve, "signing-key", Rank::Position));
                }
            }
            CallForm::FirstKey
                if !last.eq_ignore_ascii_case("new") || before.eq_ignore_ascii_case("hmac") =>
            {
                signing_first(s, p, spans)
            }
            CallForm::JwtKey | CallForm::FirstKey => {}
        }
    }
}

fn signing_first(s: &str, p: usize, spans: &mut Vec<Span>) {
    if let Some((vs, ve, _)) = quoted_arg(s, p + 1)
        && literal_value(&s[vs..ve])
    {
        spans.push(Span::new(vs, ve, "signing-key", Rank::Position));
    }
}

/// `Bearer <token>` / `Basic <credentials>` anywhere, when what follows
/// looks like a credential (not a word such as `authentication`).
fn bearer(s: &str, spans: &mut Vec<Span>) {
    let b = s.as_bytes();
    let token68 = |c: u8| {
        c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~' | b'+' | b'/' | b'=')
    };
    for (i, _) in s.match_indices(['B', 'b']) {
        if i > 0 && b[i - 1].is_ascii_alphanumeric() {
            continue;
        }
        let at = &b[i..];
        let word = if at.len() >= 7 && at[..7].eq_ignore_ascii_case(b"bearer ") {
            7
        } else if at.len() >= 6 && at[..6].eq_ignore_ascii_case(b"basic ") {
            6
        } else {
            continue;
        };
        let mut a = i + word;
        while a < b.len() && b[a] == b' ' {
            a += 1;
        }
        let mut e = a;
        while e < b.len() && e - a < MAX_VALUE && token68(b[e]) {
            e += 1;
        }
        let t = &s[a..e];
        if t.len() < 8 || !literal_value(t) {
            continue;
        }
        let digit = t.bytes().any(|c| c.is_ascii_digit());
        let symbol = t.bytes().any(|c| !c.is_ascii_alphanumeric());
        let inner_upper = t.bytes().skip(1).any(|c| c.is_ascii_uppercase());
        let lower = t.bytes().any(|c| c.is_ascii_lowercase());
        if digit || symbol || (inner_upper && lower) || t.len() >= 20 {
            spans.push(Span::new(a, e, "authorization", Rank::Bearer));
        }
    }
}

/// Dockerfile `ENV NAME value` / `ARG NAME value` (the form without `=`).
fn env_instruction(s: &str, spans: &mut Vec<Span>) {
    let t = s.trim_start();
    let lead = s.len() - t.len();
    let Some(kw) = t.get(..4) else { return };
    if !(kw.eq_ignore_ascii_case("env ") || kw.eq_ignore_ascii_case("arg ")) {
        return;
    }
    let rest = t[4..].trim_start();
    let name_at = lead + (t.len() - rest.len());
    let n = rest.bytes().take_while(|&c| ident(c)).count();
    let name = &rest[..n];
    let after = &rest[n..];
    if n == 0 || !after.starts_with([' ', '\t']) {
        return;
    }
    let Class::Generic(kind) = Class::of(name) else {
        return;
    };
    let value = after.trim();
    let vs = name_at + n + (after.len() - after.trim_start().len());
    let (vs, ve) = match value.as_bytes().first() {
        Some(b'"' | b'\'') if value.len() >= 2 && value.ends_with(&value[..1]) => {
            (vs + 1, vs + value.len() - 1)
        }
        _ => (vs, vs + value.len()),
    };
    if ve > vs && generic_value(&s[vs..ve], true, true) {
        let kind = if kind == "aws-secret-key" && !is_aws_secret(&s[vs..ve]) {
            "generic-secret"
        } else {
            kind
        };
        spans.push(Span::new(vs, ve, kind, Rank::Position));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PW: &str = "Zr8vQm2xLt";

    fn code(s: &str) -> String {
        redact(s, Mode::Code).into_owned()
    }
    fn config(s: &str) -> String {
        redact(s, Mode::Config).into_owned()
    }

    /// `secret` is gone from the redacted `text`, the rest is kept.
    #[track_caller]
    fn masked(mode: Mode, text: &str, secret: &str, kept: &[&str]) -> String {
        let out = redact(text, mode).into_owned();
        assert!(!out.contains(secret), "{secret} survives in {out}");
        for k in kept {
            assert!(out.contains(k), "{k} lost from {out}");
        }
        // Masking is deterministic and idempotent.
        assert_eq!(redact(text, mode), out);
        assert_eq!(
            redact(&out, mode),
            out,
            "masking the masked text changes it"
        );
        out
    }

    #[track_caller]
    fn untouched(mode: Mode, text: &str) {
        assert_eq!(redact(text, mode), text, "{text}");
    }

    /// The examples docs/security.md shows, exactly.
    #[test]
    fn the_documented_examples() {
        assert_eq!(
            code("postgresql://app:Zr8vQm2xLtNc4Kp7Wd9HbY@db.internal:5432/orders"),
            "postgresql://app:[connection-string …(22) #5d0c22]@db.internal:5432/orders"
        );
        assert_eq!(
            code(r#"requests.get(u, headers={"Authorization": "Bearer Qz7vR2mXk9Lp4Tn8Wc3"})"#),
            r#"requests.get(u, headers={"Authorization": "Bearer [authorization …(19) #c3a7ae]"})"#
        );
    }

    #[test]
    fn url_userinfo_passwords_any_scheme() {
        for scheme in [
            "https",
            "http",
            "postgresql",
            "postgres",
            "mysql",
            "mongodb",
            "mongodb+srv",
            "redis",
            "rediss",
            "amqp",
            "ftp",
            "jdbc:postgresql",
        ] {
            let text =
                format!("engine = create_engine(\"{scheme}://app:{PW}@db.internal:5432/x\")");
            let out = masked(
                Mode::Code,
                &text,
                PW,
                &[
                    &format!("{scheme}://app:[connection-string "),
                    "@db.internal:5432/x",
                ],
            );
            assert!(out.contains("…(10) #"), "{out}");
        }
        masked(
            Mode::Code,
            &format!("r = Redis.from_url('redis://:{PW}@cache:6379/0')"),
            PW,
            &["redis://:[", "@cache:6379/0"],
        );
        // The same mask as the secret facts show.
        let out = code(&format!("u = 'mysql://root:{PW}@db/x'"));
        assert!(
            out.contains(&format!("[{}]", mask("connection-string", PW))),
            "{out}"
        );
    }

    #[test]
    fn urls_without_a_literal_password_are_kept() {
        for t in [
            "requests.get('https://api.github.com/repos')",
            "url = 'https://user@host.example.org/x'",
            "url = f'postgresql://{user}:{password}@{host}/db'",
            "url = `postgres://app:${DB_PASSWORD}@db/x`",
            "DATABASE_URL = 'postgres://user:password@localhost/app'",
            "u = 'redis://cache:6379/0'",
            "u = 'postgres://app:%(pw)s@db/x' % cfg",
            "u = 'http://[::1]:8080/health'",
        ] {
            untouched(Mode::Code, t);
        }
        untouched(
            Mode::Config,
            "DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app",
        );
    }

    #[test]
    fn key_value_dsns() {
        masked(
            Mode::Code,
            &format!("psycopg2.connect(\"host=db user=app password={PW} dbname=x\")"),
            PW,
            &["host=db user=app password=[generic-password ", "dbname=x"],
        );
        masked(
            Mode::Code,
            &format!("conn = \"Server=db;Database=x;User Id=app;Password={PW};\""),
            PW,
            &["Server=db;Database=x;User Id=app;Password=[", ";\""],
        );
        masked(
            Mode::Code,
            &format!("url = 'jdbc:mysql://db/x?user=app&password={PW}&ssl=true'"),
            PW,
            &["&ssl=true'"],
        );
        masked(
            Mode::Config,
            &format!("dsn: host=db password={PW} sslmode=require"),
            PW,
            &["sslmode=require"],
        );
        // Code quoted inside a JSON string (a notebook, a report).
        masked(
            Mode::Config,
            &format!(r#""source": "r = Redis(password=\"{PW}\")""#),
            PW,
            &[r#"Redis(password=\"["#],
        );
        // A DSN built from variables has no literal to mask.
        untouched(Mode::Code, "dsn = \"host=db password=\" + pw");
        untouched(Mode::Code, "dsn = f\"host=db password={pw}\"");
        untouched(Mode::Code, "dsn = 'host=db password=%s' % pw");
    }

    #[test]
    fn keyword_arguments_and_keys() {
        for (text, kept) in [
            (
                format!("r = redis.Redis(host=\"cache\", password=\"{PW}\")"),
                "host=\"cache\"",
            ),
            (
                format!("s3 = boto3.client('s3', aws_secret_access_key='{PW}')"),
                "boto3.client('s3', ",
            ),
            (
                format!("c = Client(client_secret='{PW}', client_id='abc')"),
                "client_id='abc'",
            ),
            (format!("api = Api(api_key=\"{PW}\")"), "Api(api_key="),
            (format!("login(passwd=\"{PW}\")"), "login(passwd="),
            (
                format!("t = Token(token=\"{PW}\", secret=\"{PW}\")"),
                "Token(token=",
            ),
            (
                format!("cfg = {{\"password\": \"{PW}\", \"user\": \"app\"}}"),
                "\"user\": \"app\"",
            ),
            (
                format!("const cfg = {{ password: '{PW}', user: 'app' }};"),
                "user: 'app'",
            ),
            (format!("const cfg = {{ apiKey: `{PW}` }};"), "apiKey: `["),
            (
                format!("app.config[\"SECRET_KEY\"] = \"{PW}\""),
                "app.config[\"SECRET_KEY\"] = \"[",
            ),
            (format!("app.secret_key = '{PW}'"), "app.secret_key = '["),
            (
                format!("secret_key: str = \"{PW}\""),
                "secret_key: str = \"[",
            ),
            (
                format!("$cfg = ['password' => '{PW}'];"),
                "'password' => '[",
            ),
            (
                format!("def connect(password=\"{PW}\"):"),
                "def connect(password=",
            ),
        ] {
            masked(Mode::Code, &text, PW, &[kept]);
        }
        let out = code(&format!(
            "aws_secret_access_key='{}'",
            "Zq8Lr2Vn5Xc1Wd7Ty3Hb9Km4Pj6Fs0Ag2Ne8R+/x"
        ));
        assert!(out.contains("[aws-secret-key …(40) #"), "{out}");
        let out = code(&format!("password='{PW}'"));
        assert_eq!(
            out,
            format!("password='[{}]'", mask("generic-password", PW))
        );
    }

    #[test]
    fn not_literals_are_kept() {
        for t in [
            "password = request.form[\"password\"]",
            "password=request.form['password']",
            "redis.Redis(host=h, password=pw)",
            "redis.Redis(password=os.environ[\"PW\"])",
            "password = os.environ.get('DB_PASSWORD', '')",
            "token = process.env.API_TOKEN;",
            "const { password } = req.body;",
            "password: str",
            "password: string;",
            "DB_PASSWORD = '${DB_PASSWORD}'",
            "password = 'changeme'",
            "API_KEY = 'your-api-key-here'",
            "token = '<token>'",
            "password = '{{ db_password }}'",
            "secret = settings.SECRET_KEY",
            "password = f'{prefix}x'",
            "label = {'password': 'Enter your password'}",
            "fields = ('password', 'email')",
            "if password == 'hunter2hunter2':",
            "x = valid ? token : 'anonymous'",
            "PASSWORD_MIN_LENGTH = 12",
            "token_url = 'https://auth.example.org/token'",
            "password_file = '/run/secrets/db'",
            "kind = 'password'",
            "max_tokens = 4096",
            "headers = {'Authorization': f'Bearer {token}'}",
            "headers = {'Authorization': 'Bearer ' + token}",
            "headers['Authorization'] = `Bearer ${token}`",
            "fetch(url, { headers: { Authorization: auth } })",
            "app.use(session({ cookie: { secure: true } }))",
            "res.cookie('token', token)",
            "secret_name = 'prod/db'",
            "the bearer authentication scheme",
            "rows = db.execute('SELECT * FROM users WHERE id = ?', (uid,))",
            "requests.get('https://api.example.org/v1', timeout=5)",
            "conn = sqlite3.connect('app.db')",
            "os.system(request.args['c'])",
            "'-----BEGIN RSA PRIVATE KEY-----' in pem",
            "if s.startswith('-----BEGIN RSA PRIVATE KEY-----'): parse_the_private_key_material(s)",
        ] {
            untouched(Mode::Code, t);
        }
    }

    #[test]
    fn headers() {
        let tok = "Qz7vR2mXk9Lp4Tn8Wc3";
        for (text, kept) in [
            (
                format!("headers = {{\"Authorization\": \"Bearer {tok}\"}}"),
                "\"Authorization\": \"Bearer [",
            ),
            (
                format!("headers = {{'Authorization': 'Basic {tok}'}}"),
                "'Basic [",
            ),
            (
                format!("headers = {{'Authorization': 'token {tok}'}}"),
                "'token [",
            ),
            (
                format!("headers = {{'Proxy-Authorization': 'Bearer {tok}'}}"),
                "'Bearer [",
            ),
            (
                format!("fetch(u, {{ headers: {{ Authorization: `Bearer {tok}` }} }})"),
                "`Bearer [",
            ),
            (
                format!("req.set('Authorization', 'Bearer {tok}')"),
                "req.set('Authorization', 'Bearer [",
            ),
            (
                format!("headers['Authorization'] = 'Bearer {tok}'"),
                "= 'Bearer [",
            ),
            (
                format!("curl -H \"Authorization: Bearer {tok}\" https://api"),
                "\"Authorization: Bearer [",
            ),
            (
                format!("h = [('Authorization', 'Bearer {tok}')]"),
                "'Bearer [",
            ),
            (format!("AUTH = 'Bearer {tok}'"), "'Bearer ["),
            (
                format!("headers = {{'X-Api-Key': '{tok}'}}"),
                "'X-Api-Key': '[",
            ),
            (
                format!("headers = {{'X-Auth-Token': '{tok}'}}"),
                "'X-Auth-Token': '[",
            ),
            (
                format!("headers = {{'PRIVATE-TOKEN': '{tok}'}}"),
                "'PRIVATE-TOKEN': '[",
            ),
            (
                format!("headers = {{'Cookie': 'session={tok}; theme=dark'}}"),
                "'Cookie': '[",
            ),
            (
                format!("xhr.setRequestHeader('X-Api-Key', '{tok}')"),
                "xhr.setRequestHeader('X-Api-Key', '[",
            ),
        ] {
            masked(Mode::Code, &text, tok, &[kept]);
        }
        masked(
            Mode::Config,
            &format!("Authorization: Bearer {tok}"),
            tok,
            &["Authorization: Bearer ["],
        );
        let out = code(&format!("h = {{'Authorization': 'Bearer {tok}'}}"));
        assert!(out.contains("[authorization …(19) #"), "{out}");
    }

    #[test]
    fn calls_with_credentials() {
        masked(
            Mode::Code,
            &format!("requests.get(u, auth=('admin', '{PW}'))"),
            PW,
            &["auth=('admin', '["],
        );
        masked(
            Mode::Code,
            &format!("requests.get(u, auth=HTTPBasicAuth('admin', '{PW}'))"),
            PW,
            &["HTTPBasicAuth('admin', '["],
        );
        masked(
            Mode::Code,
            &format!("smtp.login(user, '{PW}')"),
            PW,
            &["smtp.login(user, '["],
        );
        masked(
            Mode::Code,
            &format!("pw = os.getenv('DB_PASSWORD', '{PW}')"),
            PW,
            &["os.getenv('DB_PASSWORD', '["],
        );
        masked(
            Mode::Code,
            &format!("jwt.encode({{'sub': uid}}, '{PW}', algorithm='HS256')"),
            PW,
            &[
                "jwt.encode({'sub': uid}, '[signing-key ",
                "algorithm='HS256'",
            ],
        );
        masked(
            Mode::Code,
            &format!("jwt.sign({{ sub: req.body.user }}, '{PW}', {{ expiresIn: '1h' }})"),
            PW,
            &["{ expiresIn: '1h' }"],
        );
        masked(
            Mode::Code,
            &format!("app.use(cookieParser('{PW}'))"),
            PW,
            &["cookieParser('["],
        );
        masked(
            Mode::Code,
            &format!("hmac.new(b'{PW}', msg, 'sha256')"),
            PW,
            &["hmac.new(b'["],
        );
        untouched(Mode::Code, "jwt.encode(payload, key, algorithm='HS256')");
        untouched(Mode::Code, "jwt.sign(payload, process.env.JWT_SECRET)");
        untouched(Mode::Code, "requests.get(u, auth=(user, pw))");
        untouched(Mode::Code, "d.get('password', default)");
    }

    #[test]
    fn known_formats_anywhere() {
        for (value, kind) in [
            ("ghp_IhKtJ0RlgLKOmxgJTeKdNnFRIBXuDL7DxtpY", "github-token"),
            ("glpat-Rq7vXm2Lp9Wz4Kc8Nt3B", "gitlab-token"),
            (
                "xoxb-284719365012-539182746305-Tq9ZrW2mKx7LpVn3Hc8Jd4Fs",
                "slack-token",
            ),
            ("sk_live_4fQz9TkW2mXr7LpVn3Hc8JdY", "stripe-key"),
            (
                "sk-ant-api03-Vx7Qm2Lr9Tz4Wc8Nk3Bp6Hd1Fs5Jy0Ga2Xe7Ru",
                "anthropic-key",
            ),
            ("sk-proj-Wm4Tz8Qx2Lr7Vn3Kc9Hb5Jd1Fs6Py0Ga", "openai-key"),
            ("AIzaSyQ3xT7mWq2Lr9Vn4Kc8Hb5Jd1Fs6Py0GaE", "google-api-key"),
            ("AKIAZ7Q3NRW5XJ2PLM4T", "aws-access-key"),
            (
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIn0.Qm5Tk2Xr8Lw4Zp7Vn3Hc9Jd1Fs6",
                "jwt",
            ),
        ] {
            // In a comment, a positional argument, a URL: anywhere.
            for text in [
                format!("client = Client(\"{value}\")"),
                format!("# the old key was {value}"),
                format!("fetch('https://api.example.org/?k={value}&x=1')"),
            ] {
                let out = masked(Mode::Code, &text, value, &[]);
                assert!(out.contains(&format!("[{kind} ")), "{out}");
            }
        }
        untouched(Mode::Code, "KEY = 'AKIAIOSFODNN7EXAMPLE'");
        untouched(Mode::Code, "k = 'sk_test_4fQz9TkW2mXr7LpVn3Hc8JdY'");
    }

    #[test]
    fn private_keys() {
        let body = "MIIEowIBAAKCAQEAq7Zt3Xw9Lr2Vn5Kc8Hb4Jd1Fs6Py0GaQe3Rt8Uo2Ip7AsDfGh";
        masked(
            Mode::Code,
            &format!(
                "KEY = \"-----BEGIN RSA PRIVATE KEY-----\\n{body}\\n{body}\\n-----END RSA PRIVATE KEY-----\""
            ),
            body,
            &[
                "-----BEGIN RSA PRIVATE KEY-----\\n[private-key ",
                "\\n-----END RSA PRIVATE KEY-----\"",
            ],
        );
        // Collapsed evidence text (line breaks as spaces).
        masked(
            Mode::Code,
            &format!(
                "KEY = \"\"\"-----BEGIN PRIVATE KEY----- {body} {body} -----END PRIVATE KEY-----\"\"\""
            ),
            body,
            &[],
        );
        // A file's text: the body on the lines after the header.
        let text = format!(
            "KEY = \"\"\"\n-----BEGIN OPENSSH PRIVATE KEY-----\n{body}\n  {body}\nIDAQAB\n-----END OPENSSH PRIVATE KEY-----\n\"\"\"\nhandler_for_the_request_with_a_long_name()\n"
        );
        let r = redact_source("app/keys.py", Lang::Python, &text);
        assert!(
            !r.text.contains(body) && !r.text.contains("IDAQAB"),
            "{}",
            r.text
        );
        assert_eq!(r.text.lines().count(), text.lines().count());
        assert!(
            r.text
                .contains("\nhandler_for_the_request_with_a_long_name()\n")
        );
        // A check for a header opens no body.
        let check = "if pem.startswith('-----BEGIN RSA PRIVATE KEY-----'):\n    return decode_the_base64_material_of_it(pem)\n";
        assert_eq!(redact_source("a.py", Lang::Python, check).text, check);
    }

    #[test]
    fn deployment_files() {
        masked(
            Mode::Config,
            &format!("ENV DB_PASSWORD={PW} PORT=8080"),
            PW,
            &["ENV DB_PASSWORD=[", " PORT=8080"],
        );
        masked(
            Mode::Config,
            &format!("ENV API_TOKEN {PW}"),
            PW,
            &["ENV API_TOKEN ["],
        );
        masked(
            Mode::Config,
            &format!("ARG NPM_TOKEN={PW}"),
            PW,
            &["ARG NPM_TOKEN=["],
        );
        masked(
            Mode::Config,
            &format!("      DB_PASSWORD: {PW}"),
            PW,
            &["      DB_PASSWORD: ["],
        );
        masked(
            Mode::Config,
            &format!("      - POSTGRES_PASSWORD={PW}"),
            PW,
            &["- POSTGRES_PASSWORD=["],
        );
        masked(
            Mode::Config,
            &format!("  password: \"{PW}\"  # the dev one"),
            PW,
            &["# the dev one"],
        );
        // Kubernetes env: the name on one line, the value on the next.
        let text = format!(
            "env:\n  - name: DB_PASSWORD\n    value: {PW}\n  - name: LOG_LEVEL\n    value: debug\n"
        );
        let r = redact_source("k8s/dep.yaml", Lang::Yaml, &text);
        assert!(
            !r.text.contains(PW) && r.text.contains("value: debug"),
            "{}",
            r.text
        );
        // …or collapsed into one evidence text, or a flow mapping.
        masked(
            Mode::Config,
            &format!("env: - name: DB_PASSWORD value: {PW} - name: PORT value: \"80\""),
            PW,
            &["value: \"80\""],
        );
        masked(
            Mode::Config,
            &format!("env: [{{name: API_TOKEN, value: '{PW}'}}]"),
            PW,
            &[],
        );
        masked(
            Mode::Code,
            &format!("environment: [{{ name: 'DB_PASSWORD', value: '{PW}' }}]"),
            PW,
            &[],
        );
        for t in [
            "POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}",
            "DB_PASSWORD=",
            "TOKEN_TTL: 3600",
            "SECRET_ENABLED: true",
            "DB_PASSWORD_FILE: /run/secrets/db",
            "password:",
            "  - name: DB_PASSWORD",
            "    valueFrom:",
            "ENV PATH=/usr/local/bin:$PATH",
            "description: the token: a long sentence about it",
            "image: postgres:16",
            "ports: [\"80:80\"]",
        ] {
            untouched(Mode::Config, t);
        }
    }

    #[test]
    fn evidence_cut_by_the_cap() {
        let cut = |s: &str| format!("{s}…");
        masked(
            Mode::Code,
            &cut("requests.get(url, headers={'x': 1}, auth=Basic(u), password=\"Qz7vR2mX"),
            "Qz7vR2mX",
            &[],
        );
        masked(
            Mode::Code,
            &cut("requests.get(\"https://user:Qz7vR2mX"),
            "Qz7vR2mX",
            &["https://user:["],
        );
        masked(
            Mode::Code,
            &cut("call(x, 'ghp_IhKtJ0RlgLKO"),
            "IhKtJ0RlgLKO",
            &[],
        );
        untouched(
            Mode::Code,
            &cut("requests.get(\"https://api.example.org:8443"),
        );
        untouched(
            Mode::Code,
            &cut("requests.get(\"https://api.example.org/v1/some/long/path"),
        );
    }

    #[test]
    fn a_range_is_masked_as_in_the_whole_text() {
        let text = format!(
            "env:\n  - name: DB_PASSWORD\n\n\n    value: {PW}\n  - name: API_TOKEN\n    value: '{PW}'\n  - name: PORT\n    value: \"80\"\nurl: postgres://a:{PW}@db/x\nAuthorization: Bearer {PW}\n"
        );
        let whole = redact_positions(Lang::Yaml, &text).text;
        let whole: Vec<&str> = whole.lines().collect();
        let lines: Vec<&str> = text.lines().collect();
        assert!(!needs_whole_text(&text));
        for first in 0..lines.len() {
            for last in first..lines.len() + 2 {
                let want: Vec<&str> = whole[first..=last.min(lines.len() - 1)].to_vec();
                assert_eq!(
                    redact_range(Lang::Yaml, &lines, first, last),
                    want,
                    "{first}..={last}"
                );
            }
        }
    }

    #[test]
    fn ordinary_words_reported_as_secrets_are_not_masked_elsewhere() {
        let spec = crate::flowspec::FlowSpec::builtin();
        let compose = "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: postgres\n      POSTGRES_PASSWORD: postgres\n";
        let ff = crate::extract("docker-compose.yml", Lang::Yaml, compose, &spec).unwrap();
        let service = ff.facts.iter().find(|f| f.str("image").is_some()).unwrap();
        assert_eq!(service.str("image"), Some("postgres:16"));
        let secret = ff
            .facts
            .iter()
            .find(|f| f.kind == "generic-password")
            .unwrap();
        assert!(
            secret
                .evidence
                .text
                .starts_with("POSTGRES_PASSWORD: [generic-password "),
            "{}",
            secret.evidence.text
        );
        assert!(
            !distinctive("postgres") && !distinctive("password") && !distinctive("aaaaaaaaaa1")
        );
        assert!(distinctive(PW) && distinctive("hunter2hunter2!"));
    }

    #[test]
    fn repeated_values_are_masked_by_value() {
        let text = format!(
            "DB_PASSWORD = \"{PW}\"\nconn = connect(\"db\", \"app\", \"{PW}\")\nlabel = \"{PW}x\"\n"
        );
        let r = redact_source("app/db.py", Lang::Python, &text);
        let lines: Vec<&str> = r.text.lines().collect();
        assert!(
            !lines[0].contains(PW) && !lines[1].contains(PW),
            "{}",
            r.text
        );
        assert!(
            lines[2].contains(&format!("{PW}x")),
            "a longer word is not the value: {}",
            r.text
        );
    }

    #[test]
    fn facts_leave_extraction_masked() {
        let spec = crate::flowspec::FlowSpec::builtin();
        let src = format!(
            "import redis, requests\nr = redis.Redis(host=\"cache\", password=\"{PW}\")\n\ndef f():\n    return requests.get(\"https://bot:{PW}@api.example.org/v1\", headers={{\"Authorization\": \"Bearer {PW}\"}})\n"
        );
        let ff = crate::extract("app/x.py", Lang::Python, &src, &spec).unwrap();
        let json = serde_json::to_string(&ff).unwrap();
        assert!(!json.contains(PW), "{json}");
        // Analysis saw the real text: the store, and the outbound call's host.
        let hosts: Vec<_> = ff.facts.iter().filter_map(|f| f.str("host")).collect();
        assert!(
            hosts.contains(&"cache") && hosts.contains(&"api.example.org"),
            "{hosts:?}"
        );
    }

    #[test]
    fn multibyte_and_long_lines() {
        for pad in 0..4 {
            let s = format!("{}password='{}'", "é".repeat(pad), "ü".repeat(700));
            let _ = code(&s);
            let s = format!("Bearer{}{}", "é".repeat(pad), "ß".repeat(10));
            let _ = code(&s);
            let _ = code(&format!("[{}…(3) #abc", "é".repeat(pad)));
            let _ = config(&format!("ENV {}", "é".repeat(pad)));
        }
        let long = "password='Zr8vQm2x', ".repeat(50_000);
        let out = code(&long);
        assert!(!out.contains("Zr8vQm2x"));
        let _ = code(&"-----BEGIN RSA PRIVATE KEY----- ".repeat(20_000));
        let _ = code(&"://a:b@".repeat(50_000));
        let _ = code(&"jwt.sign(".repeat(50_000));
    }
}
