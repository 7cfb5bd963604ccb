//! Human output in the style of rustc and ruff, and the one-line-per-threat
//! compact form.
//!
//! ```text
//! high[sql-injection] SQL query built from untrusted input
//!   --> app/db.py:12:5
//!    |
//! 11 |     term = request.args.get("q")
//!    |            --------------------- source: request.args.get("q")
//! 12 |     db.execute(sql)
//!    |     ^^^^^^^^^^^^^^^ query built from request data is executed
//!    |
//!    = severity: high (impact 4, likelihood 3)
//! ```
//!
//! Prose is wrapped to the width the caller gives (never below
//! [`crate::MIN_WIDTH`]); code lines are not wrapped but windowed around
//! the marked columns when they are too long. Every piece of repository
//! text is cleaned of control characters before it is printed.

use crate::text::{self, Tally, clean, count, one_line, wrap};
use crate::{MIN_WIDTH, Renderer, TerminalOptions, is_open};
use bw_facts::Location;
use bw_threats::{Excerpt, Report, Severity, Status, Threat};
use std::io::{self, Write};

/// The default human output.
pub struct Terminal {
    opts: TerminalOptions,
}

impl Terminal {
    pub fn new(opts: TerminalOptions) -> Terminal {
        Terminal { opts }
    }
}

/// One line per threat, then the summary line.
pub struct Compact {
    opts: TerminalOptions,
}

impl Compact {
    pub fn new(opts: TerminalOptions) -> Compact {
        Compact { opts }
    }
}

/// ANSI styling that is a no-op when colour is off.
#[derive(Clone, Copy)]
struct Paint {
    color: bool,
}

const BOLD: &str = "1";
const GUTTER: &str = "1;34";
const SECONDARY: &str = "1;36";
const ERROR: &str = "1;31";
const WARNING: &str = "1;33";

impl Paint {
    fn paint(self, s: &str, code: &str) -> String {
        if self.color && !s.is_empty() {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn severity(self, s: &str, sev: Severity) -> String {
        self.paint(s, severity_code(sev))
    }
}

fn severity_code(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical => "1;35",
        Severity::High => "1;31",
        Severity::Medium => "1;33",
        Severity::Low => "1;32",
        Severity::Info => "1;34",
    }
}

/// Writes notes (`= label: text`) wrapped to the width.
struct Ctx<'a> {
    out: &'a mut dyn Write,
    paint: Paint,
    width: usize,
}

impl Ctx<'_> {
    fn line(&mut self, s: &str) -> io::Result<()> {
        writeln!(self.out, "{s}")
    }

    /// `   = label: text` with continuation lines indented under the label.
    fn note(&mut self, gutter: usize, label: &str, text: &str) -> io::Result<()> {
        let indent = gutter + 1;
        let head = format!("{label}: ");
        let first = self
            .width
            .saturating_sub(indent + 2 + head.chars().count())
            .max(10);
        let rest = self.width.saturating_sub(indent + 2).max(10);
        let lines = wrap(text, first, rest);
        let eq = self.paint.paint("=", GUTTER);
        let pad = " ".repeat(indent);
        for (i, l) in lines.iter().enumerate() {
            if i == 0 {
                writeln!(self.out, "{pad}{eq} {}{l}", self.paint.paint(&head, BOLD))?;
            } else {
                writeln!(self.out, "{pad}  {l}")?;
            }
        }
        Ok(())
    }

    /// Prose wrapped with a fixed indent (for sections after the threats).
    fn para(&mut self, first_prefix: &str, rest_indent: usize, text: &str) -> io::Result<()> {
        let first_len = first_prefix.chars().count();
        let lines = wrap(
            text,
            self.width.saturating_sub(first_len).max(10),
            self.width.saturating_sub(rest_indent).max(10),
        );
        for (i, l) in lines.iter().enumerate() {
            if i == 0 {
                writeln!(self.out, "{first_prefix}{l}")?;
            } else {
                writeln!(self.out, "{}{l}", " ".repeat(rest_indent))?;
            }
        }
        Ok(())
    }
}

impl Renderer for Terminal {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let paint = Paint {
            color: self.opts.color,
        };
        let mut cx = Ctx {
            out,
            paint,
            width: self.opts.width.max(MIN_WIDTH),
        };
        let (main, potential) = text::shown_threats(report, self.opts.include_potential);
        let tally = Tally::new(report, self.opts.include_potential);

        for t in &main {
            threat_block(&mut cx, t)?;
            cx.line("")?;
        }

        if !potential.is_empty() {
            cx.line(&paint.paint("Potential threats (design level)", BOLD))?;
            cx.line("")?;
            for t in &potential {
                threat_block(&mut cx, t)?;
                cx.line("")?;
            }
        } else if tally.potential_hidden > 0 {
            let n = tally.potential_hidden;
            let msg = format!(
                "{} (design level) {} hidden; pass --include-potential to show {}.",
                count(n, "potential threat", "potential threats"),
                if n == 1 { "is" } else { "are" },
                if n == 1 { "it" } else { "them" }
            );
            cx.para("", 0, &msg)?;
            cx.line("")?;
        }

        ignored_section(&mut cx, report)?;
        suggestions_section(&mut cx, report)?;
        questions_section(&mut cx, report)?;
        model_section(&mut cx, report, &self.opts.root_label)?;
        files_section(&mut cx, report)?;

        let summary = tally.summary_line(report.files.analysed, self.opts.elapsed);
        cx.line(&paint.paint(&summary, BOLD))
    }
}

impl Renderer for Compact {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let paint = Paint {
            color: self.opts.color,
        };
        let (main, potential) = text::shown_threats(report, self.opts.include_potential);
        for t in main.iter().chain(potential.iter()) {
            let head = paint.severity(
                &format!("{}[{}]", t.severity.name(), one_line(&t.rule)),
                t.severity,
            );
            writeln!(
                out,
                "{}: {head} {} ({}) [{}]",
                paint.paint(&text::location_text(t), BOLD),
                one_line(&t.title),
                t.confidence.name(),
                one_line(&t.id)
            )?;
        }
        // Nothing skipped silently: each file not fully analysed on a line
        // of its own (where, why, and whether a decision accepts it), then
        // every skip counted by reason.
        for u in &report.unanalysed {
            let level = text::unanalysed_level(report, u);
            writeln!(
                out,
                "{}: {} {} ({}) [{}]",
                paint.paint(
                    &format!("{}:{}", clean(&u.path), text::unanalysed_line(report, u)),
                    BOLD
                ),
                paint.paint(
                    &format!("{level}[{}]", one_line(&u.reason)),
                    level_code(level)
                ),
                one_line(&u.message),
                u.status.name(),
                one_line(&u.id)
            )?;
        }
        if let Some(line) = text::skipped_line(report) {
            writeln!(out, "{line}")?;
        }
        let tally = Tally::new(report, self.opts.include_potential);
        writeln!(
            out,
            "{}",
            paint.paint(
                &tally.summary_line(report.files.analysed, self.opts.elapsed),
                BOLD
            )
        )
    }
}

fn level_code(level: &str) -> &'static str {
    match level {
        "error" => ERROR,
        "warning" => WARNING,
        _ => BOLD,
    }
}

/// One threat: header, location, excerpt with markers, notes.
fn threat_block(cx: &mut Ctx<'_>, t: &Threat) -> io::Result<()> {
    let p = cx.paint;
    let head_text = format!("{}[{}]", t.severity.name(), one_line(&t.rule));
    let head = p.severity(&head_text, t.severity);
    let first = cx.width.saturating_sub(head_text.chars().count() + 1);
    let title = wrap(
        &one_line(&t.title),
        first.max(10),
        cx.width.saturating_sub(2).max(10),
    );
    if first < 12 || title.first().is_some_and(|l| l.chars().count() > first) {
        // No room beside a long rule id: the title goes below it.
        cx.line(&head)?;
        for l in wrap(
            &one_line(&t.title),
            cx.width.saturating_sub(2),
            cx.width.saturating_sub(2),
        ) {
            cx.line(&format!("  {}", p.paint(&l, BOLD)))?;
        }
    } else {
        for (i, l) in title.iter().enumerate() {
            if i == 0 {
                cx.line(&format!("{head} {}", p.paint(l, BOLD)))?;
            } else {
                cx.line(&format!("  {}", p.paint(l, BOLD)))?;
            }
        }
    }

    let excerpt = t
        .excerpt
        .as_ref()
        .filter(|e| !e.lines.is_empty() && !t.location.path.is_empty());
    let last_line = excerpt
        .map(|e| e.start_line as usize + e.lines.len().saturating_sub(1))
        .unwrap_or(0);
    let gutter = last_line.to_string().len().max(2);

    let arrow = p.paint("-->", GUTTER);
    cx.line(&format!(
        "{}{arrow} {}",
        " ".repeat(gutter),
        text::location_text(t)
    ))?;

    let mut source_shown = false;
    if let Some(ex) = excerpt {
        source_shown = excerpt_block(cx, t, ex, gutter)?;
    }
    if excerpt.is_none() && t.location.path.is_empty() {
        // Nothing more to point at.
    } else if excerpt.is_none()
        && let Some(el) = &t.element
    {
        cx.note(gutter, "element", &one_line(el))?;
    }

    cx.note(gutter, "severity", &text::severity_text(t))?;
    if let (Some(reason), true) = (
        &t.status_reason,
        t.status.is_open() && t.status != Status::Open,
    ) {
        cx.note(gutter, t.status.name(), &one_line(reason))?;
    }
    if t.baseline {
        cx.note(
            gutter,
            "baseline",
            "it existed when breakwater was adopted (.breakwater/baseline.toml): reported, not gated",
        )?;
    }
    cx.note(
        gutter,
        "confidence",
        &format!(
            "{} ({})",
            t.confidence.name(),
            text::confidence_explanation(t)
        ),
    )?;
    if let Some(src) = &t.source
        && !source_shown
    {
        let where_ = if src.location.path.is_empty() {
            String::new()
        } else {
            format!(
                "{}:{}: ",
                clean(&src.location.path),
                src.location.start_line
            )
        };
        cx.note(
            gutter,
            "source",
            &format!("{where_}{}", one_line(&src.label)),
        )?;
    }
    if let Some(flow) = text::flow_text(t) {
        cx.note(gutter, "flow", &flow)?;
    }
    if !t.attack.trim().is_empty() {
        cx.note(gutter, "attack", &one_line(&t.attack))?;
    }
    if !t.fix.trim().is_empty() {
        let (prose, code) = text::fix_parts(&t.fix);
        let label = match text::framework_name(&t.fix_for) {
            Some(fw) => format!("fix ({fw})"),
            None => "fix".to_string(),
        };
        cx.note(gutter, &label, &prose)?;
        let pad = " ".repeat(gutter + 3 + 4);
        for l in &code {
            let (chars, _) = text::display_line(l);
            let s: String = chars.into_iter().collect();
            let s = s.trim_end();
            if s.is_empty() {
                cx.line("")?;
            } else {
                cx.line(&format!("{pad}{s}"))?;
            }
        }
    }
    cx.note(gutter, "id", &one_line(&t.id))?;
    Ok(())
}

/// A marker under some columns of one line.
struct Mark {
    from: usize,
    to: usize,
    ch: char,
    label: String,
    code: &'static str,
}

/// The excerpt with a gutter and the markers. Returns whether the source
/// was marked in it.
fn excerpt_block(cx: &mut Ctx<'_>, t: &Threat, ex: &Excerpt, gutter: usize) -> io::Result<bool> {
    let p = cx.paint;
    let bar = p.paint("|", GUTTER);
    let blank = format!("{} {bar}", " ".repeat(gutter));
    cx.line(&blank)?;
    let avail = cx.width.saturating_sub(gutter + 3).max(20);
    let first = ex.start_line;
    let last = first.saturating_add((ex.lines.len() as u32).saturating_sub(1));
    let source_here = t.source.as_ref().filter(|s| {
        s.location.path == t.location.path
            && s.location.start_line >= first
            && s.location.start_line <= last
    });
    let mut source_marked = source_here.is_some();

    for (i, raw) in ex.lines.iter().enumerate() {
        let n = first.saturating_add(i as u32);
        let (chars, cols) = text::display_line(raw);
        let mut marks = Vec::new();
        if t.location.start_line == n {
            marks.push(mark_for(
                &t.location,
                n,
                &chars,
                &cols,
                '^',
                one_line(&t.message),
                severity_code(t.severity),
            ));
        }
        if let Some(src) = source_here
            && src.location.start_line == n
        {
            marks.push(mark_for(
                &src.location,
                n,
                &chars,
                &cols,
                '-',
                format!("source: {}", one_line(&src.label)),
                SECONDARY,
            ));
        }
        // Window long lines around all the marks if they fit together,
        // else around the primary one.
        let lo = marks.iter().map(|m| m.from).min();
        let hi = marks.iter().map(|m| m.to).max();
        let focus = match (lo, hi) {
            (Some(lo), Some(hi)) if hi - lo + 12 <= avail => Some((lo, hi)),
            _ => marks.first().map(|m| (m.from, m.to)),
        };
        let (start, shown, lead, tail) = window(&chars, focus, avail);
        let num = format!("{n:>gutter$}");
        let body: String = shown.iter().collect();
        let line = format!(
            "{} {bar} {}{}{}",
            p.paint(&num, GUTTER),
            if lead { "…" } else { "" },
            body,
            if tail { "…" } else { "" }
        );
        cx.line(line.trim_end())?;
        let offset = if lead { 1 } else { 0 };
        let visible_end = shown.len() + offset;
        for m in &marks {
            if m.from < start || m.from >= start + shown.len() {
                // Cut off by the window: a secondary mark becomes a note.
                if m.ch == '-' {
                    source_marked = false;
                }
                continue;
            }
            let from = (m.from.saturating_sub(start) + offset).min(visible_end);
            let to = (m.to.saturating_sub(start) + offset).min(visible_end);
            let len = to.saturating_sub(from).max(1);
            let marker = std::iter::repeat_n(m.ch, len).collect::<String>();
            let label_len = m.label.chars().count();
            let code_start = gutter + 3;
            if code_start + from + len + 1 + label_len <= cx.width {
                cx.line(&format!(
                    "{blank} {}{}",
                    " ".repeat(from),
                    p.paint(&format!("{marker} {}", m.label), m.code)
                ))?;
            } else {
                // The label goes under the marker, wrapped.
                cx.line(&format!(
                    "{blank} {}{}",
                    " ".repeat(from),
                    p.paint(&marker, m.code)
                ))?;
                let room = cx.width.saturating_sub(code_start);
                let indent = if room.saturating_sub(from) >= 30 {
                    from
                } else {
                    0
                };
                for l in wrap(&m.label, room - indent, room - indent) {
                    cx.line(&format!(
                        "{blank} {}{}",
                        " ".repeat(indent),
                        p.paint(&l, m.code)
                    ))?;
                }
            }
        }
    }
    cx.line(&blank)?;
    Ok(source_marked)
}

fn mark_for(
    loc: &Location,
    line: u32,
    chars: &[char],
    cols: &[usize],
    ch: char,
    label: String,
    code: &'static str,
) -> Mark {
    let ncols = cols.len().saturating_sub(1);
    let col = |c: u32| -> usize {
        let i = (c.max(1) - 1) as usize;
        cols.get(i.min(ncols)).copied().unwrap_or(chars.len())
    };
    let from = col(loc.start_col);
    let to = if loc.end_line == line && loc.end_col > loc.start_col {
        col(loc.end_col)
    } else {
        // Multi-line span: underline to the end of the first line.
        chars.len().max(from + 1)
    };
    Mark {
        from,
        to: to.max(from + 1),
        ch,
        label,
        code,
    }
}

/// The part of a line to show: (first display column, chars, cut before, cut after).
fn window(
    chars: &[char],
    focus: Option<(usize, usize)>,
    avail: usize,
) -> (usize, &[char], bool, bool) {
    if chars.len() <= avail {
        return (0, chars, false, false);
    }
    let (from, to) = focus.unwrap_or((0, 0));
    // Start at the beginning when the marks fit there, else a little
    // before them.
    let mut start = if to < avail || from + 10 < avail / 2 {
        0
    } else {
        from.saturating_sub(10)
    };
    // Leave room for the ellipses.
    let mut room = avail.saturating_sub(if start > 0 { 2 } else { 1 });
    if start + room > chars.len() {
        start = chars.len().saturating_sub(room);
        room = chars.len() - start;
    }
    let end = (start + room).min(chars.len());
    (start, &chars[start..end], start > 0, end < chars.len())
}

fn ignored_section(cx: &mut Ctx<'_>, report: &Report) -> io::Result<()> {
    let p = cx.paint;
    let silenced: Vec<&Threat> = report.threats.iter().filter(|t| !is_open(t)).collect();
    let unexplained: Vec<_> = report
        .ignores
        .iter()
        .filter(|ig| ig.reason.trim().is_empty())
        .collect();
    decisions_section(cx, report)?;
    if silenced.is_empty() && unexplained.is_empty() {
        return Ok(());
    }
    let heading = if silenced.iter().any(|t| t.status.is_decided()) {
        "Decided, suppressed or ignored"
    } else {
        "Ignored"
    };
    cx.line(&p.paint(&format!("{heading} ({})", silenced.len()), BOLD))?;
    for t in &silenced {
        let how = crate::closed_how(t);
        let reason = t
            .status_reason
            .as_deref()
            .map(one_line)
            .filter(|r| !r.is_empty());
        let text = match reason {
            Some(r) => format!("{how}: {r}"),
            None => how.to_string(),
        };
        cx.line(&format!("  {}", one_line(&t.id)))?;
        cx.para("      ", 6, &format!("{}: {text}", text::location_text(t)))?;
    }
    for ig in &unexplained {
        let msg = format!(
            "{}:{}: `breakwater: ignore[{}]` has no reason, so it silences nothing; add one after the brackets",
            clean(&ig.location.path),
            ig.location.start_line,
            one_line(&ig.rules.join(","))
        );
        cx.para(&format!("  {}: ", p.paint("warning", "1;33")), 4, &msg)?;
    }
    cx.line("")
}

/// Decisions that match no threat: orphaned (the code was fixed) and
/// unverified (the file could not be analysed, so nothing is known).
fn decisions_section(cx: &mut Ctx<'_>, report: &Report) -> io::Result<()> {
    repinned_section(cx, report)?;
    if report.decisions.is_empty() {
        return Ok(());
    }
    let p = cx.paint;
    cx.line(&p.paint(
        &format!("Decisions without a threat ({})", report.decisions.len()),
        BOLD,
    ))?;
    for d in &report.decisions {
        cx.line(&format!("  {}", one_line(&d.key)))?;
        cx.para(
            "      ",
            6,
            &format!("{} ({}): {}", d.state, d.status, one_line(&d.note)),
        )?;
    }
    cx.line("")
}

/// Decisions the previous analysis core pinned, which still hold: the
/// code under them is the same, the new analysis describes it otherwise.
fn repinned_section(cx: &mut Ctx<'_>, report: &Report) -> io::Result<()> {
    let keys: Vec<&str> = report
        .threats
        .iter()
        .filter_map(|t| t.decision.as_ref())
        .filter(|d| d.repinned)
        .map(|d| d.key.as_str())
        .collect();
    if keys.is_empty() {
        return Ok(());
    }
    let p = cx.paint;
    cx.line(&p.paint(
        &format!("Decisions pinned by the previous analysis ({})", keys.len()),
        BOLD,
    ))?;
    for k in &keys {
        cx.line(&format!("  {}", one_line(k)))?;
    }
    cx.para(
        "  ",
        2,
        "= they hold: the code under them has not changed, the new analysis core only describes the same threat with other steps; record their new pins once: breakwater triage --repin",
    )?;
    cx.line("")
}

/// AI suggestions awaiting triage: labelled as such, apart from the threats.
fn suggestions_section(cx: &mut Ctx<'_>, report: &Report) -> io::Result<()> {
    if report.suggestions.is_empty() {
        return Ok(());
    }
    let p = cx.paint;
    cx.line(&p.paint(
        &format!(
            "AI suggestions awaiting triage ({}): not threats until a person accepts them",
            report.suggestions.len()
        ),
        BOLD,
    ))?;
    for s in &report.suggestions {
        let what = match (&s.severity, &s.threat) {
            (Some(sev), _) => format!("{} {}", sev.name(), s.stride),
            (None, Some(t)) => format!("mitigation for {t}"),
            (None, None) => s.kind.clone(),
        };
        cx.line(&format!(
            "  {} [{}, {}] {}",
            one_line(&s.id),
            what,
            s.verification,
            one_line(&s.title)
        ))?;
        cx.para(
            "      ",
            6,
            &format!(
                "--> {}:{} (proposed by {})",
                one_line(&s.location.path),
                s.location.start_line,
                one_line(&s.proposed_by)
            ),
        )?;
    }
    cx.para(
        "  ",
        2,
        "= decide: breakwater ai accept ID, or breakwater ai reject ID --reason \"…\"",
    )?;
    cx.line("")
}

fn questions_section(cx: &mut Ctx<'_>, report: &Report) -> io::Result<()> {
    if report.questions.is_empty() {
        return Ok(());
    }
    let p = cx.paint;
    cx.line(&p.paint("Questions for the team", BOLD))?;
    for q in &report.questions {
        let text = format!(
            "{}: {}",
            text::element_name(report, &q.element),
            one_line(&q.question)
        );
        cx.para("  - ", 4, &text)?;
    }
    cx.line("")
}

fn model_section(cx: &mut Ctx<'_>, report: &Report, root_label: &str) -> io::Result<()> {
    let p = cx.paint;
    let name = if report.model.name.trim().is_empty() {
        one_line(root_label)
    } else {
        one_line(&report.model.name)
    };
    let mut heading = format!("System model: {name}");
    if !root_label.is_empty() && one_line(root_label) != name {
        heading.push_str(&format!(" ({})", one_line(root_label)));
    }
    cx.line(&p.paint(&heading, BOLD))?;
    cx.para("  ", 2, &text::ModelCounts::new(report).describe())?;
    cx.line("")
}

fn files_section(cx: &mut Ctx<'_>, report: &Report) -> io::Result<()> {
    let p = cx.paint;
    let files = &report.files;
    let mut wrote = false;
    if let Some(line) = text::skipped_line(report) {
        cx.para("", 2, &line)?;
        wrote = true;
    }
    if !report.unanalysed.is_empty() {
        cx.para(
            "",
            2,
            &format!(
                "Not fully analysed ({}): a flow through them may be missing",
                count(report.unanalysed.len(), "file", "files")
            ),
        )?;
        for u in &report.unanalysed {
            let level = text::unanalysed_level(report, u);
            let msg = format!("{}: {}", clean(&u.path), one_line(&u.message));
            cx.para(
                &format!("  {}: ", p.paint(level, level_code(level))),
                4,
                &msg,
            )?;
            cx.para("      = ", 8, &text::unanalysed_state(u))?;
        }
        wrote = true;
    }
    if !files.partial.is_empty() {
        let list: Vec<String> = files.partial.iter().map(|s| clean(s)).collect();
        cx.para(
            "",
            2,
            &format!(
                "Parsed with syntax errors (facts come from the partial tree): {}",
                list.join(", ")
            ),
        )?;
        wrote = true;
    }
    if wrote {
        cx.line("")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_keeps_short_lines_and_focuses_long_ones() {
        let short: Vec<char> = "abc".chars().collect();
        assert_eq!(window(&short, None, 10), (0, &short[..], false, false));
        let long: Vec<char> = (0..100)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        let (start, shown, lead, tail) = window(&long, Some((80, 85)), 30);
        assert!(start > 0 && start <= 80 && lead && tail);
        assert!(shown.len() + 2 <= 30);
        let (start, shown, lead, tail) = window(&long, Some((98, 100)), 30);
        assert!(lead && !tail && start + shown.len() == 100);
    }
}
