//! Wording and text helpers shared by the renderers: counts, confidence
//! explanations, framework names, wrapping, and cleaning repository text.

use crate::{is_open, is_potential};
use bw_facts::Location;
use bw_threats::{Confidence, Excerpt, Report, Severity, Status, Threat, UnanalysedFile};
use std::time::Duration;

/// Severities from the most to the least severe.
pub const SEVERITIES: [Severity; 5] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Info,
];

/// Prose from the repository, safe for a terminal: tabs and line breaks
/// become spaces, every other control character (ANSI escapes, …) is
/// spelled out visibly ([`bw_files::terminal_safe`]), so text from the
/// repository cannot drive the terminal.
pub fn clean(s: &str) -> String {
    let spaced: String = s
        .chars()
        .map(|c| {
            if matches!(c, '\t' | '\n' | '\r') {
                ' '
            } else {
                c
            }
        })
        .collect();
    bw_files::terminal_safe(&spaced).into_owned()
}

/// Collapse whitespace runs to one space and clean the result.
pub fn one_line(s: &str) -> String {
    clean(&s.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// A code line for display: tabs expanded to four spaces, control
/// characters spelled out ([`bw_files::terminal_safe`]). Returns the characters and, for each original
/// character index, its display column (0-based), plus one past the end.
pub fn display_line(line: &str) -> (Vec<char>, Vec<usize>) {
    let mut chars = Vec::with_capacity(line.len());
    let mut cols = Vec::with_capacity(line.len() + 1);
    for c in line.chars() {
        cols.push(chars.len());
        match c {
            '\t' => chars.extend([' '; 4]),
            '\n' | '\r' => chars.push(' '),
            c => chars.extend(bw_files::terminal_safe(c.encode_utf8(&mut [0; 4])).chars()),
        }
    }
    cols.push(chars.len());
    (chars, cols)
}

/// Greedy word wrap. The first line has `first` columns, the others
/// `rest`. Words longer than a line get a line of their own.
pub fn wrap(text: &str, first: usize, rest: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    let mut cur_len = 0usize;
    for word in text.split_whitespace() {
        let wlen = word.chars().count();
        let avail = if lines.is_empty() { first } else { rest };
        if cur_len > 0 && cur_len + 1 + wlen > avail {
            lines.push(std::mem::take(&mut cur));
            cur_len = 0;
        }
        if cur_len > 0 {
            cur.push(' ');
            cur_len += 1;
        }
        cur.push_str(word);
        cur_len += wlen;
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

/// `1 file`, `2 files`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `0.42s`.
pub fn duration(d: Duration) -> String {
    format!("{:.2}s", d.as_secs_f64())
}

/// Which threats are shown in full, and the counts for the summary line.
pub struct Tally {
    pub shown: usize,
    pub by_severity: [usize; 5],
    pub confirmed: usize,
    pub likely: usize,
    pub potential: usize,
    pub potential_hidden: usize,
    pub ignored: usize,
    pub suppressed: usize,
    /// Closed by a decision in the model file.
    pub decided: usize,
    /// Open again: stale or expired decisions (included in `shown`).
    pub reopened: usize,
    /// In the adoption baseline (included in `shown`; not gated).
    pub baseline: usize,
}

impl Tally {
    pub fn new(report: &Report, include_potential: bool) -> Tally {
        let mut t = Tally {
            shown: 0,
            by_severity: [0; 5],
            confirmed: 0,
            likely: 0,
            potential: 0,
            potential_hidden: 0,
            ignored: 0,
            suppressed: 0,
            decided: 0,
            reopened: 0,
            baseline: 0,
        };
        for th in &report.threats {
            match th.status {
                Status::Ignored => t.ignored += 1,
                Status::Suppressed => t.suppressed += 1,
                Status::Mitigated
                | Status::Accepted
                | Status::FalsePositive
                | Status::Transferred => t.decided += 1,
                _ if is_potential(th) && !include_potential => t.potential_hidden += 1,
                Status::Open | Status::Stale | Status::Expired => {
                    t.shown += 1;
                    if th.status != Status::Open {
                        t.reopened += 1;
                    }
                    if th.baseline {
                        t.baseline += 1;
                    }
                    if let Some(i) = SEVERITIES.iter().position(|s| *s == th.severity) {
                        t.by_severity[i] += 1;
                    }
                    match th.confidence {
                        Confidence::Confirmed => t.confirmed += 1,
                        Confidence::Likely => t.likely += 1,
                        Confidence::Potential => t.potential += 1,
                    }
                }
            }
        }
        t
    }

    /// `Found 7 threats (1 critical, 2 high; 4 confirmed, 3 likely; 2 potential hidden) in 23 files in 0.42s`
    pub fn summary_line(&self, files: usize, elapsed: Option<Duration>) -> String {
        self.summary_line_as(files, elapsed, "hidden")
    }

    /// The summary line, with its own word for potential threats not shown
    /// among the others (`hidden`, `listed below`).
    pub fn summary_line_as(&self, files: usize, elapsed: Option<Duration>, hidden: &str) -> String {
        let mut groups: Vec<String> = Vec::new();
        let sev: Vec<String> = SEVERITIES
            .iter()
            .zip(self.by_severity)
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| format!("{n} {}", s.name()))
            .collect();
        if !sev.is_empty() {
            groups.push(sev.join(", "));
        }
        let conf: Vec<String> = [
            ("confirmed", self.confirmed),
            ("likely", self.likely),
            ("potential", self.potential),
        ]
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(name, n)| format!("{n} {name}"))
        .collect();
        if !conf.is_empty() {
            groups.push(conf.join(", "));
        }
        let mut other = Vec::new();
        if self.potential_hidden > 0 {
            other.push(format!("{} potential {hidden}", self.potential_hidden));
        }
        if self.ignored > 0 {
            other.push(format!("{} ignored", self.ignored));
        }
        if self.suppressed > 0 {
            other.push(format!("{} suppressed", self.suppressed));
        }
        if self.decided > 0 {
            other.push(format!("{} decided", self.decided));
        }
        if self.reopened > 0 {
            other.push(format!("{} to review again", self.reopened));
        }
        if self.baseline > 0 {
            other.push(format!("{} in the baseline", self.baseline));
        }
        if !other.is_empty() {
            groups.push(other.join(", "));
        }
        let mut line = if self.shown == 0 {
            "No threats found".to_string()
        } else {
            format!("Found {}", count(self.shown, "threat", "threats"))
        };
        if !groups.is_empty() {
            line.push_str(&format!(" ({})", groups.join("; ")));
        }
        line.push_str(&format!(" in {}", count(files, "file", "files")));
        if let Some(d) = elapsed {
            line.push_str(&format!(" in {}", duration(d)));
        }
        line
    }
}

/// Threats shown in full, in report order: open and not potential, then
/// (when asked) open potential ones.
pub fn shown_threats(report: &Report, include_potential: bool) -> (Vec<&Threat>, Vec<&Threat>) {
    let main = report
        .threats
        .iter()
        .filter(|t| is_open(t) && !is_potential(t))
        .collect();
    let potential = if include_potential {
        report
            .threats
            .iter()
            .filter(|t| is_open(t) && is_potential(t))
            .collect()
    } else {
        Vec::new()
    };
    (main, potential)
}

/// `request data`, `LLM output`, … for a taint source kind.
pub fn source_phrase(kind: &str) -> String {
    match kind {
        "request" => "request data".into(),
        "llm-output" => "LLM output".into(),
        "retrieved" => "retrieved content".into(),
        "tool-input" => "tool input".into(),
        "dom" => "the page URL".into(),
        "secret" => "a secret".into(),
        "env" => "the environment".into(),
        "file" => "file contents".into(),
        other => format!("{} data", one_line(other)),
    }
}

/// Why breakwater is as sure as it says.
pub fn confidence_explanation(t: &Threat) -> String {
    if !t.confidence_reason.is_empty() {
        return one_line(&t.confidence_reason);
    }
    match t.confidence {
        Confidence::Confirmed => match &t.source {
            Some(src) => format!(
                "a path from {} to this call was found",
                source_phrase(&src.kind)
            ),
            None => "it is written literally in the code".into(),
        },
        Confidence::Likely => {
            "the pattern is there, but where its input comes from could not be traced".into()
        }
        Confidence::Potential => {
            "design level: it follows from the system model, not from a line of code".into()
        }
    }
}

/// The display name of a framework a fix is written for; `None` for `default`.
pub fn framework_name(name: &str) -> Option<String> {
    let known = match name {
        "" | "default" => return None,
        "flask" => "Flask",
        "django" => "Django",
        "fastapi" => "FastAPI",
        "express" => "Express",
        "nestjs" => "NestJS",
        "nextjs" | "next" => "Next.js",
        "koa" => "Koa",
        "fastify" => "Fastify",
        "hapi" => "hapi",
        "sqlalchemy" => "SQLAlchemy",
        "langchain" => "LangChain",
        "openai" => "OpenAI",
        "anthropic" => "Anthropic",
        "mcp" => "MCP",
        "docker" | "dockerfile" => "Docker",
        "compose" | "docker-compose" => "Docker Compose",
        "kubernetes" => "Kubernetes",
        other => {
            let mut cs = other.chars();
            return cs
                .next()
                .map(|c| one_line(&(c.to_uppercase().collect::<String>() + cs.as_str())));
        }
    };
    Some(known.to_string())
}

/// The first prose paragraph of a fix and its first fenced code block.
pub fn fix_parts(fix: &str) -> (String, Vec<String>) {
    let mut prose = String::new();
    let mut code = Vec::new();
    let mut in_code = false;
    let mut code_done = false;
    let mut prose_done = false;
    let mut fence = String::new();
    for line in fix.lines() {
        let trimmed = line.trim_start();
        if in_code {
            if trimmed.starts_with(fence.as_str())
                && trimmed
                    .trim_start_matches(fence.chars().next().unwrap_or('`'))
                    .trim()
                    .is_empty()
            {
                in_code = false;
                code_done = true;
            } else if !code_done {
                code.push(line.to_string());
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            let ch = trimmed.chars().next().unwrap_or('`');
            fence = trimmed.chars().take_while(|c| *c == ch).collect();
            in_code = true;
            if !prose.is_empty() {
                prose_done = true;
            }
            continue;
        }
        if trimmed.is_empty() {
            if !prose.is_empty() {
                prose_done = true;
            }
            continue;
        }
        if !prose_done {
            if !prose.is_empty() {
                prose.push(' ');
            }
            prose.push_str(trimmed);
        }
    }
    // Drop the block's common indentation (counted in characters, so no
    // slice can fall inside a multi-byte space).
    let indent = code
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.chars().take_while(|c| c.is_whitespace()).count())
        .min()
        .unwrap_or(0);
    let code = code
        .into_iter()
        .map(|l| {
            if l.trim().is_empty() {
                String::new()
            } else {
                l.chars().skip(indent).collect()
            }
        })
        .collect::<Vec<_>>();
    let mut code = code;
    while code.last().is_some_and(|l| l.trim().is_empty()) {
        code.pop();
    }
    (one_line(&prose), code)
}

/// The text of `loc` taken from the excerpt, when the excerpt covers it.
pub fn region_text(excerpt: &Excerpt, loc: &Location) -> Option<String> {
    if loc.start_line < excerpt.start_line || loc.end_line < loc.start_line {
        return None;
    }
    let first = (loc.start_line - excerpt.start_line) as usize;
    let last = (loc.end_line - excerpt.start_line) as usize;
    if last >= excerpt.lines.len() {
        return None;
    }
    let mut out = Vec::new();
    for (i, line) in excerpt.lines[first..=last].iter().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        let from = if i == 0 {
            (loc.start_col.max(1) - 1) as usize
        } else {
            0
        };
        let to = if first + i == last {
            (loc.end_col.max(1) - 1) as usize
        } else {
            chars.len()
        };
        let from = from.min(chars.len());
        let to = to.clamp(from, chars.len());
        out.push(chars[from..to].iter().collect::<String>());
    }
    let text = out.join("\n");
    if text.trim().is_empty() {
        None
    } else {
        Some(text)
    }
}

/// A short name for the sink of a flow: its code when the excerpt shows it
/// on one line, else `path:line`.
pub fn sink_label(t: &Threat) -> String {
    if t.location.start_line == t.location.end_line
        && let Some(text) = t.excerpt.as_ref().and_then(|e| region_text(e, &t.location))
    {
        let text = one_line(&text);
        if text.chars().count() <= 60 {
            return text;
        }
        return text.chars().take(59).collect::<String>() + "…";
    }
    format!("{}:{}", clean(&t.location.path), t.location.start_line)
}

/// `high (impact 4, likelihood 3)` and the reasons, if any.
pub fn severity_text(t: &Threat) -> String {
    let mut s = format!(
        "{} (impact {}, likelihood {})",
        t.severity.name(),
        t.impact,
        t.likelihood
    );
    if !t.reasons.is_empty() {
        let reasons: Vec<String> = t
            .reasons
            .iter()
            .map(|r| {
                let axis = one_line(&r.axis);
                if r.delta == 0 || axis.is_empty() {
                    one_line(&r.text)
                } else {
                    format!("{} ({:+} {})", one_line(&r.text), r.delta, axis)
                }
            })
            .collect();
        s.push_str(" because ");
        s.push_str(&reasons.join("; "));
    }
    s
}

/// `source -> step -> step -> sink`, when the threat has a flow.
pub fn flow_text(t: &Threat) -> Option<String> {
    if t.steps.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    if let Some(src) = &t.source {
        parts.push(one_line(&src.label));
    }
    parts.extend(t.steps.iter().map(|s| one_line(&s.label)));
    parts.push(sink_label(t));
    Some(parts.join(" -> "))
}

/// `app/db.py:12:5`, or the element the threat concerns when it has no file.
pub fn location_text(t: &Threat) -> String {
    if t.location.path.is_empty() {
        return clean(t.element.as_deref().unwrap_or(&t.symbol));
    }
    format!(
        "{}:{}:{}",
        bw_files::terminal_safe(&t.location.path),
        t.location.start_line,
        t.location.start_col
    )
}

/// Counts of what the model holds, for summaries.
pub struct ModelCounts {
    pub components: usize,
    pub entries: usize,
    pub auth_present: usize,
    pub auth_public: usize,
    pub auth_absent: usize,
    pub auth_unknown: usize,
    pub stores: usize,
    pub externals: usize,
    pub llms: usize,
    pub tools: usize,
    pub queues: usize,
    pub flows: usize,
    pub boundaries: usize,
}

impl ModelCounts {
    pub fn new(report: &Report) -> ModelCounts {
        use bw_model::{AuthState, ElementKind};
        let mut c = ModelCounts {
            components: 0,
            entries: 0,
            auth_present: 0,
            auth_public: 0,
            auth_absent: 0,
            auth_unknown: 0,
            stores: 0,
            externals: 0,
            llms: 0,
            tools: 0,
            queues: 0,
            flows: report.model.flows.len(),
            boundaries: report.model.boundaries.len(),
        };
        for e in &report.model.elements {
            match e.kind {
                ElementKind::Component => c.components += 1,
                ElementKind::EntryPoint => {
                    c.entries += 1;
                    if let Some(info) = &e.entry {
                        if info.kind.ends_with("-tool") {
                            c.tools += 1;
                        }
                        match info.auth {
                            AuthState::Present => c.auth_present += 1,
                            AuthState::Public => c.auth_public += 1,
                            AuthState::Absent => c.auth_absent += 1,
                            AuthState::Unknown => c.auth_unknown += 1,
                        }
                    } else {
                        c.auth_unknown += 1;
                    }
                }
                ElementKind::Store => c.stores += 1,
                ElementKind::External => c.externals += 1,
                ElementKind::LlmProvider => c.llms += 1,
                ElementKind::Queue => c.queues += 1,
                ElementKind::Actor => {}
            }
        }
        c
    }

    /// `1 component, 3 entry points (auth: 1 present, 1 absent, 1 unknown), …`
    pub fn describe(&self) -> String {
        let mut parts = vec![count(self.components, "component", "components")];
        let mut entry = count(self.entries, "entry point", "entry points");
        if self.entries > 0 {
            let auth: Vec<String> = [
                ("present", self.auth_present),
                ("public", self.auth_public),
                ("absent", self.auth_absent),
                ("unknown", self.auth_unknown),
            ]
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| format!("{n} {k}"))
            .collect();
            entry.push_str(&format!(" (auth: {})", auth.join(", ")));
        }
        parts.push(entry);
        parts.push(count(self.stores, "data store", "data stores"));
        parts.push(count(
            self.externals,
            "external service",
            "external services",
        ));
        parts.push(count(self.llms, "LLM provider", "LLM providers"));
        parts.push(count(self.tools, "agent tool", "agent tools"));
        if self.queues > 0 {
            parts.push(count(self.queues, "queue", "queues"));
        }
        parts.push(count(self.flows, "data flow", "data flows"));
        parts.push(count(self.boundaries, "trust boundary", "trust boundaries"));
        parts.join(", ")
    }
}

/// `3 test, 2 vendored, 1 too-large`: skipped files per reason, most first.
pub fn skipped_by_reason(report: &Report) -> Vec<(String, usize)> {
    let mut counts: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for s in &report.files.skipped {
        *counts.entry(one_line(&s.reason)).or_default() += 1;
    }
    let mut v: Vec<(String, usize)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// `Skipped 8 files: 3 test, 2 vendored, 1 too-large`, or `None` when
/// nothing was skipped. Every skip is counted here; the ones that leave
/// code unverified are also listed by file ([`Report::unanalysed`]).
pub fn skipped_line(report: &Report) -> Option<String> {
    if report.files.skipped.is_empty() {
        return None;
    }
    let reasons: Vec<String> = skipped_by_reason(report)
        .into_iter()
        .map(|(r, n)| format!("{n} {r}"))
        .collect();
    Some(format!(
        "Skipped {}: {}",
        count(report.files.skipped.len(), "file", "files"),
        reasons.join(", ")
    ))
}

/// How bad an unanalysed file is for a reader: `error` when it failed
/// (the scan is incomplete), `warning` when a gate counts it, `note` when
/// a decision accepts it.
pub fn unanalysed_level(report: &Report, u: &UnanalysedFile) -> &'static str {
    if !u.status.is_open() {
        "note"
    } else if report
        .files
        .skipped
        .iter()
        .any(|s| s.path == u.path && s.failed)
    {
        "error"
    } else {
        "warning"
    }
}

/// What an unanalysed file's state is, in one sentence: the decision that
/// accepts it, or why it counts and how to accept it.
pub fn unanalysed_state(u: &UnanalysedFile) -> String {
    match (u.status, &u.decision) {
        (Status::Open, _) => format!(
            "counts against --fail-on until a decision accepts it: {}",
            accept_command(&u.id)
        ),
        (s, _) if s.is_open() => format!(
            "{}; counts against --fail-on until accepted again: {}",
            one_line(u.status_reason.as_deref().unwrap_or(s.name())),
            accept_command(&u.id)
        ),
        (s, Some(d)) => {
            let who: Vec<&str> = [d.author.as_str(), d.date.as_str()]
                .into_iter()
                .filter(|x| !x.is_empty())
                .collect();
            let who = if who.is_empty() {
                String::new()
            } else {
                format!(" ({})", one_line(&who.join(", ")))
            };
            format!("{} by decision{who}: {}", s.name(), one_line(&d.reason))
        }
        (s, None) => s.name().to_string(),
    }
}

/// The command that records a decision accepting an unanalysed file.
pub fn accept_command(id: &str) -> String {
    format!(
        "breakwater triage '{}' --status accepted --reason \"…\"",
        one_line(id)
    )
}

/// The line a truncated file's first note points at (1 for skipped files).
pub fn unanalysed_line(report: &Report, u: &UnanalysedFile) -> u32 {
    report
        .files
        .truncated
        .iter()
        .find(|t| t.path == u.path)
        .and_then(|t| t.notes.first())
        .map_or(1, |n| n.line.max(1))
}

/// The name of an element, or its id when the model does not know it.
pub fn element_name(report: &Report, id: &str) -> String {
    match report.model.element(id) {
        Some(e) if !e.name.is_empty() && e.name != e.id => {
            format!("{} ({})", one_line(&e.name), one_line(id))
        }
        _ => one_line(id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_respects_widths() {
        let lines = wrap("aaa bbb ccc ddd eee", 7, 11);
        assert_eq!(lines, vec!["aaa bbb", "ccc ddd eee"]);
        assert_eq!(wrap("", 10, 10), vec![""]);
        assert_eq!(
            wrap("supercalifragilistic x", 5, 5),
            vec!["supercalifragilistic", "x"]
        );
    }

    #[test]
    fn clean_strips_escapes() {
        // Escapes are spelled out, visibly, never passed to the terminal.
        assert_eq!(clean("a\x1b[31mb\tc"), "a\\x1b[31mb c");
        let (chars, cols) = display_line("\tx");
        assert_eq!(chars.iter().collect::<String>(), "    x");
        assert_eq!(cols, vec![0, 4, 5]);
        let (chars, cols) = display_line("a\x1bb");
        assert_eq!(chars.iter().collect::<String>(), "a\\x1bb");
        assert_eq!(cols, vec![0, 1, 5, 6]);
    }

    #[test]
    fn fix_is_split_into_prose_and_code() {
        let fix = "Bind the value as a parameter;\nnever format it into SQL.\n\n```python\n    cur.execute(\"SELECT 1 WHERE a = %s\", (a,))\n```\n\nMore text.\n";
        let (prose, code) = fix_parts(fix);
        assert_eq!(
            prose,
            "Bind the value as a parameter; never format it into SQL."
        );
        assert_eq!(code, vec!["cur.execute(\"SELECT 1 WHERE a = %s\", (a,))"]);
        let (_, code) = fix_parts("x\n\n```\n  \u{3000}a\n\u{3000}b\n```");
        assert_eq!(code, vec![" \u{3000}a", "b"]);
        let (prose, code) = fix_parts("Just text.");
        assert_eq!(prose, "Just text.");
        assert!(code.is_empty());
    }

    #[test]
    fn region_text_slices_columns() {
        let ex = Excerpt {
            start_line: 10,
            lines: vec!["x = 1".into(), "    run(cmd)".into()],
        };
        let loc = Location {
            path: "a.py".into(),
            start_line: 11,
            start_col: 5,
            end_line: 11,
            end_col: 13,
        };
        assert_eq!(region_text(&ex, &loc).as_deref(), Some("run(cmd)"));
        let outside = Location {
            start_line: 30,
            end_line: 30,
            ..loc.clone()
        };
        assert_eq!(region_text(&ex, &outside), None);
        let bad = Location {
            start_col: 50,
            end_col: 2,
            ..loc
        };
        assert_eq!(region_text(&ex, &bad), None);
    }
}
