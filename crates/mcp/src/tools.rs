//! What each tool answers, computed from a scan: plain functions over a
//! [`Snapshot`], so the answers are tested without a transport. Every field
//! comes from the deterministic analysis (the model, the threats, the rule
//! docs); nothing is guessed. Text taken from the repository (paths,
//! symbols, code in threat messages) is data, never instructions: the
//! answers carry no code excerpts, and the guardrails are built from
//! templates and sanitised identifiers only.

use crate::project::Snapshot;
use bw_engine::change::{Change, check};
use bw_model::{AuthState, Element, ElementKind};
use bw_threats::diff::ElementRef;
use bw_threats::{Confidence, Severity, Threat};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// At most this many threats in one answer (the rest are counted).
pub const MAX_THREATS: usize = 100;

// ---------------------------------------------------------------- model_summary

/// One element, in a line.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ElementInfo {
    pub id: String,
    pub name: String,
    /// `flask`, `postgres`, `openai`, `docker-compose`…
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub technology: String,
    /// Client library (`sqlalchemy`, `requests`, `axios`…), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library: Option<String>,
    /// Literal host, or `dynamic`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// The component it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
    /// Where it was found: `path:line` (first site).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// Open threats on it or in its code.
    pub open_threats: usize,
}

/// An entry point (route, MCP tool or resource, agent tool).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct EntryPointInfo {
    pub id: String,
    /// `http`, `mcp-tool`, `mcp-resource`, `agent-tool`.
    pub kind: String,
    pub framework: String,
    pub method: String,
    /// The full route, mount prefixes applied (tools: the tool name).
    pub route: String,
    pub handler: String,
    /// `present`, `public`, `absent` (siblings have a control, this one has not) or `unknown`.
    pub auth: AuthState,
    /// The auth controls that apply (`login_required`, `requireAuth (mount)`).
    pub controls: Vec<String>,
    pub rate_limited: bool,
    /// Stores, externals and LLMs its handler reaches.
    pub reaches: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
    /// `path:line` of the declaration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    pub open_threats: usize,
}

/// A trust boundary.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct BoundaryInfo {
    pub id: String,
    pub name: String,
    pub elements: Vec<String>,
}

/// Counts over the model and its threats.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Counts {
    pub components: usize,
    pub entry_points: usize,
    pub auth_present: usize,
    pub auth_public: usize,
    pub auth_absent: usize,
    pub auth_unknown: usize,
    pub stores: usize,
    pub externals: usize,
    pub llm_providers: usize,
    pub queues: usize,
    pub flows: usize,
    pub boundaries: usize,
    /// Open threats (stale and expired decisions included; potential ones too).
    pub threats_open: usize,
    /// Open threats by severity (`critical`, `high`…).
    pub threats_open_by_severity: BTreeMap<String, usize>,
    /// Design-level (potential) threats among the open ones.
    pub threats_potential: usize,
    /// Closed by a decision in breakwater.toml.
    pub threats_decided: usize,
    pub files_analysed: usize,
    pub files_skipped: usize,
}

/// The system model in brief.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ModelSummary {
    pub system: String,
    pub counts: Counts,
    pub components: Vec<ElementInfo>,
    pub entry_points: Vec<EntryPointInfo>,
    pub stores: Vec<ElementInfo>,
    pub externals: Vec<ElementInfo>,
    pub llm_providers: Vec<ElementInfo>,
    pub queues: Vec<ElementInfo>,
    pub boundaries: Vec<BoundaryInfo>,
    /// What discovery could not decide, for the team.
    pub questions: Vec<String>,
    /// Files that could not be analysed (the model may miss what they hold).
    pub failed_files: Vec<String>,
}

fn at_of(e: &Element) -> Option<String> {
    e.evidence
        .first()
        .map(|ev| format!("{}:{}", ev.location.path, ev.location.start_line))
}

fn prop(e: &Element, key: &str) -> Option<String> {
    e.props
        .get(key)
        .and_then(|p| p.as_str())
        .map(str::to_string)
}

/// The open threats that concern an element.
fn open_on(snap: &Snapshot, e: &Element) -> usize {
    snap.report
        .threats
        .iter()
        .filter(|t| t.status.is_open() && concerns(e, t))
        .count()
}

/// A threat concerns an element when it names it, or when its code is the
/// element's (the handler of an entry point, a file of a component).
fn concerns(e: &Element, t: &Threat) -> bool {
    if t.element.as_deref() == Some(e.id.as_str()) {
        return true;
    }
    match e.kind {
        // A component's file list is relative to the scanned root, as
        // threat locations are.
        ElementKind::Component => e
            .props
            .get("files")
            .and_then(|p| p.as_list())
            .is_some_and(|files| files.iter().any(|f| f == &t.location.path)),
        _ => e.evidence.iter().any(|ev| {
            ev.location.path == t.location.path
                && (ev.symbol == t.symbol
                    || (ev.symbol == "<module>"
                        && e.kind == ElementKind::EntryPoint
                        && ev.location.start_line <= t.location.start_line
                        && t.location.start_line <= ev.location.end_line))
        }),
    }
}

fn info(snap: &Snapshot, e: &Element) -> ElementInfo {
    ElementInfo {
        id: e.id.clone(),
        name: e.name.clone(),
        technology: e.technology.clone(),
        library: prop(e, "library"),
        host: prop(e, "host"),
        component: e.component.clone(),
        at: at_of(e),
        open_threats: open_on(snap, e),
    }
}

pub fn model_summary(snap: &Snapshot) -> ModelSummary {
    let r = &snap.report;
    let m = &r.model;
    let of = |k: ElementKind| -> Vec<ElementInfo> {
        m.elements
            .iter()
            .filter(|e| e.kind == k)
            .map(|e| info(snap, e))
            .collect()
    };
    let entry_points: Vec<EntryPointInfo> = m
        .elements
        .iter()
        .filter_map(|e| {
            let x = e.entry.as_ref()?;
            Some(EntryPointInfo {
                id: e.id.clone(),
                kind: x.kind.clone(),
                framework: x.framework.clone(),
                method: x.method.clone(),
                route: x.route.clone(),
                handler: x.handler.clone(),
                auth: x.auth,
                controls: x.controls.clone(),
                rate_limited: x.rate_limited,
                reaches: x.reaches.clone(),
                component: e.component.clone(),
                at: at_of(e),
                open_threats: open_on(snap, e),
            })
        })
        .collect();
    let mut counts = Counts {
        components: m
            .elements
            .iter()
            .filter(|e| e.kind == ElementKind::Component)
            .count(),
        entry_points: entry_points.len(),
        stores: m
            .elements
            .iter()
            .filter(|e| e.kind == ElementKind::Store)
            .count(),
        externals: m
            .elements
            .iter()
            .filter(|e| e.kind == ElementKind::External)
            .count(),
        llm_providers: m
            .elements
            .iter()
            .filter(|e| e.kind == ElementKind::LlmProvider)
            .count(),
        queues: m
            .elements
            .iter()
            .filter(|e| e.kind == ElementKind::Queue)
            .count(),
        flows: m.flows.len(),
        boundaries: m.boundaries.len(),
        files_analysed: r.files.analysed,
        files_skipped: r.files.skipped.len(),
        ..Counts::default()
    };
    for ep in &entry_points {
        match ep.auth {
            AuthState::Present => counts.auth_present += 1,
            AuthState::Public => counts.auth_public += 1,
            AuthState::Absent => counts.auth_absent += 1,
            AuthState::Unknown => counts.auth_unknown += 1,
        }
    }
    for t in &r.threats {
        if t.status.is_open() {
            counts.threats_open += 1;
            *counts
                .threats_open_by_severity
                .entry(t.severity.name().into())
                .or_default() += 1;
            if t.confidence == Confidence::Potential {
                counts.threats_potential += 1;
            }
        } else if t.status.is_decided() {
            counts.threats_decided += 1;
        }
    }
    ModelSummary {
        system: m.name.clone(),
        counts,
        components: of(ElementKind::Component),
        entry_points,
        stores: of(ElementKind::Store),
        externals: of(ElementKind::External),
        llm_providers: of(ElementKind::LlmProvider),
        queues: of(ElementKind::Queue),
        boundaries: m
            .boundaries
            .iter()
            .map(|b| BoundaryInfo {
                id: b.id.clone(),
                name: b.name.clone(),
                elements: b.elements.clone(),
            })
            .collect(),
        questions: r
            .questions
            .iter()
            .map(|q| format!("{}: {}", q.element, q.question))
            .collect(),
        failed_files: r
            .files
            .skipped
            .iter()
            .filter(|s| s.failed)
            .map(|s| s.path.clone())
            .collect(),
    }
}

impl ModelSummary {
    /// A few lines for a person or a model to read first.
    pub fn text(&self) -> String {
        let c = &self.counts;
        let sev: Vec<String> = ["critical", "high", "medium", "low", "info"]
            .iter()
            .filter_map(|s| {
                c.threats_open_by_severity
                    .get(*s)
                    .map(|n| format!("{n} {s}"))
            })
            .collect();
        format!(
            "System `{}`: {} components, {} entry points (auth: {} present, {} public, {} absent, {} unknown), {} data stores, {} external services, {} LLM providers, {} data flows, {} trust boundaries. {} open threats ({}), {} decided. {} files analysed.",
            self.system,
            c.components,
            c.entry_points,
            c.auth_present,
            c.auth_public,
            c.auth_absent,
            c.auth_unknown,
            c.stores,
            c.externals,
            c.llm_providers,
            c.flows,
            c.boundaries,
            c.threats_open,
            if sev.is_empty() {
                "none".into()
            } else {
                sev.join(", ")
            },
            c.threats_decided,
            c.files_analysed
        )
    }
}

// ---------------------------------------------------------------- threats

/// A threat, without code excerpts.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ThreatInfo {
    /// Stable id: `<rule>@<path>::<symbol>[#n]` or `<rule>@<element>`.
    pub id: String,
    pub rule: String,
    pub title: String,
    pub severity: Severity,
    /// `confirmed` (a source-to-sink path or a literal setting), `likely`, or `potential` (design level).
    pub confidence: Confidence,
    /// `open`, `stale`, `expired` (open again), `mitigated`, `accepted`,
    /// `false-positive`, `transferred` (decided), `ignored`, `suppressed`.
    pub status: String,
    /// True when it needs attention (open, stale or expired).
    pub open: bool,
    /// Listed in the adoption baseline (reported, not gated).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub baseline: bool,
    /// The decision attached, when decided (or stale).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<DecisionInfo>,
    /// `path:line:column` of the sink, setting or declaration.
    pub at: String,
    pub path: String,
    pub line: u32,
    pub symbol: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub element: Option<String>,
    /// What matched here (it quotes the code as data).
    pub message: String,
    /// Where the untrusted data comes from, `path:line`, when a flow was found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub stride: String,
    pub cwe: Vec<u32>,
    pub fix: String,
    /// `breakwater explain RULE` (or the `explain_rule` tool) has the full docs.
    pub explain: String,
}

/// A decision recorded in breakwater.toml.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct DecisionInfo {
    pub status: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub author: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

pub fn threat_info(t: &Threat) -> ThreatInfo {
    ThreatInfo {
        id: t.id.clone(),
        rule: t.rule.clone(),
        title: t.title.clone(),
        severity: t.severity,
        confidence: t.confidence,
        status: t.status.name().into(),
        open: t.status.is_open(),
        baseline: t.baseline,
        decision: t.decision.as_ref().map(|d| DecisionInfo {
            status: d.status.clone(),
            reason: d.reason.clone(),
            author: d.author.clone(),
            date: d.date.clone(),
            expires: d.expires.clone(),
        }),
        at: format!(
            "{}:{}:{}",
            t.location.path, t.location.start_line, t.location.start_col
        ),
        path: t.location.path.clone(),
        line: t.location.start_line,
        symbol: t.symbol.clone(),
        element: t.element.clone(),
        message: t.message.clone(),
        source: t
            .source
            .as_ref()
            .map(|s| format!("{}:{}", s.location.path, s.location.start_line)),
        stride: t.stride.clone(),
        cwe: t.cwe.clone(),
        fix: t.fix.clone(),
        explain: format!("breakwater explain {}", t.rule),
    }
}

/// What to list threats for: a file (or directory), a symbol, an element.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct ThreatsForInput {
    /// A file (`app/search.py`) or a directory (`app/`), relative to the repository root.
    /// Threats whose sink, source or flow passes through it are listed.
    #[serde(default)]
    pub path: Option<String>,
    /// A function or method (`search_tickets`, `TicketView.get`, or `app/search.py::search_tickets`).
    #[serde(default)]
    pub symbol: Option<String>,
    /// A model element id from `model_summary` (`route:GET /api/tickets/{}`, `store:sql`, `component:api`).
    #[serde(default)]
    pub element: Option<String>,
    /// Also list threats closed by a decision, an inline ignore or a suppression (default true).
    #[serde(default)]
    pub include_closed: Option<bool>,
    /// Also list design-level (potential) threats (default true).
    #[serde(default)]
    pub include_potential: Option<bool>,
}

/// The threats that matched.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ThreatsForAnswer {
    /// Sorted by severity (highest first), then place.
    pub threats: Vec<ThreatInfo>,
    pub open: usize,
    pub closed: usize,
    /// Matches beyond the first 100, not listed.
    pub not_listed: usize,
    /// For an element: its description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub element: Option<ElementRef>,
}

impl ThreatsForAnswer {
    pub fn text(&self) -> String {
        if self.threats.is_empty() {
            return "No threats match.".into();
        }
        let mut s = format!(
            "{} threat(s): {} open, {} closed.",
            self.threats.len() + self.not_listed,
            self.open,
            self.closed
        );
        for t in self.threats.iter().take(20) {
            s.push_str(&format!(
                "\n- {} {} [{}] at {} ({})",
                t.severity.name(),
                t.rule,
                t.status,
                t.at,
                t.id
            ));
        }
        s
    }
}

/// Symbol `q` names threat `t`'s enclosing symbol: exactly, as its last
/// dotted part (`get` for `TicketView.get`), or as `path::symbol`.
fn symbol_matches(q: &str, t: &Threat) -> bool {
    if let Some((path, sym)) = q.split_once("::") {
        return path == t.location.path
            && (sym == t.symbol || t.symbol.ends_with(&format!(".{sym}")));
    }
    q == t.symbol || t.symbol.ends_with(&format!(".{q}")) || t.symbol.starts_with(&format!("{q}."))
}

fn path_matches(q: &str, p: &str) -> bool {
    let q = q.trim_start_matches("./");
    if q.is_empty() || q == "." {
        return true;
    }
    let dir = q.trim_end_matches('/');
    p == q
        || p.strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

pub fn threats_for(snap: &Snapshot, q: &ThreatsForInput) -> Result<ThreatsForAnswer, String> {
    let blank = |s: &Option<String>| s.as_deref().is_none_or(|x| x.trim().is_empty());
    if blank(&q.path) && blank(&q.symbol) && blank(&q.element) {
        return Err(
            "give a `path`, a `symbol` or an `element` (ids come from `model_summary`)".into(),
        );
    }
    let element = match q.element.as_deref().filter(|e| !e.trim().is_empty()) {
        Some(id) => Some(snap.report.model.element(id.trim()).ok_or_else(|| {
            let near = closest(
                id.trim(),
                snap.report.model.elements.iter().map(|e| e.id.as_str()),
            );
            if near.is_empty() {
                format!("no element `{id}`; `model_summary` lists the element ids")
            } else {
                format!("no element `{id}`; did you mean: {}?", near.join(", "))
            }
        })?),
        None => None,
    };
    let include_closed = q.include_closed.unwrap_or(true);
    let include_potential = q.include_potential.unwrap_or(true);
    let mut hits: Vec<&Threat> = snap
        .report
        .threats
        .iter()
        .filter(|t| include_closed || t.status.is_open())
        .filter(|t| include_potential || t.confidence != Confidence::Potential)
        .filter(
            |t| match q.path.as_deref().filter(|p| !p.trim().is_empty()) {
                None => true,
                Some(p) => {
                    path_matches(p, &t.location.path)
                        || t.source
                            .as_ref()
                            .is_some_and(|s| path_matches(p, &s.location.path))
                        || t.steps.iter().any(|s| path_matches(p, &s.location.path))
                }
            },
        )
        .filter(
            |t| match q.symbol.as_deref().filter(|s| !s.trim().is_empty()) {
                None => true,
                Some(s) => symbol_matches(s.trim(), t),
            },
        )
        .filter(|t| element.is_none_or(|e| concerns(e, t)))
        .collect();
    hits.sort_by(|a, b| {
        b.status
            .is_open()
            .cmp(&a.status.is_open())
            .then(b.severity.cmp(&a.severity))
            .then(a.location.cmp(&b.location))
            .then(a.id.cmp(&b.id))
    });
    let open = hits.iter().filter(|t| t.status.is_open()).count();
    let closed = hits.len() - open;
    let not_listed = hits.len().saturating_sub(MAX_THREATS);
    Ok(ThreatsForAnswer {
        threats: hits
            .into_iter()
            .take(MAX_THREATS)
            .map(threat_info)
            .collect(),
        open,
        closed,
        not_listed,
        element: element.map(|e| ElementRef {
            id: e.id.clone(),
            kind: e.kind,
            name: e.name.clone(),
            at: e
                .evidence
                .first()
                .map(|ev| format!("{}::{}", ev.location.path, ev.symbol))
                .unwrap_or_default(),
            auth: e.entry.as_ref().map(|x| x.auth),
        }),
    })
}

/// The candidates closest to `q` by edit distance (at most 5, each within
/// a third of `q`'s length), nearest first.
fn closest<'a>(q: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let limit = (q.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &str)> = candidates
        .map(|c| (distance(q, c), c))
        .filter(|(d, _)| *d <= limit)
        .collect();
    scored.sort();
    scored.into_iter().take(5).map(|(_, c)| c).collect()
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for j in 0..b.len() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != b[j]))
                .min(row[j] + 1)
                .min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

// ---------------------------------------------------------------- explain_rule

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ExplainRuleInput {
    /// A rule id (`sql-injection`) or a threat id (the part before `@` is used).
    pub rule: String,
}

/// A rule's documentation, the same text `breakwater explain` prints.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RuleDocs {
    pub rule: String,
    pub title: String,
    pub stride: String,
    pub cwe: Vec<u32>,
    pub owasp: Vec<String>,
    pub default_severity: Severity,
    /// `builtin`, or the path of the team's own rule file.
    pub origin: String,
    /// What it is, why it matters, how an attacker breaks it, how to fix it, references.
    pub markdown: String,
}

pub fn explain_rule(snap: &Snapshot, q: &ExplainRuleInput) -> Result<RuleDocs, String> {
    let id = q.rule.trim();
    let id = id.split('@').next().unwrap_or(id);
    let Some(r) = snap.lib.rules.get(id) else {
        let near = closest(id, snap.lib.rules.rules.iter().map(|r| r.id.as_str()));
        return Err(if near.is_empty() {
            format!(
                "no rule `{id}`; rule ids look like `sql-injection` (threat ids start with one)"
            )
        } else {
            format!("no rule `{id}`; did you mean: {}?", near.join(", "))
        });
    };
    Ok(RuleDocs {
        rule: r.id.clone(),
        title: r.title.clone(),
        stride: r.stride.name().into(),
        cwe: r.cwe.clone(),
        owasp: r.owasp_all(),
        default_severity: r.default_severity(),
        origin: if r.origin.starts_with("rules/") {
            "builtin".into()
        } else {
            r.origin.clone()
        },
        markdown: r.help_markdown().trim_end().to_string(),
    })
}

// ---------------------------------------------------------------- check_change

/// A change to check: a unified diff, or one file's new content, or a snippet added to one file.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct CheckChangeInput {
    /// A unified diff (`git diff` output) with paths relative to the directory served
    /// (a diff from the top of a monorepo whose files are all under it also applies).
    #[serde(default)]
    pub diff: Option<String>,
    /// The file `content` or `snippet` is for, relative to the repository root.
    #[serde(default)]
    pub path: Option<String>,
    /// The complete new content of `path` (the file is created if it does not exist).
    #[serde(default)]
    pub content: Option<String>,
    /// Code to add at the end of `path` (a new function, a new route).
    #[serde(default)]
    pub snippet: Option<String>,
    /// Also report new design-level (potential) threats (default false).
    #[serde(default)]
    pub include_potential: Option<bool>,
}

/// What the change would do to the threat model.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CheckChangeAnswer {
    /// True when the change brings no new threat (of the kinds listed).
    pub clean: bool,
    /// Threats the change would introduce.
    pub new_threats: Vec<ThreatInfo>,
    /// Open threats the change would resolve.
    pub resolved_threats: Vec<ThreatInfo>,
    /// Threats whose severity the change would move: `id: from -> to`.
    pub severity_changed: Vec<String>,
    pub elements_added: Vec<ElementRef>,
    pub elements_removed: Vec<ElementRef>,
    /// Security-relevant changes to existing elements (`auth control removed: login_required`).
    pub elements_changed: Vec<String>,
    /// New data flows (`from -> to (protocol)`), marked when they cross a trust boundary.
    pub flows_added: Vec<String>,
    /// Decisions, suppressions or inline ignores the change itself adds (they do not make it clean).
    pub silencers_added: Vec<String>,
    /// The files the change touches.
    pub files: Vec<String>,
    /// Files of the changed tree that could not be analysed.
    pub failed_files: Vec<String>,
}

impl CheckChangeAnswer {
    pub fn text(&self) -> String {
        let mut s = if self.clean {
            "No new threats: the change introduces nothing breakwater's rules match.".to_string()
        } else {
            format!(
                "The change introduces {} threat(s):",
                self.new_threats.len()
            )
        };
        for t in &self.new_threats {
            s.push_str(&format!(
                "\n- {} {} at {}: {} (fix: `breakwater explain {}`)",
                t.severity.name(),
                t.rule,
                t.at,
                t.title,
                t.rule
            ));
        }
        if !self.resolved_threats.is_empty() {
            s.push_str(&format!(
                "\nResolves {} open threat(s).",
                self.resolved_threats.len()
            ));
        }
        for c in &self.elements_changed {
            s.push_str(&format!("\n- changed: {c}"));
        }
        for e in &self.elements_added {
            s.push_str(&format!("\n- adds {}", e.id));
        }
        if !self.silencers_added.is_empty() {
            s.push_str("\nThe change adds decisions or ignores; they do not count as fixes.");
        }
        s
    }
}

pub fn check_change(snap: &Snapshot, q: &CheckChangeInput) -> Result<CheckChangeAnswer, String> {
    let some = |s: &Option<String>| s.as_ref().filter(|x| !x.is_empty()).cloned();
    let change = match (some(&q.diff), some(&q.path), &q.content, &q.snippet) {
        (Some(d), None, None, None) => Change::Diff(d),
        (None, Some(path), Some(content), None) => Change::File {
            path,
            content: content.clone(),
        },
        (None, Some(path), None, Some(snippet)) => Change::Append {
            path,
            snippet: snippet.clone(),
        },
        _ => {
            return Err(
                "give either `diff` (a unified diff), or `path` with `content` (the whole new file) or `snippet` (code added at its end)".into(),
            );
        }
    };
    let source = snap.source()?;
    let out = check(
        &source,
        &snap.report,
        &snap.lib,
        &snap.scan,
        &change,
        snap.walk.max_file_bytes,
    )
    .map_err(|e| e.to_string())?;
    let include_potential = q.include_potential.unwrap_or(false);
    let d = &out.diff;
    let shown = |t: &&Threat| include_potential || t.confidence != Confidence::Potential;
    let new_threats: Vec<ThreatInfo> = d
        .threats_new
        .iter()
        .filter(shown)
        .map(threat_info)
        .collect();
    Ok(CheckChangeAnswer {
        clean: new_threats.is_empty(),
        new_threats,
        resolved_threats: d
            .threats_resolved
            .iter()
            .filter(shown)
            .map(threat_info)
            .collect(),
        severity_changed: d
            .threats_severity_changed
            .iter()
            .map(|c| {
                format!(
                    "{}: {} -> {}",
                    c.threat.id,
                    c.from.name(),
                    c.threat.severity.name()
                )
            })
            .collect(),
        elements_added: d.elements_added.clone(),
        elements_removed: d.elements_removed.clone(),
        elements_changed: d
            .elements_changed
            .iter()
            .flat_map(|c| {
                c.changes
                    .iter()
                    .map(move |x| format!("{}: {x}", c.element.id))
            })
            .collect(),
        flows_added: d
            .flows_added
            .iter()
            .map(|f| {
                format!(
                    "{} -> {} ({}){}",
                    f.from,
                    f.to,
                    f.protocol,
                    if f.crosses_boundary {
                        ", crosses a trust boundary"
                    } else {
                        ""
                    }
                )
            })
            .collect(),
        silencers_added: d
            .silencers_added
            .iter()
            .map(|s| format!("{} {} on {}", s.kind, s.what, s.target))
            .collect(),
        files: out
            .changed
            .iter()
            .map(|(p, deleted)| {
                if *deleted {
                    format!("{p} (deleted)")
                } else {
                    p.clone()
                }
            })
            .collect(),
        failed_files: d.head_failed.clone(),
    })
}

// ---------------------------------------------------------------- guardrails

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct GuardrailsInput {
    /// `agents-md` (default), `claude`, `cursor` or `copilot`: which file the text is for.
    #[serde(default)]
    pub target: Option<String>,
}

/// The guardrails section `breakwater guardrails` writes.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct GuardrailsAnswer {
    pub target: String,
    /// The file `breakwater guardrails --target TARGET` writes it into.
    pub file: String,
    /// The section, markers included.
    pub markdown: String,
}

pub fn guardrails(snap: &Snapshot, q: &GuardrailsInput) -> Result<GuardrailsAnswer, String> {
    use bw_outputs::guardrails::{Target, section};
    let name = q.target.as_deref().unwrap_or("agents-md");
    let target = Target::parse(name).ok_or_else(|| {
        format!(
            "unknown target `{name}`; one of: {}",
            Target::ALL.map(|t| t.name()).join(", ")
        )
    })?;
    Ok(GuardrailsAnswer {
        target: target.name().into(),
        file: target.path().into(),
        markdown: section(&snap.report),
    })
}

// ---------------------------------------------------------------- propose_threat

/// A threat the assistant believes breakwater's rules missed, grounded in the code.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct ProposeThreatInput {
    /// One line: what can go wrong (`Order export leaks other tenants' rows`).
    pub title: String,
    /// The STRIDE category: spoofing, tampering, repudiation,
    /// information-disclosure, denial-of-service or elevation-of-privilege.
    pub stride: String,
    /// CWE ids: numbers (`[639]`) or names (`["CWE-639"]`).
    pub cwe: Vec<CweId>,
    /// 1 (low) to 4 (critical): how bad it is when exploited.
    pub impact: u8,
    /// 1 (unlikely) to 4 (easy and expected): how likely an attack is.
    pub likelihood: u8,
    /// The file the threat lives in, relative to the repository root.
    pub path: String,
    /// The first line of the cited code (1-based).
    pub start_line: u32,
    /// The last line of the cited code (default: `start_line`).
    #[serde(default)]
    pub end_line: Option<u32>,
    /// The cited code, copied verbatim: at least one full statement or 20 characters.
    pub quote: String,
    /// Why it is a threat here: who can reach it, and what they gain.
    pub rationale: String,
    /// The model element it concerns (an id from `model_summary`).
    #[serde(default)]
    pub element: Option<String>,
    /// How to fix it.
    #[serde(default)]
    pub mitigation: Option<String>,
}

/// A CWE id as a number or as `CWE-<n>` (the checks read both).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum CweId {
    Number(u32),
    Name(String),
}

/// What the checks made of a proposed threat. Nothing is stored.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ProposeThreatAnswer {
    /// `admitted` (every check passed) or `rejected`.
    pub verdict: String,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// The id it would have as a suggestion (`ai:…`).
    pub id: Option<String>,
    /// `confirmed` when the flow analysis backs the claim, `unconfirmed`
    /// when only the citation could be checked.
    pub verification: Option<String>,
    /// What was checked, one line each.
    pub checks: Vec<String>,
    /// Always false: the server is read-only.
    pub stored: bool,
    /// The item as checked: save it as JSON to record it with `record_with`.
    pub proposal: serde_json::Value,
    /// The command that records it as a suggestion awaiting a person's
    /// triage (run the same checks again, then store it as `suggested`).
    pub record_with: Option<String>,
}

impl ProposeThreatAnswer {
    pub fn text(&self) -> String {
        match (&self.reason, &self.id) {
            (Some(reason), _) if reason.starts_with("duplicate of") => {
                format!("Rejected: {reason}. It is known already; nothing was stored.")
            }
            (Some(reason), _) => format!(
                "Rejected: {reason}. Nothing was stored. Correct the citation (path, lines, a verbatim quote) or the claim and propose again."
            ),
            (None, id) => format!(
                "Admitted as {} ({}): every check passed. Nothing was stored (the server is read-only). To keep it for a person's review, save `proposal` to a file and run `{}`.",
                id.as_deref().unwrap_or(""),
                self.verification.as_deref().unwrap_or("unconfirmed"),
                self.record_with.as_deref().unwrap_or("")
            ),
        }
    }
}

/// A client's name as a shell-safe word (`claude-code-1.2`), or `assistant`.
pub fn proposer(client: Option<(&str, &str)>) -> String {
    let raw = client.map_or(String::new(), |(name, version)| {
        if version.is_empty() {
            name.to_string()
        } else {
            format!("{name}-{version}")
        }
    });
    let word: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .take(60)
        .collect();
    let word = word.trim_matches('-');
    if word.is_empty() || word.starts_with('.') {
        bw_ai::propose::PROVIDER.to_string()
    } else {
        word.to_string()
    }
}

/// Check a proposed threat exactly as `breakwater ai suggest` checks an AI's
/// item (file, quote, lines, element, STRIDE, CWE, duplicates, flow), and
/// say whether it would be admitted. Reads only; records nothing.
pub fn propose_threat(
    snap: &Snapshot,
    q: &ProposeThreatInput,
    by: &str,
) -> Result<ProposeThreatAnswer, String> {
    use bw_ai::config::Settings;
    use bw_ai::context::Corpus;
    use serde_json::{Map, Value, json};
    let mut item = json!({
        "kind": "threat",
        "title": q.title,
        "stride": q.stride,
        "cwe": q.cwe,
        "impact": q.impact,
        "likelihood": q.likelihood,
        "path": q.path,
        "start_line": q.start_line,
        "end_line": q.end_line.unwrap_or(q.start_line),
        "quote": q.quote,
        "rationale": q.rationale,
    });
    let obj = item.as_object_mut().expect("a JSON object");
    for (key, v) in [("element", &q.element), ("mitigation", &q.mitigation)] {
        if let Some(v) = v.as_ref().filter(|v| !v.trim().is_empty()) {
            obj.insert(key.into(), Value::String(v.clone()));
        }
    }
    let mut answer = Map::new();
    answer.insert("items".into(), Value::Array(vec![item.clone()]));
    let ai = snap.scan.model_file.as_ref().and_then(|m| m.ai.as_ref());
    let settings = Settings::checks_only(ai).map_err(|e| e.to_string())?;
    let source = snap.source()?;
    let corpus = Corpus::new(&source, &settings, bw_ai::redact::env_secret_values())?;
    let cwes = bw_ai::verify::known_cwes(&snap.lib.rules);
    let checks = bw_ai::run::Checks {
        report: &snap.report,
        facts: &snap.facts,
        model_file: snap.scan.model_file.as_ref(),
        cwes: &cwes,
    };
    let checked = bw_ai::propose::check(&answer, &corpus, &checks);
    let record_with = format!("breakwater ai propose FILE --by {by}");
    Ok(match (checked.admitted.first(), checked.rejected.first()) {
        (Some(a), _) => ProposeThreatAnswer {
            verdict: "admitted".into(),
            reason: None,
            id: Some(a.id.clone()),
            verification: Some(a.suggestion.verification.clone()),
            checks: a.suggestion.checks.clone(),
            stored: false,
            proposal: item,
            record_with: Some(record_with),
        },
        (None, Some(r)) => ProposeThreatAnswer {
            verdict: "rejected".into(),
            reason: Some(r.reason.clone()),
            id: None,
            verification: None,
            checks: vec![],
            stored: false,
            proposal: item,
            record_with: None,
        },
        (None, None) => return Err(checked.notes.join("; ")),
    })
}
