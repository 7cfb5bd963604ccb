//! What is sent: a bounded context built from the scan.
//!
//! [`Corpus`] is the only way file text reaches a prompt or a check: it
//! reads listed files only (no links, nothing ignored, nothing over the
//! size limit), applies the `[ai]` include/exclude lists, and redacts
//! secrets. Verification reads the same redacted text, so a quote is
//! checked against exactly what the model was shown.

use crate::config::Settings;
use crate::redact::redact;
use bw_files::FileSource;
use bw_threats::{Report, Threat};
use sha2::{Digest, Sha256};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// Lines of context around a cited location.
const WINDOW: u32 = 10;
/// Requests one run may make (the rest of the context is reported as left out).
pub const MAX_BATCHES: usize = 8;

/// `sha256:<hex>` of some bytes.
pub fn sha256(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    let hex: String = d.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// A file's redacted lines, or why it may not be sent.
type Loaded = Result<Rc<Vec<String>>, String>;

/// Files as they may be sent: listed, allowed, redacted.
pub struct Corpus<'a> {
    source: &'a dyn FileSource,
    listed: BTreeSet<String>,
    settings: &'a Settings,
    env_values: Vec<String>,
    cache: RefCell<BTreeMap<String, Loaded>>,
    /// Secret values masked so far.
    pub masked: Cell<usize>,
}

/// Why a path cannot be cited, or `None` when its shape is fine.
pub fn bad_path(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        return Some("no path");
    }
    if path.contains('\0') || path.contains('\\') {
        return Some("the path has a backslash or a NUL");
    }
    if path.starts_with('/') || path.as_bytes().get(1) == Some(&b':') || path.starts_with('~') {
        return Some("the path is absolute; citations are relative to the repository root");
    }
    if path
        .split('/')
        .any(|c| c.is_empty() || c == "." || c == "..")
    {
        return Some(
            "the path has empty, `.` or `..` components (it would leave or wander the tree)",
        );
    }
    None
}

impl<'a> Corpus<'a> {
    pub fn new(
        source: &'a dyn FileSource,
        settings: &'a Settings,
        env_values: Vec<String>,
    ) -> Result<Corpus<'a>, String> {
        let listing = source.list().map_err(|e| e.to_string())?;
        Ok(Corpus {
            source,
            listed: listing.files.into_iter().map(|e| e.path).collect(),
            settings,
            env_values,
            cache: RefCell::new(BTreeMap::new()),
            masked: Cell::new(0),
        })
    }

    pub fn settings(&self) -> &Settings {
        self.settings
    }

    /// The redacted lines of a file that may be sent, or why it may not.
    pub fn lines(&self, path: &str) -> Result<Rc<Vec<String>>, String> {
        if let Some(r) = self.cache.borrow().get(path) {
            return r.clone();
        }
        let r = self.load(path);
        self.cache.borrow_mut().insert(path.to_string(), r.clone());
        r
    }

    fn load(&self, path: &str) -> Result<Rc<Vec<String>>, String> {
        if let Some(why) = bad_path(path) {
            return Err(why.into());
        }
        if !self.listed.contains(path) {
            return Err(format!(
                "`{path}` is not a file in the tree (missing, a symbolic link, ignored, or over the size limit)"
            ));
        }
        if !self.settings.path_allowed(path) {
            return Err(format!(
                "`{path}` is excluded from AI context ([ai] include/exclude or the built-in list)"
            ));
        }
        let bytes = self.source.read(path).map_err(|e| e.to_string())?;
        let text = String::from_utf8(bytes).map_err(|_| format!("`{path}` is not UTF-8 text"))?;
        // Lines as the scan counts them (a lone `\r` ends one).
        let text = bw_files::normalize_line_ends(text);
        if text.contains('\0') {
            return Err(format!("`{path}` is not text"));
        }
        let r = redact(path, &text, &self.env_values);
        self.masked.set(self.masked.get() + r.masked);
        Ok(Rc::new(r.text.lines().map(str::to_string).collect()))
    }

    /// Files matching a predicate that may be sent, in path order.
    pub fn paths(&self, keep: impl Fn(&str) -> bool) -> Vec<String> {
        self.listed
            .iter()
            .filter(|p| keep(p) && self.settings.path_allowed(p))
            .cloned()
            .collect()
    }
}

/// One delimited piece of the prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// `model`, `threats`, `threat`, `file`, `diff`.
    pub kind: String,
    /// What it is, shown in the delimiter (`app/db.py lines 10-30`).
    pub label: String,
    pub body: String,
}

impl Block {
    fn size(&self) -> usize {
        self.label.len() + self.body.len() + 80
    }
}

/// The digest of a batch's blocks: what the provenance calls the inputs.
pub fn inputs_digest(blocks: &[Block]) -> String {
    let mut h = Sha256::new();
    for b in blocks {
        for part in [&b.kind, &b.label, &b.body] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
    }
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// Numbered lines `first..=last` (1-based) of a redacted file.
pub fn numbered(lines: &[String], first: u32, last: u32) -> String {
    let mut s = String::new();
    for n in first.max(1)..=last.min(lines.len() as u32) {
        s.push_str(&format!("{n:>5} | {}\n", lines[n as usize - 1]));
    }
    s
}

/// A text cut to at most `max` bytes at a line boundary, saying how much was left out.
fn capped(text: String, max: usize, what: &str) -> String {
    if text.len() <= max {
        return text;
    }
    let mut cut = 0;
    let mut left = 0;
    for (i, line) in text.lines().enumerate() {
        if cut + line.len() + 1 > max {
            left = text.lines().count() - i;
            break;
        }
        cut += line.len() + 1;
    }
    format!("{}… {left} more {what} not shown\n", &text[..cut])
}

/// The system model, one element and one flow per line.
pub fn model_block(report: &Report, max: usize) -> Block {
    let mut s = String::from("elements (id | kind | name | details):\n");
    for e in &report.model.elements {
        let kind = serde_json::to_value(e.kind)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        let mut details = vec![];
        if let Some(c) = &e.component {
            details.push(format!("component={c}"));
        }
        if let Some(en) = &e.entry {
            let auth = serde_json::to_value(en.auth)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default();
            details.push(format!("handler={} auth={auth}", en.handler));
            if !en.controls.is_empty() {
                details.push(format!("controls=[{}]", en.controls.join(", ")));
            }
            if !en.reaches.is_empty() {
                details.push(format!("reaches=[{}]", en.reaches.join(", ")));
            }
        }
        if !e.technology.is_empty() {
            details.push(format!("technology={}", e.technology));
        }
        if let Some(ev) = e.evidence.first() {
            details.push(format!(
                "at {}:{}",
                ev.location.path, ev.location.start_line
            ));
        }
        s.push_str(&format!(
            "{} | {kind} | {} | {}\n",
            e.id,
            e.name,
            details.join(" ")
        ));
    }
    s.push_str("flows (from -> to | protocol | data | crosses a trust boundary):\n");
    for f in &report.model.flows {
        s.push_str(&format!(
            "{} -> {} | {} | {} | {}\n",
            f.from, f.to, f.protocol, f.label, f.crosses_boundary
        ));
    }
    Block {
        kind: "model".into(),
        label: format!("system model `{}`", report.model.name),
        body: capped(s, max, "lines"),
    }
}

/// One line per threat already known (so the model does not repeat them).
pub fn threats_block(threats: &[&Threat], max: usize) -> Block {
    let mut s = String::from("id | stride | cwe | severity | status | location | title\n");
    for t in threats {
        let cwe: Vec<String> = t.cwe.iter().map(|c| format!("CWE-{c}")).collect();
        s.push_str(&format!(
            "{} | {} | {} | {} | {} | {}:{} | {}\n",
            t.id,
            t.stride,
            cwe.join(","),
            t.severity.name(),
            t.status.name(),
            t.location.path,
            t.location.start_line,
            t.title
        ));
    }
    Block {
        kind: "threats".into(),
        label: "threats already known".into(),
        body: capped(s, max, "threats"),
    }
}

/// Line windows per file, merged, in the order first asked for.
#[derive(Default)]
pub struct Windows {
    order: Vec<String>,
    ranges: BTreeMap<String, Vec<(u32, u32)>>,
}

impl Windows {
    /// Lines around `start..=end`.
    pub fn add(&mut self, path: &str, start: u32, end: u32) {
        let s = start.saturating_sub(WINDOW).max(1);
        let e = end.max(start) + WINDOW;
        if !self.ranges.contains_key(path) {
            self.order.push(path.to_string());
        }
        self.ranges
            .entry(path.to_string())
            .or_default()
            .push((s, e));
    }

    /// The excerpt blocks, one per merged window, files in first-asked order.
    /// Files that may not be sent are left out, with the reason.
    pub fn blocks(&self, corpus: &Corpus<'_>, notes: &mut Vec<String>) -> Vec<Block> {
        let mut out = vec![];
        for path in &self.order {
            let lines = match corpus.lines(path) {
                Ok(l) => l,
                Err(why) => {
                    notes.push(format!("not sent: {why}"));
                    continue;
                }
            };
            let mut ranges = self.ranges[path].clone();
            ranges.sort();
            let mut merged: Vec<(u32, u32)> = vec![];
            for (s, e) in ranges {
                match merged.last_mut() {
                    Some(last) if s <= last.1 + 1 => last.1 = last.1.max(e),
                    _ => merged.push((s, e)),
                }
            }
            for (s, e) in merged {
                let e = e.min(lines.len() as u32);
                if s > e {
                    continue;
                }
                out.push(Block {
                    kind: "file".into(),
                    label: format!("{path} lines {s}-{e}"),
                    body: numbered(&lines, s, e),
                });
            }
        }
        out
    }
}

/// Pack blocks into batches: each batch starts with the shared blocks and
/// stays under `max` bytes; at most [`MAX_BATCHES`]. An excerpt larger than
/// a batch is cut to fit. Returns the batches and what was left out.
pub fn pack(
    shared: Vec<Block>,
    excerpts: Vec<Block>,
    max: usize,
) -> (Vec<Vec<Block>>, Vec<String>) {
    let shared_size: usize = shared.iter().map(Block::size).sum();
    let room = max.saturating_sub(shared_size).max(max / 4);
    let mut batches: Vec<Vec<Block>> = vec![];
    let mut current: Vec<Block> = vec![];
    let mut used = 0;
    let mut left_out = vec![];
    for mut b in excerpts {
        if b.size() > room {
            b.body = capped(b.body, room.saturating_sub(b.label.len() + 120), "lines");
        }
        if used + b.size() > room && !current.is_empty() {
            batches.push(std::mem::take(&mut current));
            used = 0;
        }
        if batches.len() >= MAX_BATCHES {
            left_out.push(b.label.clone());
            continue;
        }
        used += b.size();
        current.push(b);
    }
    if !current.is_empty() && batches.len() < MAX_BATCHES {
        batches.push(current);
    }
    if batches.is_empty() {
        batches.push(vec![]);
    }
    let notes = if left_out.is_empty() {
        vec![]
    } else {
        vec![format!(
            "not sent (over {MAX_BATCHES} requests of [ai] max_context_bytes = {max}): {}; narrow the run with --element or --path",
            left_out.join(", ")
        )]
    };
    (
        batches
            .into_iter()
            .map(|b| shared.iter().cloned().chain(b).collect())
            .collect(),
        notes,
    )
}
