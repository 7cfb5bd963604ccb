//! What a change did, for people (terminal, a pull-request comment in
//! Markdown) and machines (JSON; SARIF with only the new threats).

use crate::markdown::{code, escape};
use crate::text::{self, clean, count, one_line};
use crate::{Format, TerminalOptions};
use bw_model::ElementKind;
use bw_threats::diff::{DiffReport, ElementRef};
use bw_threats::{Confidence, Report, Severity, Threat};
use std::fmt::Write as _;
use std::io::{self, Write};

/// Render a diff. `head` is the head side's full report (SARIF needs its
/// rules and file statistics). Mermaid has no diff view: the caller refuses it.
pub fn render_diff(
    format: Format,
    diff: &DiffReport,
    head: &Report,
    opts: &TerminalOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Json => {
            let s = serde_json::to_string_pretty(diff).map_err(io::Error::other)?;
            writeln!(out, "{s}")
        }
        Format::Sarif => {
            let mut only_new = head.clone();
            only_new.threats = diff.threats_new.clone();
            let fired: std::collections::BTreeSet<&str> =
                only_new.threats.iter().map(|t| t.rule.as_str()).collect();
            only_new.rules.retain(|r| fired.contains(r.id.as_str()));
            only_new.summary = Default::default();
            // Only the files this change touched that head could not cover.
            only_new.unanalysed = diff.unanalysed.clone();
            crate::render(Format::Sarif, &only_new, opts, out)
        }
        Format::Markdown => out.write_all(markdown(diff, opts.include_potential).as_bytes()),
        Format::Compact => out.write_all(compact_new(diff, opts.include_potential).as_bytes()),
        _ => out.write_all(terminal(diff, opts.include_potential).as_bytes()),
    }
}

fn shown(v: &[Threat], include_potential: bool) -> Vec<&Threat> {
    v.iter()
        .filter(|t| include_potential || t.confidence != Confidence::Potential)
        .collect()
}

fn by_severity(v: &[&Threat]) -> String {
    let mut parts = vec![];
    for sev in [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ] {
        let n = v.iter().filter(|t| t.severity == sev).count();
        if n > 0 {
            parts.push(format!("{n} {}", sev.name()));
        }
    }
    parts.join(", ")
}

/// `2 new threats (1 high, 1 medium), 1 resolved, 1 decision made stale, 3 elements added`.
pub fn summary_line(d: &DiffReport, include_potential: bool) -> String {
    let new = shown(&d.threats_new, include_potential);
    let mut parts = vec![];
    if new.is_empty() {
        parts.push("no new threats".to_string());
    } else {
        parts.push(format!(
            "{} ({})",
            count(new.len(), "new threat", "new threats"),
            by_severity(&new)
        ));
    }
    let hidden = d.threats_new.len() - new.len();
    if hidden > 0 {
        parts.push(format!("{hidden} new potential (design level) hidden"));
    }
    let mut n = |v: usize, one: &str, many: &str| {
        if v > 0 {
            parts.push(count(v, one, many));
        }
    };
    n(d.threats_resolved.len(), "resolved", "resolved");
    n(d.threats_unverified.len(), "unverified", "unverified");
    n(
        d.threats_severity_changed.len(),
        "severity changed",
        "severities changed",
    );
    n(
        d.decisions_stale.len(),
        "decision made stale",
        "decisions made stale",
    );
    n(d.elements_added.len(), "element added", "elements added");
    n(
        d.elements_removed.len(),
        "element removed",
        "elements removed",
    );
    n(
        d.elements_changed.len(),
        "element changed",
        "elements changed",
    );
    n(
        d.silencers_added.len(),
        "decision or ignore added",
        "decisions or ignores added",
    );
    n(
        d.unanalysed.len(),
        "changed file not fully analysed",
        "changed files not fully analysed",
    );
    parts.join(", ")
}

/// `Skipped 12 files on head: 10 test, 2 vendored`, or `None`.
fn head_skipped_line(d: &DiffReport) -> Option<String> {
    let total: usize = d.head_skipped.values().sum();
    if total == 0 {
        return None;
    }
    let mut by: Vec<(&String, &usize)> = d.head_skipped.iter().collect();
    by.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    let reasons: Vec<String> = by
        .into_iter()
        .map(|(r, n)| format!("{n} {}", one_line(r)))
        .collect();
    Some(format!(
        "Skipped {} on head: {}",
        count(total, "file", "files"),
        reasons.join(", ")
    ))
}

/// How an unanalysed file the change touched stands for the gate.
fn unanalysed_status(d: &DiffReport, u: &bw_threats::UnanalysedFile) -> String {
    if d.counts_file(u) && !u.status.is_open() {
        format!("{} by this change itself (still gates)", u.status.name())
    } else {
        text::unanalysed_state(u)
    }
}

fn kind_word(k: ElementKind) -> &'static str {
    match k {
        ElementKind::Component => "component",
        ElementKind::EntryPoint => "entry point",
        ElementKind::Store => "data store",
        ElementKind::External => "external service",
        ElementKind::LlmProvider => "LLM provider",
        ElementKind::Queue => "queue",
        ElementKind::Actor => "actor",
    }
}

fn element_line(e: &ElementRef) -> String {
    let mut s = format!("{} {}", kind_word(e.kind), one_line(&e.id));
    if !e.at.is_empty() {
        s.push_str(&format!(" ({})", one_line(&e.at)));
    }
    if let Some(a) = e.auth {
        s.push_str(&format!(
            ", auth: {}",
            serde_json::to_value(a)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        ));
    }
    s
}

/// An element whose changes follow (they say what happened to its auth).
fn changed_line(e: &ElementRef) -> String {
    element_line(&ElementRef {
        auth: None,
        ..e.clone()
    })
}

fn sides(d: &DiffReport) -> String {
    let side = |s: &bw_threats::diff::Side| match &s.commit {
        Some(c) => format!("{} ({})", s.label, &c[..c.len().min(8)]),
        None => s.label.clone(),
    };
    format!("{} → {}", side(&d.base), side(&d.head))
}

/// How a renderer writes the pieces of a section line.
struct Style {
    markdown: bool,
}

impl Style {
    /// Prose from the repository or the rules.
    fn text(&self, s: &str) -> String {
        if self.markdown {
            escape(s)
        } else {
            clean(&one_line(s))
        }
    }
    /// An identifier or a piece of code.
    fn code(&self, s: &str) -> String {
        if self.markdown {
            code(s)
        } else {
            format!("`{}`", clean(&one_line(s)))
        }
    }
    fn threat(&self, t: &Threat) -> String {
        format!(
            "{} {} [{}] at {} ({})",
            t.severity.name(),
            self.text(&t.title),
            self.text(&t.rule),
            self.code(&text::location_text(t)),
            t.confidence.name()
        )
    }
}

/// The sections after the new threats, in reading order: each a title and
/// its lines (empty sections are left out by the renderers).
fn sections(d: &DiffReport, st: &Style) -> Vec<(String, Vec<String>)> {
    let mut surface = vec![];
    let mark = |plain: &'static str, md: &'static str| if st.markdown { md } else { plain };
    surface.extend(
        d.elements_added
            .iter()
            .map(|e| format!("{} {}", mark("+", "➕"), st.text(&element_line(e)))),
    );
    surface.extend(
        d.elements_removed
            .iter()
            .map(|e| format!("{} {}", mark("-", "➖"), st.text(&element_line(e)))),
    );
    for c in &d.elements_changed {
        surface.push(format!(
            "{} {}: {}",
            mark("~", "✏️"),
            st.text(&changed_line(&c.element)),
            st.text(&c.changes.join("; "))
        ));
    }
    for f in d.flows_added.iter().filter(|f| f.crosses_boundary) {
        surface.push(format!(
            "{} flow across a trust boundary: {} → {} ({})",
            mark("+", "➕"),
            st.code(&f.from),
            st.code(&f.to),
            st.text(&f.protocol)
        ));
    }
    let stale = d
        .decisions_stale
        .iter()
        .map(|t| {
            let was = t
                .decision
                .as_ref()
                .and_then(|x| x.decided_on.clone())
                .unwrap_or_default();
            format!(
                "{} — decided on {}, now {}",
                st.threat(t),
                st.code(&was),
                st.code(&t.evidence)
            )
        })
        .collect();
    let added = d
        .silencers_added
        .iter()
        .map(|s| {
            format!(
                "{} {} on {}: {} — {}",
                st.text(&s.kind),
                st.text(&s.what),
                st.code(&s.target),
                st.text(&s.reason),
                st.text(&s.author)
            )
        })
        .collect();
    let unanalysed = d
        .unanalysed
        .iter()
        .map(|u| {
            format!(
                "{}: {} — {}",
                st.code(&u.path),
                st.text(&u.message),
                st.text(&unanalysed_status(d, u))
            )
        })
        .collect();
    vec![
        (
            "Not fully analysed (added or changed by this change; a flow through them may be missing)"
                .into(),
            unanalysed,
        ),
        ("Attack surface".into(), surface),
        (
            "Decisions made stale (the code under them changed: review again)".into(),
            stale,
        ),
        (
            "Unverified (head could not analyse the file; not resolved)".into(),
            d.threats_unverified.iter().map(|t| st.threat(t)).collect(),
        ),
        (
            "Severity changed".into(),
            d.threats_severity_changed
                .iter()
                .map(|c| {
                    format!(
                        "{} → {}: {}",
                        c.from.name(),
                        c.threat.severity.name(),
                        st.threat(&c.threat)
                    )
                })
                .collect(),
        ),
        (
            "Resolved".into(),
            d.threats_resolved.iter().map(|t| st.threat(t)).collect(),
        ),
        (
            if d.trust_head_decisions {
                "Decisions and ignores added by this change (trusted: --trust-head-decisions)"
                    .into()
            } else {
                "Decisions and ignores added by this change (a change cannot approve itself: they do not silence its gate)".into()
            },
            added,
        ),
    ]
}

/// How a new threat stands, when not simply open.
fn new_status(d: &DiffReport, t: &Threat) -> Option<String> {
    if t.status.is_open() {
        return None;
    }
    Some(if d.counts(t) {
        format!("{} by this change itself (still gates)", t.status.name())
    } else {
        t.status.name().to_string()
    })
}

fn terminal(d: &DiffReport, include_potential: bool) -> String {
    let st = Style { markdown: false };
    let mut o = String::new();
    let _ = writeln!(o, "breakwater diff: {}", clean(&sides(d)));
    let _ = writeln!(o);
    let new: Vec<String> = shown(&d.threats_new, include_potential)
        .into_iter()
        .map(|t| match new_status(d, t) {
            Some(s) => format!("{} — {s}", st.threat(t)),
            None => st.threat(t),
        })
        .collect();
    for (title, lines) in std::iter::once(("New threats".to_string(), new)).chain(sections(d, &st))
    {
        if !lines.is_empty() {
            let _ = writeln!(o, "{title} ({})", lines.len());
            for l in lines {
                let _ = writeln!(o, "  {l}");
            }
            let _ = writeln!(o);
        }
    }
    if !d.head_failed.is_empty() {
        let _ = writeln!(
            o,
            "Head could not analyse {}: {}\n",
            count(d.head_failed.len(), "file", "files"),
            clean(&d.head_failed.join(", "))
        );
    }
    if let Some(line) = head_skipped_line(d) {
        let _ = writeln!(o, "{line}\n");
    }
    let _ = writeln!(o, "{}", capitalise(&summary_line(d, include_potential)));
    o
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// A pull-request comment a reviewer reads in a minute: the headline, the
/// new threats with where and why, the attack-surface changes, then the rest.
pub fn markdown(d: &DiffReport, include_potential: bool) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "### breakwater: what this change does to the threat model\n"
    );
    let _ = writeln!(
        o,
        "**{}** · {}\n",
        escape(&capitalise(&summary_line(d, include_potential))),
        escape(&sides(d))
    );
    let new = shown(&d.threats_new, include_potential);
    if !new.is_empty() {
        let _ = writeln!(o, "#### New threats\n");
        let _ = writeln!(o, "| Severity | Threat | Where | Confidence | Status |");
        let _ = writeln!(o, "|---|---|---|---|---|");
        for t in &new {
            let status = new_status(d, t).unwrap_or_else(|| "open".into());
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                t.severity.name(),
                escape(&t.title),
                code(&text::location_text(t)).replace('|', "\\|"),
                t.confidence.name(),
                escape(&status)
            );
        }
        let _ = writeln!(o);
        for t in &new {
            let _ = writeln!(
                o,
                "<details><summary>{} — {}</summary>\n",
                escape(&t.title),
                escape(&text::location_text(t))
            );
            if !t.message.trim().is_empty() {
                let _ = writeln!(o, "{}\n", escape(&t.message));
            }
            if let Some(flow) = text::flow_text(t) {
                let _ = writeln!(o, "- **Flow:** {}", escape(&flow));
            }
            let _ = writeln!(o, "- **Severity:** {}", escape(&text::severity_text(t)));
            if !t.attack.trim().is_empty() {
                let _ = writeln!(o, "- **How it is attacked:** {}", escape(&t.attack));
            }
            if !t.fix.trim().is_empty() {
                let (prose, _) = text::fix_parts(&t.fix);
                let _ = writeln!(o, "- **Fix:** {}", escape(&prose));
            }
            let _ = writeln!(o, "- **Id:** {}\n", code(&t.id));
            let _ = writeln!(o, "</details>\n");
        }
    }
    let st = Style { markdown: true };
    for (title, lines) in sections(d, &st) {
        if !lines.is_empty() {
            let _ = writeln!(o, "#### {title}\n");
            for l in lines {
                let _ = writeln!(o, "- {l}");
            }
            let _ = writeln!(o);
        }
    }
    if !d.head_failed.is_empty() {
        let _ = writeln!(
            o,
            "⚠️ {} could not be analysed on head: {}\n",
            count(d.head_failed.len(), "file", "files"),
            d.head_failed
                .iter()
                .map(|p| code(p))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if let Some(line) = head_skipped_line(d) {
        let _ = writeln!(o, "{}.\n", escape(&line));
    }
    o
}

/// Only what a change adds, one line per new threat (for a pre-commit
/// hook): `path:line:col: severity[rule] title (confidence) [id]`, then
/// the summary line. Potential threats only with `include_potential`.
pub fn compact_new(d: &DiffReport, include_potential: bool) -> String {
    let mut s = String::new();
    for t in shown(&d.threats_new, include_potential) {
        let closed = if t.status.is_open() {
            String::new()
        } else {
            format!(" — {} by this change", t.status.name())
        };
        let _ = writeln!(
            s,
            "{}: {}[{}] {} ({}){closed} [{}]",
            text::location_text(t),
            t.severity.name(),
            one_line(&t.rule),
            one_line(&t.title),
            t.confidence.name(),
            one_line(&t.id)
        );
    }
    for t in shown(&d.threats_unverified, include_potential) {
        let _ = writeln!(
            s,
            "{}: {}[{}] could not be verified: the file was not analysed [{}]",
            text::location_text(t),
            t.severity.name(),
            one_line(&t.rule),
            one_line(&t.id)
        );
    }
    for u in &d.unanalysed {
        let level = if d.counts_file(u) { "warning" } else { "note" };
        let _ = writeln!(
            s,
            "{}: {level}[{}] {} ({}) [{}]",
            clean(&one_line(&u.path)),
            one_line(&u.reason),
            one_line(&u.message),
            one_line(&unanalysed_status(d, u)),
            one_line(&u.id)
        );
    }
    if let Some(line) = head_skipped_line(d) {
        let _ = writeln!(s, "{line}");
    }
    let _ = writeln!(s, "{}", summary_line(d, include_potential));
    s
}
