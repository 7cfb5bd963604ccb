//! What the editor shows: one diagnostic per open threat, on its evidence,
//! and diagnostics on the model file itself (errors, decisions that no
//! longer hold).

use crate::text::{Encoding, Lines};
use bw_model::modelfile::ModelFileError;
use bw_threats::{Confidence, Report, Severity, Status, Threat};
use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Position, Range, Uri,
};

/// The `source` of every diagnostic breakwater publishes.
pub const SOURCE: &str = "breakwater";

/// Critical and high threats are errors, medium ones warnings, low and
/// info ones information.
pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Critical | Severity::High => DiagnosticSeverity::ERROR,
        Severity::Medium => DiagnosticSeverity::WARNING,
        Severity::Low | Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// Whether the editor shows a threat: it needs attention (open, or a
/// decision that went stale or expired), and it is not a design-level one
/// unless those are asked for.
pub fn shown(t: &Threat, include_potential: bool) -> bool {
    t.status.is_open() && (t.confidence != Confidence::Potential || include_potential)
}

/// `mitigated (Jane <j@x>, 2026-11-27)`.
fn decided_as(status: &str, author: &str, date: &str) -> String {
    let who: Vec<&str> = [author, date]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    if who.is_empty() {
        status.to_string()
    } else {
        format!("{status} ({})", who.join(", "))
    }
}

/// The diagnostic's text: what the decision became (if one went stale or
/// expired), the rule's title, what was found, and the threat id.
pub fn message(t: &Threat) -> String {
    let found = t.message.trim();
    // Many rules' messages begin with the title already.
    let what = if found.starts_with(t.title.trim()) {
        format!("{found} [{}]", t.id)
    } else {
        format!("{}: {found} [{}]", t.title, t.id)
    };
    let Some(d) = &t.decision else {
        return what;
    };
    let was = decided_as(&d.status, &d.author, &d.date);
    match t.status {
        Status::Stale => format!(
            "decision {was} is stale: the code changed since it was decided; review it and record it again. {what}"
        ),
        Status::Expired => format!(
            "decision {was} expired on {}; review it and record it again. {what}",
            d.expires.as_deref().unwrap_or_default()
        ),
        _ => what,
    }
}

/// One threat as a diagnostic on `range`; `related` points at where its
/// data comes from and the steps on the way.
pub fn threat(t: &Threat, range: Range, related: Vec<DiagnosticRelatedInformation>) -> Diagnostic {
    Diagnostic {
        range,
        severity: Some(severity(t.severity)),
        code: Some(NumberOrString::String(t.rule.clone())),
        code_description: None,
        source: Some(SOURCE.into()),
        message: message(t),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: Some(serde_json::json!({ "id": t.id })),
    }
}

/// Related information for a flow: its source, then each step.
pub fn related(
    t: &Threat,
    mut locate: impl FnMut(&bw_facts::Location) -> Option<(Uri, Range)>,
) -> Vec<DiagnosticRelatedInformation> {
    let mut out = vec![];
    if let Some(src) = &t.source
        && let Some((uri, range)) = locate(&src.location)
    {
        out.push(DiagnosticRelatedInformation {
            location: Location::new(uri, range),
            message: format!("source: {}", src.label),
        });
    }
    for step in &t.steps {
        if let Some((uri, range)) = locate(&step.location) {
            out.push(DiagnosticRelatedInformation {
                location: Location::new(uri, range),
                message: step.label.clone(),
            });
        }
    }
    out
}

/// A whole line from a 1-based column, or the line's text when the column
/// is past it.
fn line_range(lines: &Lines, enc: Encoding, line: usize, col: usize) -> Range {
    let n = line.saturating_sub(1) as u32;
    let text = lines.line(n as usize);
    let end = enc.to_protocol(text, text.chars().count() as u32 + 1);
    let start = enc.to_protocol(text, col as u32).min(end);
    let start = if start == end { 0 } else { start };
    Range::new(Position::new(n, start), Position::new(n, end))
}

fn model_diagnostic(range: Range, severity: DiagnosticSeverity, message: String) -> Diagnostic {
    Diagnostic {
        range,
        severity: Some(severity),
        code: Some(NumberOrString::String("model-file".into())),
        source: Some(SOURCE.into()),
        message,
        ..Default::default()
    }
}

/// Diagnostics on the model file's text: the error that stops it from
/// parsing (while it does not parse, the last version that did applies),
/// and each decision that no longer holds — stale, expired, orphaned,
/// unverified, or recorded under an id that moved — on its header line.
pub fn model_file(
    lines: &Lines,
    enc: Encoding,
    error: Option<&ModelFileError>,
    report: &Report,
) -> Vec<Diagnostic> {
    let mut out = vec![];
    if let Some(e) = error {
        out.push(model_diagnostic(
            line_range(lines, enc, e.line, e.col),
            DiagnosticSeverity::ERROR,
            e.message.clone(),
        ));
        return out;
    }
    let at = bw_model::edit::decision_lines(lines.text());
    let mut push = |key: &str, severity, message: String| {
        if let Some(&line) = at.get(key) {
            out.push(model_diagnostic(
                line_range(lines, enc, line, 1),
                severity,
                message,
            ));
        }
    };
    for t in &report.threats {
        let Some(d) = &t.decision else { continue };
        let was = decided_as(&d.status, &d.author, &d.date);
        match t.status {
            Status::Stale => {
                let on = d
                    .decided_on
                    .as_deref()
                    .filter(|e| !e.is_empty())
                    .map(|e| {
                        format!(
                            " It was decided on `{e}`; the code is now `{}`.",
                            t.evidence
                        )
                    })
                    .unwrap_or_default();
                push(
                    &d.key,
                    DiagnosticSeverity::WARNING,
                    format!(
                        "decision {was} is stale: the code under {} changed since it was decided.{on} Review it and record it again.",
                        t.id
                    ),
                );
            }
            Status::Expired => push(
                &d.key,
                DiagnosticSeverity::WARNING,
                format!(
                    "decision {was} expired on {}: {} is open again. Review it and record it again.",
                    d.expires.as_deref().unwrap_or_default(),
                    t.id
                ),
            ),
            _ if d.moved => push(
                &d.key,
                DiagnosticSeverity::HINT,
                format!(
                    "the threat moved: this decision now applies to {} (same evidence); rename the entry to that id",
                    t.id
                ),
            ),
            _ => {}
        }
    }
    for d in &report.decisions {
        let severity = if d.state == "orphaned" {
            DiagnosticSeverity::WARNING
        } else {
            DiagnosticSeverity::INFORMATION
        };
        push(
            &d.key,
            severity,
            format!("decision {}: {}", d.state, d.note),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_map_to_diagnostic_levels() {
        assert_eq!(severity(Severity::Critical), DiagnosticSeverity::ERROR);
        assert_eq!(severity(Severity::High), DiagnosticSeverity::ERROR);
        assert_eq!(severity(Severity::Medium), DiagnosticSeverity::WARNING);
        assert_eq!(severity(Severity::Low), DiagnosticSeverity::INFORMATION);
        assert_eq!(severity(Severity::Info), DiagnosticSeverity::INFORMATION);
    }

    #[test]
    fn open_threats_are_shown_and_design_ones_only_when_asked() {
        let t = |status: Status, confidence: Confidence| -> Threat {
            let mut t: Threat = serde_json::from_value(serde_json::json!({
                "id": "x@a.py::f", "rule": "x", "title": "X", "stride": "tampering", "cwe": [],
                "severity": "low", "impact": 1, "likelihood": 1, "confidence": "likely",
                "location": {"path": "a.py", "start_line": 1, "start_col": 1, "end_line": 1, "end_col": 2},
                "symbol": "f", "message": "m", "attack": "", "fix_for": "default", "fix": "",
                "status": "open", "fingerprint": ""
            }))
            .unwrap();
            t.status = status;
            t.confidence = confidence;
            t
        };
        for s in [Status::Open, Status::Stale, Status::Expired] {
            assert!(shown(&t(s, Confidence::Confirmed), false), "{s:?}");
        }
        for s in [
            Status::Mitigated,
            Status::Accepted,
            Status::FalsePositive,
            Status::Transferred,
            Status::Ignored,
            Status::Suppressed,
        ] {
            assert!(!shown(&t(s, Confidence::Likely), true), "{s:?}");
        }
        assert!(!shown(&t(Status::Open, Confidence::Potential), false));
        assert!(shown(&t(Status::Open, Confidence::Potential), true));
        assert_eq!(
            message(&t(Status::Open, Confidence::Likely)),
            "X: m [x@a.py::f]"
        );
        // A message that starts with the title does not repeat it.
        let mut again = t(Status::Open, Confidence::Likely);
        again.message = "X: `kind: Deployment` without runAsNonRoot".into();
        assert_eq!(
            message(&again),
            "X: `kind: Deployment` without runAsNonRoot [x@a.py::f]"
        );
    }

    #[test]
    fn an_error_covers_its_line_from_its_column() {
        let lines = Lines::new("[system]\nnamé = 1 2\n".into());
        let r = line_range(&lines, Encoding::Utf8, 2, 8);
        assert_eq!(r, Range::new(Position::new(1, 8), Position::new(1, 11)));
        // A column past the end marks the whole line.
        let r = line_range(&lines, Encoding::Utf16, 2, 40);
        assert_eq!(r, Range::new(Position::new(1, 0), Position::new(1, 10)));
    }
}
