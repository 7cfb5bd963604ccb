//! Snapshot tests of every format over the sample report, and the
//! properties every format must keep.

mod common;

use bw_outputs::{Format, TerminalOptions, render_to_string};
use std::time::Duration;

fn opts(width: usize, include_potential: bool) -> TerminalOptions {
    TerminalOptions {
        color: false,
        width,
        include_potential,
        elapsed: Some(Duration::from_millis(420)),
        root_label: ".".into(),
    }
}

#[test]
fn terminal_width_100() {
    let out = render_to_string(
        Format::Terminal,
        &common::sample_report(),
        &opts(100, false),
    );
    insta::assert_snapshot!("terminal_100", out);
}

#[test]
fn terminal_narrow_with_potential() {
    let out = render_to_string(Format::Terminal, &common::sample_report(), &opts(60, true));
    insta::assert_snapshot!("terminal_60_potential", out);
}

#[test]
fn compact() {
    let out = render_to_string(Format::Compact, &common::sample_report(), &opts(100, false));
    insta::assert_snapshot!("compact", out);
}

#[test]
fn json() {
    let out = render_to_string(Format::Json, &common::sample_report(), &opts(100, false));
    insta::assert_snapshot!("json", out);
}

#[test]
fn sarif() {
    let out = render_to_string(Format::Sarif, &common::sample_report(), &opts(100, false));
    insta::assert_snapshot!("sarif", out);
}

#[test]
fn markdown() {
    let out = render_to_string(
        Format::Markdown,
        &common::sample_report(),
        &opts(100, false),
    );
    insta::assert_snapshot!("markdown", out);
}

#[test]
fn mermaid() {
    let out = render_to_string(Format::Mermaid, &common::sample_report(), &opts(100, false));
    insta::assert_snapshot!("mermaid", out);
}

#[test]
fn no_format_leaks_the_planted_secret() {
    let report = common::sample_report();
    for include_potential in [false, true] {
        for format in Format::ALL {
            let out = render_to_string(format, &report, &opts(100, include_potential));
            assert!(
                !out.contains(common::RAW_SECRET),
                "{format} leaks the secret"
            );
            // Nor any long piece of it.
            assert!(
                !out.contains(&common::RAW_SECRET[4..]),
                "{format} leaks the secret"
            );
        }
    }
    // The masked form is what the terminal shows.
    let out = render_to_string(Format::Terminal, &report, &opts(100, false));
    assert!(out.contains(common::MASKED_SECRET));
}

#[test]
fn colour_only_when_asked() {
    let report = common::sample_report();
    for format in Format::ALL {
        let out = render_to_string(format, &report, &opts(100, true));
        assert!(
            !out.contains('\u{1b}'),
            "{format} writes escapes with colour off"
        );
    }
    let coloured = TerminalOptions {
        color: true,
        ..opts(100, false)
    };
    let out = render_to_string(Format::Terminal, &report, &coloured);
    assert!(out.contains("\u{1b}[1;35mcritical[sql-injection]\u{1b}[0m"));
}

#[test]
fn prose_is_wrapped_to_the_width_and_never_below_40() {
    let report = common::sample_report();
    for width in [10, 40, 60, 100] {
        let out = render_to_string(Format::Terminal, &report, &opts(width, true));
        let limit = width.max(40);
        let lines: Vec<&str> = out.lines().collect();
        // The summary line stays one line, for grep.
        for line in &lines[..lines.len() - 1] {
            // Code (excerpts, fix examples) and locations are never wrapped.
            let is_code =
                line.contains(" | ") || line.contains("-->") || line.starts_with("         ");
            // A word longer than the line is put on a line of its own.
            let words: Vec<&str> = line
                .split_whitespace()
                .filter(|w| *w != "=" && !w.ends_with(':'))
                .collect();
            if !is_code && words.len() > 1 {
                assert!(
                    line.chars().count() <= limit,
                    "width {width}: {line:?} is longer than {limit}"
                );
            }
        }
    }
}

#[test]
fn control_characters_from_the_repository_are_not_printed() {
    let mut report = common::sample_report();
    let t = &mut report.threats[0];
    if let Some(ex) = t.excerpt.as_mut() {
        ex.lines[0] = "# \u{1b}]0;pwned\u{7}\u{1b}[2J hostile".into();
    }
    t.message = "bad \u{1b}[31mred".into();
    t.location.path = "app/\u{1b}[1mviews.py".into();
    for format in [Format::Terminal, Format::Compact] {
        let out = render_to_string(format, &report, &opts(100, true));
        assert!(!out.contains('\u{1b}'), "{format}: {out}");
        assert!(!out.contains('\u{7}'), "{format}");
    }
}

#[test]
fn empty_report_says_so() {
    let mut report = common::sample_report();
    report.threats.clear();
    report.ignores.clear();
    report.questions.clear();
    report.files.skipped.clear();
    report.files.partial.clear();
    let out = render_to_string(Format::Compact, &report, &opts(100, false));
    assert_eq!(out, "No threats found in 23 files in 0.42s\n");
    let md = render_to_string(Format::Markdown, &report, &opts(100, false));
    assert!(md.contains("No confirmed or likely threats."));
}
