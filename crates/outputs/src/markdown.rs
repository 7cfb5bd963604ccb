//! A Markdown report for a pull request comment or a wiki page.
//!
//! Title and counts, the data-flow diagram (a ```` ```mermaid ```` block
//! GitHub and GitLab draw), a table of the threats, then the details of
//! each: the code, the attacker's story, the fix and the reasons for the
//! severity. Design-level threats sit in a collapsed `<details>` section;
//! questions, ignores and skipped files close the report.
//!
//! Repository text is escaped (Markdown and HTML syntax characters), code
//! spans and fences are made longer than any backtick run inside them, so
//! a file name or a code line cannot change the page around it.

use crate::text::{self, SEVERITIES, Tally, one_line};
use crate::{Renderer, is_open, is_potential, mermaid};
use bw_threats::{Confidence, Report, Status, Threat};
use std::fmt::Write as _;
use std::io::{self, Write};

/// The Markdown renderer.
pub struct Markdown;

impl Renderer for Markdown {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(markdown(report).as_bytes())
    }
}

/// Escape text for Markdown prose and table cells.
pub fn escape(s: &str) -> String {
    let mut out = String::new();
    for c in one_line(s).chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

/// An inline code span that holds any text.
pub fn code(s: &str) -> String {
    let s = one_line(s);
    let longest = longest_run(&s, '`');
    let fence = "`".repeat(longest + 1);
    if s.starts_with('`')
        || s.ends_with('`')
        || (s.starts_with(' ') && s.ends_with(' ') && !s.trim().is_empty())
    {
        format!("{fence} {s} {fence}")
    } else {
        format!("{fence}{s}{fence}")
    }
}

/// A code span inside a table cell (`|` must be escaped even there).
fn code_cell(s: &str) -> String {
    code(s).replace('|', "\\|")
}

fn longest_run(s: &str, ch: char) -> usize {
    let mut best = 0;
    let mut cur = 0;
    for c in s.chars() {
        if c == ch {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

/// A fenced block that holds `lines`.
fn fenced(out: &mut String, lang: &str, lines: &[String]) {
    let longest = lines.iter().map(|l| longest_run(l, '`')).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let _ = writeln!(out, "{fence}{lang}");
    for l in lines {
        let (chars, _) = text::display_line(l);
        let s: String = chars.into_iter().collect();
        let _ = writeln!(out, "{}", s.trim_end());
    }
    let _ = writeln!(out, "{fence}");
}

/// The fence language for a path.
fn language(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    if lower == "dockerfile" || lower.starts_with("dockerfile.") || lower.ends_with(".dockerfile") {
        return "dockerfile";
    }
    match lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("") {
        "py" => "python",
        "js" | "mjs" | "cjs" => "javascript",
        "jsx" => "jsx",
        "ts" | "mts" | "cts" => "typescript",
        "tsx" => "tsx",
        "yml" | "yaml" => "yaml",
        "json" => "json",
        "toml" => "toml",
        "sh" | "bash" => "bash",
        "tf" => "hcl",
        _ => "text",
    }
}

fn cwe_links(cwe: &[u32]) -> Vec<String> {
    cwe.iter()
        .map(|c| format!("[CWE-{c}](https://cwe.mitre.org/data/definitions/{c}.html)"))
        .collect()
}

/// The whole report.
pub fn markdown(report: &Report) -> String {
    let mut o = String::new();
    let name = if report.model.name.trim().is_empty() {
        "this repository".to_string()
    } else {
        escape(&report.model.name)
    };
    let _ = writeln!(o, "# Threat model: {name}\n");
    if !report.model.description.trim().is_empty() {
        let _ = writeln!(o, "{}\n", escape(&report.model.description));
    }

    let tally = Tally::new(report, false);
    let main: Vec<&Threat> = report
        .threats
        .iter()
        .filter(|t| is_open(t) && !is_potential(t))
        .collect();
    let potential: Vec<&Threat> = report
        .threats
        .iter()
        .filter(|t| is_open(t) && is_potential(t))
        .collect();
    let silenced: Vec<&Threat> = report.threats.iter().filter(|t| !is_open(t)).collect();

    let _ = writeln!(
        o,
        "{}.\n",
        escape(&tally.summary_line_as(report.files.analysed, None, "listed separately"))
    );

    // Counts by severity and confidence (open threats, design level included).
    let _ = writeln!(o, "## Summary\n");
    let _ = writeln!(o, "| Severity | Confirmed | Likely | Potential | Total |");
    let _ = writeln!(o, "|---|---:|---:|---:|---:|");
    let mut totals = [0usize; 4];
    for sev in SEVERITIES {
        let mut row = [0usize; 4];
        for t in report
            .threats
            .iter()
            .filter(|t| is_open(t) && t.severity == sev)
        {
            let i = match t.confidence {
                Confidence::Confirmed => 0,
                Confidence::Likely => 1,
                Confidence::Potential => 2,
            };
            row[i] += 1;
            row[3] += 1;
        }
        for i in 0..4 {
            totals[i] += row[i];
        }
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |",
            sev.name(),
            row[0],
            row[1],
            row[2],
            row[3]
        );
    }
    let _ = writeln!(
        o,
        "| **total** | **{}** | **{}** | **{}** | **{}** |\n",
        totals[0], totals[1], totals[2], totals[3]
    );
    if !silenced.is_empty() {
        let _ = writeln!(
            o,
            "Not counted: {} (listed at the end).\n",
            text::count(
                silenced.len(),
                "decided, ignored or suppressed threat",
                "decided, ignored or suppressed threats"
            )
        );
    }

    // The diagram.
    let _ = writeln!(o, "## Data flow\n");
    let _ = writeln!(
        o,
        "{}\n",
        escape(&text::ModelCounts::new(report).describe())
    );
    let _ = writeln!(o, "```mermaid");
    o.push_str(&mermaid::flowchart(&report.model));
    let _ = writeln!(o, "```\n");

    // The threats.
    let _ = writeln!(o, "## Threats\n");
    if main.is_empty() {
        let _ = writeln!(o, "No confirmed or likely threats.\n");
    } else {
        threat_table(&mut o, &main, 1);
        let _ = writeln!(o, "### Details\n");
        for (i, t) in main.iter().enumerate() {
            details(&mut o, t, i + 1);
        }
    }

    if !potential.is_empty() {
        let _ = writeln!(o, "<details>");
        let _ = writeln!(
            o,
            "<summary>Potential threats (design level): {}</summary>\n",
            potential.len()
        );
        let _ = writeln!(
            o,
            "These follow from the system model rather than from a line of code: review them with the team.\n"
        );
        let first = main.len() + 1;
        threat_table(&mut o, &potential, first);
        for (i, t) in potential.iter().enumerate() {
            details(&mut o, t, first + i);
        }
        let _ = writeln!(o, "</details>\n");
    }

    if !report.questions.is_empty() {
        let _ = writeln!(o, "## Questions for the team\n");
        for q in &report.questions {
            let el = match report.model.element(&q.element) {
                Some(e) if !e.name.is_empty() && e.name != e.id => {
                    format!("**{}** ({})", escape(&e.name), code(&q.element))
                }
                _ => code(&q.element),
            };
            let _ = writeln!(o, "- {el}: {}", escape(&q.question));
        }
        let _ = writeln!(o);
    }

    let unexplained: Vec<_> = report
        .ignores
        .iter()
        .filter(|i| i.reason.trim().is_empty())
        .collect();
    if !report.decisions.is_empty() {
        let _ = writeln!(o, "## Decisions without a threat\n");
        let _ = writeln!(o, "| Decision | State | Note |");
        let _ = writeln!(o, "|---|---|---|");
        for d in &report.decisions {
            let _ = writeln!(
                o,
                "| {} ({}) | {} | {} |",
                code_cell(&d.key),
                escape(&d.status),
                escape(&d.state),
                escape(&d.note)
            );
        }
        let _ = writeln!(o);
    }
    if !silenced.is_empty() || !unexplained.is_empty() {
        let heading = if silenced.iter().any(|t| t.status.is_decided()) {
            "Decided, ignored and suppressed"
        } else {
            "Ignored and suppressed"
        };
        let _ = writeln!(o, "## {heading}\n");
        if !silenced.is_empty() {
            let _ = writeln!(o, "| Id | Location | How | Reason |");
            let _ = writeln!(o, "|---|---|---|---|");
            for t in &silenced {
                let how = crate::closed_how(t);
                let _ = writeln!(
                    o,
                    "| {} | {} | {how} | {} |",
                    code_cell(&t.id),
                    code_cell(&short_location(t)),
                    escape(t.status_reason.as_deref().unwrap_or(""))
                );
            }
            let _ = writeln!(o);
        }
        if !unexplained.is_empty() {
            let _ = writeln!(
                o,
                "Ignore comments without a reason silence nothing; add a reason after the brackets:\n"
            );
            for ig in unexplained {
                let _ = writeln!(
                    o,
                    "- {} {}",
                    code(&format!("{}:{}", ig.location.path, ig.location.start_line)),
                    code(&format!("breakwater: ignore[{}]", ig.rules.join(",")))
                );
            }
            let _ = writeln!(o);
        }
    }

    let _ = writeln!(o, "## Files\n");
    let langs: Vec<String> = report
        .files
        .languages
        .iter()
        .map(|(l, n)| format!("{n} {}", escape(l)))
        .collect();
    let mut line = format!(
        "{} analysed",
        text::count(report.files.analysed, "file", "files")
    );
    if !langs.is_empty() {
        line.push_str(&format!(" ({})", langs.join(", ")));
    }
    line.push('.');
    if !report.files.skipped.is_empty() {
        let reasons: Vec<String> = text::skipped_by_reason(report)
            .into_iter()
            .map(|(r, n)| format!("{n} {}", escape(&r)))
            .collect();
        line.push_str(&format!(
            " Skipped {}: {}.",
            text::count(report.files.skipped.len(), "file", "files"),
            reasons.join(", ")
        ));
    }
    let _ = writeln!(o, "{line}\n");
    if !report.unanalysed.is_empty() {
        let _ = writeln!(
            o,
            "Not fully analysed (a flow through them may be missing; gates count the open ones until a decision accepts them):\n"
        );
        let _ = writeln!(o, "| File | Why | State |\n|---|---|---|");
        for u in &report.unanalysed {
            let failed = match text::unanalysed_level(report, u) {
                "error" => "**failed**: ",
                _ => "",
            };
            let _ = writeln!(
                o,
                "| {} | {} | {failed}{} |",
                code_cell(&format!("{}:{}", u.path, text::unanalysed_line(report, u))),
                escape(&u.message),
                escape(&text::unanalysed_state(u))
            );
        }
        let _ = writeln!(o);
    }
    if !report.files.partial.is_empty() {
        let list: Vec<String> = report.files.partial.iter().map(|p| code(p)).collect();
        let _ = writeln!(
            o,
            "Parsed with syntax errors (facts come from the partial tree): {}\n",
            list.join(", ")
        );
    }

    let _ = writeln!(
        o,
        "---\n_Generated by {} {}._",
        escape(&report.tool),
        escape(&report.tool_version)
    );
    o
}

fn short_location(t: &Threat) -> String {
    if t.location.path.is_empty() {
        t.element.clone().unwrap_or_else(|| t.symbol.clone())
    } else {
        format!("{}:{}", t.location.path, t.location.start_line)
    }
}

fn threat_table(o: &mut String, threats: &[&Threat], first: usize) {
    let _ = writeln!(
        o,
        "| # | Severity | Rule | Title | Location | Confidence | Id |"
    );
    let _ = writeln!(o, "|---:|---|---|---|---|---|---|");
    for (i, t) in threats.iter().enumerate() {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} |",
            first + i,
            t.severity.name(),
            code_cell(&t.rule),
            escape(&t.title),
            code_cell(&short_location(t)),
            t.confidence.name(),
            code_cell(&t.id)
        );
    }
    let _ = writeln!(o);
}

fn details(o: &mut String, t: &Threat, n: usize) {
    let _ = writeln!(o, "#### {n}. {}\n", escape(&t.title));
    let _ = writeln!(
        o,
        "**{}** · {} · {} · {}\n",
        t.severity.name(),
        code(&t.rule),
        t.confidence.name(),
        code(&text::location_text(t))
    );
    if !t.message.trim().is_empty() {
        let _ = writeln!(o, "{}\n", escape(&t.message));
    }
    if let Some(ex) = t
        .excerpt
        .as_ref()
        .filter(|e| !e.lines.is_empty() && !t.location.path.is_empty())
    {
        let last = ex.start_line as usize + ex.lines.len() - 1;
        let _ = writeln!(
            o,
            "{}, lines {}–{last} (the finding is on line {}):\n",
            code(&t.location.path),
            ex.start_line,
            t.location.start_line
        );
        fenced(o, language(&t.location.path), &ex.lines);
        let _ = writeln!(o);
    }
    if let (Some(reason), true) = (
        &t.status_reason,
        t.status.is_open() && t.status != Status::Open,
    ) {
        let _ = writeln!(o, "- **{}:** {}", t.status.name(), escape(reason));
    }
    let _ = writeln!(o, "- **Severity:** {}", escape(&text::severity_text(t)));
    let _ = writeln!(
        o,
        "- **Confidence:** {} ({})",
        t.confidence.name(),
        escape(&text::confidence_explanation(t))
    );
    if let Some(el) = &t.element {
        let _ = writeln!(o, "- **Element:** {}", code(el));
    }
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
        let mut parts = Vec::new();
        if let Some(src) = &t.source {
            parts.push(code(&src.label));
        }
        parts.extend(t.steps.iter().map(|s| code(&s.label)));
        parts.push(code(&text::sink_label(t)));
        let _ = writeln!(o, "- **Flow:** {}", parts.join(" → "));
    }
    let mut refs = cwe_links(&t.cwe);
    refs.extend(t.owasp.iter().map(|x| format!("OWASP {}", escape(x))));
    if !refs.is_empty() {
        let _ = writeln!(o, "- **References:** {}", refs.join(", "));
    }
    let _ = writeln!(o, "- **Id:** {}\n", code(&t.id));
    if !t.attack.trim().is_empty() {
        // Rule docs are Markdown: keep their code spans.
        let _ = writeln!(
            o,
            "**How an attacker breaks it.** {}\n",
            one_line(&t.attack)
        );
    }
    if !t.fix.trim().is_empty() {
        let label = match text::framework_name(&t.fix_for) {
            Some(fw) => format!("Fix ({}).", escape(&fw)),
            None => "Fix.".to_string(),
        };
        let _ = writeln!(o, "**{label}**\n");
        // Rule docs are Markdown already.
        let _ = writeln!(o, "{}\n", t.fix.trim());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            escape("a|b <img> *x* [l](u)"),
            "a\\|b &lt;img&gt; \\*x\\* \\[l\\](u)"
        );
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code_cell("a|b"), "`a\\|b`");
        assert_eq!(language("app/Dockerfile"), "dockerfile");
        assert_eq!(language("src/x.tsx"), "tsx");
        let mut o = String::new();
        fenced(&mut o, "text", &["```".into()]);
        assert!(o.starts_with("````text\n"));
    }
}
