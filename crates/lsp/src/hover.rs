//! The hover on a threat: what it is, how bad and why, how an attacker
//! breaks it, how to fix it in this framework, what was decided — the
//! rule's docs in the editor, as Markdown.

use bw_outputs::markdown::{code, escape};
use bw_outputs::text;
use bw_threats::{RuleSummary, Status, Threat};
use std::fmt::Write;

/// The Markdown for one threat; `rule` is its rule's summary when the
/// report has it.
pub fn markdown(t: &Threat, rule: Option<&RuleSummary>) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "**breakwater · {}** {}\n",
        escape(&t.title),
        code(&t.rule)
    );
    if !t.message.trim().is_empty() {
        let _ = writeln!(o, "{}\n", escape(&t.message));
    }
    if let (true, Some(reason)) = (t.status != Status::Open, &t.status_reason) {
        let _ = writeln!(o, "**{}:** {}\n", t.status.name(), escape(reason));
    }
    let _ = writeln!(o, "- **Severity:** {}", escape(&text::severity_text(t)));
    let _ = writeln!(
        o,
        "- **Confidence:** {} ({})",
        t.confidence.name(),
        escape(&text::confidence_explanation(t))
    );
    if let Some(src) = &t.source {
        let at = if src.location.path.is_empty() {
            String::new()
        } else {
            format!(
                " at {}",
                code(&format!(
                    "{}:{}",
                    src.location.path, src.location.start_line
                ))
            )
        };
        let _ = writeln!(o, "- **Source:** {}{at}", code(&src.label));
    }
    if !t.steps.is_empty() {
        let mut parts = vec![];
        if let Some(src) = &t.source {
            parts.push(code(&src.label));
        }
        parts.extend(t.steps.iter().map(|s| code(&s.label)));
        parts.push(code(&text::sink_label(t)));
        let _ = writeln!(o, "- **Flow:** {}", parts.join(" → "));
    }
    let mut refs: Vec<String> = t.cwe.iter().map(|c| format!("CWE-{c}")).collect();
    refs.extend(t.owasp.iter().map(|x| format!("OWASP {}", escape(x))));
    if !refs.is_empty() {
        let _ = writeln!(o, "- **References:** {}", refs.join(", "));
    }
    let _ = writeln!(o, "- **Id:** {}\n", code(&t.id));
    if let Some(r) = rule.filter(|r| !r.summary.trim().is_empty()) {
        // Rule docs are Markdown already.
        let _ = writeln!(o, "**What it is.** {}\n", r.summary.trim());
    }
    if !t.attack.trim().is_empty() {
        let _ = writeln!(o, "**How an attacker breaks it.** {}\n", t.attack.trim());
    }
    if !t.fix.trim().is_empty() {
        let label = match text::framework_name(&t.fix_for) {
            Some(fw) => format!("How to fix it ({})", escape(&fw)),
            None => "How to fix it".to_string(),
        };
        let _ = writeln!(o, "**{label}.**\n\n{}\n", t.fix.trim());
    }
    if let Some(d) = &t.decision {
        let mut who: Vec<String> = [&d.author, &d.date]
            .into_iter()
            .filter(|s| !s.is_empty())
            .map(|s| escape(s))
            .collect();
        if let Some(ticket) = &d.ticket {
            who.push(format!("ticket {}", escape(ticket)));
        }
        if let Some(e) = &d.expires {
            who.push(format!("expires {}", escape(e)));
        }
        let who = if who.is_empty() {
            String::new()
        } else {
            format!(" ({})", who.join(", "))
        };
        let _ = writeln!(
            o,
            "**Decision:** {}{who}: {}\n",
            escape(&d.status),
            escape(&d.reason)
        );
        if let Some(on) = d.decided_on.as_deref().filter(|e| !e.is_empty()) {
            let _ = writeln!(
                o,
                "Decided on {}; the code is now {}.\n",
                code(on),
                code(&t.evidence)
            );
        }
    }
    let _ = write!(
        o,
        "Full docs: `breakwater explain {}`. Record a decision with the code actions on this line.",
        t.rule
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hover_has_the_story_the_fix_and_the_decision() {
        let t: Threat = serde_json::from_value(serde_json::json!({
            "id": "sql-injection@app/db.py::find",
            "rule": "sql-injection",
            "title": "SQL query built from untrusted input",
            "stride": "tampering",
            "cwe": [89],
            "severity": "high",
            "impact": 4,
            "likelihood": 3,
            "reasons": [{"axis": "likelihood", "delta": 1, "factor": "exposure", "text": "reachable from the internet"}],
            "confidence": "confirmed",
            "location": {"path": "app/db.py", "start_line": 3, "start_col": 5, "end_line": 3, "end_col": 20},
            "symbol": "find",
            "message": "request data reaches `sqlite3.execute`",
            "attack": "I send `' OR '1'='1`.",
            "fix_for": "flask",
            "fix": "Use parameters.\n\n```python\ndb.execute(\"… ?\", (name,))\n```",
            "status": "stale",
            "status_reason": "decided mitigated, but the code under it changed since: review it",
            "decision": {"key": "sql-injection@app/db.py::find", "status": "mitigated", "reason": "checked <upstream>", "author": "Jane", "date": "2026-11-27", "decided_on": "execute(a)"},
            "fingerprint": "ab",
            "evidence": "execute(b)"
        }))
        .unwrap();
        let md = markdown(&t, None);
        for want in [
            "SQL query built from untrusted input",
            "high (impact 4, likelihood 3) because reachable from the internet (+1 likelihood)",
            "**How an attacker breaks it.** I send `' OR '1'='1`.",
            "**How to fix it (Flask).**",
            "```python",
            "**stale:** decided mitigated",
            "**Decision:** mitigated (Jane, 2026-11-27): checked &lt;upstream&gt;",
            "Decided on `execute(a)`; the code is now `execute(b)`.",
            "CWE-89",
        ] {
            assert!(md.contains(want), "missing {want:?} in\n{md}");
        }
    }
}
