//! Every output format, rendered from one [`Report`].
//!
//! Each format is one module behind one trait, [`Renderer`]; [`render`]
//! picks the renderer for a [`Format`]. Renderers only render: they never
//! parse code, evaluate rules or read the environment. Whether to colour,
//! how wide the terminal is and how long the scan took are decided by the
//! caller and handed in through [`TerminalOptions`].
//!
//! Text that comes from the scanned repository (paths, code excerpts,
//! labels) is treated as data: the terminal renderers strip control
//! characters so a hostile file cannot send escape sequences to the
//! user's terminal, the Markdown renderer escapes it, the Mermaid renderer
//! encodes it as entities.

use bw_threats::{Confidence, Report, Status, Threat};
use std::io::{self, Write};
use std::time::Duration;

pub mod diff;
pub mod guardrails;
pub mod json;
pub mod markdown;
pub mod mermaid;
pub mod sarif;
pub mod snapshot;
pub mod terminal;
pub mod text;

/// A way to write a report. A new output format is one module with one
/// type implementing this, plus a [`Format`] variant.
pub trait Renderer {
    /// Write `report` to `out`. Only I/O errors from `out` are returned.
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}

/// The output formats, as `--format` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Human output with code excerpts (the default).
    Terminal,
    /// One line per threat, for editors and grep.
    Compact,
    /// The whole report as JSON (schema: `schemas/report.schema.json`).
    Json,
    /// SARIF 2.1.0 for code-scanning consoles and IDEs.
    Sarif,
    /// A report to read in a pull request or a wiki.
    Markdown,
    /// The data-flow diagram as a Mermaid flowchart.
    Mermaid,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Terminal,
        Format::Compact,
        Format::Json,
        Format::Sarif,
        Format::Markdown,
        Format::Mermaid,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::Terminal => "terminal",
            Format::Compact => "compact",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Markdown => "markdown",
            Format::Mermaid => "mermaid",
        }
    }

    /// Parse a `--format` value (`md` is accepted for `markdown`).
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "terminal" | "human" => Format::Terminal,
            "compact" => Format::Compact,
            "json" => Format::Json,
            "sarif" => Format::Sarif,
            "markdown" | "md" => Format::Markdown,
            "mermaid" => Format::Mermaid,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What the caller decides for the renderers. The terminal renderers use
/// all of it; SARIF uses `include_potential`; the others ignore it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalOptions {
    /// Colour with ANSI escapes (the caller checks `NO_COLOR` and isatty).
    pub color: bool,
    /// Wrap prose at this width (never narrower than [`MIN_WIDTH`]).
    pub width: usize,
    /// Show design-level (potential) threats in full, and put them in SARIF.
    pub include_potential: bool,
    /// Wall time of the scan, for the summary line.
    pub elapsed: Option<Duration>,
    /// What was scanned, as the user named it (`.`, `services/api`).
    pub root_label: String,
}

/// Prose is never wrapped narrower than this.
pub const MIN_WIDTH: usize = 40;

impl Default for TerminalOptions {
    fn default() -> Self {
        TerminalOptions {
            color: false,
            width: 100,
            include_potential: false,
            elapsed: None,
            root_label: ".".into(),
        }
    }
}

/// The width of the terminal on stdout, if stdout is one. A helper for
/// callers building [`TerminalOptions`]; renderers never call it.
pub fn terminal_width() -> Option<usize> {
    terminal_size::terminal_size().map(|(w, _)| w.0 as usize)
}

/// Render `report` in `format` to `out`.
pub fn render(
    format: Format,
    report: &Report,
    opts: &TerminalOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Terminal => terminal::Terminal::new(opts.clone()).render(report, out),
        Format::Compact => terminal::Compact::new(opts.clone()).render(report, out),
        Format::Json => json::Json.render(report, out),
        Format::Sarif => sarif::Sarif {
            include_potential: opts.include_potential,
        }
        .render(report, out),
        Format::Markdown => markdown::Markdown.render(report, out),
        Format::Mermaid => mermaid::Mermaid.render(report, out),
    }
}

/// Render to a string (tests, and callers that post the text somewhere).
pub fn render_to_string(format: Format, report: &Report, opts: &TerminalOptions) -> String {
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = render(format, report, opts, &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// Whether a threat is reported as open: nobody decided, or the decision
/// went stale or expired (not decided, ignored or suppressed).
pub(crate) fn is_open(t: &Threat) -> bool {
    t.status.is_open()
}

/// How a closed threat was closed, in a few words.
pub(crate) fn closed_how(t: &Threat) -> String {
    match t.status {
        Status::Suppressed => "suppressed in the model file".into(),
        Status::Ignored => "ignored inline".into(),
        s => {
            let mut how = format!("{} (decision", s.name());
            if let Some(d) = &t.decision {
                for part in [&d.author, &d.date] {
                    if !part.is_empty() {
                        how.push_str(", ");
                        how.push_str(part);
                    }
                }
                if let Some(tk) = &d.ticket {
                    how.push_str(", ");
                    how.push_str(tk);
                }
                if let Some(e) = &d.expires {
                    how.push_str(", until ");
                    how.push_str(e);
                }
            }
            how.push(')');
            how
        }
    }
}

/// Whether a threat is design-level.
pub(crate) fn is_potential(t: &Threat) -> bool {
    t.confidence == Confidence::Potential
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for f in Format::ALL {
            assert_eq!(Format::parse(f.name()), Some(f));
            assert_eq!(f.to_string(), f.name());
        }
        assert_eq!(Format::parse("md"), Some(Format::Markdown));
        assert_eq!(Format::parse("xml"), None);
    }
}
