//! A YAML tree with line numbers, read with serde-saphyr.
//!
//! serde-saphyr has no untyped value type of its own, but its
//! [`serde_saphyr::Spanned`] wrapper records where each node was read; a
//! small recursive [`Node`] built on it gives every key and value its line.
//! Depth is bounded by saphyr's budget (64 levels), so the recursion here
//! is bounded too.
//!
//! Aliases are expanded as they are read, so what the tree holds is budgeted
//! here, not by a ratio of aliases to anchors (a compose file merging one
//! anchor into a hundred services is ordinary): every node and every byte
//! of text the reader builds is counted against [`expansion_budget`] for the
//! whole file, documents and retries included. Past it, or past the file's
//! time budget, reading stops and the file is refused with a reason.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::DuplicateKeyPolicy;
use std::cell::Cell;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// A value and the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub line: u32,
}

// What the reader may still build, in bytes (nodes and their text), and
// why it stopped when it did.
thread_local! {
    static LEFT: Cell<usize> = const { Cell::new(usize::MAX) };
    static STOPPED: Cell<Option<Stop>> = const { Cell::new(None) };
}

/// Why the reader stopped before the end of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The expanded tree would pass the expansion budget.
    Expansion,
    /// The file's time or memory budget ran out (see `crate::budget`).
    Budget,
}

/// At least this many bytes of tree per file, however small the file.
pub const EXPANSION_FLOOR: usize = 16 << 20;
/// Bytes of tree per byte of YAML, for larger files. Without aliases a
/// tree takes about six bytes per byte of YAML; the rest is for aliases.
pub const EXPANSION_PER_BYTE: usize = 16;

/// What the tree of a YAML file of `bytes` bytes may take, aliases expanded.
pub fn expansion_budget(bytes: usize) -> usize {
    EXPANSION_FLOOR.max(bytes.saturating_mul(EXPANSION_PER_BYTE))
}

/// Charge `n` bytes to the expansion budget; an error once it is spent,
/// or once the file's time or memory budget is.
fn charge<E: serde::de::Error>(n: usize) -> Result<(), E> {
    if let Some(stop) = STOPPED.with(Cell::get) {
        return Err(E::custom(stop_message(stop)));
    }
    let left = LEFT.with(Cell::get);
    let stop = if n > left {
        Some(Stop::Expansion)
    } else if crate::budget::spent() {
        Some(Stop::Budget)
    } else {
        None
    };
    if let Some(stop) = stop {
        STOPPED.with(|s| s.set(Some(stop)));
        return Err(E::custom(stop_message(stop)));
    }
    LEFT.with(|l| l.set(left - n));
    Ok(())
}

fn stop_message(stop: Stop) -> &'static str {
    match stop {
        Stop::Expansion => "aliases expand past the budget",
        Stop::Budget => "the file's budget ran out",
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        charge::<D::Error>(std::mem::size_of::<Node>())?;
        let s = serde_saphyr::Spanned::<Value>::deserialize(d)?;
        Ok(Node {
            value: s.value,
            line: u32::try_from(s.referenced.line()).unwrap_or(u32::MAX),
        })
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Int(n))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(i64::try_from(n)
            .map(Value::Int)
            .unwrap_or(Value::Float(n as f64)))
    }
    fn visit_i128<E>(self, n: i128) -> Result<Value, E> {
        Ok(i64::try_from(n)
            .map(Value::Int)
            .unwrap_or(Value::Float(n as f64)))
    }
    fn visit_u128<E>(self, n: u128) -> Result<Value, E> {
        Ok(i64::try_from(n)
            .map(Value::Int)
            .unwrap_or(Value::Float(n as f64)))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        Ok(Value::Float(n))
    }
    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Value, E> {
        charge::<E>(s.len())?;
        Ok(Value::Str(s.to_string()))
    }
    fn visit_string<E: serde::de::Error>(self, s: String) -> Result<Value, E> {
        charge::<E>(s.len())?;
        Ok(Value::Str(s))
    }
    fn visit_bytes<E: serde::de::Error>(self, b: &[u8]) -> Result<Value, E> {
        charge::<E>(b.len())?;
        Ok(Value::Str(String::from_utf8_lossy(b).into_owned()))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Value, A::Error> {
        let mut v = Vec::new();
        while let Some(n) = a.next_element::<Node>()? {
            v.push(n);
        }
        Ok(Value::Seq(v))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Value, A::Error> {
        let mut v = Vec::new();
        while let Some(kv) = a.next_entry::<Node, Node>()? {
            v.push(kv);
        }
        Ok(Value::Map(v))
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

impl Node {
    /// The value of `key` in a mapping (the last one when a key repeats).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }
    /// The key node and value of `key` in a mapping.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match &self.value {
            Value::Map(m) => m
                .iter()
                .rev()
                .find(|(k, _)| k.scalar().as_deref() == Some(key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }
    /// Follow a path of keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        let mut n = self;
        for k in keys {
            n = n.get(k)?;
        }
        Some(n)
    }
    /// A scalar as text (`true`, `8080`, `web`); `None` for null and collections.
    pub fn scalar(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(n) => Some(n.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
    pub fn str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
    /// A boolean, accepting the quoted forms people write (`"true"`).
    pub fn bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            Value::Str(s) => match s.to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" => Some(true),
                "false" | "no" | "off" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }
    pub fn int(&self) -> Option<i64> {
        match &self.value {
            Value::Int(n) => Some(*n),
            Value::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(v) => v,
            _ => &[],
        }
    }
    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.value {
            Value::Map(m) => m,
            _ => &[],
        }
    }
    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }
    /// Scalars of a sequence, or the keys of a mapping.
    pub fn names(&self) -> Vec<String> {
        match &self.value {
            Value::Seq(v) => v.iter().filter_map(Node::scalar).collect(),
            Value::Map(m) => m.iter().filter_map(|(k, _)| k.scalar()).collect(),
            _ => self.scalar().into_iter().collect(),
        }
    }
    fn shift(&mut self, by: u32) {
        self.line = self.line.saturating_add(by);
        match &mut self.value {
            Value::Seq(v) => v.iter_mut().for_each(|n| n.shift(by)),
            Value::Map(m) => m.iter_mut().for_each(|(k, v)| {
                k.shift(by);
                v.shift(by);
            }),
            _ => {}
        }
    }
}

fn options(replay: usize) -> serde_saphyr::Options {
    // The reader's own budget (above) bounds what aliases expand to; saphyr's
    // limits are set so that they never refuse what that budget allows: no
    // alias-to-anchor ratio, no cap on documents or nodes (both bounded by
    // the file's size), replayed events bounded like the tree.
    let mut alias_limits = serde_saphyr::options::AliasLimits::default();
    alias_limits.max_total_replayed_events = replay;
    alias_limits.max_alias_expansions_per_anchor = usize::MAX;
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            enforce_alias_anchor_ratio: false,
            max_documents: usize::MAX,
            max_nodes: usize::MAX,
            max_events: usize::MAX,
            max_aliases: usize::MAX,
            max_anchors: usize::MAX,
            max_merge_keys: usize::MAX,
        },
        alias_limits: alias_limits,
        duplicate_keys: DuplicateKeyPolicy::LastWins,
        with_snippet: false,
        strict_booleans: true,
    }
}

/// What a YAML stream held, and what could not be read.
#[derive(Debug, Default)]
pub struct Documents {
    /// The documents read, in order.
    pub docs: Vec<Node>,
    /// The first problem: a syntax error (with its line) or a budget.
    pub problem: Option<Problem>,
}

/// Why (part of) a stream was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Not valid YAML: `line`, `column` (1-based) and the parser's message.
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// Aliases expand past the budget for a file this size (bytes).
    Expansion { budget: usize },
    /// Nested deeper than the reader allows.
    Depth,
    /// The file's time or memory budget ran out (see `crate::budget`).
    Budget,
}

/// Every document of a YAML stream. A stream that does not parse as a
/// whole is split on `---` lines and each document is read on its own, so
/// one broken document does not hide the others; the first error is kept.
/// Never panics. Alias expansion is bounded for the whole file (retries
/// included): past the budget, reading stops.
pub fn documents(text: &str) -> Documents {
    let budget = expansion_budget(text.len());
    LEFT.with(|l| l.set(budget));
    STOPPED.with(|s| s.set(None));
    // A replayed node is one or two events (start and end) and charges at
    // least a node's size: saphyr's count stays under this one's.
    let replay = budget / 16;
    let mut out = Documents::default();
    let first = serde_saphyr::from_multiple_with_options::<Node>(text, options(replay));
    let error = match first {
        Ok(docs) => {
            out.docs = docs;
            return finish(out, budget);
        }
        Err(e) => e,
    };
    out.problem = Some(problem(&error, 0));
    if STOPPED.with(Cell::get).is_some() || !matches!(out.problem, Some(Problem::Syntax { .. })) {
        return finish(out, budget);
    }
    // A syntax error: read the documents one by one, from a fresh budget
    // (the failed attempt built nothing that is kept).
    LEFT.with(|l| l.set(budget));
    out.problem = None;
    let mut start = 0usize; // byte offset of the chunk
    let mut start_line = 0u32; // lines before the chunk
    let mut offset = 0usize;
    let flush = |from: usize, to: usize, before: u32, out: &mut Documents| {
        let chunk = &text[from..to];
        if chunk.trim().is_empty() || STOPPED.with(Cell::get).is_some() {
            return;
        }
        let replay = LEFT.with(Cell::get) / 16;
        match serde_saphyr::from_str_with_options::<Node>(chunk, options(replay)) {
            Ok(mut n) => {
                if n.value != Value::Null {
                    n.shift(before);
                    out.docs.push(n);
                }
            }
            Err(e) => {
                let p = problem(&e, before as usize);
                if out.problem.is_none() || !matches!(p, Problem::Syntax { .. }) {
                    out.problem = Some(p);
                }
            }
        }
    };
    for (line_no, line) in text.split_inclusive('\n').enumerate() {
        let line_no = u32::try_from(line_no).unwrap_or(u32::MAX);
        let l = line.trim_end();
        if l == "---" || l.starts_with("--- ") || l == "..." {
            flush(start, offset, start_line, &mut out);
            start = offset + line.len();
            start_line = line_no.saturating_add(1);
        }
        offset += line.len();
    }
    flush(start, text.len(), start_line, &mut out);
    finish(out, budget)
}

/// A budget stop wins over what saphyr made of the error it caused.
fn finish(mut out: Documents, budget: usize) -> Documents {
    match STOPPED.with(|s| s.take()) {
        Some(Stop::Expansion) => out.problem = Some(Problem::Expansion { budget }),
        Some(Stop::Budget) => out.problem = Some(Problem::Budget),
        None => {
            if let Some(Problem::Expansion { budget: b }) = &mut out.problem {
                *b = budget;
            }
        }
    }
    LEFT.with(|l| l.set(usize::MAX));
    out
}

/// What a saphyr error means for the file; `before` lines precede the text
/// that was parsed.
fn problem(e: &serde_saphyr::Error, before: usize) -> Problem {
    use serde_saphyr::Error as E;
    use serde_saphyr::budget::BudgetBreach;
    let mut e = e;
    while let E::AliasError { error, .. } = e {
        e = error;
    }
    match e {
        E::Budget {
            breach: BudgetBreach::Depth { .. },
            ..
        } => Problem::Depth,
        E::Budget { .. }
        | E::AliasReplayCounterOverflow { .. }
        | E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. } => Problem::Expansion { budget: 0 },
        // The scanner's own guard against deep flow collections.
        _ if e.to_string().contains("recursion limit exceeded") => Problem::Depth,
        _ => {
            let (line, column) = e
                .location()
                .map(|l| (l.line() as usize, l.column() as usize))
                .unwrap_or((0, 0));
            Problem::Syntax {
                line: line + before,
                column,
                message: syntax_message(e),
            }
        }
    }
}

/// The parser's message without its own position (we give the file's).
fn syntax_message(e: &serde_saphyr::Error) -> String {
    let text = e.to_string();
    let first = text.lines().next().unwrap_or("").trim();
    let first = match first.find(" at line ") {
        Some(i) => &first[..i],
        None => first,
    };
    first.trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_documents() {
        let docs = documents("a: 1\nb:\n  c: [x, y]\n---\nkind: Pod\nmetadata:\n  name: p\n").docs;
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].entry("b").unwrap().0.line, 2);
        assert_eq!(docs[0].path(&["b", "c"]).unwrap().names(), ["x", "y"]);
        assert_eq!(docs[1].entry("kind").unwrap().0.line, 5);
    }

    #[test]
    fn broken_document_does_not_hide_others() {
        let read = documents("a: [1\n---\nkind: Service\nmetadata:\n  name: s\n");
        let docs = read.docs;
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].entry("kind").unwrap().0.line, 3);
        assert_eq!(
            docs[0].path(&["metadata", "name"]).unwrap().str(),
            Some("s")
        );
        // The broken one is said, with its line.
        assert!(
            matches!(read.problem, Some(Problem::Syntax { line: 1 | 2, .. })),
            "{:?}",
            read.problem
        );
    }

    #[test]
    fn syntax_error_has_its_line() {
        let read = documents("a: 1\nb: 2\nc: [x\nd: 4\n");
        let Some(Problem::Syntax { line, message, .. }) = read.problem else {
            panic!("{:?}", read.problem)
        };
        assert!((3..=5).contains(&line), "line {line}: {message}");
        assert!(!message.is_empty());
        // In a later document, the line counts from the top of the file.
        let read = documents("a: 1\n---\nb: 2\nc: [x\nd: 4\n");
        let Some(Problem::Syntax { line, .. }) = read.problem else {
            panic!("{:?}", read.problem)
        };
        assert!((4..=6).contains(&line), "line {line}");
    }

    #[test]
    fn many_aliases_of_one_anchor_are_read() {
        // More than ten aliases per anchor (saphyr's ratio guard refused
        // this), each expanding the anchor once.
        let mut src =
            String::from("x-common: &common\n  image: nginx\n  restart: always\nservices:\n");
        for i in 0..300 {
            src.push_str(&format!(
                "  s{i}:\n    <<: *common\n    ports: ['{i}:80']\n"
            ));
        }
        let read = documents(&src);
        assert_eq!(read.problem, None);
        let services = read.docs[0].get("services").unwrap();
        assert_eq!(services.entries().len(), 300);
        assert_eq!(
            services.entries()[299].1.get("image").and_then(Node::str),
            Some("nginx")
        );
    }

    #[test]
    fn expansion_is_budgeted_for_the_whole_file() {
        // Nine levels of nine aliases: 9^9 nodes if expanded.
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
        {
            bomb.push_str(&format!(
                "{name}: &{name} [{}]\n",
                vec![format!("*{prev}"); 9].join(", ")
            ));
        }
        let read = documents(&bomb);
        assert_eq!(
            read.problem,
            Some(Problem::Expansion {
                budget: expansion_budget(bomb.len())
            })
        );
        // Many small documents, each within any per-document limit, add up
        // (and a syntax error in the stream does not buy a fresh budget per
        // document).
        let doc = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n";
        let mut many = vec![doc; 3000].join("---\n");
        many.push_str("---\nbroken: [\n");
        let read = documents(&many);
        assert_eq!(
            read.problem,
            Some(Problem::Expansion {
                budget: expansion_budget(many.len())
            })
        );
        // A long text repeated by aliases counts by its bytes.
        let long = format!(
            "a: &a \"{}\"\nb: [{}]\n",
            "x".repeat(100_000),
            vec!["*a"; 400].join(", ")
        );
        assert!(matches!(
            documents(&long).problem,
            Some(Problem::Expansion { .. })
        ));
    }

    #[test]
    fn hostile_input() {
        // Extraction reads YAML on a thread with the walk stack (a few
        // hundred nested flow collections recurse before the scanner's
        // guard stops them); so does this test.
        crate::with_walk_stack(hostile, || panic!("no thread"));
    }

    fn hostile() {
        assert!(documents("").docs.is_empty());
        let deep = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
        let read = documents(&deep);
        assert!(read.docs.is_empty());
        assert_eq!(read.problem, Some(Problem::Depth));
        let deep = format!("a: {}1{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(documents(&deep).problem, Some(Problem::Depth));
        let mut block = String::new();
        for i in 0..100 {
            block.push_str(&format!("{}k:\n", " ".repeat(i)));
        }
        assert_eq!(documents(&block).problem, Some(Problem::Depth));
        let _ = documents("key: \"unterminated\n  - : - : ?\n\t\u{0}");
    }
}
