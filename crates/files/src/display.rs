//! Text from the repository made safe to print on a terminal.
//!
//! File names, symbols, rule messages quoting code and anything else a
//! repository's author chose can hold control characters: `ESC [ 2 J`
//! clears the screen, `ESC ] 8` writes links, `ESC ] 52` sets the
//! clipboard on some terminals, a carriage return overwrites what was
//! printed. Every writer to a terminal passes such text through
//! [`terminal_safe`], which spells each control character out visibly
//! (`\x1b`), so a person sees exactly which bytes are there.

use std::borrow::Cow;
use std::fmt::Write;
use std::path::Path;

/// True for characters a terminal may act on instead of printing: C0 and
/// C1 controls (a tab is harmless and kept), DEL, and the bidirectional
/// overrides and isolates that reorder what is shown ("Trojan Source").
fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every control character spelled out (`\x1b`, `\r`, `\u{202e}`);
/// borrowed unchanged when there is none (the common case).
pub fn terminal_safe(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) && (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Text of several lines made of the tool's own words and repository
/// strings (a status report, an error with its help lines): each line is
/// [`terminal_safe`], the line breaks are kept.
pub fn terminal_safe_lines(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && needs_escape(c)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.split('\n')
            .map(terminal_safe)
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// A path for a message: lossy where it is not UTF-8, and terminal-safe.
pub fn display_path(p: &Path) -> String {
    terminal_safe(&p.to_string_lossy()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_spelled_out_and_plain_text_is_borrowed() {
        assert!(matches!(terminal_safe("app/views.py"), Cow::Borrowed(_)));
        assert!(matches!(terminal_safe("naïve\tcafé.py"), Cow::Borrowed(_)));
        assert_eq!(
            terminal_safe("\x1b[31mred\x1b[0m.py"),
            "\\x1b[31mred\\x1b[0m.py"
        );
        assert_eq!(terminal_safe("a\rb\nc\x07\x7f"), "a\\rb\\nc\\x07\\x7f");
        assert_eq!(terminal_safe("\u{9b}2J"), "\\u{9b}2J");
        assert_eq!(terminal_safe("ab\u{202e}cd"), "ab\\u{202e}cd");
        let shown = terminal_safe("\x1b]52;c;ZXZpbA==\x07");
        assert!(!shown.chars().any(|c| c.is_control()), "{shown}");
        assert_eq!(
            terminal_safe_lines("error: \x1b[2Jx.py\n  = help: rename it\n"),
            "error: \\x1b[2Jx.py\n  = help: rename it\n"
        );
        assert!(matches!(terminal_safe_lines("a\nb\n"), Cow::Borrowed(_)));
    }
}
