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
            crate::render(Format::Sarif, &only_new, opts, out)
        }
        Format::Markdown => out.write_all(markdown(diff, opts.include_potential).as_bytes()),
        _ => out.write_all(terminal(diff, opts.include_potential).as_bytes()),
    }
}

fn shown<'a>(v: &'a [Threat], include_potential: bool) -> Vec<&'a Threat> {
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
    parts.join(", ")
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

fn threat_line(t: &Threat) -> String {
    format!(
        "{}[{}] {} at {} ({})",
        t.severity.name(),
        t.rule,
        one_line(&t.title),
        text::location_text(t),
        t.confidence.name()
    )
}

fn sides(d: &DiffReport) -> String {
    let side = |s: &bw_threats::diff::Side| match &s.commit {
        Some(c) => format!("{} ({})", s.label, &c[..c.len().min(8)]),
        None => s.label.clone(),
    };
    format!("{} → {}", side(&d.base), side(&d.head))
}

fn terminal(d: &DiffReport, include_potential: bool) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "breakwater diff: {}", clean(&sides(d)));
    let _ = writeln!(o);
    let section = |o: &mut String, title: &str, lines: Vec<String>| {
        if !lines.is_empty() {
            let _ = writeln!(o, "{title} ({})", lines.len());
            for l in lines {
                let _ = writeln!(o, "  {}", clean(&l));
            }
            let _ = writeln!(o);
        }
    };
    let new = shown(&d.threats_new, include_potential);
    section(
        &mut o,
        "New threats",
        new.iter()
            .map(|t| {
                let mut l = threat_line(t);
                if !t.status.is_open() {
                    let counted = if d.counts(t) {
                        " by this change itself, so it still counts for the gate"
                    } else {
                        ""
                    };
                    l.push_str(&format!(" — {}{counted}", t.status.name()));
                }
                l
            })
            .collect(),
    );
    section(
        &mut o,
        "Resolved",
        d.threats_resolved.iter().map(threat_line).collect(),
    );
    section(
        &mut o,
        "Unverified (the file could not be analysed on head; not resolved)",
        d.threats_unverified.iter().map(threat_line).collect(),
    );
    section(
        &mut o,
        "Severity changed",
        d.threats_severity_changed
            .iter()
            .map(|c| {
                format!(
                    "{} → {}: {}",
                    c.from.name(),
                    c.threat.severity.name(),
                    threat_line(&c.threat)
                )
            })
            .collect(),
    );
    section(
        &mut o,
        "Decisions made stale (the code under them changed: review again)",
        d.decisions_stale
            .iter()
            .map(|t| {
                let was = t
                    .decision
                    .as_ref()
                    .and_then(|x| x.decided_on.clone())
                    .unwrap_or_default();
                format!(
                    "{} — was `{}`, now `{}`",
                    threat_line(t),
                    one_line(&was),
                    one_line(&t.evidence)
                )
            })
            .collect(),
    );
    let mut surface = vec![];
    surface.extend(
        d.elements_added
            .iter()
            .map(|e| format!("+ {}", element_line(e))),
    );
    surface.extend(
        d.elements_removed
            .iter()
            .map(|e| format!("- {}", element_line(e))),
    );
    for c in &d.elements_changed {
        surface.push(format!(
            "~ {}: {}",
            changed_line(&c.element),
            c.changes.join("; ")
        ));
    }
    for f in d.flows_added.iter().filter(|f| f.crosses_boundary) {
        surface.push(format!(
            "+ flow across a trust boundary: {} → {} ({})",
            f.from, f.to, f.protocol
        ));
    }
    section(&mut o, "Attack surface", surface);
    section(
        &mut o,
        if d.trust_head_decisions {
            "Added by this change (trusted: --trust-head-decisions)"
        } else {
            "Added by this change (they do not silence this change's gate)"
        },
        d.silencers_added
            .iter()
            .map(|s| {
                format!(
                    "{} {} {}: {} — by {}",
                    s.kind,
                    s.what,
                    s.target,
                    one_line(&s.reason),
                    s.author
                )
            })
            .collect(),
    );
    if !d.head_failed.is_empty() {
        let _ = writeln!(
            o,
            "Head could not analyse {}: {}\n",
            count(d.head_failed.len(), "file", "files"),
            d.head_failed.join(", ")
        );
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
            let status = if t.status.is_open() {
                "open".to_string()
            } else if d.counts(t) {
                format!("{} by this change (still gates)", t.status.name())
            } else {
                t.status.name().to_string()
            };
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
    let mut surface = vec![];
    surface.extend(
        d.elements_added
            .iter()
            .map(|e| format!("➕ {}", escape(&element_line(e)))),
    );
    surface.extend(
        d.elements_removed
            .iter()
            .map(|e| format!("➖ {}", escape(&element_line(e)))),
    );
    for c in &d.elements_changed {
        surface.push(format!(
            "✏️ {}: {}",
            escape(&changed_line(&c.element)),
            escape(&c.changes.join("; "))
        ));
    }
    for f in d.flows_added.iter().filter(|f| f.crosses_boundary) {
        surface.push(format!(
            "➕ flow across a trust boundary: {} → {} ({})",
            code(&f.from),
            code(&f.to),
            escape(&f.protocol)
        ));
    }
    if !surface.is_empty() {
        let _ = writeln!(o, "#### Attack surface\n");
        for s in surface {
            let _ = writeln!(o, "- {s}");
        }
        let _ = writeln!(o);
    }
    let list = |o: &mut String, title: &str, v: Vec<String>| {
        if !v.is_empty() {
            let _ = writeln!(o, "#### {title}\n");
            for s in v {
                let _ = writeln!(o, "- {s}");
            }
            let _ = writeln!(o);
        }
    };
    let tl = |t: &Threat| {
        format!(
            "{} {} at {}",
            t.severity.name(),
            escape(&t.title),
            code(&text::location_text(t))
        )
    };
    list(
        &mut o,
        "Decisions made stale",
        d.decisions_stale
            .iter()
            .map(|t| {
                let was = t
                    .decision
                    .as_ref()
                    .and_then(|x| x.decided_on.clone())
                    .unwrap_or_default();
                format!(
                    "{} — decided on {}, now {}",
                    tl(t),
                    code(&was),
                    code(&t.evidence)
                )
            })
            .collect(),
    );
    list(
        &mut o,
        "Unverified (head could not analyse the file; not resolved)",
        d.threats_unverified.iter().map(tl).collect(),
    );
    list(
        &mut o,
        "Severity changed",
        d.threats_severity_changed
            .iter()
            .map(|c| {
                format!(
                    "{} → {}: {}",
                    c.from.name(),
                    c.threat.severity.name(),
                    tl(&c.threat)
                )
            })
            .collect(),
    );
    list(
        &mut o,
        "Resolved",
        d.threats_resolved.iter().map(tl).collect(),
    );
    list(
        &mut o,
        if d.trust_head_decisions {
            "Decisions and ignores added by this change (trusted)"
        } else {
            "Decisions and ignores added by this change (a change cannot approve itself: they do not silence its gate)"
        },
        d.silencers_added
            .iter()
            .map(|s| {
                format!(
                    "{} {} on {}: {} — {}",
                    escape(&s.kind),
                    escape(&s.what),
                    code(&s.target),
                    escape(&s.reason),
                    escape(&s.author)
                )
            })
            .collect(),
    );
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
    o
}
