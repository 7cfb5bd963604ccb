//! Positions: breakwater counts lines from 1 and columns in Unicode scalar
//! values from 1; the protocol counts both from 0, columns in the code
//! units of the position encoding negotiated at initialisation (UTF-16
//! unless the client offers another). Converting needs the line's text.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r`, as the protocol says and as
//! breakwater counts them everywhere (`bw_files::line_starts`; the text is
//! analysed with lone `\r` read as `\n`, `bw_files::decode_text`).

use lsp_types::{Position, PositionEncodingKind, Range};

/// The unit of a protocol column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    /// The client's first offered encoding that breakwater supports (all
    /// three are); UTF-16, which every client must support, when it offers
    /// none.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        offered
            .unwrap_or_default()
            .iter()
            .find_map(|k| match k.as_str() {
                "utf-8" => Some(Encoding::Utf8),
                "utf-16" => Some(Encoding::Utf16),
                "utf-32" => Some(Encoding::Utf32),
                _ => None,
            })
            .unwrap_or(Encoding::Utf16)
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    fn units(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }

    /// The protocol column of breakwater's 1-based scalar column `col` in
    /// `line` (past the end: the end of the line plus the excess, so a
    /// column stays monotonic).
    pub fn to_protocol(self, line: &str, col: u32) -> u32 {
        let want = col.saturating_sub(1) as usize;
        let mut units = 0;
        let mut n = 0;
        for c in line.chars().take(want) {
            units += self.units(c);
            n += 1;
        }
        (units + (want - n)) as u32
    }

    /// The byte offset in `line` of a protocol column; a column inside a
    /// character rounds down to its start, one past the end clamps to the end.
    pub fn byte_offset(self, line: &str, character: u32) -> usize {
        let mut units = 0;
        for (i, c) in line.char_indices() {
            let next = units + self.units(c);
            if next > character as usize {
                return i;
            }
            units = next;
        }
        line.len()
    }

    /// breakwater's 1-based scalar column of a protocol column in `line`.
    pub fn from_protocol(self, line: &str, character: u32) -> u32 {
        let b = self.byte_offset(line, character);
        line[..b].chars().count() as u32 + 1
    }
}

/// A text with its line starts, for converting positions.
#[derive(Debug, Clone, Default)]
pub struct Lines {
    text: String,
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: String) -> Lines {
        let starts = bw_files::line_starts(&text);
        Lines { text, starts }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Line `n` (0-based) without its line ending; empty past the end.
    pub fn line(&self, n: usize) -> &str {
        let Some(&start) = self.starts.get(n) else {
            return "";
        };
        let end = self.starts.get(n + 1).map_or(self.text.len(), |&next| next);
        let l = &self.text[start..end];
        let l = l.strip_suffix('\n').unwrap_or(l);
        l.strip_suffix('\r').unwrap_or(l)
    }

    /// The byte offset of a protocol position (clamped to the text).
    pub fn offset(&self, enc: Encoding, p: Position) -> usize {
        match self.starts.get(p.line as usize) {
            Some(&start) => start + enc.byte_offset(self.line(p.line as usize), p.character),
            None => self.text.len(),
        }
    }

    /// The protocol position of breakwater's (1-based line, scalar column).
    pub fn position(&self, enc: Encoding, line: u32, col: u32) -> Position {
        let n = line.saturating_sub(1);
        Position::new(n, enc.to_protocol(self.line(n as usize), col))
    }

    /// The protocol range of a breakwater location's start and end.
    pub fn range(&self, enc: Encoding, start: (u32, u32), end: (u32, u32)) -> Range {
        Range::new(
            self.position(enc, start.0, start.1),
            self.position(enc, end.0, end.1),
        )
    }

    /// breakwater's (1-based line, scalar column) of a protocol position.
    pub fn location(&self, enc: Encoding, p: Position) -> (u32, u32) {
        (
            p.line + 1,
            enc.from_protocol(self.line(p.line as usize), p.character),
        )
    }

    /// Apply one `didChange` content change: a range edit, or the whole
    /// text when there is no range.
    pub fn apply_change(&mut self, enc: Encoding, range: Option<Range>, new: &str) {
        let text = match range {
            None => new.to_string(),
            Some(r) => {
                let start = self.offset(enc, r.start);
                let end = self.offset(enc, r.end).max(start);
                let mut t = std::mem::take(&mut self.text);
                t.replace_range(start..end, new);
                t
            }
        };
        *self = Lines::new(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // "🚀" is 4 bytes, 2 UTF-16 units, 1 scalar; "日本" 3 bytes, 1 unit, 1 scalar each.
    const LINE: &str = "x = \"🚀日本\"; run(cmd)";

    #[test]
    fn negotiation_takes_the_clients_first_supported_encoding() {
        let k = |s: &str| PositionEncodingKind::from(s.to_string());
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        assert_eq!(Encoding::negotiate(Some(&[])), Encoding::Utf16);
        assert_eq!(
            Encoding::negotiate(Some(&[k("utf-8"), k("utf-16")])),
            Encoding::Utf8
        );
        assert_eq!(
            Encoding::negotiate(Some(&[k("latin-1"), k("utf-32")])),
            Encoding::Utf32
        );
        assert_eq!(Encoding::negotiate(Some(&[k("latin-1")])), Encoding::Utf16);
        assert_eq!(Encoding::Utf8.kind().as_str(), "utf-8");
    }

    #[test]
    fn columns_after_an_emoji_and_cjk() {
        // `run` starts at scalar column 12 (1-based): 11 scalars before it.
        let col = LINE.chars().position(|c| c == 'r').unwrap() as u32 + 1;
        assert_eq!(col, 12);
        assert_eq!(Encoding::Utf32.to_protocol(LINE, col), 11);
        assert_eq!(Encoding::Utf16.to_protocol(LINE, col), 12);
        assert_eq!(Encoding::Utf8.to_protocol(LINE, col), 11 + 3 + 2 + 2);
        assert_eq!(
            &LINE[Encoding::Utf8.byte_offset(LINE, 18)..][..3],
            "run",
            "a UTF-8 column is a byte offset"
        );
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            let p = enc.to_protocol(LINE, col);
            assert_eq!(enc.from_protocol(LINE, p), col, "{enc:?}");
            // Past the end of the line.
            let end = LINE.chars().count() as u32 + 1;
            assert_eq!(enc.from_protocol(LINE, enc.to_protocol(LINE, end)), end);
        }
        // A column inside the emoji's surrogate pair rounds down to it.
        assert_eq!(Encoding::Utf16.from_protocol(LINE, 6), 6);
        assert_eq!(Encoding::Utf16.byte_offset(LINE, 6), 5);
        assert_eq!(Encoding::Utf8.byte_offset(LINE, 7), 5);
    }

    #[test]
    fn lines_and_incremental_changes() {
        let text = format!("first\r\n{LINE}\nlast");
        let lines = Lines::new(text.clone());
        assert_eq!(lines.line(0), "first");
        assert_eq!(lines.line(1), LINE);
        assert_eq!(lines.line(2), "last");
        assert_eq!(lines.line(3), "");
        let r = lines.range(Encoding::Utf16, (2, 12), (2, 15));
        assert_eq!(r, Range::new(Position::new(1, 12), Position::new(1, 15)));
        assert_eq!(lines.location(Encoding::Utf16, r.start), (2, 12));

        // Replace `run` with `exec` in each encoding's coordinates.
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            let mut t = Lines::new(text.clone());
            let r = t.range(enc, (2, 12), (2, 15));
            t.apply_change(enc, Some(r), "exec");
            assert_eq!(t.text(), text.replace("run(", "exec("), "{enc:?}");
            assert_eq!(t.line(2), "last");
        }
        // An insertion at the very end, and a whole-text replacement.
        let mut t = Lines::new(text.clone());
        let end = Position::new(2, 4);
        t.apply_change(Encoding::Utf16, Some(Range::new(end, end)), "\nmore");
        assert_eq!(t.text(), format!("{text}\nmore"));
        assert_eq!(t.line(3), "more");
        t.apply_change(Encoding::Utf16, None, "new");
        assert_eq!(t.text(), "new");
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line_as_editors_count() {
        let lines = Lines::new("a = 1\rb = 2\r\nc = 3\r".to_string());
        assert_eq!(lines.line(0), "a = 1");
        assert_eq!(lines.line(1), "b = 2");
        assert_eq!(lines.line(2), "c = 3");
        assert_eq!(lines.line(3), "");
        assert_eq!(lines.position(Encoding::Utf16, 3, 1), Position::new(2, 0));
    }
}
