//! The result of a scan: one structure every output renders from.
//!
//! Field order and list order are deterministic: the same repository gives
//! byte-identical JSON. Nothing time-dependent lives here (the wall time is
//! handed to the terminal renderer separately).

use bw_facts::{InlineIgnore, Location, Source, Step};
use bw_model::SystemModel;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Severity from the impact × likelihood table.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s {
            "info" => Severity::Info,
            "low" => Severity::Low,
            "medium" => Severity::Medium,
            "high" => Severity::High,
            "critical" => Severity::Critical,
            _ => return None,
        })
    }
    /// The documented 4×4 table (docs/rules.md).
    pub fn from_scores(impact: u8, likelihood: u8) -> Severity {
        use Severity::*;
        const TABLE: [[Severity; 4]; 4] = [
            [Info, Info, Low, Low],
            [Info, Low, Medium, Medium],
            [Low, Medium, High, High],
            [Low, Medium, High, Critical],
        ];
        TABLE[(impact.clamp(1, 4) - 1) as usize][(likelihood.clamp(1, 4) - 1) as usize]
    }
    /// GitHub's `security-severity` score for SARIF.
    pub fn security_severity(self) -> &'static str {
        match self {
            Severity::Critical => "9.5",
            Severity::High => "8.0",
            Severity::Medium => "5.5",
            Severity::Low => "3.0",
            Severity::Info => "0.5",
        }
    }
}

/// How sure breakwater is, separate from severity.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    /// Found in code: a source-to-sink path, or a literal setting.
    Confirmed,
    /// A dangerous pattern with a non-literal of unknown origin.
    Likely,
    /// Design level: follows from the model, not from a line of code.
    Potential,
}

impl Confidence {
    pub fn name(self) -> &'static str {
        match self {
            Confidence::Confirmed => "confirmed",
            Confidence::Likely => "likely",
            Confidence::Potential => "potential",
        }
    }
}

/// A factor that moved a score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Reason {
    /// `impact` or `likelihood`.
    pub axis: String,
    pub delta: i8,
    /// `exposure`, `authentication`, `data-classification`, `evidence`, `rule`.
    pub factor: String,
    pub text: String,
}

/// Where a threat stands: open, or what people decided about it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Nobody has decided anything (or the decision no longer holds: see
    /// `Stale` and `Expired`).
    Open,
    /// A decision exists but the code under it changed since: review again.
    Stale,
    /// A decision exists but its `expires` date has passed.
    Expired,
    /// Decided: a control makes it harmless.
    Mitigated,
    /// Decided: the risk is known and taken.
    Accepted,
    /// Decided: the finding is wrong.
    FalsePositive,
    /// Decided: someone else owns the risk (a provider, another team).
    Transferred,
    /// Silenced by an inline `breakwater: ignore[...]` with a reason.
    Ignored,
    /// Suppressed in breakwater.toml with a reason.
    Suppressed,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Stale => "stale",
            Status::Expired => "expired",
            Status::Mitigated => "mitigated",
            Status::Accepted => "accepted",
            Status::FalsePositive => "false-positive",
            Status::Transferred => "transferred",
            Status::Ignored => "ignored",
            Status::Suppressed => "suppressed",
        }
    }
    /// The status a decision's `status` field records.
    pub fn from_decision(s: &str) -> Option<Status> {
        Some(match s {
            "mitigated" => Status::Mitigated,
            "accepted" => Status::Accepted,
            "false-positive" => Status::FalsePositive,
            "transferred" => Status::Transferred,
            _ => return None,
        })
    }
    /// Needs attention: shown by default and counted by gates.
    pub fn is_open(self) -> bool {
        matches!(self, Status::Open | Status::Stale | Status::Expired)
    }
    /// Closed by a person's decision in the model file.
    pub fn is_decided(self) -> bool {
        matches!(
            self,
            Status::Mitigated | Status::Accepted | Status::FalsePositive | Status::Transferred
        )
    }
}

/// A model-file decision as attached to a threat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AppliedDecision {
    /// The threat id the decision is keyed by in the model file.
    pub key: String,
    /// What was decided (`mitigated`, `accepted`, `false-positive`, `transferred`).
    pub status: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub author: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// The decision was made on a threat with another id (a function moved
    /// or renamed with the same body): matched by fingerprint.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub moved: bool,
    /// The decision was pinned by the previous analysis core, which still
    /// finds the same evidence: it holds, and `breakwater triage --repin`
    /// records the new analysis's fingerprint.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub repinned: bool,
    /// For a stale decision: the evidence it was made on (today's is the
    /// threat's own `evidence`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_on: Option<String>,
}

/// A decision that matches no current threat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UnmatchedDecision {
    /// The threat id it is keyed by.
    pub key: String,
    pub status: String,
    pub reason: String,
    /// `orphaned`: the threat no longer exists (the code was fixed or
    /// removed); `unverified`: its file was skipped or failed to parse this
    /// time, so whether the threat still exists is unknown (counts against
    /// the gate, never reads as resolved).
    pub state: String,
    /// Why, in one sentence.
    pub note: String,
}

/// A few lines of source around the primary location (secrets masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Excerpt {
    pub start_line: u32,
    pub lines: Vec<String>,
}

/// A rule matched at an anchor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Threat {
    /// `<rule-id>@<path>::<symbol>[#n]` or `<rule-id>@<element-id>`.
    pub id: String,
    pub rule: String,
    pub title: String,
    pub stride: String,
    /// Most specific first.
    pub cwe: Vec<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owasp: Vec<String>,
    pub severity: Severity,
    pub impact: u8,
    pub likelihood: u8,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<Reason>,
    pub confidence: Confidence,
    /// Why breakwater is as sure as it says, when the confidence alone does
    /// not tell (empty: the usual meaning of the level).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub confidence_reason: String,
    /// The sink, the setting, or the declaration.
    pub location: Location,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<Excerpt>,
    /// Enclosing symbol of the primary location.
    pub symbol: String,
    /// The model element it concerns, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub element: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Step>,
    /// One-line message specific to this match.
    pub message: String,
    pub attack: String,
    /// The framework the fix is written for (`flask`, or `default`).
    pub fix_for: String,
    pub fix: String,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
    /// Listed in the adoption baseline: reported, but not counted by gates.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub baseline: bool,
    /// The model-file decision attached to it, current or not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<AppliedDecision>,
    /// Hash of the evidence slice: the rule, the sink or setting, the
    /// source and steps of its flow, and the control facts the rule read —
    /// whitespace-normalised, without paths, lines or symbol names, so a
    /// line shift, a rename or a move keeps it and a change to the code
    /// under the threat does not.
    pub fingerprint: String,
    /// The evidence text the fingerprint covers (secrets masked), recorded
    /// with a decision so a stale one can show what changed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub evidence: String,
}

/// The rule metadata outputs need (SARIF rules, Markdown details).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RuleSummary {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub stride: String,
    pub level: String,
    pub cwe: Vec<u32>,
    pub capec: Vec<u32>,
    pub owasp: Vec<String>,
    /// Full docs as Markdown.
    pub help: String,
    pub default_severity: Severity,
}

/// A file that was not analysed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct SkippedFile {
    pub path: String,
    /// `test`, `vendored`, `too-large`, `binary`, …
    pub reason: String,
    pub message: String,
    /// True when the file failed (the scan is incomplete).
    pub failed: bool,
    /// True when the file was not left out by choice (it failed, is too
    /// large, …): gates count it until a decision accepts it (see
    /// [`Report::unanalysed`]). Test, vendored, generated and minified code
    /// and links are left out by choice.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unverified: bool,
}

/// Where the analysis of a file stopped short: a limit was reached and
/// the code beyond it was not analysed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct TruncationNote {
    /// Which limit (`nesting-depth`, `unresolved-calls`, `analysis-rounds`).
    pub limit: String,
    /// The first line where it was reached in `symbol`.
    pub line: u32,
    /// The enclosing symbol (`create_app.upload`, `<module>`).
    pub symbol: String,
    /// What was not analysed, for a person.
    pub message: String,
}

/// A file analysed only in part: its facts stand, but a flow through the
/// parts named by its notes may be missing.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct TruncatedFile {
    pub path: String,
    pub notes: Vec<TruncationNote>,
}

/// A file the analysis could not cover, for a reason that is no choice:
/// skipped as unreadable, undecodable, too large, over a budget, …, or
/// truncated. Gates count it (like a threat) until a decision keyed by its
/// `id` accepts it; deliberate skips (test, vendored, generated, minified
/// code, links) are never listed here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UnanalysedFile {
    /// `unanalysed@<path>::<file>`: the key of the decision that accepts it.
    pub id: String,
    pub path: String,
    /// `truncated`, or the skip reason (`too-large`, `timeout`, `unreadable`, …).
    pub reason: String,
    /// What happened, for a person.
    pub message: String,
    /// Hash of what was not analysed (the file's bytes, or its size when
    /// too large to read): a decision accepting it goes stale when it changes.
    pub fingerprint: String,
    /// `open` (counted by gates), or what a decision made of it.
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
    /// The model-file decision attached to it, current or not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<AppliedDecision>,
}

/// The id prefix of an [`UnanalysedFile`]: `unanalysed@<path>::<file>`.
pub const UNANALYSED: &str = "unanalysed";

impl UnanalysedFile {
    /// The id of the unanalysed file at `path`.
    pub fn id_for(path: &str) -> String {
        format!("{UNANALYSED}@{path}::<file>")
    }

    /// Whether a decision key names an unanalysed file rather than a threat.
    pub fn is_id(key: &str) -> bool {
        key.strip_prefix(UNANALYSED)
            .is_some_and(|rest| rest.starts_with('@') && rest.ends_with("::<file>"))
    }
}

/// What was read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FileStats {
    pub analysed: usize,
    pub bytes: u64,
    /// Files per language.
    pub languages: std::collections::BTreeMap<String, usize>,
    /// Files parsed from a tree with syntax errors (facts from the partial tree).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partial: Vec<String>,
    pub skipped: Vec<SkippedFile>,
    /// Files whose analysis stopped short of part of their code, with where.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub truncated: Vec<TruncatedFile>,
}

/// Something discovery could not decide: asked, never asserted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Question {
    pub element: String,
    pub question: String,
}

/// Counts for the summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Summary {
    pub threats: usize,
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub info: usize,
    pub confirmed: usize,
    pub likely: usize,
    pub potential: usize,
    pub ignored: usize,
    pub suppressed: usize,
    /// Closed by a decision (mitigated, accepted, false positive, transferred).
    #[serde(default)]
    pub decided: usize,
    /// Open again: the code under the decision changed (included in `threats`).
    #[serde(default)]
    pub stale: usize,
    /// Open again: the decision expired (included in `threats`).
    #[serde(default)]
    pub expired: usize,
    /// Decisions whose threat no longer exists.
    #[serde(default)]
    pub orphaned: usize,
    /// Decisions whose file was skipped or failed this time (count against gates).
    #[serde(default)]
    pub unverified: usize,
    /// Open threats in the adoption baseline (included in `threats`; not gated).
    #[serde(default)]
    pub baseline: usize,
    /// Files not fully analysed that no decision accepts (count against gates).
    #[serde(default)]
    pub unanalysed: usize,
}

/// An AI suggestion awaiting a person's triage: listed apart from the
/// threats, never in SARIF, never counted by a gate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PendingSuggestion {
    /// `ai:<digest>`, the key in `[suggestions]`.
    pub id: String,
    /// `threat` or `mitigation`.
    pub kind: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub stride: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cwe: Vec<u32>,
    /// What it would be if accepted (threats).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// The threat a mitigation is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threat: Option<String>,
    pub location: Location,
    /// `confirmed` or `unconfirmed`, by breakwater's checks.
    pub verification: String,
    /// Who proposed it: `<provider> <model>`.
    pub proposed_by: String,
}

/// The complete result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    /// Schema version of this JSON.
    pub version: String,
    pub tool: String,
    pub tool_version: String,
    pub model: SystemModel,
    /// Sorted: severity (highest first), confidence, path, line, id.
    pub threats: Vec<Threat>,
    /// Rules that produced at least one threat.
    pub rules: Vec<RuleSummary>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<Question>,
    /// Model-file decisions that match no current threat.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<UnmatchedDecision>,
    /// Every inline ignore found, with or without a reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignores: Vec<InlineIgnore>,
    pub files: FileStats,
    pub summary: Summary,
    /// AI suggestions awaiting triage (not threats until a person accepts them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<PendingSuggestion>,
    /// Files the analysis could not cover (failed, too large, truncated),
    /// with what decisions made of them; sorted by path.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unanalysed: Vec<UnanalysedFile>,
}
