//! Every claim is checked by this code, not by the model, before it can
//! enter the model file.
//!
//! An item is admitted only when: its shape is exactly the one asked for
//! (an unknown field such as `status` or `decision` rejects it); the cited
//! file is inside the tree, listed (no links, nothing ignored) and not
//! excluded; the quote, whitespace-normalised, is within 3 lines of the
//! cited ones and proves something (a full statement, or 20 non-blank
//! characters); a cited element or threat exists; the STRIDE category and
//! every CWE id are valid; it is not a duplicate of a known threat, an
//! earlier suggestion (rejected ones included) or another item of the run.
//! Where a deterministic check exists (a flow claim about a sink: "this
//! input reaches this SQL call") the flow analysis decides *confirmed* or
//! *unconfirmed*.

use crate::context::Corpus;
use bw_facts::{FileFacts, FlowState, Subject};
use bw_model::modelfile::{STRIDE_CATEGORIES, Suggestion};
use bw_threats::Report;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Lines a quote may sit away from the cited ones.
pub const SLACK: u32 = 3;
/// Non-blank characters a quote needs unless it is a full statement.
pub const MIN_QUOTE_CHARS: usize = 20;
/// Items one answer may hold.
pub const MAX_ITEMS: usize = 50;
const MAX_TITLE: usize = 200;
const MAX_TEXT: usize = 4000;
const MAX_QUOTE: usize = 2000;
const MAX_SPAN: u32 = 200;

/// The CWE ids breakwater knows: the shipped list plus every rule's.
pub fn known_cwes(rules: &bw_threats::RuleSet) -> BTreeSet<u32> {
    let mut set: BTreeSet<u32> = include_str!("../data/cwe.txt")
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .flat_map(|l| l.split([',', ' ']).map(str::trim).filter(|x| !x.is_empty()))
        .filter_map(|x| x.parse().ok())
        .collect();
    for r in &rules.rules {
        set.extend(r.cwe.iter().copied());
    }
    set
}

/// The sink kinds a CWE's flow claim can be checked against.
pub fn sink_kinds(cwe: u32) -> &'static [&'static str] {
    match cwe {
        89 | 564 => &["sql"],
        943 => &["nosql"],
        77 | 78 | 88 => &["exec"],
        94 | 95 => &["eval"],
        502 => &["deserialize"],
        22 | 23 | 36 | 73 => &["path"],
        1336 | 917 => &["template"],
        79 | 80 => &["html", "template"],
        601 => &["redirect"],
        918 => &["ssrf"],
        1427 => &["prompt"],
        643 => &["xpath"],
        90 => &["ldap"],
        93 | 113 => &["header"],
        117 => &["log"],
        1333 => &["regex"],
        1321 | 915 => &["merge"],
        _ => &[],
    }
}

/// Collapse whitespace runs to one space, trim.
pub fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A quote may carry the prompt's line-number gutter (`  12 | code`): drop it.
fn strip_gutter(quote: &str) -> String {
    quote
        .lines()
        .map(|l| {
            let t = l.trim_start();
            match t.split_once(" | ") {
                Some((n, rest)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => rest,
                _ => l,
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn identifiers(s: &str) -> usize {
    s.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| {
            w.len() >= 2
                && w.chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_')
        })
        .count()
}

/// Where a quote was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub start_line: u32,
    pub end_line: u32,
}

/// Find `quote` within `SLACK` lines of `start..=end`; check it proves something.
pub fn check_quote(lines: &[String], start: u32, end: u32, quote: &str) -> Result<Found, String> {
    let q = normalise(&strip_gutter(quote));
    if q.is_empty() {
        return Err("no quote: an item must quote the code it cites".into());
    }
    let first = start.saturating_sub(SLACK).max(1);
    let last = (end + SLACK).min(lines.len() as u32);
    if first > last {
        return Err(format!(
            "lines {start}-{end} are past the end of the file ({} lines)",
            lines.len()
        ));
    }
    // Try every start line in the window; the quote must begin on it.
    for s in first..=last {
        let head = normalise(&lines[s as usize - 1]);
        if head.is_empty() {
            continue;
        }
        let mut acc = head.clone();
        let mut e = s;
        loop {
            if let Some(pos) = acc.find(&q).filter(|p| *p < head.len()) {
                let non_blank = q.chars().filter(|c| !c.is_whitespace()).count();
                let whole_lines = pos == 0 && acc.len() == q.len();
                let statement = whole_lines && non_blank >= 6 && identifiers(&q) >= 2;
                if non_blank < MIN_QUOTE_CHARS && !statement {
                    return Err(format!(
                        "the quote `{q}` proves nothing: quote at least one full statement or {MIN_QUOTE_CHARS} non-blank characters"
                    ));
                }
                return Ok(Found {
                    start_line: s,
                    end_line: e,
                });
            }
            if acc.len() > head.len() + q.len() || e >= last {
                break;
            }
            e += 1;
            let piece = normalise(&lines[e as usize - 1]);
            if !piece.is_empty() {
                acc.push(' ');
                acc.push_str(&piece);
            }
        }
    }
    Err(format!(
        "the quote is not in lines {first}-{last} (the cited {start}-{end} ± {SLACK})"
    ))
}

/// What the checks know.
pub struct Known<'a> {
    pub report: &'a Report,
    pub facts: &'a [FileFacts],
    /// Suggestions already in the model file, excluding this run's own.
    pub suggestions: &'a BTreeMap<String, Suggestion>,
    pub cwes: &'a BTreeSet<u32>,
    /// Threat ids that are this run's own accepted suggestions (not duplicates of themselves).
    pub own_ids: &'a BTreeSet<String>,
    /// review-diff: the changed line ranges per file; items must cite one.
    pub changed: Option<&'a BTreeMap<String, Vec<(u32, u32)>>>,
}

/// A verified item, ready to be stored (provenance is filled by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admitted {
    pub id: String,
    pub suggestion: Suggestion,
}

/// An item that did not pass, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rejection {
    pub index: usize,
    pub title: String,
    pub path: String,
    pub reason: String,
}

const ITEM_KEYS: &[&str] = &[
    "kind",
    "title",
    "stride",
    "cwe",
    "impact",
    "likelihood",
    "element",
    "threat",
    "path",
    "start_line",
    "end_line",
    "quote",
    "rationale",
    "mitigation",
];

/// Strip a Markdown code fence around a whole answer, if there is one.
pub fn unfence(content: &str) -> &str {
    let t = content.trim();
    if let Some(rest) = t.strip_prefix("```") {
        let rest = rest.split_once('\n').map_or("", |(_, r)| r);
        if let Some(body) = rest.trim_end().strip_suffix("```") {
            return body.trim();
        }
    }
    t
}

/// Parse an answer's JSON object; the error says what was wrong.
pub fn parse_object(content: &str) -> Result<Map<String, Value>, String> {
    match serde_json::from_str::<Value>(unfence(content)) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err("the answer is JSON but not an object".into()),
        Err(e) => Err(format!(
            "the answer is not valid JSON ({e}); nothing from it was admitted"
        )),
    }
}

fn text_field(
    o: &Map<String, Value>,
    key: &str,
    max: usize,
    required: bool,
) -> Result<String, String> {
    match o.get(key) {
        None | Some(Value::Null) if !required => Ok(String::new()),
        None | Some(Value::Null) => Err(format!("`{key}` is missing")),
        Some(Value::String(s)) if s.chars().count() > max => {
            Err(format!("`{key}` is longer than {max} characters"))
        }
        Some(Value::String(s)) if required && s.trim().is_empty() => {
            Err(format!("`{key}` is empty"))
        }
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(format!("`{key}` is not a string")),
    }
}

fn line_field(o: &Map<String, Value>, key: &str) -> Result<u32, String> {
    match o.get(key).and_then(Value::as_u64) {
        Some(n) if (1..=10_000_000).contains(&n) => Ok(n as u32),
        _ => Err(format!(
            "`{key}` is not a line number (a whole number from 1)"
        )),
    }
}

fn cwe_field(o: &Map<String, Value>) -> Result<Vec<u32>, String> {
    let Some(v) = o.get("cwe") else {
        return Ok(vec![]);
    };
    let list = match v {
        Value::Null => return Ok(vec![]),
        Value::Array(a) => a.clone(),
        single => vec![single.clone()],
    };
    let mut out = vec![];
    for x in list.iter().take(10) {
        let n = match x {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s
                .trim()
                .trim_start_matches("CWE-")
                .trim_start_matches("cwe-")
                .parse()
                .ok(),
            _ => None,
        };
        match n {
            Some(n) if n > 0 && n < 100_000 => out.push(n as u32),
            _ => return Err(format!("`cwe` has `{x}`, which is not a CWE id")),
        }
    }
    if list.len() > 10 {
        return Err("`cwe` lists more than 10 ids".into());
    }
    out.dedup();
    Ok(out)
}

/// The stable id of a suggestion: what it claims and where, not its wording.
pub fn suggestion_id(x: &Suggestion) -> String {
    let mut cwe = x.cwe.clone();
    cwe.sort();
    let key = format!(
        "{}\n{}\n{}\n{}\n{}\n{:?}\n{}",
        x.kind,
        x.path,
        x.start_line,
        normalise(&x.quote),
        x.stride,
        cwe,
        x.threat.as_deref().unwrap_or("")
    );
    let d = crate::context::sha256(key.as_bytes());
    format!("ai:{}", &d["sha256:".len().."sha256:".len() + 10])
}

fn words(s: &str) -> BTreeSet<String> {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2)
        .map(String::from)
        .collect()
}

/// Jaccard similarity of two titles' words.
pub fn similar(a: &str, b: &str) -> f64 {
    let (x, y) = (words(a), words(b));
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    x.intersection(&y).count() as f64 / x.union(&y).count() as f64
}

fn overlaps(a: (u32, u32), b: (u32, u32)) -> bool {
    a.0 <= b.1 + SLACK && b.0 <= a.1 + SLACK
}

/// Same claim as `other`: same place and CWE, or same element, STRIDE and a similar title.
fn same_claim(
    x: &Suggestion,
    path: &str,
    lines: (u32, u32),
    cwe: &[u32],
    element: Option<&str>,
    stride: &str,
    title: &str,
) -> bool {
    let place = x.path == path && overlaps((x.start_line, x.end_line), lines);
    (place
        && (x.cwe.iter().any(|c| cwe.contains(c))
            || (x.stride == stride && similar(&x.title, title) >= 0.5)))
        || (x.element.is_some()
            && x.element.as_deref() == element
            && x.stride == stride
            && similar(&x.title, title) >= 0.5)
}

/// Verify one answer's items; returns the admitted ones and the rejections.
/// `accepted_so_far` carries items admitted from earlier answers of the run.
pub fn verify_items(
    answer: &Map<String, Value>,
    corpus: &Corpus<'_>,
    known: &Known<'_>,
    accepted_so_far: &[Admitted],
    notes: &mut Vec<String>,
) -> (Vec<Admitted>, Vec<Rejection>) {
    for key in answer.keys().filter(|k| *k != "items") {
        notes.push(format!(
            "ignored `{key}` in the answer: only `items` is read (an AI cannot record decisions or statuses)"
        ));
    }
    let items = match answer.get("items") {
        Some(Value::Array(a)) => a.clone(),
        _ => {
            notes.push("the answer has no `items` list; nothing from it was admitted".into());
            return (vec![], vec![]);
        }
    };
    let mut admitted: Vec<Admitted> = vec![];
    let mut rejected = vec![];
    for (index, item) in items.iter().enumerate() {
        let title_of = |v: &Value| {
            v.get("title")
                .and_then(Value::as_str)
                .unwrap_or("")
                .chars()
                .take(120)
                .collect::<String>()
        };
        let path_of = |v: &Value| {
            v.get("path")
                .and_then(Value::as_str)
                .unwrap_or("")
                .chars()
                .take(200)
                .collect::<String>()
        };
        if index >= MAX_ITEMS {
            rejected.push(Rejection {
                index,
                title: title_of(item),
                path: path_of(item),
                reason: format!("over the {MAX_ITEMS} items an answer may hold"),
            });
            continue;
        }
        let all: Vec<&Admitted> = accepted_so_far.iter().chain(admitted.iter()).collect();
        match verify_item(item, corpus, known, &all) {
            Ok(a) => admitted.push(a),
            Err(reason) => rejected.push(Rejection {
                index,
                title: title_of(item),
                path: path_of(item),
                reason,
            }),
        }
    }
    (admitted, rejected)
}

fn verify_item(
    item: &Value,
    corpus: &Corpus<'_>,
    known: &Known<'_>,
    earlier: &[&Admitted],
) -> Result<Admitted, String> {
    let o = item.as_object().ok_or("the item is not a JSON object")?;
    if let Some(k) = o.keys().find(|k| !ITEM_KEYS.contains(&k.as_str())) {
        return Err(format!(
            "unknown field `{k}` (items may not carry statuses, decisions or anything else not asked for)"
        ));
    }
    let kind = text_field(o, "kind", 20, true)?;
    if kind != "threat" && kind != "mitigation" {
        return Err(format!("kind `{kind}` is not `threat` or `mitigation`"));
    }
    let title = text_field(o, "title", MAX_TITLE, true)?;
    let rationale = text_field(o, "rationale", MAX_TEXT, true)?;
    let mitigation = text_field(o, "mitigation", MAX_TEXT, kind == "mitigation")?;
    let quote = text_field(o, "quote", MAX_QUOTE, true)?;
    let path = text_field(o, "path", 1000, true)?;
    let start = line_field(o, "start_line")?;
    let end = match o.get("end_line") {
        None | Some(Value::Null) => start,
        _ => line_field(o, "end_line")?,
    };
    if end < start || end - start > MAX_SPAN {
        return Err(format!(
            "lines {start}-{end} are not a range of at most {MAX_SPAN} lines"
        ));
    }
    let element = text_field(o, "element", 500, false)?;
    let threat = text_field(o, "threat", 500, false)?;
    let cwe = cwe_field(o)?;
    let mut checks = vec![];
    let (stride, impact, likelihood) = if kind == "threat" {
        let stride = text_field(o, "stride", 40, true)?
            .to_ascii_lowercase()
            .replace([' ', '_'], "-");
        if !STRIDE_CATEGORIES.contains(&stride.as_str()) {
            return Err(format!(
                "stride `{stride}` is not one of {}",
                STRIDE_CATEGORIES.join(", ")
            ));
        }
        let score = |key: &str| -> Result<u8, String> {
            match o.get(key).and_then(Value::as_u64) {
                Some(n @ 1..=4) => Ok(n as u8),
                _ => Err(format!("`{key}` is not a whole number from 1 to 4")),
            }
        };
        if cwe.is_empty() {
            return Err("a threat names at least one CWE id".into());
        }
        (stride, score("impact")?, score("likelihood")?)
    } else {
        (String::new(), 0, 0)
    };
    // The file and the quote.
    let lines = corpus.lines(&path)?;
    let found = check_quote(&lines, start, end, &quote)?;
    checks.push(format!(
        "quote found in {path} at lines {}-{} (cited {start}-{end})",
        found.start_line, found.end_line
    ));
    if let Some(changed) = known.changed {
        let hit = changed.get(&path).is_some_and(|r| {
            r.iter()
                .any(|&h| overlaps(h, (found.start_line, found.end_line)))
        });
        if !hit {
            return Err(format!(
                "{path}:{start}-{end} is not in a part the change touched (review-diff items cite changed lines)"
            ));
        }
        checks.push("the cited lines are part of the change".into());
    }
    // Elements, threats, CWE.
    let element = if element.trim().is_empty() {
        None
    } else {
        if known.report.model.element(&element).is_none() {
            return Err(format!("element `{element}` does not exist in the model"));
        }
        checks.push(format!("element {element} exists"));
        Some(element)
    };
    let threat = if threat.trim().is_empty() {
        if kind == "mitigation" {
            return Err("a mitigation names the known threat it mitigates (`threat`)".into());
        }
        None
    } else {
        let exists = known.report.threats.iter().any(|t| t.id == threat)
            || known
                .suggestions
                .get(&threat)
                .is_some_and(|s| s.state == "accepted");
        if !exists {
            return Err(format!("threat `{threat}` is not a known threat"));
        }
        checks.push(format!("threat {threat} exists"));
        Some(threat)
    };
    if let Some(c) = cwe.iter().find(|c| !known.cwes.contains(c)) {
        return Err(format!("CWE-{c} is not a known CWE id"));
    }
    if !cwe.is_empty() {
        let list: Vec<String> = cwe.iter().map(|c| format!("CWE-{c}")).collect();
        checks.push(format!("{} known", list.join(", ")));
    }
    let span = (found.start_line.min(start), found.end_line.max(end));
    let mut x = Suggestion {
        state: "suggested".into(),
        kind: kind.clone(),
        title: title.trim().to_string(),
        stride: stride.clone(),
        cwe: cwe.clone(),
        impact,
        likelihood,
        element: element.clone(),
        threat: threat.clone(),
        path: path.clone(),
        start_line: start,
        end_line: end,
        quote: quote.trim().to_string(),
        rationale: rationale.trim().to_string(),
        mitigation: mitigation.trim().to_string(),
        verification: "unconfirmed".into(),
        ..Default::default()
    };
    let id = suggestion_id(&x);
    // Duplicates.
    if kind == "threat" {
        for t in &known.report.threats {
            if known.own_ids.contains(&t.id) {
                continue;
            }
            let place = t.location.path == path
                && overlaps((t.location.start_line, t.location.end_line), span);
            let same_sink = t
                .cwe
                .iter()
                .flat_map(|c| sink_kinds(*c))
                .any(|k| cwe.iter().any(|c| sink_kinds(*c).contains(k)));
            let same = (place
                && (same_sink
                    || t.cwe.iter().any(|c| cwe.contains(c))
                    || (t.stride == stride && similar(&t.title, &title) >= 0.5)))
                || (element.is_some()
                    && t.element == element
                    && t.stride == stride
                    && similar(&t.title, &title) >= 0.5);
            if same {
                return Err(format!("duplicate of the known threat {}", t.id));
            }
        }
    } else if let Some(th) = &threat {
        for s in known
            .suggestions
            .values()
            .chain(earlier.iter().map(|a| &a.suggestion))
        {
            if s.kind == "mitigation"
                && s.threat.as_ref() == Some(th)
                && s.path == path
                && overlaps((s.start_line, s.end_line), span)
            {
                return Err(format!("duplicate of an earlier mitigation for {th}"));
            }
        }
    }
    for (sid, s) in known.suggestions {
        if *sid == id
            || (kind == "threat"
                && s.kind == "threat"
                && same_claim(s, &path, span, &cwe, element.as_deref(), &stride, &title))
        {
            return Err(match s.state.as_str() {
                "rejected" => format!(
                    "duplicate of {sid}, which a person rejected{}: {}",
                    if s.triaged_by.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", s.triaged_by)
                    },
                    s.triage_reason
                ),
                state => format!("duplicate of the earlier suggestion {sid} ({state})"),
            });
        }
    }
    for a in earlier {
        if a.id == id
            || (kind == "threat"
                && a.suggestion.kind == "threat"
                && same_claim(
                    &a.suggestion,
                    &path,
                    span,
                    &cwe,
                    element.as_deref(),
                    &stride,
                    &title,
                ))
        {
            return Err(format!("duplicate of {} in this run", a.id));
        }
    }
    checks.push(format!(
        "no duplicate among {} known threats and {} earlier suggestions",
        known.report.threats.len(),
        known.suggestions.len() + earlier.len()
    ));
    // The deterministic check, where there is one.
    let (verification, note) = flow_check(known.facts, &path, span, &cwe);
    x.verification = verification.into();
    checks.push(note);
    x.checks = checks;
    Ok(Admitted { id, suggestion: x })
}

/// A flow claim about a sink: the flow analysis at the cited lines.
fn flow_check(
    facts: &[FileFacts],
    path: &str,
    span: (u32, u32),
    cwe: &[u32],
) -> (&'static str, String) {
    let kinds: BTreeSet<&str> = cwe
        .iter()
        .flat_map(|c| sink_kinds(*c).iter().copied())
        .collect();
    if kinds.is_empty() {
        return (
            "unconfirmed",
            "no deterministic check exists for this claim (not a data-flow claim about a sink)"
                .into(),
        );
    }
    let list = kinds.iter().copied().collect::<Vec<_>>().join("/");
    let sinks: Vec<_> = facts
        .iter()
        .filter(|f| f.path == path)
        .flat_map(|f| f.facts.iter())
        .filter(|f| {
            f.subject == Subject::Sink
                && kinds.contains(f.kind.as_str())
                && overlaps(
                    (f.evidence.location.start_line, f.evidence.location.end_line),
                    span,
                )
        })
        .collect();
    if let Some(s) = sinks.iter().find(|s| {
        s.flow
            .as_ref()
            .is_some_and(|f| f.state == FlowState::Tainted)
    }) {
        let src = s
            .flow
            .as_ref()
            .and_then(|f| f.source.as_ref())
            .map(|src| {
                format!(
                    "{} data from `{}` at {}:{}",
                    src.kind, src.label, src.location.path, src.location.start_line
                )
            })
            .unwrap_or_else(|| "outside data".into());
        return (
            "confirmed",
            format!(
                "flow analysis: {src} reaches the {} sink at {path}:{}",
                s.kind, s.evidence.location.start_line
            ),
        );
    }
    match sinks.first() {
        Some(s) => {
            let state = s
                .flow
                .as_ref()
                .map(|f| {
                    serde_json::to_value(f.state)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from))
                        .unwrap_or_default()
                })
                .unwrap_or_else(|| "unknown".into());
            (
                "unconfirmed",
                format!(
                    "flow analysis: the {} sink at {path}:{} is not shown to receive outside data (flow: {state})",
                    s.kind, s.evidence.location.start_line
                ),
            )
        }
        None => (
            "unconfirmed",
            format!("flow analysis: no {list} sink at the cited lines"),
        ),
    }
}

/// A verified change an explanation proposes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProposedChange {
    pub path: String,
    pub start_line: u32,
    pub end_line: u32,
    pub quote: String,
    pub replacement: String,
}

/// A verified explanation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Explanation {
    pub threat: String,
    pub explanation: String,
    pub fix: String,
    pub changes: Vec<ProposedChange>,
    pub checks: Vec<String>,
}

/// Verify an explanation: exactly the asked shape, and every change it
/// proposes cites code that is there. One bad change rejects the whole answer.
pub fn verify_explanation(
    answer: &Map<String, Value>,
    threat: &str,
    corpus: &Corpus<'_>,
) -> Result<Explanation, String> {
    const KEYS: &[&str] = &["explanation", "fix", "changes"];
    if let Some(k) = answer.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(format!(
            "unknown field `{k}` in the answer (only explanation, fix and changes are read)"
        ));
    }
    let explanation = text_field(answer, "explanation", 3 * MAX_TEXT, true)?;
    let fix = text_field(answer, "fix", 3 * MAX_TEXT, false)?;
    let changes = match answer.get("changes") {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(a)) if a.len() <= 20 => a.clone(),
        Some(Value::Array(_)) => return Err("more than 20 changes".into()),
        Some(_) => return Err("`changes` is not a list".into()),
    };
    let mut out = vec![];
    let mut checks = vec![];
    for (i, c) in changes.iter().enumerate() {
        let o = c
            .as_object()
            .ok_or(format!("change {} is not an object", i + 1))?;
        if let Some(k) = o.keys().find(|k| {
            !["path", "start_line", "end_line", "quote", "replacement"].contains(&k.as_str())
        }) {
            return Err(format!("change {}: unknown field `{k}`", i + 1));
        }
        let path =
            text_field(o, "path", 1000, true).map_err(|e| format!("change {}: {e}", i + 1))?;
        let start = line_field(o, "start_line").map_err(|e| format!("change {}: {e}", i + 1))?;
        let end = match o.get("end_line") {
            None | Some(Value::Null) => start,
            _ => line_field(o, "end_line").map_err(|e| format!("change {}: {e}", i + 1))?,
        };
        if end < start || end - start > MAX_SPAN {
            return Err(format!(
                "change {}: lines {start}-{end} are not a range",
                i + 1
            ));
        }
        let quote = text_field(o, "quote", MAX_QUOTE, true)
            .map_err(|e| format!("change {}: {e}", i + 1))?;
        let replacement = text_field(o, "replacement", MAX_TEXT, false)
            .map_err(|e| format!("change {}: {e}", i + 1))?;
        let lines = corpus
            .lines(&path)
            .map_err(|e| format!("change {}: {e}", i + 1))?;
        let found = check_quote(&lines, start, end, &quote)
            .map_err(|e| format!("change {} ({path}:{start}): {e}", i + 1))?;
        checks.push(format!(
            "change {}: the code to change is in {path} at lines {}-{}",
            i + 1,
            found.start_line,
            found.end_line
        ));
        out.push(ProposedChange {
            path,
            start_line: found.start_line,
            end_line: found.end_line,
            quote: quote.trim().to_string(),
            replacement,
        });
    }
    Ok(Explanation {
        threat: threat.to_string(),
        explanation: explanation.trim().to_string(),
        fix: fix.trim().to_string(),
        changes: out,
        checks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &str) -> Vec<String> {
        s.lines().map(String::from).collect()
    }

    #[test]
    fn quotes_must_be_there_and_prove_something() {
        let f = lines(
            "def find(uid):\n    sql = f\"SELECT * FROM users WHERE id = {uid}\"\n    return db.execute(sql)\n)\n\n\n\n\nx = 1\n",
        );
        // Whitespace differences do not matter; ±3 lines of slack.
        assert_eq!(
            check_quote(
                &f,
                3,
                3,
                "sql = f\"SELECT *   FROM users WHERE id = {uid}\""
            )
            .unwrap(),
            Found {
                start_line: 2,
                end_line: 2
            }
        );
        assert!(
            check_quote(&f, 2, 2, "  3 | return db.execute(sql)").is_ok(),
            "a gutter is dropped"
        );
        // A full short statement is enough; a bracket is not.
        assert!(check_quote(&f, 3, 3, "return db.execute(sql)").is_ok());
        let e = check_quote(&f, 4, 4, ")").unwrap_err();
        assert!(e.contains("proves nothing"), "{e}");
        let e = check_quote(&f, 2, 2, "db.exec").unwrap_err();
        assert!(e.contains("proves nothing"), "{e}");
        // Across two lines.
        assert!(check_quote(&f, 2, 3, "{uid}\"\n return db.execute(sql)").is_ok());
        // Invented code, and the right code at the wrong lines.
        assert!(
            check_quote(&f, 2, 2, "cursor.execute(\"DROP TABLE users\")")
                .unwrap_err()
                .contains("not in lines")
        );
        assert!(check_quote(&f, 9, 9, "sql = f\"SELECT * FROM users WHERE id = {uid}\"").is_err());
        assert!(
            check_quote(&f, 40, 41, "x = 1")
                .unwrap_err()
                .contains("past the end")
        );
        assert!(
            check_quote(&f, 1, 1, "   ")
                .unwrap_err()
                .contains("no quote")
        );
    }

    #[test]
    fn ids_ignore_wording_and_titles_compare_by_words() {
        let x = Suggestion {
            kind: "threat".into(),
            title: "SQL injection in find".into(),
            path: "a.py".into(),
            start_line: 2,
            quote: "sql  = 1".into(),
            stride: "tampering".into(),
            cwe: vec![89],
            ..Default::default()
        };
        let y = Suggestion {
            title: "Injection of SQL via find".into(),
            quote: "sql = 1".into(),
            ..x.clone()
        };
        assert_eq!(suggestion_id(&x), suggestion_id(&y));
        assert!(suggestion_id(&x).starts_with("ai:") && suggestion_id(&x).len() == 13);
        assert!(similar(&x.title, &y.title) >= 0.5);
        assert!(similar("Weak hashing of passwords", "Open redirect after login") < 0.2);
    }

    #[test]
    fn fences_and_cwe_forms() {
        assert_eq!(unfence("```json\n{\"items\": []}\n```"), "{\"items\": []}");
        let o: Map<String, Value> = serde_json::from_str("{\"cwe\": [\"CWE-89\", 79]}").unwrap();
        assert_eq!(cwe_field(&o).unwrap(), vec![89, 79]);
        let o: Map<String, Value> = serde_json::from_str("{\"cwe\": [\"sql\"]}").unwrap();
        assert!(cwe_field(&o).is_err());
    }

    /// The flow analysis decides confirmed or unconfirmed; the model's say-so does not.
    #[test]
    fn flow_claims_are_decided_by_the_flow_analysis() {
        let src = "from flask import request\nimport sqlite3\n\ndef search():\n    q = request.args.get(\"q\")\n    conn = sqlite3.connect(\"a.db\")\n    return conn.execute(\"SELECT * FROM t WHERE n = '\" + q + \"'\").fetchall()\n\ndef fixed():\n    conn = sqlite3.connect(\"a.db\")\n    return conn.execute(\"SELECT * FROM t WHERE n = 'constant value here'\").fetchall()\n";
        let source = bw_files::MemorySource::new().with("app.py", src);
        let lib = bw_engine::Library::builtin().unwrap();
        let out = bw_engine::scan(
            &source,
            &lib,
            &bw_engine::ScanOptions {
                keep_facts: true,
                ..Default::default()
            },
        )
        .unwrap();
        let mut report = out.report.clone();
        // As if no rule had reported the sink (a team's own sink, say).
        report.threats.clear();
        let settings = crate::config::Settings::offline(None, "ollama", "m").unwrap();
        let corpus = Corpus::new(&source, &settings, vec![]).unwrap();
        let cwes = BTreeSet::from([89]);
        let empty = BTreeMap::new();
        let own = BTreeSet::new();
        let known = Known {
            report: &report,
            facts: &out.facts,
            suggestions: &empty,
            cwes: &cwes,
            own_ids: &own,
            changed: None,
        };
        let item = |line: u32, quote: &str| {
            serde_json::json!({"kind": "threat", "title": format!("SQL injection at {line}"), "stride": "tampering",
                "cwe": [89], "impact": 3, "likelihood": 3, "path": "app.py", "start_line": line, "end_line": line,
                "quote": quote, "rationale": "r", "mitigation": "m"})
        };
        let answer: Map<String, Value> = serde_json::from_value(serde_json::json!({"items": [
            item(7, "return conn.execute(\"SELECT * FROM t WHERE n = '\" + q + \"'\").fetchall()"),
            item(11, "return conn.execute(\"SELECT * FROM t WHERE n = 'constant value here'\").fetchall()"),
            item(5, "q = request.args.get(\"q\")"),
        ]}))
        .unwrap();
        let mut notes = vec![];
        let (ok, bad) = verify_items(&answer, &corpus, &known, &[], &mut notes);
        // The third is the first claim again, two lines up.
        assert_eq!(bad.len(), 1, "{bad:?}");
        assert!(bad[0].reason.contains("in this run"), "{bad:?}");
        let v: Vec<(&str, &str)> = ok
            .iter()
            .map(|a| {
                (
                    a.suggestion.verification.as_str(),
                    a.suggestion.checks.last().unwrap().as_str(),
                )
            })
            .collect();
        assert_eq!(v[0].0, "confirmed", "{v:?}");
        assert!(
            v[0].1
                .contains("request data from `request.args.get(\"q\")`"),
            "{v:?}"
        );
        assert_eq!(v[1].0, "unconfirmed", "{v:?}");
        assert!(v[1].1.starts_with("flow analysis:"), "{v:?}");
        assert_eq!(ok.len(), 2);
    }
}
