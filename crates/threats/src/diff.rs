//! What a change did: two reports (base and head) compared.
//!
//! Elements are matched by id, threats by id and then by fingerprint (a
//! renamed or moved function is the same threat, not one resolved and one
//! introduced). Decisions and inline ignores the change itself adds are
//! listed with their authors, and by default they do not close the change's
//! own new threats for the gate: a change cannot approve itself.

use crate::report::{Confidence, Report, Severity, Status, Threat, UnanalysedFile};
use bw_facts::InlineIgnore;
use bw_model::modelfile::ModelFile;
use bw_model::{AuthState, DataFlow, Element, ElementKind};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One side of the comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Side {
    /// What the user named (`origin/main`, `HEAD`, `working tree`).
    pub label: String,
    /// The commit, when the side is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

/// An element, in one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ElementRef {
    pub id: String,
    pub kind: ElementKind,
    pub name: String,
    /// Where it is declared in code (`app/views.py::search`), if anywhere.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub at: String,
    /// For entry points: how they are protected (`present`, `absent`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<AuthState>,
}

/// An element present on both sides whose security-relevant facts changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ElementChange {
    pub element: ElementRef,
    /// What changed, one sentence each (`auth control removed: @login_required`).
    pub changes: Vec<String>,
}

/// A threat whose severity moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SeverityChange {
    pub threat: Threat,
    pub from: Severity,
}

/// A decision, suppression or inline ignore the change adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AddedSilencer {
    /// `decision`, `suppression` or `inline-ignore`.
    pub kind: String,
    /// The threat id (decisions, suppressions) or `path:line` (ignores).
    pub target: String,
    /// `mitigated`… for decisions; the rules for ignores.
    pub what: String,
    pub reason: String,
    /// Who added it, from git history (`Name <email>`), or `uncommitted`.
    pub author: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

/// The comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DiffReport {
    pub version: String,
    pub tool: String,
    pub tool_version: String,
    pub base: Side,
    pub head: Side,
    pub elements_added: Vec<ElementRef>,
    pub elements_removed: Vec<ElementRef>,
    pub elements_changed: Vec<ElementChange>,
    /// New data flows; those crossing a trust boundary matter most.
    pub flows_added: Vec<DataFlow>,
    pub flows_removed: Vec<DataFlow>,
    /// Threats in head that base did not have (their head status included:
    /// a new threat closed by a decision the change adds still counts).
    pub threats_new: Vec<Threat>,
    /// Open threats of base that head no longer has.
    pub threats_resolved: Vec<Threat>,
    /// Threats of base whose file head could not analyse: unknown, never resolved.
    pub threats_unverified: Vec<Threat>,
    pub threats_severity_changed: Vec<SeverityChange>,
    /// Decisions the change made stale (the code under them changed).
    pub decisions_stale: Vec<Threat>,
    /// Decisions, suppressions and inline ignores the change adds.
    pub silencers_added: Vec<AddedSilencer>,
    /// Whether the change's own decisions were trusted (`--trust-head-decisions`).
    pub trust_head_decisions: bool,
    /// Files head could not analyse.
    pub head_failed: Vec<String>,
    /// Files the change adds or changes that head could not fully analyse
    /// (failed, too large, truncated), with their head status: a gate
    /// counts them like new threats, whatever `--fail-on` says, until a
    /// decision accepts them. Unchanged ones are not listed (like the
    /// threats base already had).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unanalysed: Vec<UnanalysedFile>,
    /// Every file head skipped, counted by reason (`test`, `vendored`, …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub head_skipped: BTreeMap<String, usize>,
}

/// Where a threat's evidence is, as `path::symbol`, or its element.
fn anchor_of(t: &Threat) -> String {
    t.id.split_once('@')
        .map(|(_, a)| a.to_string())
        .unwrap_or_default()
}

fn element_ref(e: &Element) -> ElementRef {
    ElementRef {
        id: e.id.clone(),
        kind: e.kind,
        name: e.name.clone(),
        at: e
            .evidence
            .first()
            .map(|ev| format!("{}::{}", ev.location.path, ev.symbol))
            .unwrap_or_default(),
        auth: e.entry.as_ref().map(|x| x.auth),
    }
}

/// The security-relevant differences of one element.
fn element_changes(base: &Element, head: &Element) -> Vec<String> {
    let mut out = vec![];
    if let (Some(b), Some(h)) = (&base.entry, &head.entry) {
        if b.auth != h.auth {
            out.push(format!(
                "authentication: {} → {}",
                auth_word(b.auth),
                auth_word(h.auth)
            ));
        }
        for c in b.controls.iter().filter(|c| !h.controls.contains(c)) {
            out.push(format!("auth control removed: {c}"));
        }
        for c in h.controls.iter().filter(|c| !b.controls.contains(c)) {
            out.push(format!("auth control added: {c}"));
        }
        if b.rate_limited && !h.rate_limited {
            out.push("rate limit removed".into());
        }
        for r in h.reaches.iter().filter(|r| !b.reaches.contains(r)) {
            out.push(format!("now reaches {r}"));
        }
    }
    if base.boundary != head.boundary {
        out.push(format!(
            "trust boundary: {} → {}",
            base.boundary.as_deref().unwrap_or("none"),
            head.boundary.as_deref().unwrap_or("none")
        ));
    }
    if base.technology != head.technology && !base.technology.is_empty() {
        out.push(format!(
            "technology: {} → {}",
            base.technology, head.technology
        ));
    }
    let keys: BTreeSet<&String> = base.props.keys().chain(head.props.keys()).collect();
    for key in keys {
        let (b, h) = (base.props.get(key), head.props.get(key));
        if b != h {
            let show = |v: Option<&bw_facts::Prop>| {
                v.map(|v| serde_json::to_string(v).unwrap_or_default())
                    .unwrap_or_else(|| "unset".into())
            };
            out.push(format!("{key}: {} → {}", show(b), show(h)));
        }
    }
    out
}

fn auth_word(a: AuthState) -> &'static str {
    match a {
        AuthState::Present => "present",
        AuthState::Public => "public",
        AuthState::Absent => "absent",
        AuthState::Unknown => "unknown",
    }
}

/// Inputs besides the two reports.
pub struct DiffInputs<'a> {
    pub base: Side,
    pub head: Side,
    pub base_model: Option<&'a ModelFile>,
    pub head_model: Option<&'a ModelFile>,
    pub trust_head_decisions: bool,
    /// Who added a decision (by threat id) or an ignore (by `path`, rules,
    /// reason); the engine reads it from git history.
    pub author_of: &'a dyn Fn(&AddedSilencer) -> (String, Option<String>),
}

fn ignore_key(i: &InlineIgnore) -> (String, Vec<String>, String) {
    (i.location.path.clone(), i.rules.clone(), i.reason.clone())
}

/// Compare two reports.
pub fn compare(base: &Report, head: &Report, inp: &DiffInputs<'_>) -> DiffReport {
    // Elements.
    let b_el: BTreeMap<&str, &Element> = base
        .model
        .elements
        .iter()
        .map(|e| (e.id.as_str(), e))
        .collect();
    let h_el: BTreeMap<&str, &Element> = head
        .model
        .elements
        .iter()
        .map(|e| (e.id.as_str(), e))
        .collect();
    let relevant = |e: &Element| e.kind != ElementKind::Actor;
    let elements_added = h_el
        .iter()
        .filter(|(id, e)| !b_el.contains_key(*id) && relevant(e))
        .map(|(_, e)| element_ref(e))
        .collect();
    let elements_removed = b_el
        .iter()
        .filter(|(id, e)| !h_el.contains_key(*id) && relevant(e))
        .map(|(_, e)| element_ref(e))
        .collect();
    let elements_changed = h_el
        .iter()
        .filter_map(|(id, h)| {
            let b = b_el.get(id)?;
            let changes = element_changes(b, h);
            (!changes.is_empty()).then(|| ElementChange {
                element: element_ref(h),
                changes,
            })
        })
        .collect();
    let flow_key = |f: &DataFlow| (f.from.clone(), f.to.clone(), f.protocol.clone());
    let b_flows: BTreeSet<_> = base.model.flows.iter().map(flow_key).collect();
    let h_flows: BTreeSet<_> = head.model.flows.iter().map(flow_key).collect();
    let flows_added = head
        .model
        .flows
        .iter()
        .filter(|f| !b_flows.contains(&flow_key(f)))
        .cloned()
        .collect();
    let flows_removed = base
        .model
        .flows
        .iter()
        .filter(|f| !h_flows.contains(&flow_key(f)))
        .cloned()
        .collect();

    // Threats: by id, then by (rule, fingerprint) for moves.
    let b_by_id: BTreeMap<&str, &Threat> =
        base.threats.iter().map(|t| (t.id.as_str(), t)).collect();
    let h_ids: BTreeSet<&str> = head.threats.iter().map(|t| t.id.as_str()).collect();
    let mut b_by_print: BTreeMap<(&str, &str), Vec<&Threat>> = BTreeMap::new();
    for t in base
        .threats
        .iter()
        .filter(|t| !h_ids.contains(t.id.as_str()))
    {
        b_by_print
            .entry((&t.rule, &t.fingerprint))
            .or_default()
            .push(t);
    }
    let mut matched_base: BTreeSet<&str> = BTreeSet::new();
    let mut threats_new = vec![];
    let mut threats_severity_changed = vec![];
    let mut decisions_stale = vec![];
    for t in &head.threats {
        let before = b_by_id.get(t.id.as_str()).copied().or_else(|| {
            b_by_print
                .get_mut(&(t.rule.as_str(), t.fingerprint.as_str()))
                .and_then(|v| v.pop())
        });
        match before {
            None => threats_new.push(t.clone()),
            Some(b) => {
                matched_base.insert(b.id.as_str());
                if b.severity != t.severity {
                    threats_severity_changed.push(SeverityChange {
                        threat: t.clone(),
                        from: b.severity,
                    });
                }
                if t.status == Status::Stale && b.status != Status::Stale {
                    decisions_stale.push(t.clone());
                }
            }
        }
    }
    let head_skipped: BTreeSet<&str> = head.files.skipped.iter().map(|s| s.path.as_str()).collect();
    let mut threats_resolved = vec![];
    let mut threats_unverified = vec![];
    for t in base
        .threats
        .iter()
        .filter(|t| !matched_base.contains(t.id.as_str()))
    {
        if head_skipped.contains(t.location.path.as_str()) {
            threats_unverified.push(t.clone());
        } else if t.status.is_open() {
            threats_resolved.push(t.clone());
        }
    }

    // Files head could not cover that the change touched: not in base's
    // list with the same content.
    let unanalysed = head
        .unanalysed
        .iter()
        .filter(|u| {
            !base
                .unanalysed
                .iter()
                .any(|b| b.path == u.path && b.fingerprint == u.fingerprint)
        })
        .cloned()
        .collect();

    // What the change adds to silence threats.
    let mut silencers_added = vec![];
    let empty = ModelFile::default();
    let (bm, hm) = (
        inp.base_model.unwrap_or(&empty),
        inp.head_model.unwrap_or(&empty),
    );
    for (key, d) in &hm.decisions {
        if bm.decisions.get(key) != Some(d) {
            silencers_added.push(AddedSilencer {
                kind: "decision".into(),
                target: key.clone(),
                what: d.status.clone(),
                reason: d.reason.clone(),
                author: String::new(),
                commit: None,
            });
        }
    }
    for (key, s) in &hm.suppressions {
        if bm.suppressions.get(key) != Some(s) {
            silencers_added.push(AddedSilencer {
                kind: "suppression".into(),
                target: key.clone(),
                what: "suppressed".into(),
                reason: s.reason.clone(),
                author: String::new(),
                commit: None,
            });
        }
    }
    let mut b_ignores: BTreeMap<_, usize> = BTreeMap::new();
    for i in &base.ignores {
        *b_ignores.entry(ignore_key(i)).or_default() += 1;
    }
    for i in &head.ignores {
        match b_ignores.get_mut(&ignore_key(i)) {
            Some(n) if *n > 0 => *n -= 1,
            _ if !i.reason.trim().is_empty() => silencers_added.push(AddedSilencer {
                kind: "inline-ignore".into(),
                target: format!("{}:{}", i.location.path, i.location.start_line),
                what: i.rules.join(","),
                reason: i.reason.clone(),
                author: String::new(),
                commit: None,
            }),
            _ => {}
        }
    }
    for s in silencers_added.iter_mut() {
        let (author, commit) = (inp.author_of)(s);
        s.author = author;
        s.commit = commit;
    }

    DiffReport {
        version: head.version.clone(),
        tool: "breakwater".into(),
        tool_version: head.tool_version.clone(),
        base: inp.base.clone(),
        head: inp.head.clone(),
        elements_added,
        elements_removed,
        elements_changed,
        flows_added,
        flows_removed,
        threats_new,
        threats_resolved,
        threats_unverified,
        threats_severity_changed,
        decisions_stale,
        silencers_added,
        trust_head_decisions: inp.trust_head_decisions,
        head_failed: head
            .files
            .skipped
            .iter()
            .filter(|s| s.failed)
            .map(|s| s.path.clone())
            .collect(),
        unanalysed,
        head_skipped: head.files.skipped.iter().fold(BTreeMap::new(), |mut m, s| {
            *m.entry(s.reason.clone()).or_default() += 1;
            m
        }),
    }
}

impl DiffReport {
    /// Whether a new threat counts for the gate: open, or closed only by
    /// something this change added (unless the change's decisions are trusted).
    pub fn counts(&self, t: &Threat) -> bool {
        if t.status.is_open() {
            return true;
        }
        if self.trust_head_decisions {
            return false;
        }
        // Closed: by a decision or suppression keyed by its id (or moved
        // here), or by an inline ignore on its line. Base did not have the
        // threat, so whatever closes it now is new in all but odd cases;
        // check the list to be exact.
        let key = t.decision.as_ref().map(|d| d.key.as_str()).unwrap_or(&t.id);
        self.silenced_here(key, &t.id, &t.location.path, t.location.start_line)
    }

    /// Whether an unanalysed file the change touched counts for the gate:
    /// open, or accepted only by a decision this change added (unless the
    /// change's decisions are trusted).
    pub fn counts_file(&self, u: &UnanalysedFile) -> bool {
        if u.status.is_open() {
            return true;
        }
        if self.trust_head_decisions {
            return false;
        }
        let key = u.decision.as_ref().map(|d| d.key.as_str()).unwrap_or(&u.id);
        self.silenced_here(key, &u.id, &u.path, 0)
    }

    /// Whether this change added what closes `id` (a decision or
    /// suppression keyed by `key` or `id`, or an inline ignore at `line`).
    fn silenced_here(&self, key: &str, id: &str, path: &str, line: u32) -> bool {
        self.silencers_added.iter().any(|s| match s.kind.as_str() {
            "decision" | "suppression" => s.target == key || s.target == id,
            _ => {
                let (at, n) = s.target.rsplit_once(':').unwrap_or(("", ""));
                let n: u32 = n.parse().unwrap_or(0);
                line > 0 && at == path && (n == line || n + 1 == line)
            }
        })
    }

    /// New threats at or above `min` that count for the gate, plus base
    /// threats head could not verify, plus the files the change touched
    /// that head could not fully analyse and no (trusted) decision accepts.
    pub fn gate_hits(&self, min: Severity, include_potential: bool) -> usize {
        let shown = |t: &Threat| {
            t.severity >= min && (include_potential || t.confidence != Confidence::Potential)
        };
        self.threats_new
            .iter()
            .filter(|t| shown(t) && self.counts(t))
            .count()
            + self.threats_unverified.iter().filter(|t| shown(t)).count()
            + self.unanalysed_hits()
    }

    /// The files the change touched that head could not fully analyse and
    /// that count for the gate.
    pub fn unanalysed_hits(&self) -> usize {
        self.unanalysed
            .iter()
            .filter(|u| self.counts_file(u))
            .count()
    }

    /// A short line: `2 new threats (1 high), 1 resolved, 3 elements added`.
    pub fn is_empty(&self) -> bool {
        self.elements_added.is_empty()
            && self.elements_removed.is_empty()
            && self.elements_changed.is_empty()
            && self.flows_added.is_empty()
            && self.flows_removed.is_empty()
            && self.threats_new.is_empty()
            && self.threats_resolved.is_empty()
            && self.threats_unverified.is_empty()
            && self.threats_severity_changed.is_empty()
            && self.decisions_stale.is_empty()
            && self.silencers_added.is_empty()
            && self.unanalysed.is_empty()
    }

    /// The anchor of a threat, for renderers.
    pub fn anchor(t: &Threat) -> String {
        anchor_of(t)
    }
}
