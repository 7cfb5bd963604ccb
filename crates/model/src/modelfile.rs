//! `breakwater.toml`: what people record and discovery cannot see.
//!
//! Code says what exists; this file says what people decided. It is read
//! with spans so errors point at the line, and never rewritten wholesale:
//! `init` writes a new commented file, later edits (`crate::edit`) splice
//! only the tables they change, so comments and layout survive.

use crate::types::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The file name at the repository root.
pub const FILE_NAME: &str = "breakwater.toml";
/// Where `init` writes the model file's JSON Schema, relative to the
/// repository root; the `#:schema` comment points editors (taplo, Even
/// Better TOML) at it, so completion and validation work offline.
pub const SCHEMA_PATH: &str = ".breakwater/breakwater.schema.json";

/// The model file's JSON Schema (generated from [`ModelFile`], committed in
/// `schemas/` and checked for staleness).
pub const SCHEMA_JSON: &str = include_str!("../../../schemas/breakwater.schema.json");

/// The system as a whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemSection {
    /// Display name of the system.
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// Classifications, lowest to highest.
pub const CLASSIFICATIONS: &[&str] = &["public", "internal", "confidential", "restricted"];

/// Data worth protecting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssetDecl {
    pub name: String,
    /// `public`, `internal`, `confidential` or `restricted`.
    pub classification: String,
    /// Element ids that hold or process it (`store:postgres`).
    #[serde(default)]
    pub stored_in: Vec<String>,
    #[serde(default)]
    pub description: String,
}

/// A trust boundary people declare.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BoundaryDecl {
    pub name: String,
    /// Element ids inside it.
    #[serde(default)]
    pub elements: Vec<String>,
}

/// An element discovery cannot see (a payment provider called from another service, a CDN).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ElementDecl {
    /// `component`, `store`, `external`, `llm-provider`, `queue`.
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub component: Option<String>,
    #[serde(default)]
    pub technology: String,
}

/// A threat people chose to suppress, with the reason (mandatory).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Suppression {
    pub reason: String,
}

/// What people can decide about a threat.
pub const DECISION_STATUSES: &[&str] = &["mitigated", "accepted", "false-positive", "transferred"];

/// A person's disposition of a threat, keyed by threat id in `[decisions]`.
///
/// `breakwater triage` writes these; people may edit them. The fingerprint
/// pins the decision to the evidence it was made on: when the code under it
/// changes, the decision is stale and the threat asks for review again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// `mitigated`, `accepted`, `false-positive` or `transferred`.
    pub status: String,
    /// Why (mandatory): what mitigates it, why the risk is accepted, why it is wrong.
    pub reason: String,
    /// Who recorded it (from git config; informational: identity comes from
    /// git history and review).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub author: String,
    /// When it was recorded, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub date: String,
    /// Fingerprint of the evidence the decision was made on (the statements on
    /// the source-to-sink path and the control facts the rule read).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fingerprint: String,
    /// The evidence it was made on, as text (shown when the decision goes stale).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub evidence: String,
    /// A tracking ticket (`SEC-123`, a URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// The decision lapses on this date (`YYYY-MM-DD`) and the threat reopens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// The AI providers `[ai] provider` may name.
pub const AI_PROVIDERS: &[&str] = &["openai", "anthropic", "ollama"];

/// `[ai]`: which provider to ask and the limits of a run. API keys never go
/// here (they come from the environment; a key in this file is a load error).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AiSection {
    /// `openai` (any OpenAI-compatible API: OpenAI, Azure OpenAI, vLLM,
    /// llama.cpp server, LM Studio, Ollama's /v1), `anthropic` (Messages
    /// API) or `ollama` (Ollama's native /api/chat).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The model name the provider knows (`gpt-4o-mini`, `claude-sonnet-4-5`, `qwen2.5-coder:7b`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Base URL of the API (`http://localhost:11434`, `https://api.openai.com/v1`,
    /// an Azure deployment URL with `?api-version=`). Never with credentials in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// Seconds one request may take (default 120).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u64>,
    /// Retries after a 429, a 5xx, a timeout or a dropped connection (default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_retries: Option<u32>,
    /// First retry delay in milliseconds, doubled each time (default 1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_base_millis: Option<u64>,
    /// Add up to one base delay of jitter to each retry (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_jitter: Option<bool>,
    /// Requests in flight at once (default 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<u32>,
    /// Tokens one run may spend, prompt and answer together (default 200000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_budget: Option<u64>,
    /// Most tokens one answer may have (default 4096).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_output_tokens: Option<u32>,
    /// Most bytes of repository context in one request (default 48000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_context_bytes: Option<u64>,
    /// Largest answer accepted, in bytes (default 1000000); larger ones are rejected unread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_response_bytes: Option<u64>,
    /// Ask for the answer's JSON schema (structured outputs) where the
    /// provider has them (default true; turn off for servers that reject it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub structured_outputs: Option<bool>,
    /// Only files matching one of these globs may be sent (default: all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// Files matching one of these globs are never sent (added to the
    /// built-in list: `.env*`, key and certificate files, `secrets/`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
}

/// The keys `[ai]` knows; a key not listed whose name says credential is refused with its own message.
const AI_KEYS: &[&str] = &[
    "provider",
    "model",
    "endpoint",
    "timeout_seconds",
    "max_retries",
    "retry_base_millis",
    "retry_jitter",
    "concurrency",
    "token_budget",
    "max_output_tokens",
    "max_context_bytes",
    "max_response_bytes",
    "structured_outputs",
    "include",
    "exclude",
];

/// A key name that says it holds a credential (`api_key`, `apiKey`, `token`, `authorization`).
pub fn is_credential_key(name: &str) -> bool {
    let words = bw_facts::words::words(name);
    const WORDS: &[&str] = &[
        "key",
        "apikey",
        "token",
        "secret",
        "password",
        "passwd",
        "authorization",
        "auth",
        "bearer",
        "credential",
        "credentials",
        "pat",
    ];
    words.iter().any(|w| WORDS.contains(&w.as_str()))
        || bw_facts::secrets::secret_name_kind(name).is_some()
}

/// What a suggestion's life looks like: proposed by an AI, then decided by a person.
pub const SUGGESTION_STATES: &[&str] = &["suggested", "accepted", "rejected"];
/// What an AI may propose.
pub const SUGGESTION_KINDS: &[&str] = &["threat", "mitigation"];
/// STRIDE categories, as rules and threats name them.
pub const STRIDE_CATEGORIES: &[&str] = &[
    "spoofing",
    "tampering",
    "repudiation",
    "information-disclosure",
    "denial-of-service",
    "elevation-of-privilege",
];
/// Verification outcomes of an AI claim.
pub const VERIFICATIONS: &[&str] = &["confirmed", "unconfirmed"];

/// Where an AI suggestion came from: enough to find the exact request and
/// answer in `.breakwater/ai-log/` and to judge it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// `openai`, `anthropic` or `ollama`; `assistant` for a threat an AI
    /// coding assistant proposed (`breakwater ai propose`, after the MCP
    /// tool `propose_threat`), its name then being the model.
    #[serde(default)]
    pub provider: String,
    #[serde(default)]
    pub model: String,
    /// The API's base URL (no credentials).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub endpoint: String,
    /// Sampling and size parameters sent (`temperature=0 max_output_tokens=4096 structured=json-schema`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub parameters: String,
    /// The prompt template and its version (`suggest/1`).
    #[serde(default)]
    pub prompt_template: String,
    /// `sha256:` of the request body as sent (secrets already redacted).
    #[serde(default)]
    pub prompt_digest: String,
    /// `sha256:` of the repository context the prompt was built from.
    #[serde(default)]
    pub inputs_digest: String,
    /// `sha256:` of the answer's body.
    #[serde(default)]
    pub response_digest: String,
    /// When the run started, UTC, RFC 3339.
    #[serde(default)]
    pub time: String,
    /// The run id (`breakwater ai replay RUN` reproduces it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub run: String,
    /// The content-addressed log entry with the full request and answer.
    #[serde(default)]
    pub log_entry: String,
}

/// An AI suggestion, keyed `ai:<digest>` in `[suggestions]`.
///
/// Only `breakwater ai` writes these (`suggest`, `review-diff`, and
/// `propose` for an assistant's proposal), only after its checks passed, and
/// only as `suggested`. They reach no SARIF, gate or guardrail until a
/// person sets `state = "accepted"` (`breakwater ai accept ID`); an accepted
/// threat suggestion is then a threat like any other (rule `ai-suggestion`,
/// id = its key), which decisions can close.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Suggestion {
    /// `suggested`, `accepted` or `rejected`.
    pub state: String,
    /// `threat` (a threat breakwater's rules did not find) or `mitigation`
    /// (a fix for a known threat).
    pub kind: String,
    pub title: String,
    /// STRIDE category (threats).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub stride: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cwe: Vec<u32>,
    /// 1–4, as in the rules' severity table (threats).
    #[serde(default)]
    pub impact: u8,
    /// 1–4 (threats).
    #[serde(default)]
    pub likelihood: u8,
    /// The model element it concerns (checked to exist).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub element: Option<String>,
    /// For a mitigation: the threat id it mitigates (checked to exist).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threat: Option<String>,
    /// The cited file (checked: inside the tree, no link, not excluded).
    pub path: String,
    pub start_line: u32,
    pub end_line: u32,
    /// The cited code (checked: present within 3 lines of the cited ones).
    pub quote: String,
    /// Why it is a threat (or how the fix helps), in the AI's words.
    pub rationale: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub mitigation: String,
    /// `confirmed` when a deterministic check (the flow analysis) backs the
    /// claim, else `unconfirmed`.
    pub verification: String,
    /// What was checked, one line each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<String>,
    pub provenance: Provenance,
    /// Who accepted or rejected it (a person; informational).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub triaged_by: String,
    /// When, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub triaged_on: String,
    /// Why (mandatory for a rejection).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub triage_reason: String,
}

/// True for a real `YYYY-MM-DD` calendar date (ISO 8601, proleptic
/// Gregorian): `2028-02-29` is one, `2030-02-31` and `2027-02-29` are not.
pub fn is_date(s: &str) -> bool {
    date_problem(s).is_none()
}

/// Why `s` is not a `YYYY-MM-DD` calendar date, for a person; `None` when
/// it is one.
pub fn date_problem(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10
        || b[4] != b'-'
        || b[7] != b'-'
        || !(digits(0..4) && digits(5..7) && digits(8..10))
    {
        return Some("not in the form YYYY-MM-DD".into());
    }
    let year: u32 = s[0..4].parse().unwrap_or(0);
    let month: u32 = s[5..7].parse().unwrap_or(0);
    let day: u32 = s[8..10].parse().unwrap_or(0);
    if !(1..=12).contains(&month) {
        return Some(format!("there is no month {month}"));
    }
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !(1..=days).contains(&day) {
        return Some(format!(
            "{year:04}-{month:02} has {days} days, so there is no day {day}"
        ));
    }
    None
}

/// Today's date (UTC) as `YYYY-MM-DD`; `BREAKWATER_TODAY` overrides it
/// (tests, and reproducing a past run's expiry decisions).
pub fn today() -> String {
    if let Ok(d) = std::env::var("BREAKWATER_TODAY")
        && is_date(&d)
    {
        return d;
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    civil_date((secs / 86_400) as i64)
}

/// Days since 1970-01-01 to `YYYY-MM-DD` (Howard Hinnant's civil_from_days).
pub fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The whole model file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelFile {
    #[serde(default)]
    pub system: SystemSection,
    /// Display names for discovered elements, keyed by element id.
    #[serde(default)]
    pub names: BTreeMap<String, String>,
    /// Who owns an element (a team, a person), keyed by element id
    /// (`component:api`, `store:postgres`); `breakwater status` lists
    /// components and stores without one.
    #[serde(default)]
    pub owners: BTreeMap<String, String>,
    /// Assets keyed by a short id.
    #[serde(default)]
    pub assets: BTreeMap<String, AssetDecl>,
    /// Declared trust boundaries keyed by a short id.
    #[serde(default)]
    pub boundaries: BTreeMap<String, BoundaryDecl>,
    /// Declared elements keyed by element id (`external:payments`).
    #[serde(default)]
    pub elements: BTreeMap<String, ElementDecl>,
    /// Suppressed threats keyed by threat id.
    #[serde(default)]
    pub suppressions: BTreeMap<String, Suppression>,
    /// Decisions keyed by threat id (`breakwater triage` writes them).
    #[serde(default)]
    pub decisions: BTreeMap<String, Decision>,
    /// Which AI provider `breakwater ai` asks, and its limits (no keys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ai: Option<AiSection>,
    /// AI suggestions keyed `ai:<digest>` (`breakwater ai` writes them;
    /// people accept or reject them).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub suggestions: BTreeMap<String, Suggestion>,
}

/// An error in the model file, pointing at a line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}:{col}: {message}")]
pub struct ModelFileError {
    pub path: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

/// The line of the first occurrence of a key (for semantic errors).
fn key_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| l.contains(key))
        .map(|i| i + 1)
        .unwrap_or(1)
}

impl ModelFile {
    /// Parse and validate; errors say where and how to fix.
    pub fn parse(path: &str, text: &str) -> Result<ModelFile, ModelFileError> {
        check_credentials(path, text)?;
        let mf: ModelFile = toml::from_str(text).map_err(|e| {
            let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            ModelFileError {
                path: path.into(),
                line,
                col,
                message: e.message().trim().to_string(),
            }
        })?;
        let err = |key: &str, message: String| ModelFileError {
            path: path.into(),
            line: key_line(text, key),
            col: 1,
            message,
        };
        for (id, a) in &mf.assets {
            if !CLASSIFICATIONS.contains(&a.classification.as_str()) {
                return Err(err(
                    &a.classification,
                    format!(
                        "asset `{id}`: classification `{}` is not one of {}",
                        a.classification,
                        CLASSIFICATIONS.join(", ")
                    ),
                ));
            }
        }
        for (id, s) in &mf.suppressions {
            if s.reason.trim().is_empty() {
                return Err(err(
                    id,
                    format!(
                        "suppression `{id}` needs a reason: say why this threat does not apply"
                    ),
                ));
            }
        }
        for (id, d) in &mf.decisions {
            if !DECISION_STATUSES.contains(&d.status.as_str()) {
                return Err(err(
                    id,
                    format!(
                        "decision `{id}`: status `{}` is not one of {}",
                        d.status,
                        DECISION_STATUSES.join(", ")
                    ),
                ));
            }
            if d.reason.trim().is_empty() {
                return Err(err(
                    id,
                    format!(
                        "decision `{id}` needs a reason: say what mitigates it or why it is accepted"
                    ),
                ));
            }
            for (what, date) in [("date", Some(&d.date)), ("expires", d.expires.as_ref())] {
                if let Some(date) = date.filter(|x| !x.is_empty() && !is_date(x)) {
                    return Err(err(
                        id,
                        format!(
                            "decision `{id}`: {what} `{date}` is not a date ({}): write YYYY-MM-DD",
                            date_problem(date).unwrap_or_default()
                        ),
                    ));
                }
            }
        }
        if let Some(ai) = &mf.ai {
            if let Some(p) = ai.provider.as_deref().filter(|p| !AI_PROVIDERS.contains(p)) {
                return Err(err(
                    "provider",
                    format!(
                        "[ai] provider `{p}` is not one of {} (any OpenAI-compatible server is `openai`)",
                        AI_PROVIDERS.join(", ")
                    ),
                ));
            }
            for (key, value) in [
                ("timeout_seconds", ai.timeout_seconds),
                ("concurrency", ai.concurrency.map(u64::from)),
                ("token_budget", ai.token_budget),
                ("max_output_tokens", ai.max_output_tokens.map(u64::from)),
                ("max_context_bytes", ai.max_context_bytes),
                ("max_response_bytes", ai.max_response_bytes),
            ] {
                if value == Some(0) {
                    return Err(err(key, format!("[ai] {key} must be at least 1")));
                }
            }
        }
        for (id, x) in &mf.suggestions {
            check_suggestion(id, x).map_err(|m| err(id, m))?;
        }
        for (id, e) in &mf.elements {
            if element_kind(&e.kind).is_none() {
                return Err(err(
                    id,
                    format!(
                        "element `{id}`: kind `{}` is not one of component, store, external, llm-provider, queue",
                        e.kind
                    ),
                ));
            }
        }
        Ok(mf)
    }

    /// Apply to a built model: names, declared elements, boundaries, assets.
    pub fn apply(&self, model: &mut SystemModel) {
        if !self.system.name.is_empty() {
            model.name = self.system.name.clone();
        }
        model.description = self.system.description.clone();
        for (id, decl) in &self.elements {
            if model.element(id).is_some() {
                continue;
            }
            model.elements.push(Element {
                id: id.clone(),
                kind: element_kind(&decl.kind).unwrap_or(ElementKind::External),
                name: decl.name.clone(),
                component: decl.component.clone(),
                boundary: None,
                entry: None,
                technology: decl.technology.clone(),
                props: Default::default(),
                evidence: vec![],
                declared: true,
            });
        }
        for el in model.elements.iter_mut() {
            if let Some(n) = self.names.get(&el.id) {
                el.name = n.clone();
            }
        }
        for (id, b) in &self.boundaries {
            model.boundaries.push(Boundary {
                id: format!("boundary:{id}"),
                name: b.name.clone(),
                elements: b.elements.clone(),
            });
        }
        for (id, a) in &self.assets {
            model.assets.push(Asset {
                id: format!("asset:{id}"),
                name: a.name.clone(),
                classification: a.classification.clone(),
                stored_in: a.stored_in.clone(),
                description: a.description.clone(),
            });
        }
        model
            .elements
            .sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
    }

    /// Highest classification among assets held by any of these elements.
    pub fn classification_for<'a>(
        &'a self,
        elements: impl Iterator<Item = &'a str> + Clone,
    ) -> Option<(String, Vec<String>)> {
        let mut best: Option<(usize, Vec<String>)> = None;
        for a in self.assets.values() {
            if a.stored_in.iter().any(|s| elements.clone().any(|e| e == s)) {
                let rank = CLASSIFICATIONS
                    .iter()
                    .position(|c| *c == a.classification)
                    .unwrap_or(0);
                match &mut best {
                    Some((r, names)) if *r == rank => names.push(a.name.clone()),
                    Some((r, _)) if *r > rank => {}
                    _ => best = Some((rank, vec![a.name.clone()])),
                }
            }
        }
        best.map(|(r, names)| (CLASSIFICATIONS[r].to_string(), names))
    }
}

/// A suggestion must say what it is, where it points and where it came from.
fn check_suggestion(id: &str, x: &Suggestion) -> Result<(), String> {
    let one_of = |what: &str, v: &str, list: &[&str]| -> Result<(), String> {
        if list.contains(&v) {
            Ok(())
        } else {
            Err(format!(
                "suggestion `{id}`: {what} `{v}` is not one of {}",
                list.join(", ")
            ))
        }
    };
    one_of("state", &x.state, SUGGESTION_STATES)?;
    one_of("kind", &x.kind, SUGGESTION_KINDS)?;
    one_of("verification", &x.verification, VERIFICATIONS)?;
    if x.kind == "threat" {
        one_of("stride", &x.stride, STRIDE_CATEGORIES)?;
        for (what, v) in [("impact", x.impact), ("likelihood", x.likelihood)] {
            if !(1..=4).contains(&v) {
                return Err(format!(
                    "suggestion `{id}`: {what} {v} is not between 1 and 4"
                ));
            }
        }
    } else if x.threat.as_deref().is_none_or(str::is_empty) {
        return Err(format!(
            "suggestion `{id}`: a mitigation names the threat it mitigates (`threat = \"<threat id>\"`)"
        ));
    }
    if x.title.trim().is_empty() || x.path.trim().is_empty() || x.start_line == 0 {
        return Err(format!(
            "suggestion `{id}` needs a title, a path and a start_line: an AI suggestion always cites code"
        ));
    }
    if x.end_line < x.start_line {
        return Err(format!(
            "suggestion `{id}`: end_line {} is before start_line {}",
            x.end_line, x.start_line
        ));
    }
    let p = &x.provenance;
    for (what, v) in [
        ("provider", &p.provider),
        ("model", &p.model),
        ("prompt_template", &p.prompt_template),
        ("response_digest", &p.response_digest),
        ("time", &p.time),
        ("log_entry", &p.log_entry),
    ] {
        if v.trim().is_empty() {
            return Err(format!(
                "suggestion `{id}`: provenance.{what} is missing; every AI item says where it came from"
            ));
        }
    }
    if x.state == "rejected" && x.triage_reason.trim().is_empty() {
        return Err(format!(
            "suggestion `{id}` is rejected without a reason: add triage_reason = \"…\""
        ));
    }
    if !x.triaged_on.is_empty() && !is_date(&x.triaged_on) {
        return Err(format!(
            "suggestion `{id}`: triaged_on `{}` is not a date: write YYYY-MM-DD",
            x.triaged_on
        ));
    }
    Ok(())
}

/// Credentials never live in the model file, which is committed: a key
/// under `[ai]` whose name says credential, or a value anywhere that the
/// secret detector recognises as an API key, token, private key or a URL
/// with a password, is a load error at its line.
fn check_credentials(path: &str, text: &str) -> Result<(), ModelFileError> {
    const FIX: &str = "API keys come from the environment only: OPENAI_API_KEY, ANTHROPIC_API_KEY or BREAKWATER_AI_API_KEY (see docs/ai.md); remove it from the file, and rotate the key if it was ever committed";
    if let Ok(doc) = toml_edit::Document::parse(text)
        && let Some(ai) = doc.as_table().get("ai").and_then(|i| i.as_table_like())
    {
        for (key, _) in ai.iter() {
            if AI_KEYS.contains(&key) || !is_credential_key(key) {
                continue;
            }
            let offset = ai.key(key).and_then(|k| k.span()).map_or(0, |s| s.start);
            let (line, col) = line_col(text, offset);
            return Err(ModelFileError {
                path: path.into(),
                line,
                col,
                message: format!("[ai] `{key}` looks like a credential; {FIX}"),
            });
        }
    }
    if let Some(fact) = bw_facts::secrets::scan(path, bw_files::Lang::Config, text)
        .into_iter()
        .next()
    {
        let masked = fact.str("masked").unwrap_or(&fact.kind).to_string();
        return Err(ModelFileError {
            path: path.into(),
            line: fact.evidence.location.start_line as usize,
            col: 1,
            message: format!("a secret ({masked}) is in the model file, which is committed; {FIX}"),
        });
    }
    Ok(())
}

fn element_kind(kind: &str) -> Option<ElementKind> {
    Some(match kind {
        "component" => ElementKind::Component,
        "store" => ElementKind::Store,
        "external" => ElementKind::External,
        "llm-provider" => ElementKind::LlmProvider,
        "queue" => ElementKind::Queue,
        _ => return None,
    })
}

fn toml_str(s: &str) -> String {
    toml_edit::Value::from(s).to_string().trim().to_string()
}

/// A commented model file pre-filled from a discovered model.
pub fn init_text(model: &SystemModel) -> String {
    let mut s = String::new();
    s.push_str(&format!("#:schema ./{SCHEMA_PATH}\n"));
    s.push_str(
        "# breakwater model file: what people decided about this system.\n\
         # Discovery (`breakwater scan`) recomputes what the code contains on every run;\n\
         # this file holds what code cannot say. It was pre-filled from discovery: correct it.\n\n",
    );
    s.push_str("[system]\n");
    s.push_str(&format!("name = {}\n", toml_str(&model.name)));
    s.push_str("description = \"\"  # one or two sentences: what the system does and for whom\n\n");
    s.push_str(
        "# Display names for discovered elements (ids come from code and never change).\n[names]\n",
    );
    for el in model.elements.iter().filter(|e| {
        matches!(
            e.kind,
            ElementKind::Component
                | ElementKind::Store
                | ElementKind::External
                | ElementKind::LlmProvider
        )
    }) {
        s.push_str(&format!(
            "# {} = {}\n",
            toml_str(&el.id),
            toml_str(&el.name)
        ));
    }
    s.push_str(
        "\n# Owners: who answers for each component and data store (a team or a person).\n[owners]\n",
    );
    for el in model
        .elements
        .iter()
        .filter(|e| matches!(e.kind, ElementKind::Component | ElementKind::Store))
    {
        s.push_str(&format!("# {} = \"team-…\"\n", toml_str(&el.id)));
    }
    s.push_str(
        "\n# Assets: data worth protecting. The classification (public, internal, confidential,\n\
         # restricted) raises or lowers the impact of threats on the elements that hold it.\n",
    );
    for el in model
        .elements
        .iter()
        .filter(|e| e.kind == ElementKind::Store)
    {
        let short = el
            .id
            .trim_start_matches("store:")
            .replace([':', '.', '/'], "-");
        s.push_str(&format!("[assets.{short}-data]\n"));
        s.push_str(&format!(
            "name = {}\n",
            toml_str(&format!("Data in {}", el.name))
        ));
        s.push_str("classification = \"confidential\"  # suggested: review it\n");
        s.push_str(&format!("stored_in = [{}]\n\n", toml_str(&el.id)));
    }
    s.push_str("# Trust boundaries discovery found:\n");
    for b in &model.boundaries {
        s.push_str(&format!(
            "#   {} ({}): {} element(s)\n",
            b.id,
            b.name,
            b.elements.len()
        ));
    }
    s.push_str(
        "# Declare more, e.g. an API gateway that authenticates every request:\n\
         # [boundaries.gateway]\n# name = \"API gateway\"\n# elements = [\"component:api\"]\n\n\
         # Elements discovery cannot see:\n\
         # [elements.\"external:payments\"]\n# kind = \"external\"\n# name = \"Payment provider\"\n\n\
         # Suppress a threat that does not apply, with the reason (mandatory):\n\
         # [suppressions.\"debug-mode-enabled@run.py::<module>\"]\n# reason = \"run.py is only used for local development\"\n",
    );
    s
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn errors_point_at_the_line() {
        let e = ModelFile::parse(
            "breakwater.toml",
            "[system]\nname = \"x\"\ncolour = \"red\"\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("colour"), "{e}");
        let e = ModelFile::parse(
            "breakwater.toml",
            "[assets.pii]\nname = \"PII\"\nclassification = \"secret\"\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("restricted"), "{e}");
        let e = ModelFile::parse(
            "breakwater.toml",
            "[suppressions.\"a@b::c\"]\nreason = \" \"\n",
        )
        .unwrap_err();
        assert!(e.message.contains("needs a reason"), "{e}");
    }

    #[test]
    fn decisions_are_checked() {
        let ok = ModelFile::parse(
            "breakwater.toml",
            "[decisions.\"a@b::c\"]\nstatus = \"accepted\"\nreason = \"internal tool\"\nexpires = \"2027-01-31\"\n",
        )
        .unwrap();
        assert_eq!(ok.decisions["a@b::c"].status, "accepted");
        for (text, want) in [
            ("status = \"fixed\"\nreason = \"x\"", "not one of"),
            ("status = \"accepted\"\nreason = \"\"", "needs a reason"),
            (
                "status = \"accepted\"\nreason = \"x\"\nexpires = \"31/01/2027\"",
                "YYYY-MM-DD",
            ),
        ] {
            let e = ModelFile::parse(
                "breakwater.toml",
                &format!("\n[decisions.\"a@b::c\"]\n{text}\n"),
            )
            .unwrap_err();
            assert!(e.message.contains(want), "{e}");
            assert_eq!(e.line, 2, "{e}");
        }
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_420), "2025-11-28");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert!(is_date("2026-11-27") && !is_date("2026-13-01") && !is_date("2026-1-01"));
        // Real calendar dates only.
        assert!(!is_date("2030-02-31") && !is_date("2027-02-29") && !is_date("2026-04-31"));
        assert!(is_date("2028-02-29") && is_date("2000-02-29") && !is_date("2100-02-29"));
        assert!(!is_date("2026-00-10") && !is_date("2026-01-00"));
        assert_eq!(
            date_problem("2030-02-31").unwrap(),
            "2030-02 has 28 days, so there is no day 31"
        );
    }

    #[test]
    fn init_text_parses_back() {
        let model = SystemModel {
            name: "shop \"eu\"".into(),
            elements: vec![Element {
                id: "store:postgres".into(),
                kind: ElementKind::Store,
                name: "postgres".into(),
                component: None,
                boundary: None,
                entry: None,
                technology: "postgres".into(),
                props: Default::default(),
                evidence: vec![],
                declared: false,
            }],
            ..Default::default()
        };
        let text = init_text(&model);
        let mf = ModelFile::parse("breakwater.toml", &text).unwrap();
        assert_eq!(mf.system.name, "shop \"eu\"");
        assert_eq!(mf.assets["postgres-data"].stored_in, vec!["store:postgres"]);
        assert!(
            mf.classification_for(["store:postgres"].into_iter())
                .is_some()
        );
    }

    #[test]
    fn credentials_are_load_errors_at_their_line() {
        let e = ModelFile::parse(
            "breakwater.toml",
            "[system]\nname = \"x\"\n\n[ai]\nprovider = \"openai\"\napi_key = \"abc\"\n",
        )
        .unwrap_err();
        assert_eq!((e.line, e.col), (6, 1), "{e}");
        assert!(
            e.message.contains("`api_key` looks like a credential"),
            "{e}"
        );
        assert!(e.message.contains("OPENAI_API_KEY"), "{e}");
        for key in [
            "apiKey",
            "token",
            "authorization",
            "secret",
            "password",
            "anthropic_key",
        ] {
            let e = ModelFile::parse("t", &format!("[ai]\n{key} = \"v\"\n")).unwrap_err();
            assert!(e.message.contains("looks like a credential"), "{key}: {e}");
        }
        // A real-looking key as a value, anywhere in the file, and never echoed.
        let key = format!("sk-proj-{}", "Ab3dE5gH7jK9mN1pQ3sT5vW7yZ");
        let e = ModelFile::parse(
            "t",
            &format!("[ai]\nprovider = \"openai\"\nmodel = \"{key}\"\n"),
        )
        .unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(!e.to_string().contains(&key), "{e}");
        let e = ModelFile::parse(
            "t",
            "[ai]\nprovider = \"openai\"\nendpoint = \"https://bob:hunter2hunter2@llm.internal/v1\"\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        // Our own keys are fine, and so is a budget of tokens.
        let ok = ModelFile::parse(
            "t",
            "[ai]\nprovider = \"ollama\"\nmodel = \"qwen2.5-coder:7b\"\ntoken_budget = 50000\nmax_output_tokens = 2000\nexclude = [\"docs/**\"]\n",
        )
        .unwrap();
        assert_eq!(ok.ai.unwrap().token_budget, Some(50000));
        let e = ModelFile::parse("t", "[ai]\nprovider = \"gemini\"\n").unwrap_err();
        assert!(e.message.contains("openai, anthropic, ollama"), "{e}");
        assert_eq!(e.line, 2);
    }

    pub(crate) fn suggestion() -> Suggestion {
        Suggestion {
            state: "suggested".into(),
            kind: "threat".into(),
            title: "Order ids are guessable".into(),
            stride: "information-disclosure".into(),
            cwe: vec![639],
            impact: 3,
            likelihood: 2,
            element: Some("route:GET /orders/{}".into()),
            threat: None,
            path: "app/orders.py".into(),
            start_line: 10,
            end_line: 12,
            quote: "order = Order.query.get(order_id)".into(),
            rationale: "any user can read any order".into(),
            mitigation: "check the owner".into(),
            verification: "unconfirmed".into(),
            checks: vec!["path exists".into()],
            provenance: Provenance {
                provider: "openai".into(),
                model: "m".into(),
                endpoint: String::new(),
                parameters: "temperature=0".into(),
                prompt_template: "suggest/1".into(),
                prompt_digest: "sha256:aa".into(),
                inputs_digest: "sha256:bb".into(),
                response_digest: "sha256:cc".into(),
                time: "2026-01-02T03:04:05Z".into(),
                run: "r1".into(),
                log_entry: ".breakwater/ai-log/cc.json".into(),
            },
            ..Default::default()
        }
    }

    #[test]
    fn suggestions_are_checked() {
        let render = |x: &Suggestion| crate::edit::render_suggestion("ai:1", x, "\n");
        let ok = ModelFile::parse("t", &render(&suggestion())).unwrap();
        assert_eq!(ok.suggestions["ai:1"], suggestion());
        let cases: Vec<(Suggestion, &str)> = vec![
            (
                Suggestion {
                    state: "decided".into(),
                    ..suggestion()
                },
                "state",
            ),
            (
                Suggestion {
                    stride: "spoof".into(),
                    ..suggestion()
                },
                "stride",
            ),
            (
                Suggestion {
                    impact: 5,
                    ..suggestion()
                },
                "between 1 and 4",
            ),
            (
                Suggestion {
                    kind: "mitigation".into(),
                    ..suggestion()
                },
                "names the threat",
            ),
            (
                Suggestion {
                    path: "".into(),
                    ..suggestion()
                },
                "cites code",
            ),
            (
                Suggestion {
                    state: "rejected".into(),
                    ..suggestion()
                },
                "without a reason",
            ),
            (
                Suggestion {
                    provenance: Provenance {
                        model: "".into(),
                        ..suggestion().provenance
                    },
                    ..suggestion()
                },
                "provenance.model",
            ),
        ];
        for (x, want) in cases {
            let e = ModelFile::parse("t", &format!("\n{}", render(&x))).unwrap_err();
            assert!(e.message.contains(want), "{want}: {e}");
            assert_eq!(e.line, 2, "{e}");
        }
    }
}
