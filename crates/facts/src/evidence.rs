//! Building [`Evidence`] and [`Location`]s from tree-sitter nodes.

use crate::types::{Evidence, Location};
use bw_lang::KindExt;
use tree_sitter::Node;

/// Longest normalised text kept in evidence.
pub const MAX_TEXT: usize = 240;

/// 1-based column in Unicode scalar values of a byte offset within its line.
fn char_col(src: &str, line_start_byte: usize, byte: usize) -> u32 {
    let end = byte.min(src.len());
    let start = line_start_byte.min(end);
    src.get(start..end)
        .map(|s| s.chars().count())
        .unwrap_or(end - start) as u32
        + 1
}

/// The location of a node.
pub fn location(path: &str, node: Node<'_>, src: &str) -> Location {
    let sp = node.start_position();
    let ep = node.end_position();
    let sb = node.start_byte();
    let eb = node.end_byte();
    Location {
        path: path.to_string(),
        start_line: sp.row as u32 + 1,
        start_col: char_col(src, sb - sp.column, sb),
        end_line: ep.row as u32 + 1,
        end_col: char_col(src, eb.saturating_sub(ep.column), eb),
    }
}

/// Where each line of a text starts, built once per file, so finding a
/// line costs the same on line 1 and line 100,000 (a lookup per fact by
/// walking the text from its start made files with many facts quadratic).
pub struct LineIndex<'a> {
    src: &'a str,
    /// Byte offset of the start of each line.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(src: &'a str) -> LineIndex<'a> {
        let mut starts = vec![0];
        starts.extend(
            src.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1)
                .filter(|&i| i < src.len()),
        );
        LineIndex { src, starts }
    }

    /// Line `line` (1-based) without its line ending, as `str::lines`
    /// gives it; empty past the end.
    pub fn line(&self, line: u32) -> &'a str {
        let Some(&start) = self.starts.get(line.saturating_sub(1) as usize) else {
            return "";
        };
        let rest = &self.src[start..];
        let text = rest.split_once('\n').map_or(rest, |(l, _)| l);
        text.strip_suffix('\r').unwrap_or(text)
    }
}

/// A location spanning whole lines (for facts from non-tree formats).
pub fn line_location(path: &str, lines: &LineIndex<'_>, line: u32) -> Location {
    line_location_of(path, lines.line(line), line)
}

/// The location of line number `line`, whose text is `text`.
pub fn line_location_of(path: &str, text: &str, line: u32) -> Location {
    let indent = text.chars().take_while(|c| c.is_whitespace()).count() as u32;
    Location {
        path: path.to_string(),
        start_line: line,
        start_col: indent + 1,
        end_line: line,
        end_col: text.chars().count() as u32 + 1,
    }
}

/// Collapse runs of whitespace to one space and cap the length, so the
/// text is stable across re-indentation and reformatting.
pub fn normalise(text: &str) -> String {
    normalise_chars(text.chars(), text.len())
}

/// [`normalise`] over characters (`len`: how many bytes they may come
/// to), reading no further than the capped text needs.
pub fn normalise_chars(chars: impl IntoIterator<Item = char>, len: usize) -> String {
    let mut n = Normaliser {
        out: String::with_capacity(len.min(MAX_TEXT)),
        ..Normaliser::default()
    };
    for c in chars {
        if n.feed(c) {
            break;
        }
    }
    n.out
}

/// [`normalise`], one character at a time.
#[derive(Default)]
struct Normaliser {
    out: String,
    space: bool,
}

impl Normaliser {
    /// Take one character; true once the text is full (capped with `…`).
    fn feed(&mut self, c: char) -> bool {
        if c.is_whitespace() {
            self.space = !self.out.is_empty();
            return false;
        }
        if self.space {
            self.out.push(' ');
            self.space = false;
        }
        self.out.push(c);
        if self.out.len() >= MAX_TEXT {
            self.out.push('…');
            return true;
        }
        false
    }
}

/// Evidence for a node inside `symbol`.
pub fn evidence(path: &str, node: Node<'_>, src: &str, symbol: &str) -> Evidence {
    Evidence {
        location: location(path, node, src),
        text: normalise_node(node, src),
        symbol: symbol.to_string(),
    }
}

/// A node's text, [`normalise`]d, with the comments inside it left out: a
/// comment a reviewer adds inside a handler is not a change to the code
/// under a decision (its fingerprint hashes this text). Only the nodes
/// that start before the capped text ends are visited, so a large node
/// costs no more than its first [`MAX_TEXT`] characters.
pub fn normalise_node(node: Node<'_>, src: &str) -> String {
    let range = node.byte_range();
    let text = |a: usize, b: usize| src.get(a..b).unwrap_or("");
    // Most evidence holds no comment: every comment syntax the grammars
    // have starts with `#` or `/`, so text that reaches its cap (or its
    // end) without either is normalised as it is, without walking the tree.
    let mut n = Normaliser::default();
    let mut plain = true;
    for c in text(range.start, range.end).chars() {
        if c == '#' || c == '/' {
            plain = false;
            break;
        }
        if n.feed(c) {
            break;
        }
    }
    if plain {
        return n.out;
    }
    // The text kept so far (between comments), and where the rest starts.
    let mut kept = String::new();
    let mut pos = range.start;
    // The source offset at which the capped text would end if no further
    // comment were left out (None: the whole node fits).
    let cap_at = |kept: &str, pos: usize| -> Option<usize> {
        let mut n = Normaliser::default();
        if kept.chars().any(|c| n.feed(c)) {
            return Some(pos);
        }
        text(pos, range.end)
            .char_indices()
            .find(|&(_, c)| n.feed(c))
            .map(|(i, _)| pos + i)
    };
    let mut cap = cap_at(&kept, pos);
    let mut cursor = node.walk();
    'walk: loop {
        let n = cursor.node();
        if cap.is_some_and(|c| n.start_byte() > c) {
            break;
        }
        if n.id() != node.id() && n.node_kind().contains("comment") && n.start_byte() >= pos {
            kept.push_str(text(pos, n.start_byte()));
            kept.push(' ');
            pos = n.end_byte();
            cap = cap_at(&kept, pos);
        } else if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() || cursor.node().id() == node.id() {
                break 'walk;
            }
        }
    }
    let mut n = Normaliser::default();
    for c in kept
        .chars()
        .chain(text(pos.min(range.end), range.end).chars())
    {
        if n.feed(c) {
            break;
        }
    }
    n.out
}

/// Evidence for a line of a non-tree file.
pub fn line_evidence(path: &str, lines: &LineIndex<'_>, line: u32, symbol: &str) -> Evidence {
    let text = lines.line(line);
    Evidence {
        location: line_location_of(path, text, line),
        text: normalise(text),
        symbol: symbol.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_agrees_with_str_lines() {
        for src in [
            "",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n\nc",
            "\n\n",
            "é\n  ü x\n",
        ] {
            let idx = LineIndex::new(src);
            let lines: Vec<&str> = src.lines().collect();
            for n in 1..=lines.len() as u32 + 2 {
                let want = lines.get(n as usize - 1).copied().unwrap_or("");
                assert_eq!(idx.line(n), want, "{src:?} line {n}");
            }
            assert_eq!(idx.line(0), lines.first().copied().unwrap_or(""));
        }
    }
}
