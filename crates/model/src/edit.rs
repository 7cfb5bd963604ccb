//! Lossless edits of the model file's keyed tables: decisions and AI suggestions.
//!
//! People own `breakwater.toml`: its comments, blank lines, key order and
//! odd spacing are theirs. `breakwater triage` changes only the
//! `[decisions."<threat id>"]` tables it is asked to change, `breakwater ai`
//! only the `[suggestions."<id>"]` tables, and both leave every
//! other byte where it was. One splicer serves both: a [`Family`] names the
//! table, renders an entry and says where the entries live in a
//! [`ModelFile`]. The document is never re-serialised: the parser
//! (`toml_edit`, with spans) locates each decision table, and new text is
//! spliced in.
//!
//! - An entry's range is its header line through its last key/value line.
//!   Comments and blank lines after it belong to whatever follows.
//! - A replaced entry is rewritten in place.
//! - A new entry goes to its sorted place among the existing decision tables
//!   (byte order of threat ids), so two pull requests that add different
//!   decisions usually touch different lines. A comment block directly above
//!   the first entry stays with that entry. With no decisions yet, the entry
//!   goes after an explicit `[decisions]` header, or at the end of the file
//!   below a one-line comment.
//! - A removed entry goes with the blank lines that separated it, so
//!   adding an entry and removing it again gives the original bytes back.
//!   Comments near it are left alone (a person wrote them).
//! - Line endings (LF or CRLF) and a missing final newline are kept.
//!
//! The result is parsed again and compared with what was asked for before
//! anything is written ([`edit_decisions`]). [`update_file`] does the
//! read-modify-write under an exclusive lock (`.breakwater/triage.lock`) and
//! replaces the file atomically ([`bw_files::write_in_tree`]: temporary file
//! under `.breakwater/tmp`, fsync, rename; links and read-only files refused).

use crate::modelfile::{
    Decision, FILE_NAME, ModelFile, ModelFileError, Provenance, SCHEMA_PATH, Suggestion,
};
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The comment written above the first decision of a file.
pub const SECTION_COMMENT: &str =
    "# Decisions: what people decided about each threat (breakwater triage writes these).";

/// The comment written above the first suggestion of a file.
pub const SUGGESTIONS_COMMENT: &str = "# AI suggestions awaiting a person's triage (breakwater ai writes these; \
     `breakwater ai accept|reject ID` decides them).";

/// A family of keyed tables the editor splices in place.
pub trait Family {
    type Entry: Clone + PartialEq;
    /// The table name: `decisions`.
    const TABLE: &'static str;
    /// One entry, in messages: `decision`.
    const NOUN: &'static str;
    /// What an entry is keyed by, in messages: `<threat id>`.
    const KEY: &'static str;
    /// The command that writes the table, in messages.
    const WRITER: &'static str;
    /// The comment written above the first entry of a file.
    const COMMENT: &'static str;
    /// Two lines of an entry, for the conversion help.
    const EXAMPLE: &'static str;
    /// The entry's text: header, then one `key = value` line per field.
    fn render(id: &str, entry: &Self::Entry, nl: &str) -> String;
    fn table(mf: &ModelFile) -> &BTreeMap<String, Self::Entry>;
    fn table_mut(mf: &mut ModelFile) -> &mut BTreeMap<String, Self::Entry>;
}

/// `[decisions."<threat id>"]`: what people decided.
pub struct Decisions;

impl Family for Decisions {
    type Entry = Decision;
    const TABLE: &'static str = "decisions";
    const NOUN: &'static str = "decision";
    const KEY: &'static str = "<threat id>";
    const WRITER: &'static str = "breakwater triage";
    const COMMENT: &'static str = SECTION_COMMENT;
    const EXAMPLE: &'static str = "status = \"…\"\n      reason = \"…\"";
    fn render(id: &str, entry: &Decision, nl: &str) -> String {
        render_decision(id, entry, nl)
    }
    fn table(mf: &ModelFile) -> &BTreeMap<String, Decision> {
        &mf.decisions
    }
    fn table_mut(mf: &mut ModelFile) -> &mut BTreeMap<String, Decision> {
        &mut mf.decisions
    }
}

/// `[suggestions."ai:<digest>"]`: AI suggestions with their provenance.
pub struct Suggestions;

impl Family for Suggestions {
    type Entry = Suggestion;
    const TABLE: &'static str = "suggestions";
    const NOUN: &'static str = "suggestion";
    const KEY: &'static str = "<suggestion id>";
    const WRITER: &'static str = "breakwater ai";
    const COMMENT: &'static str = SUGGESTIONS_COMMENT;
    const EXAMPLE: &'static str = "state = \"suggested\"\n      title = \"…\"";
    fn render(id: &str, entry: &Suggestion, nl: &str) -> String {
        render_suggestion(id, entry, nl)
    }
    fn table(mf: &ModelFile) -> &BTreeMap<String, Suggestion> {
        &mf.suggestions
    }
    fn table_mut(mf: &mut ModelFile) -> &mut BTreeMap<String, Suggestion> {
        &mut mf.suggestions
    }
}

/// One change to a table of family `F`, as the splicer sees it.
pub trait TableEdit<F: Family> {
    fn key(&self) -> &str;
    /// The new entry, or `None` for a removal.
    fn entry(&self) -> Option<&F::Entry>;
}

/// The lock file that serialises edits, relative to the repository root.
pub const LOCK_PATH: &str = ".breakwater/triage.lock";

/// What `.breakwater/.gitignore` says when triage creates it.
const BREAKWATER_GITIGNORE: &str = "triage.lock\ncache/\n";

/// One change to the decisions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecisionEdit {
    /// Record the decision for a threat id, replacing an earlier one.
    Upsert { id: String, decision: Decision },
    /// Delete the decision for a threat id.
    Remove { id: String },
}

impl DecisionEdit {
    pub fn id(&self) -> &str {
        match self {
            DecisionEdit::Upsert { id, .. } | DecisionEdit::Remove { id } => id,
        }
    }
}

impl TableEdit<Decisions> for DecisionEdit {
    fn key(&self) -> &str {
        self.id()
    }
    fn entry(&self) -> Option<&Decision> {
        match self {
            DecisionEdit::Upsert { decision, .. } => Some(decision),
            DecisionEdit::Remove { .. } => None,
        }
    }
}

/// One change to the AI suggestions.
#[derive(Debug, Clone, PartialEq)]
pub enum SuggestionEdit {
    /// Record a suggestion (or its triage), replacing an earlier one.
    Upsert {
        id: String,
        suggestion: Box<Suggestion>,
    },
    /// Delete a suggestion.
    Remove { id: String },
}

impl TableEdit<Suggestions> for SuggestionEdit {
    fn key(&self) -> &str {
        match self {
            SuggestionEdit::Upsert { id, .. } | SuggestionEdit::Remove { id } => id,
        }
    }
    fn entry(&self) -> Option<&Suggestion> {
        match self {
            SuggestionEdit::Upsert { suggestion, .. } => Some(suggestion.as_ref()),
            SuggestionEdit::Remove { .. } => None,
        }
    }
}

/// What an edit did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A new entry was inserted.
    Added,
    /// An existing entry was rewritten.
    Replaced,
    /// The entry already said exactly this.
    Unchanged,
    /// The entry was deleted.
    Removed,
    /// A removal found no entry for the id.
    Absent,
}

/// The edited text and what happened to each edit, in the order given.
#[derive(Debug, Clone)]
pub struct Edited {
    pub text: String,
    pub changes: Vec<(String, Change)>,
    /// The model file the new text parses to.
    pub model: ModelFile,
    /// The model file did not exist and would be (or was) created.
    pub created: bool,
}

impl Edited {
    /// True when the text differs from what was read.
    pub fn changed(&self) -> bool {
        self.created
            || self
                .changes
                .iter()
                .any(|(_, c)| !matches!(c, Change::Unchanged | Change::Absent))
    }
}

/// Why an edit was refused. Nothing is written when any of these is returned.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// The model file does not parse or validate.
    #[error("{0}\n  = help: fix the file, then run triage again (nothing was written)")]
    Parse(#[from] ModelFileError),
    /// The table is laid out in a way this editor does not rewrite.
    #[error("{path}:{line}: {message}")]
    Layout {
        path: String,
        line: usize,
        message: String,
    },
    /// The spliced text did not read back as intended (a bug; nothing was written).
    #[error(
        "the edited model file would not read back as intended ({0}); nothing was written. Please report this with your breakwater.toml"
    )]
    Check(String),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    /// A link, special file, read-only file or unusable directory in the way.
    #[error(transparent)]
    File(#[from] bw_files::InTreeError),
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> EditError + '_ {
    move |source| EditError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// An entry's table found in the text, by byte offsets into the current text.
#[derive(Debug, Clone)]
struct Entry {
    id: String,
    /// Start of the whitespace and comments between the previous item and
    /// the header (a line start); equal to `start` when there are none.
    floor: usize,
    /// Start of the header line.
    start: usize,
    /// End of the last key/value line, after its newline (or end of text).
    end: usize,
}

/// Where the entries are, in file order.
struct Layout {
    entries: Vec<Entry>,
    /// End of an explicit `[<table>]` header line, when there is one.
    header_end: Option<usize>,
}

/// Render one decision table: header, then the fields in a fixed order,
/// each line ending with `nl`.
pub fn render_decision(id: &str, d: &Decision, nl: &str) -> String {
    let mut s = format!("[decisions.{}]{nl}", quote(id));
    let mut field = |key: &str, value: &str| {
        s.push_str(&format!("{key} = {}{nl}", quote(value)));
    };
    field("status", &d.status);
    field("reason", &d.reason);
    for (key, value) in [
        ("author", &d.author),
        ("date", &d.date),
        ("fingerprint", &d.fingerprint),
        ("evidence", &d.evidence),
    ] {
        if !value.is_empty() {
            field(key, value);
        }
    }
    for (key, value) in [("ticket", &d.ticket), ("expires", &d.expires)] {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            field(key, v);
        }
    }
    s
}

/// A TOML basic string on one line: `"`, `\` and control characters escaped,
/// everything else (unicode included) as it is. Valid as a key and a value.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn render_provenance(p: &Provenance) -> String {
    let fields = [
        ("provider", &p.provider),
        ("model", &p.model),
        ("endpoint", &p.endpoint),
        ("parameters", &p.parameters),
        ("prompt_template", &p.prompt_template),
        ("prompt_digest", &p.prompt_digest),
        ("inputs_digest", &p.inputs_digest),
        ("response_digest", &p.response_digest),
        ("time", &p.time),
        ("run", &p.run),
        ("log_entry", &p.log_entry),
    ];
    let body: Vec<String> = fields
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k} = {}", quote(v)))
        .collect();
    format!("{{ {} }}", body.join(", "))
}

/// Render one suggestion table: header, then the fields in a fixed order.
pub fn render_suggestion(id: &str, x: &Suggestion, nl: &str) -> String {
    let mut s = format!("[suggestions.{}]{nl}", quote(id));
    let mut raw = |key: &str, value: String| s.push_str(&format!("{key} = {value}{nl}"));
    raw("state", quote(&x.state));
    raw("kind", quote(&x.kind));
    raw("title", quote(&x.title));
    if !x.stride.is_empty() {
        raw("stride", quote(&x.stride));
    }
    if !x.cwe.is_empty() {
        let list: Vec<String> = x.cwe.iter().map(u32::to_string).collect();
        raw("cwe", format!("[{}]", list.join(", ")));
    }
    if x.impact > 0 {
        raw("impact", x.impact.to_string());
    }
    if x.likelihood > 0 {
        raw("likelihood", x.likelihood.to_string());
    }
    for (key, value) in [("element", &x.element), ("threat", &x.threat)] {
        if let Some(v) = value {
            raw(key, quote(v));
        }
    }
    raw("path", quote(&x.path));
    raw("start_line", x.start_line.to_string());
    raw("end_line", x.end_line.to_string());
    raw("quote", quote(&x.quote));
    raw("rationale", quote(&x.rationale));
    if !x.mitigation.is_empty() {
        raw("mitigation", quote(&x.mitigation));
    }
    raw("verification", quote(&x.verification));
    if !x.checks.is_empty() {
        let list: Vec<String> = x.checks.iter().map(|c| quote(c)).collect();
        raw("checks", format!("[{}]", list.join(", ")));
    }
    raw("provenance", render_provenance(&x.provenance));
    for (key, value) in [
        ("triaged_by", &x.triaged_by),
        ("triaged_on", &x.triaged_on),
        ("triage_reason", &x.triage_reason),
    ] {
        if !value.is_empty() {
            raw(key, quote(value));
        }
    }
    s
}

/// The file's line ending: that of its first line (LF for a one-line file).
fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// True when `text` ends with a blank line: a line of nothing but spaces
/// and tabs, then its line break (a person's "empty" line often holds a
/// few spaces, and counts as the blank line that separates entries).
fn ends_in_blank_line(text: &str) -> bool {
    let Some(body) = text.strip_suffix('\n') else {
        return false;
    };
    let body = body.strip_suffix('\r').unwrap_or(body);
    let last = &body[body.rfind('\n').map_or(0, |i| i + 1)..];
    last.trim().is_empty()
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// The offset after the newline ending the line that contains `offset`
/// (the end of the text when that line has none).
fn line_end(text: &str, offset: usize) -> usize {
    text[offset..]
        .find('\n')
        .map_or(text.len(), |i| offset + i + 1)
}

fn span_end(item: &toml_edit::Item) -> Option<usize> {
    match item {
        toml_edit::Item::Value(v) => v.span().map(|s| s.end),
        toml_edit::Item::Table(t) => t.iter().filter_map(|(_, i)| span_end(i)).max(),
        toml_edit::Item::ArrayOfTables(a) => a.span().map(|s| s.end),
        toml_edit::Item::None => None,
    }
}

fn conversion_help<F: Family>(id: &str) -> String {
    format!(
        "{} writes one [{}.\"{}\"] table per {} and does not rewrite this layout\n  \
         = help: convert it, one key per line, then run it again:\n      \
         [{}.{}]\n      {}",
        F::WRITER,
        F::TABLE,
        F::KEY,
        F::NOUN,
        F::TABLE,
        quote(id),
        F::EXAMPLE,
    )
}

/// The 1-based line where each decision of the model file's text starts:
/// its `[decisions."<id>"]` header, or the key naming it in another layout
/// (an inline table, dotted keys). Empty when the text does not parse.
pub fn decision_lines(text: &str) -> BTreeMap<String, usize> {
    let mut lines = BTreeMap::new();
    let Ok(doc) = toml_edit::Document::parse(text) else {
        return lines;
    };
    let Some(table) = doc
        .as_table()
        .get("decisions")
        .and_then(|d| d.as_table_like())
    else {
        return lines;
    };
    for (id, item) in table.iter() {
        let header = match item {
            toml_edit::Item::Table(t) if !t.is_implicit() => t.span(),
            _ => None,
        };
        let key = table.get_key_value(id).and_then(|(k, _)| k.span());
        if let Some(span) = header.filter(|s| !s.is_empty()).or(key) {
            lines.insert(id.to_string(), line_of(text, span.start));
        }
    }
    lines
}

/// Find every entry of the family's table, or refuse a layout that cannot be edited in place.
fn locate<F: Family>(path: &str, text: &str) -> Result<Layout, EditError> {
    let doc = toml_edit::Document::parse(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        EditError::Parse(ModelFileError {
            path: path.into(),
            line: line_of(text, offset),
            col: 1,
            message: e.message().trim().to_string(),
        })
    })?;
    let root = doc.as_table();
    let mut layout = Layout {
        entries: vec![],
        header_end: None,
    };
    let Some((key, item)) = root.get_key_value(F::TABLE) else {
        return Ok(layout);
    };
    let key_line = |k: &toml_edit::Key| line_of(text, k.span().map_or(0, |s| s.start));
    let table = match item {
        toml_edit::Item::Table(t) if !t.is_dotted() => t,
        _ => {
            return Err(EditError::Layout {
                path: path.into(),
                line: key_line(key),
                message: format!(
                    "`{}` is written as an inline table or with dotted keys; {}",
                    F::TABLE,
                    conversion_help::<F>(F::KEY)
                ),
            });
        }
    };
    if let Some(span) = table
        .span()
        .filter(|s| !s.is_empty() && !table.is_implicit())
    {
        layout.header_end = Some(line_end(text, span.end));
    }
    for (id, item) in table.iter() {
        let id_key = table.key(id).expect("iterated keys exist");
        let how = match item {
            toml_edit::Item::Table(t) if !t.is_dotted() && !t.is_implicit() => {
                let header = t.span().filter(|s| !s.is_empty()).ok_or_else(|| {
                    EditError::Check(format!("{} `{id}` has no position in the file", F::NOUN))
                })?;
                let start = line_start(text, header.start);
                let last = span_end(item).unwrap_or(header.end).max(header.end);
                let floor = t
                    .decor()
                    .prefix()
                    .and_then(|p| p.span())
                    .map_or(start, |s| line_start(text, s.start).min(start));
                layout.entries.push(Entry {
                    id: id.to_string(),
                    floor,
                    start,
                    end: line_end(text, last),
                });
                continue;
            }
            toml_edit::Item::Value(_) => format!("an inline table under [{}]", F::TABLE),
            toml_edit::Item::Table(t) if t.is_dotted() => {
                format!("dotted keys under [{}]", F::TABLE)
            }
            _ => "a table split over several headers".to_string(),
        };
        return Err(EditError::Layout {
            path: path.into(),
            line: key_line(id_key),
            message: format!(
                "{} `{id}` is written as {how}; {}",
                F::NOUN,
                conversion_help::<F>(id)
            ),
        });
    }
    layout.entries.sort_by_key(|e| e.start);
    Ok(layout)
}

/// The editing state: the text and where the entries are in it.
struct Splicer {
    text: String,
    layout: Layout,
    nl: &'static str,
    /// The comment above the first entry of a file.
    comment: &'static str,
}

impl Splicer {
    /// Replace `range` with `with`, keeping every offset after it right.
    fn splice(&mut self, range: Range<usize>, with: &str) {
        let new_end = range.start + with.len();
        let delta = with.len() as isize - range.len() as isize;
        let shift = |x: usize| (x as isize + delta) as usize;
        for e in &mut self.layout.entries {
            if e.start >= range.end {
                e.floor = if e.floor >= range.end {
                    shift(e.floor)
                } else {
                    new_end
                };
                e.start = shift(e.start);
                e.end = shift(e.end);
            } else if e.end > range.start && e.start < range.start {
                // Only a removal at the end of a text without a final
                // newline takes the newline of the entry before it.
                e.end = range.start;
            }
        }
        if let Some(h) = self.layout.header_end.as_mut().filter(|h| **h >= range.end) {
            *h = shift(*h);
        }
        self.text.replace_range(range, with);
    }

    fn ends_with_newline(&self) -> bool {
        self.text.ends_with('\n')
    }

    /// Start of the comment lines directly above an entry's header (no
    /// blank line between): they stay with the entry when something is
    /// inserted before it.
    fn attached_start(&self, e: &Entry) -> usize {
        let mut p = e.start;
        while p > e.floor {
            let prev = line_start(&self.text, p - 1).max(e.floor);
            let line = self.text[prev..p].trim_start();
            // `#:schema` and other directives stay first in the file.
            if line.starts_with('#') && !line.starts_with("#:") {
                p = prev;
            } else {
                break;
            }
        }
        p
    }

    /// Insert entry text after offset `at`, which ends a line (or the text),
    /// separated by one blank line. Returns the entry's range.
    fn insert_after(&mut self, at: usize, entry: &str) -> Range<usize> {
        let nl = self.nl;
        if at == self.text.len() && !self.ends_with_newline() {
            let body = entry.strip_suffix(nl).unwrap_or(entry);
            let with = format!("{nl}{nl}{body}");
            self.splice(at..at, &with);
            at + 2 * nl.len()..at + with.len()
        } else {
            self.splice(at..at, &format!("{nl}{entry}"));
            at + nl.len()..at + nl.len() + entry.len()
        }
    }

    /// Insert a new entry where it sorts: above the first entry whose id
    /// sorts after it (and above that entry's comment block), else after
    /// the last entry, else under `[decisions]`, else at the end.
    fn insert(&mut self, id: &str, entry: &str) {
        let nl = self.nl;
        let next = self.layout.entries.iter().position(|e| e.id.as_str() > id);
        let (index, range) = match next {
            Some(k) => {
                let at = self.attached_start(&self.layout.entries[k]);
                let lead = if at > 0 && !ends_in_blank_line(&self.text[..at]) {
                    nl
                } else {
                    ""
                };
                self.splice(at..at, &format!("{lead}{entry}{nl}"));
                let start = at + lead.len();
                (k, start..start + entry.len())
            }
            None if !self.layout.entries.is_empty() => {
                let k = self.layout.entries.len();
                let at = self.layout.entries[k - 1].end;
                (k, self.insert_after(at, entry))
            }
            None => match self.layout.header_end {
                Some(at) => (0, self.insert_after(at, entry)),
                None => (0, self.append(entry)),
            },
        };
        self.layout.entries.insert(
            index,
            Entry {
                id: id.to_string(),
                floor: range.start,
                start: range.start,
                end: range.end,
            },
        );
    }

    /// The first decision of a file: at the end, after one blank line and
    /// the section comment (unless the file has it already).
    fn append(&mut self, entry: &str) -> Range<usize> {
        let nl = self.nl;
        let at = self.text.len();
        let keep_unterminated = at > 0 && !self.ends_with_newline();
        let mut with = String::new();
        if keep_unterminated {
            with.push_str(nl);
        }
        let blank = format!("{nl}{nl}");
        if at > 0 && !ends_in_blank_line(&self.text) {
            with.push_str(nl);
        }
        let has_comment = self.text.lines().any(|l| l.trim_end() == self.comment);
        if !has_comment {
            with.push_str(self.comment);
            with.push_str(&blank);
        }
        let start = at + with.len();
        if keep_unterminated {
            with.push_str(entry.strip_suffix(nl).unwrap_or(entry));
        } else {
            with.push_str(entry);
        }
        self.splice(at..at, &with);
        start..at + with.len()
    }

    /// Remove an entry. The blank lines around it shrink to the larger of
    /// the two runs (so removing an entry added between two others gives
    /// the original text back); at the end of the file they go with it.
    fn remove(&mut self, index: usize) {
        let nl = self.nl;
        let e = self.layout.entries.remove(index);
        let text = &self.text;
        let mut blank_above = vec![];
        let mut p = e.start;
        while p > 0 {
            let above = line_start(text, p - 1);
            if !text[above..p].trim().is_empty() {
                break;
            }
            blank_above.push(above);
            p = above;
        }
        let start = if e.end == text.len() {
            let mut start = blank_above.last().copied().unwrap_or(e.start);
            if !text.ends_with('\n') && text[..start].ends_with(nl) {
                // Keep the file unterminated as it was.
                start -= nl.len();
            }
            start
        } else {
            let mut blank_below = 0;
            let mut q = e.end;
            while q < text.len() {
                let next = line_end(text, q);
                if !text[q..next].trim().is_empty() {
                    break;
                }
                blank_below += 1;
                q = next;
            }
            match blank_above.len().min(blank_below) {
                0 => e.start,
                k => blank_above[k - 1],
            }
        };
        self.splice(start..e.end, "");
    }
}

/// Apply decision edits to the model file's text.
///
/// `path` names the file in error messages. The text must parse as a model
/// file; the result is parsed again and checked against the expected
/// decisions, and every other section must read back unchanged.
pub fn edit_decisions(path: &str, text: &str, edits: &[DecisionEdit]) -> Result<Edited, EditError> {
    edit_table::<Decisions, _>(path, text, edits)
}

/// Apply suggestion edits to the model file's text (as [`edit_decisions`]:
/// only `[suggestions."<id>"]` tables change, checked by reading back).
pub fn edit_suggestions(
    path: &str,
    text: &str,
    edits: &[SuggestionEdit],
) -> Result<Edited, EditError> {
    edit_table::<Suggestions, _>(path, text, edits)
}

/// Apply edits to one family's tables; every other byte stays, and every
/// other section must read back unchanged.
pub fn edit_table<F: Family, E: TableEdit<F>>(
    path: &str,
    text: &str,
    edits: &[E],
) -> Result<Edited, EditError> {
    let before = ModelFile::parse(path, text)?;
    let layout = locate::<F>(path, text)?;
    let mut s = Splicer {
        text: text.to_string(),
        layout,
        nl: line_ending(text),
        comment: F::COMMENT,
    };
    let mut expected: BTreeMap<String, F::Entry> = F::table(&before).clone();
    let mut changes = Vec::with_capacity(edits.len());
    for edit in edits {
        let id = edit.key();
        let existing = s.layout.entries.iter().position(|e| e.id == id);
        let change = match (edit.entry(), existing) {
            (Some(value), Some(i)) => {
                expected.insert(id.to_string(), value.clone());
                let mut entry = F::render(id, value, s.nl);
                let range = s.layout.entries[i].start..s.layout.entries[i].end;
                if range.end == s.text.len() && !s.ends_with_newline() {
                    entry.truncate(entry.len() - s.nl.len());
                }
                if s.text[range.clone()] == entry {
                    Change::Unchanged
                } else {
                    s.splice(range.clone(), &entry);
                    s.layout.entries[i].end = range.start + entry.len();
                    Change::Replaced
                }
            }
            (Some(value), None) => {
                expected.insert(id.to_string(), value.clone());
                s.insert(id, &F::render(id, value, s.nl));
                Change::Added
            }
            (None, Some(i)) => {
                expected.remove(id);
                s.remove(i);
                Change::Removed
            }
            (None, None) => Change::Absent,
        };
        changes.push((id.to_string(), change));
    }
    let after = ModelFile::parse(path, &s.text).map_err(|e| EditError::Check(e.to_string()))?;
    if *F::table(&after) != expected {
        return Err(EditError::Check(format!(
            "the {} read back differ from those written",
            F::TABLE
        )));
    }
    let without = |m: &ModelFile| {
        let mut m = m.clone();
        F::table_mut(&mut m).clear();
        m
    };
    if without(&after) != without(&before) {
        return Err(EditError::Check(format!(
            "a section other than [{}] changed",
            F::TABLE
        )));
    }
    Ok(Edited {
        text: s.text,
        changes,
        model: after,
        created: false,
    })
}

/// The first line of a model file triage creates.
fn new_file_text() -> String {
    format!("#:schema ./{SCHEMA_PATH}\n")
}

/// The model file's text, or `None` when it does not exist. Refuses a
/// symbolic link (the rename would replace the link, not its target), a
/// FIFO or device, and a file too large to be one.
fn read_model(root: &Path) -> Result<Option<String>, EditError> {
    Ok(bw_files::read_text_in_tree(
        root,
        FILE_NAME,
        bw_files::MAX_CONFIG_BYTES,
    )?)
}

fn edit_text<F: Family, E: TableEdit<F>>(
    current: Option<String>,
    edits: &[E],
) -> Result<Edited, EditError> {
    let created = current.is_none();
    let text = current.unwrap_or_else(new_file_text);
    let mut edited = edit_table::<F, E>(FILE_NAME, &text, edits)?;
    edited.created = created;
    Ok(edited)
}

/// What [`update_file`] would do, without locking or writing anything.
pub fn preview_file(root: &Path, edits: &[DecisionEdit]) -> Result<Edited, EditError> {
    preview_table::<Decisions, _>(root, edits)
}

/// What [`update_table`] would do, without locking or writing anything.
pub fn preview_table<F: Family, E: TableEdit<F>>(
    root: &Path,
    edits: &[E],
) -> Result<Edited, EditError> {
    edit_text::<F, E>(read_model(root)?, edits)
}

/// Apply edits to `<root>/breakwater.toml`: take the triage lock, read the
/// file, splice, check, replace it atomically, release the lock. Two
/// processes doing this at once both get their edits in.
pub fn update_file(root: &Path, edits: &[DecisionEdit]) -> Result<Edited, EditError> {
    update_file_with::<Decisions, _>(root, edits, &mut |_| Ok(()))
}

/// [`update_file`] for any family of tables (suggestions: `breakwater ai`).
pub fn update_table<F: Family, E: TableEdit<F>>(
    root: &Path,
    edits: &[E],
) -> Result<Edited, EditError> {
    update_file_with::<F, E>(root, edits, &mut |_| Ok(()))
}

/// [`update_table`] with a hook that runs after the temporary file is
/// written and synced, just before the rename (tests inject failures here).
fn update_file_with<F: Family, E: TableEdit<F>>(
    root: &Path,
    edits: &[E],
    before_rename: &mut dyn FnMut(&Path) -> io::Result<()>,
) -> Result<Edited, EditError> {
    let _lock = lock(root)?;
    let edited = edit_text::<F, E>(read_model(root)?, edits)?;
    if edited.changed() {
        bw_files::write_in_tree_with(
            root,
            Path::new(FILE_NAME),
            edited.text.as_bytes(),
            before_rename,
        )?;
        if edited.created {
            write_schema_if_missing(root)?;
        }
    }
    Ok(edited)
    // The lock is released when `_lock` drops (its file is closed).
}

/// The `#:schema` comment of a new file points here; `init` writes it too.
fn write_schema_if_missing(root: &Path) -> Result<(), EditError> {
    let schema = bw_files::file_in_tree(root, SCHEMA_PATH)?;
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&schema)
    {
        Ok(mut f) => f
            .write_all(crate::modelfile::SCHEMA_JSON.as_bytes())
            .map_err(io_err(&schema)),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(io_err(&schema)(e)),
    }
}

/// An exclusive lock on `.breakwater/triage.lock`, held until dropped.
/// Creates `.breakwater/` (and its `.gitignore`) when missing; refuses a
/// `.breakwater` or lock file that is a link (nothing is created or opened
/// outside the tree).
pub fn lock(root: &Path) -> Result<File, EditError> {
    let lock_path = bw_files::file_in_tree(root, LOCK_PATH)?;
    let dir = lock_path.parent().expect("the lock path has a directory");
    let ignore = dir.join(".gitignore");
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&ignore)
    {
        Ok(mut f) => f
            .write_all(BREAKWATER_GITIGNORE.as_bytes())
            .map_err(io_err(&ignore))?,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(io_err(&ignore)(e)),
    }
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock_path)
        .map_err(io_err(&lock_path))?;
    file.lock().map_err(io_err(&lock_path))?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn decision(status: &str, reason: &str) -> Decision {
        Decision {
            status: status.into(),
            reason: reason.into(),
            author: "Jane Doe <jane@example.com>".into(),
            date: "2026-11-27".into(),
            fingerprint: "3fa1".into(),
            evidence: "cursor.execute(f\"SELECT … {uid}\")".into(),
            ticket: None,
            expires: None,
        }
    }

    fn upsert(id: &str, d: Decision) -> DecisionEdit {
        DecisionEdit::Upsert {
            id: id.into(),
            decision: d,
        }
    }

    fn remove(id: &str) -> DecisionEdit {
        DecisionEdit::Remove { id: id.into() }
    }

    #[test]
    fn decision_lines_point_at_headers_and_keys() {
        let text = "[system]\nname = \"x\"\n\n# a comment\n[decisions.\"a@x.py::f\"]\nstatus = \"accepted\"\nreason = \"r\"\n\n[decisions]\n\"b@y.py::g\" = { status = \"accepted\", reason = \"r\" }\n";
        let lines = decision_lines(text);
        assert_eq!(lines.get("a@x.py::f"), Some(&5), "{lines:?}");
        assert_eq!(lines.get("b@y.py::g"), Some(&10), "{lines:?}");
        assert_eq!(lines.len(), 2);
        assert!(decision_lines("[decisions\n").is_empty());
        assert!(decision_lines("[system]\n").is_empty());
    }

    fn edit(text: &str, edits: &[DecisionEdit]) -> String {
        edit_decisions("breakwater.toml", text, edits)
            .unwrap_or_else(|e| panic!("{e}"))
            .text
    }

    fn entry(id: &str, status: &str, reason: &str) -> String {
        render_decision(id, &decision(status, reason), "\n")
    }

    const BASE: &str = "\
#:schema ./.breakwater/breakwater.schema.json
# top comment

[system]
name   =   \"shop\"   # odd spacing

# about b
[decisions.\"b@x.py::f\"]
status = \"accepted\"
reason = \"old\"   # trailing comment
# between b and d

[decisions.\"d@x.py::g\"]
status = \"mitigated\"
reason = \"validated\"

# after everything
";

    #[test]
    fn renders_fields_in_order_with_escapes() {
        let mut d = decision(
            "accepted",
            "a \"quoted\" reason\\ with ünïcödé\nand a newline",
        );
        d.ticket = Some("SEC-12".into());
        d.expires = Some("2027-03-01".into());
        d.author = String::new();
        let text = render_decision("rule@entry:GET /x \"y\"", &d, "\n");
        assert_eq!(
            text,
            "[decisions.\"rule@entry:GET /x \\\"y\\\"\"]\n\
             status = \"accepted\"\n\
             reason = \"a \\\"quoted\\\" reason\\\\ with ünïcödé\\nand a newline\"\n\
             date = \"2026-11-27\"\n\
             fingerprint = \"3fa1\"\n\
             evidence = \"cursor.execute(f\\\"SELECT … {uid}\\\")\"\n\
             ticket = \"SEC-12\"\n\
             expires = \"2027-03-01\"\n"
        );
        let mf = ModelFile::parse("t", &text).unwrap();
        assert_eq!(mf.decisions["rule@entry:GET /x \"y\""], d);
        // Control characters come back too.
        let odd = decision("accepted", "tab\there bell\u{7} del\u{7f} nul\u{0}");
        let mf = ModelFile::parse("t", &render_decision("a", &odd, "\n")).unwrap();
        assert_eq!(mf.decisions["a"].reason, odd.reason);
        // Every ASCII character, some C1 controls and astral characters, in
        // ids and values alike.
        let every: String = (0u8..128)
            .map(char::from)
            .chain(['\u{85}', '\u{9f}', '\u{a0}', '\u{2028}', '🛡', '\u{10ffff}'])
            .collect();
        let d = decision("accepted", &every);
        let id = format!("r@{every}");
        let mf = ModelFile::parse("t", &render_decision(&id, &d, "\n")).unwrap();
        assert_eq!(mf.decisions[&id], d);
    }

    #[test]
    fn inserts_at_the_sorted_place() {
        // Before the first: above its attached comment, below other text.
        let out = edit(BASE, &[upsert("a@x.py::f", decision("accepted", "r"))]);
        let want = BASE.replace(
            "# about b\n",
            &format!("{}\n# about b\n", entry("a@x.py::f", "accepted", "r")),
        );
        assert_eq!(out, want);
        // Between: above the next entry (and its comments), after the comments
        // that follow the entry before it.
        let out = edit(BASE, &[upsert("c@x.py::f", decision("accepted", "r"))]);
        let want = BASE.replace(
            "[decisions.\"d@x.py::g\"]",
            &format!(
                "{}\n[decisions.\"d@x.py::g\"]",
                entry("c@x.py::f", "accepted", "r")
            ),
        );
        assert_eq!(out, want);
        // Adding and removing an entry gives the original back.
        for id in ["a@x.py::f", "c@x.py::f", "e@x.py::f"] {
            let added = edit(BASE, &[upsert(id, decision("accepted", "r"))]);
            assert_eq!(edit(&added, &[remove(id)]), BASE, "{id}");
        }
        // After the last.
        let out = edit(BASE, &[upsert("e@x.py::f", decision("accepted", "r"))]);
        let want = BASE.replace(
            "reason = \"validated\"\n",
            &format!(
                "reason = \"validated\"\n\n{}",
                entry("e@x.py::f", "accepted", "r")
            ),
        );
        assert_eq!(out, want);
        // Several at once end up sorted whatever order they come in.
        let out = edit(
            BASE,
            &[
                upsert("e@x.py::f", decision("accepted", "r")),
                upsert("c@x.py::f", decision("accepted", "r")),
                upsert("a@x.py::f", decision("accepted", "r")),
                upsert("cc@x.py::f", decision("accepted", "r")),
            ],
        );
        let ids: Vec<&str> = out
            .lines()
            .filter_map(|l| l.strip_prefix("[decisions.\""))
            .map(|l| l.split('"').next().unwrap())
            .collect();
        assert_eq!(
            ids,
            [
                "a@x.py::f",
                "b@x.py::f",
                "c@x.py::f",
                "cc@x.py::f",
                "d@x.py::g",
                "e@x.py::f"
            ]
        );
        assert!(
            out.ends_with("{uid}\\\")\"\n\n# after everything\n"),
            "{out}"
        );
        assert!(!out.contains("\n\n\n"), "{out}");
    }

    #[test]
    fn the_schema_line_stays_first() {
        let text = "#:schema ./.breakwater/breakwater.schema.json\n# about b\n[decisions.\"b\"]\nstatus = \"accepted\"\nreason = \"r\"\n";
        let out = edit(text, &[upsert("a", decision("accepted", "r"))]);
        assert_eq!(
            out,
            format!(
                "#:schema ./.breakwater/breakwater.schema.json\n\n{}\n# about b\n[decisions.\"b\"]\nstatus = \"accepted\"\nreason = \"r\"\n",
                entry("a", "accepted", "r")
            )
        );
    }

    #[test]
    fn replaces_in_place() {
        let out = edit(
            BASE,
            &[upsert(
                "b@x.py::f",
                decision("false-positive", "not reachable"),
            )],
        );
        // The old entry's range (header through its last key line, with the
        // comment on that line) is rewritten; the comments around it stay.
        let old = "[decisions.\"b@x.py::f\"]\nstatus = \"accepted\"\nreason = \"old\"   # trailing comment\n";
        assert!(BASE.contains(old));
        let want = BASE.replace(old, &entry("b@x.py::f", "false-positive", "not reachable"));
        assert_eq!(out, want);
        // Writing the same again changes nothing.
        let again = edit_decisions(
            "t",
            &out,
            &[upsert(
                "b@x.py::f",
                decision("false-positive", "not reachable"),
            )],
        )
        .unwrap();
        assert_eq!(again.text, out);
        assert_eq!(again.changes[0].1, Change::Unchanged);
        assert!(!again.changed());
    }

    #[test]
    fn removes_with_its_blank_lines() {
        let out = edit(BASE, &[remove("d@x.py::g")]);
        assert_eq!(
            out,
            BASE.replace(
                "# between b and d\n\n[decisions.\"d@x.py::g\"]\nstatus = \"mitigated\"\nreason = \"validated\"\n",
                "# between b and d\n"
            )
        );
        let out = edit(BASE, &[remove("b@x.py::f")]);
        assert_eq!(
            out,
            BASE.replace(
                "[decisions.\"b@x.py::f\"]\nstatus = \"accepted\"\nreason = \"old\"   # trailing comment\n",
                ""
            )
        );
        // Two blank lines above, one below: two remain.
        let text = "[system]\nname = \"x\"\n\n\n[decisions.\"a\"]\nstatus = \"accepted\"\nreason = \"r\"\n\n[decisions.\"b\"]\nstatus = \"accepted\"\nreason = \"r\"\n";
        assert_eq!(
            edit(text, &[remove("a")]),
            "[system]\nname = \"x\"\n\n\n[decisions.\"b\"]\nstatus = \"accepted\"\nreason = \"r\"\n"
        );
        let all = edit_decisions("t", BASE, &[remove("b@x.py::f"), remove("nope")]).unwrap();
        assert_eq!(
            all.changes,
            vec![
                ("b@x.py::f".into(), Change::Removed),
                ("nope".into(), Change::Absent)
            ]
        );
    }

    #[test]
    fn keeps_crlf() {
        let crlf = BASE.replace('\n', "\r\n");
        let out = edit(
            &crlf,
            &[
                upsert("c@x.py::f", decision("accepted", "r")),
                upsert("b@x.py::f", decision("mitigated", "new")),
                remove("d@x.py::g"),
                upsert("z@x.py::f", decision("accepted", "last")),
            ],
        );
        assert!(
            !out.replace("\r\n", "").contains('\n'),
            "a bare LF: {out:?}"
        );
        let lf = edit(
            BASE,
            &[
                upsert("c@x.py::f", decision("accepted", "r")),
                upsert("b@x.py::f", decision("mitigated", "new")),
                remove("d@x.py::g"),
                upsert("z@x.py::f", decision("accepted", "last")),
            ],
        );
        assert_eq!(out, lf.replace('\n', "\r\n"));
    }

    #[test]
    fn keeps_a_missing_final_newline() {
        let text =
            "[system]\nname = \"x\"\n\n[decisions.\"b\"]\nstatus = \"accepted\"\nreason = \"r\"";
        let out = edit(text, &[upsert("c", decision("accepted", "r"))]);
        assert!(out.starts_with(text) && !out.ends_with('\n'), "{out}");
        assert_eq!(
            out,
            format!("{text}\n\n{}", entry("c", "accepted", "r").trim_end())
        );
        let out2 = edit(&out, &[remove("c")]);
        assert_eq!(out2, text);
        let out3 = edit(text, &[upsert("b", decision("mitigated", "x"))]);
        assert_eq!(
            out3,
            format!(
                "[system]\nname = \"x\"\n\n{}",
                entry("b", "mitigated", "x").trim_end()
            )
        );
        let out4 = edit(text, &[remove("b")]);
        assert_eq!(out4, "[system]\nname = \"x\"");
        // No decisions yet, no final newline.
        let out5 = edit(
            "[system]\nname = \"x\"",
            &[upsert("a", decision("accepted", "r"))],
        );
        assert_eq!(
            out5,
            format!(
                "[system]\nname = \"x\"\n\n{SECTION_COMMENT}\n\n{}",
                entry("a", "accepted", "r").trim_end()
            )
        );
    }

    #[test]
    fn first_decision_goes_at_the_end_with_a_comment_once() {
        let text =
            "[system]\nname = \"x\"\n\n[names]\n\"store:pg\" = \"Orders DB\" # the big one\n";
        let out = edit(text, &[upsert("a", decision("accepted", "r"))]);
        assert_eq!(
            out,
            format!(
                "{text}\n{SECTION_COMMENT}\n\n{}",
                entry("a", "accepted", "r")
            )
        );
        // After removing it, the comment stays and is not written twice.
        let empty = edit(&out, &[remove("a")]);
        assert_eq!(empty, format!("{text}\n{SECTION_COMMENT}\n"));
        let again = edit(&empty, &[upsert("a", decision("accepted", "r"))]);
        assert_eq!(again.matches(SECTION_COMMENT).count(), 1);
        assert_eq!(again, format!("{empty}\n{}", entry("a", "accepted", "r")));
        // An explicit, empty [decisions] header: right under it.
        let text = "[decisions]\n# nothing yet\n\n[system]\nname = \"x\"\n";
        let out = edit(text, &[upsert("a", decision("accepted", "r"))]);
        assert_eq!(
            out,
            format!(
                "[decisions]\n\n{}# nothing yet\n\n[system]\nname = \"x\"\n",
                entry("a", "accepted", "r")
            )
        );
        // An empty file.
        let out = edit("", &[upsert("a", decision("accepted", "r"))]);
        assert_eq!(
            out,
            format!("{SECTION_COMMENT}\n\n{}", entry("a", "accepted", "r"))
        );
    }

    #[test]
    fn odd_ids_and_headers() {
        let ids = [
            "state-change-without-audit@route:POST /orders/archive",
            "x@store:postgres",
            "q@app/a \"b\".py::f#2",
            "u@app/ünï.py::naïve",
            "back\\slash@x::y",
        ];
        let mut text = String::from("[system]\nname = \"x\"\n");
        for (i, id) in ids.iter().enumerate() {
            text = edit(&text, &[upsert(id, decision("accepted", &format!("r{i}")))]);
        }
        let mf = ModelFile::parse("t", &text).unwrap();
        assert_eq!(mf.decisions.len(), ids.len());
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(mf.decisions[*id].reason, format!("r{i}"));
        }
        let text = edit(
            &text,
            &[remove(ids[2]), upsert(ids[0], decision("mitigated", "m"))],
        );
        let mf = ModelFile::parse("t", &text).unwrap();
        assert!(!mf.decisions.contains_key(ids[2]));
        assert_eq!(mf.decisions[ids[0]].status, "mitigated");
        // Headers written by hand, in any key form, are found.
        let hand = "[ decisions . 'lit@x::y' ]   # literal key\nstatus=\"accepted\"\nreason='r'\n\n[decisions.bare]\nstatus = \"accepted\"\nreason = \"r\"\n";
        let out = edit(
            hand,
            &[
                upsert("lit@x::y", decision("mitigated", "m")),
                remove("bare"),
            ],
        );
        assert_eq!(out, entry("lit@x::y", "mitigated", "m"));
    }

    #[test]
    fn multi_line_strings_are_inside_the_entry() {
        let text = "[decisions.\"a\"]\nstatus = \"accepted\"\nreason = \"\"\"\nfirst\n# not a comment\"\"\"\n[decisions.\"c\"]\nstatus = \"accepted\"\nreason = '''\n[not a header]\n'''\n";
        let out = edit(
            text,
            &[
                upsert("b", decision("accepted", "r")),
                upsert("0", decision("accepted", "r")),
            ],
        );
        assert!(
            out.contains("# not a comment\"\"\"\n\n[decisions.\"b\"]"),
            "a blank line separates it from the entry above: {out}"
        );
        let mf = ModelFile::parse("t", &out).unwrap();
        assert_eq!(mf.decisions["a"].reason, "first\n# not a comment");
        assert_eq!(mf.decisions["c"].reason, "[not a header]\n");
        let out = edit(
            text,
            &[upsert("c", decision("mitigated", "m")), remove("a")],
        );
        assert_eq!(out, entry("c", "mitigated", "m"));
    }

    #[test]
    fn refuses_inline_and_dotted_decisions() {
        for text in [
            "[decisions]\n\"a@b::c\" = { status = \"accepted\", reason = \"r\" }\n",
            "[decisions]\n\"a@b::c\".status = \"accepted\"\n\"a@b::c\".reason = \"r\"\n",
            "decisions = { \"a@b::c\" = { status = \"accepted\", reason = \"r\" } }\n",
            "[system]\nname = \"x\"\n\n[decisions]\n'a@b::c' = { status = \"accepted\", reason = \"r\" }\n",
        ] {
            let e = edit_decisions(
                "breakwater.toml",
                text,
                &[upsert("z", decision("accepted", "r"))],
            )
            .unwrap_err();
            let msg = e.to_string();
            assert!(matches!(e, EditError::Layout { .. }), "{msg}");
            assert!(
                msg.contains("one [decisions.\"<threat id>\"] table per decision"),
                "{msg}"
            );
            assert!(msg.contains("convert it"), "{msg}");
            let line = text.lines().position(|l| l.contains("a@b::c")).unwrap() + 1;
            assert!(
                msg.starts_with(&format!("breakwater.toml:{line}:")),
                "{msg}"
            );
        }
    }

    #[test]
    fn refuses_a_file_that_does_not_parse() {
        let e = edit_decisions(
            "breakwater.toml",
            "[system]\nname = \"x\"\n\n[decisions.\"a\"\nstatus = 1\n",
            &[upsert("z", decision("accepted", "r"))],
        )
        .unwrap_err();
        assert!(matches!(&e, EditError::Parse(p) if p.line == 4), "{e}");
        assert!(e.to_string().contains("breakwater.toml:4"), "{e}");
        // Valid TOML that is not a valid model file is refused too.
        let e = edit_decisions(
            "breakwater.toml",
            "[decisions.\"a\"]\nstatus = \"fixed\"\nreason = \"r\"\n",
            &[upsert("z", decision("accepted", "r"))],
        )
        .unwrap_err();
        assert!(e.to_string().contains("not one of"), "{e}");
    }

    #[test]
    fn refuses_to_write_what_does_not_read_back() {
        // A decision the model file would reject is caught by the re-parse.
        let e = edit_decisions(
            "breakwater.toml",
            BASE,
            &[upsert("z", decision("fixed", "r"))],
        )
        .unwrap_err();
        assert!(matches!(e, EditError::Check(_)), "{e}");
    }

    fn read(root: &Path) -> String {
        fs::read_to_string(root.join(FILE_NAME)).unwrap()
    }

    fn dir_names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn creates_a_new_file_with_lock_dir_and_schema() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let preview = preview_file(root, &[upsert("a", decision("accepted", "r"))]).unwrap();
        assert!(preview.created);
        assert!(!root.join(FILE_NAME).exists(), "a preview writes nothing");
        assert!(!root.join(".breakwater").exists());
        let out = update_file(root, &[upsert("a", decision("accepted", "r"))]).unwrap();
        assert!(out.created);
        let text = read(root);
        assert_eq!(text, preview.text);
        assert!(text.starts_with("#:schema ./.breakwater/breakwater.schema.json\n\n# Decisions:"));
        assert_eq!(
            fs::read_to_string(root.join(".breakwater/.gitignore")).unwrap(),
            "triage.lock\ncache/\n"
        );
        assert!(root.join(LOCK_PATH).exists());
        assert!(root.join(SCHEMA_PATH).exists());
        // An existing .gitignore there is not touched.
        fs::write(root.join(".breakwater/.gitignore"), "mine\n").unwrap();
        update_file(root, &[upsert("b", decision("accepted", "r"))]).unwrap();
        assert_eq!(
            fs::read_to_string(root.join(".breakwater/.gitignore")).unwrap(),
            "mine\n"
        );
        assert_eq!(dir_names(root), [".breakwater", FILE_NAME]);
    }

    #[cfg(unix)]
    #[test]
    fn keeps_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join(FILE_NAME);
        fs::write(&target, BASE).unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).unwrap();
        update_file(dir.path(), &[upsert("a", decision("accepted", "r"))]).unwrap();
        assert_eq!(
            fs::metadata(&target).unwrap().permissions().mode() & 0o777,
            0o640
        );
    }

    #[test]
    fn a_failure_before_the_rename_leaves_the_file_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join(FILE_NAME), BASE).unwrap();
        let mut seen_temp = None;
        let e = update_file_with::<Decisions, _>(
            root,
            &[upsert("a", decision("accepted", "r"))],
            &mut |tmp| {
                // The new text is complete and synced in the temporary file...
                let t = fs::read_to_string(tmp).unwrap();
                assert!(t.contains("[decisions.\"a\"]"));
                seen_temp = Some(tmp.to_path_buf());
                // ...and the process "crashes" before the rename.
                Err(io::Error::other("injected failure"))
            },
        )
        .unwrap_err();
        assert!(e.to_string().contains("injected failure"), "{e}");
        assert!(seen_temp.is_some());
        assert_eq!(read(root), BASE, "the original is byte-identical");
        assert_eq!(
            dir_names(root),
            [".breakwater", FILE_NAME],
            "the temporary file is cleaned up"
        );
        // A new file that fails is not created at all.
        let fresh = tempfile::tempdir().unwrap();
        update_file_with::<Decisions, _>(
            fresh.path(),
            &[upsert("a", decision("accepted", "r"))],
            &mut |_| Err(io::Error::other("injected failure")),
        )
        .unwrap_err();
        assert!(!fresh.path().join(FILE_NAME).exists());
        assert_eq!(dir_names(fresh.path()), [".breakwater"]);
    }

    #[test]
    fn a_killed_writer_leaves_the_old_file_and_its_temp_is_cleaned_later() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join(FILE_NAME), BASE).unwrap();
        // A triage killed after writing its temporary file, before the
        // rename: the temp stays (nothing ran to remove it), full size, but
        // under `.breakwater/tmp` (ignored by git), not beside the file.
        let mut gone = std::process::Command::new("true").spawn().unwrap();
        let pid = gone.id();
        gone.wait().unwrap();
        let tmp = root.join(bw_files::TEMP_DIR);
        fs::create_dir_all(&tmp).unwrap();
        let stale = tmp.join(format!("{FILE_NAME}.{pid}.0.tmp"));
        fs::write(&stale, format!("{BASE}[decisions.\"half")).unwrap();
        assert_eq!(read(root), BASE);
        ModelFile::parse(FILE_NAME, &read(root)).unwrap();
        // The next triage removes it.
        update_file(root, &[upsert("a", decision("accepted", "r"))]).unwrap();
        assert!(!stale.exists());
        assert_eq!(dir_names(root), [".breakwater", FILE_NAME]);
        assert_eq!(dir_names(&tmp), [".gitignore"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_model_file_is_refused_not_replaced() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join(FILE_NAME);
        fs::write(&target, BASE).unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o444)).unwrap();
        let e = update_file(dir.path(), &[upsert("a", decision("accepted", "r"))]).unwrap_err();
        assert!(e.to_string().contains("read-only"), "{e}");
        assert_eq!(read(dir.path()), BASE);
        assert_eq!(
            fs::metadata(&target).unwrap().permissions().mode() & 0o777,
            0o444
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_breakwater_directory_is_refused_and_nothing_is_written_outside() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        let outside = dir.path().join("outside");
        fs::create_dir_all(&root).unwrap();
        fs::create_dir_all(&outside).unwrap();
        fs::write(root.join(FILE_NAME), BASE).unwrap();
        std::os::unix::fs::symlink(&outside, root.join(".breakwater")).unwrap();
        let e = update_file(&root, &[upsert("a", decision("accepted", "r"))]).unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert!(dir_names(&outside).is_empty(), "{:?}", dir_names(&outside));
        assert_eq!(read(&root), BASE);
        // A lock file that is a link is refused too.
        fs::remove_file(root.join(".breakwater")).unwrap();
        fs::create_dir(root.join(".breakwater")).unwrap();
        std::os::unix::fs::symlink(outside.join("lock"), root.join(LOCK_PATH)).unwrap();
        assert!(lock(&root).is_err());
        assert!(dir_names(&outside).is_empty());
    }

    #[test]
    fn readers_never_see_a_partial_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        // A big file makes a torn write likely to be seen if there were one.
        let mut text = BASE.to_string();
        text.push_str(&format!("# {}\n", "x".repeat(200_000)));
        fs::write(root.join(FILE_NAME), &text).unwrap();
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let reader = {
            let (root, done) = (root.clone(), done.clone());
            std::thread::spawn(move || {
                let mut reads = 0;
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    let t = fs::read_to_string(root.join(FILE_NAME)).expect("always there");
                    ModelFile::parse(FILE_NAME, &t).expect("always whole");
                    assert!(t.ends_with(&format!("{}\n", "x".repeat(100))));
                    reads += 1;
                }
                reads
            })
        };
        for i in 0..40 {
            update_file(
                &root,
                &[upsert(&format!("t{i:02}"), decision("accepted", "r"))],
            )
            .unwrap();
        }
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        assert!(reader.join().unwrap() > 0);
        assert_eq!(
            ModelFile::parse(FILE_NAME, &read(&root))
                .unwrap()
                .decisions
                .len(),
            42
        );
    }

    #[test]
    fn concurrent_writers_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        fs::write(root.join(FILE_NAME), BASE).unwrap();
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let root = root.clone();
                std::thread::spawn(move || {
                    for i in 0..6 {
                        let id = format!("w{t}-{i}@app.py::f");
                        update_file(&root, &[upsert(&id, decision("accepted", "r"))]).unwrap();
                    }
                    // Each thread also replaces and removes its own.
                    update_file(
                        &root,
                        &[upsert(
                            &format!("w{t}-0@app.py::f"),
                            decision("mitigated", "m"),
                        )],
                    )
                    .unwrap();
                    update_file(&root, &[remove(&format!("w{t}-5@app.py::f"))]).unwrap();
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let mf = ModelFile::parse(FILE_NAME, &read(&root)).unwrap();
        assert_eq!(mf.decisions.len(), 2 + 8 * 5);
        for t in 0..8 {
            assert_eq!(
                mf.decisions[&format!("w{t}-0@app.py::f")].status,
                "mitigated"
            );
            assert!(!mf.decisions.contains_key(&format!("w{t}-5@app.py::f")));
        }
        assert_eq!(dir_names(&root), [".breakwater", FILE_NAME]);
    }

    #[test]
    fn suggestions_are_spliced_like_decisions() {
        let x = crate::modelfile::tests::suggestion();
        let up = |id: &str, x: &Suggestion| SuggestionEdit::Upsert {
            id: id.into(),
            suggestion: Box::new(x.clone()),
        };
        let out = edit_suggestions("t", BASE, &[up("ai:b", &x)]).unwrap();
        assert!(out.text.starts_with(BASE), "nothing before changes");
        assert!(out.text.contains(SUGGESTIONS_COMMENT));
        assert_eq!(out.model.suggestions["ai:b"], x);
        assert_eq!(
            out.model.decisions,
            ModelFile::parse("t", BASE).unwrap().decisions
        );
        // Sorted insertion, replacement in place, removal back to the bytes before.
        let two = edit_suggestions("t", &out.text, &[up("ai:a", &x)])
            .unwrap()
            .text;
        assert!(two.find("\"ai:a\"").unwrap() < two.find("\"ai:b\"").unwrap());
        let accepted = Suggestion {
            state: "accepted".into(),
            triaged_by: "Ann".into(),
            triaged_on: "2026-02-03".into(),
            ..x.clone()
        };
        let three = edit_suggestions("t", &two, &[up("ai:a", &accepted)]).unwrap();
        assert_eq!(three.changes, vec![("ai:a".to_string(), Change::Replaced)]);
        assert_eq!(three.model.suggestions["ai:a"].state, "accepted");
        let back = edit_suggestions(
            "t",
            &three.text,
            &[SuggestionEdit::Remove { id: "ai:a".into() }],
        )
        .unwrap();
        assert_eq!(back.text, out.text);
        // Decision edits leave suggestions alone and the other way round.
        let with_decision = edit_decisions(
            "t",
            &out.text,
            &[upsert("z@x.py::f", decision("accepted", "r"))],
        )
        .unwrap();
        assert_eq!(with_decision.model.suggestions["ai:b"], x);
        // An inline suggestions table is refused with the family's words.
        let fields: Vec<String> = render_suggestion("ai:c", &x, "\n")
            .lines()
            .skip(1)
            .map(String::from)
            .collect();
        let inline = format!("[suggestions]\n\"ai:c\" = {{ {} }}\n", fields.join(", "));
        let e = edit_suggestions("t", &inline, &[up("ai:d", &x)]).unwrap_err();
        assert!(
            e.to_string().contains(
                "breakwater ai writes one [suggestions.\"<suggestion id>\"] table per suggestion"
            ),
            "{e}"
        );
    }

    #[test]
    fn suggestions_go_through_the_locked_atomic_writer() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(FILE_NAME), BASE).unwrap();
        let x = crate::modelfile::tests::suggestion();
        update_table::<Suggestions, _>(
            dir.path(),
            &[SuggestionEdit::Upsert {
                id: "ai:1".into(),
                suggestion: Box::new(x.clone()),
            }],
        )
        .unwrap();
        let mf = ModelFile::parse(FILE_NAME, &read(dir.path())).unwrap();
        assert_eq!(mf.suggestions["ai:1"], x);
        assert!(read(dir.path()).starts_with(BASE));
        assert_eq!(dir_names(dir.path()), [".breakwater", FILE_NAME]);
    }
}
