//! A YAML tree with line numbers, read with serde-saphyr.
//!
//! serde-saphyr has no untyped value type of its own, but its
//! [`serde_saphyr::Spanned`] wrapper records where each node was read; a
//! small recursive [`Node`] built on it gives every key and value its line.
//! Depth is bounded by saphyr's budget (64 levels), so the recursion here
//! is bounded too; aliases are expanded by saphyr within its alias budget.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::DuplicateKeyPolicy;

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

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
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
    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::Str(s.to_string()))
    }
    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::Str(s))
    }
    fn visit_bytes<E>(self, b: &[u8]) -> Result<Value, E> {
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

fn options() -> serde_saphyr::Options {
    // Manifests are small: a tighter alias budget stops "billion laughs"
    // expansion early (the default allows a million replayed events).
    let mut alias_limits = serde_saphyr::options::AliasLimits::default();
    alias_limits.max_total_replayed_events = 100_000;
    serde_saphyr::options! {
        alias_limits: alias_limits,
        duplicate_keys: DuplicateKeyPolicy::LastWins,
        with_snippet: false,
        strict_booleans: true,
    }
}

/// Every document of a YAML stream. A stream that does not parse as a
/// whole is split on `---` lines and each document is read on its own, so
/// one broken document does not hide the others. Never panics.
pub fn documents(text: &str) -> Vec<Node> {
    if let Ok(docs) = serde_saphyr::from_multiple_with_options::<Node>(text, options()) {
        return docs;
    }
    let mut out = Vec::new();
    let mut start = 0usize; // byte offset of the chunk
    let mut start_line = 0u32; // lines before the chunk
    let mut offset = 0usize;
    let flush = |from: usize, to: usize, before: u32, out: &mut Vec<Node>| {
        let chunk = &text[from..to];
        if chunk.trim().is_empty() {
            return;
        }
        if let Ok(mut n) = serde_saphyr::from_str_with_options::<Node>(chunk, options())
            && n.value != Value::Null
        {
            n.shift(before);
            out.push(n);
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
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_documents() {
        let docs = documents("a: 1\nb:\n  c: [x, y]\n---\nkind: Pod\nmetadata:\n  name: p\n");
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].entry("b").unwrap().0.line, 2);
        assert_eq!(docs[0].path(&["b", "c"]).unwrap().names(), ["x", "y"]);
        assert_eq!(docs[1].entry("kind").unwrap().0.line, 5);
    }

    #[test]
    fn broken_document_does_not_hide_others() {
        let docs = documents("a: [1\n---\nkind: Service\nmetadata:\n  name: s\n");
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].entry("kind").unwrap().0.line, 3);
        assert_eq!(
            docs[0].path(&["metadata", "name"]).unwrap().str(),
            Some("s")
        );
    }

    #[test]
    fn hostile_input() {
        assert!(documents("").is_empty());
        let deep = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
        let _ = documents(&deep);
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
        let _ = documents(bomb);
        let _ = documents("key: \"unterminated\n  - : - : ?\n\t\u{0}");
    }
}
