//! Inline ignores: `breakwater: ignore[rule-a, rule-b] reason` in a comment.
//!
//! The marker is only honoured after a comment token (`#` or `//`) on the
//! same line. An ignore without a reason is kept so reports can list it,
//! but it silences nothing.

use crate::evidence::line_location_of;
use crate::types::InlineIgnore;

const MARKER: &str = "breakwater: ignore[";

pub fn scan(path: &str, text: &str) -> Vec<InlineIgnore> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if crate::budget::spent() {
            break;
        }
        let Some(pos) = line.find(MARKER) else {
            continue;
        };
        let before = &line[..pos];
        if !(before.contains('#') || before.contains("//")) {
            continue;
        }
        let rest = &line[pos + MARKER.len()..];
        let Some(close) = rest.find(']') else {
            continue;
        };
        let rules: Vec<String> = rest[..close]
            .split(',')
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty())
            .collect();
        let reason = rest[close + 1..]
            .trim()
            .trim_end_matches("*/")
            .trim()
            .trim_start_matches([':', '-'])
            .trim();
        out.push(InlineIgnore {
            location: line_location_of(path, line, i as u32 + 1),
            rules,
            reason: reason.to_string(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_ignores_with_and_without_reason() {
        let src = "x = 1\nos.system(cmd)  # breakwater: ignore[command-injection] input is a fixed enum\ny = 2 // breakwater: ignore[a, b]\nz = 'breakwater: ignore[x] not a comment'\n";
        let got = super::scan("a.py", src);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].rules, vec!["command-injection"]);
        assert_eq!(got[0].reason, "input is a fixed enum");
        assert_eq!(got[0].location.start_line, 2);
        assert_eq!(got[1].rules, vec!["a", "b"]);
        assert_eq!(got[1].reason, "");
    }
}
