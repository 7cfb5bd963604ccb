//! Rules as data: the TOML format of `rules/<category>/<id>.toml`, loading
//! and validation against the fact vocabulary.
//!
//! Conditions are typed data (all / any / not over named predicates);
//! nothing is evaluated from strings at run time. Unknown fields, kinds,
//! properties and predicate names are load errors naming the file.

use crate::report::Severity;
use bw_facts::vocab::{self, PropType};
use bw_facts::{FlowState, Subject};
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Stride {
    Spoofing,
    Tampering,
    Repudiation,
    InformationDisclosure,
    DenialOfService,
    ElevationOfPrivilege,
}

impl Stride {
    pub fn name(self) -> &'static str {
        match self {
            Stride::Spoofing => "spoofing",
            Stride::Tampering => "tampering",
            Stride::Repudiation => "repudiation",
            Stride::InformationDisclosure => "information-disclosure",
            Stride::DenialOfService => "denial-of-service",
            Stride::ElevationOfPrivilege => "elevation-of-privilege",
        }
    }
    pub const ALL: [Stride; 6] = [
        Stride::Spoofing,
        Stride::Tampering,
        Stride::Repudiation,
        Stride::InformationDisclosure,
        Stride::DenialOfService,
        Stride::ElevationOfPrivilege,
    ];
}

/// How a rule's matches are anchored and how sure they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// A code pattern: confirmed with a source-to-sink path, else likely.
    Code,
    /// A literal setting in code or infrastructure: confirmed.
    Config,
    /// Follows from the model: potential.
    Design,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Code => "code",
            Level::Config => "config",
            Level::Design => "design",
        }
    }
}

/// Named predicates computed when the model is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ModelPredicate {
    AuthAbsent,
    AuthPresent,
    AuthUnknown,
    AuthzPresent,
    InternetExposed,
    RateLimited,
    CallsLlm,
    WritesStore,
    InEntry,
    CsrfProtected,
    SessionAuth,
    AuditLogged,
    DatastoreImage,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FlowWord {
    Tainted,
    Unknown,
}

impl FlowWord {
    pub fn matches(self, state: FlowState) -> bool {
        matches!(
            (self, state),
            (FlowWord::Tainted, FlowState::Tainted) | (FlowWord::Unknown, FlowState::Unknown)
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PropValues {
    pub prop: String,
    pub values: Vec<String>,
}

/// A typed condition: exactly one key per table.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    Kind(Vec<String>),
    Flow(Vec<FlowWord>),
    Source(Vec<String>),
    Is(String),
    Off(String),
    Set(String),
    Equals(PropValues),
    Contains(PropValues),
    Words(PropValues),
    Framework(Vec<String>),
    Language(Vec<String>),
    Model(ModelPredicate),
    /// The manifests of its ecosystem covering the fact's file declare
    /// one of these packages, or no such manifest covers it (nothing to
    /// tell).
    Depends(Vec<String>),
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany {
    One(Subject),
    Many(Vec<Subject>),
}

impl OneOrMany {
    pub fn subjects(&self) -> Vec<Subject> {
        match self {
            OneOrMany::One(s) => vec![*s],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Match {
    pub subject: OneOrMany,
    pub when: Condition,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Adjust {
    pub when: Condition,
    #[serde(default)]
    pub impact: i8,
    #[serde(default)]
    pub likelihood: i8,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Docs {
    pub summary: String,
    pub what: String,
    pub why: String,
    pub attack: String,
    pub references: Vec<String>,
    /// Fix per framework; `default` is required.
    pub fix: BTreeMap<String, String>,
}

/// One rule file.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub title: String,
    pub stride: Stride,
    pub level: Level,
    pub cwe: Vec<u32>,
    #[serde(default)]
    pub capec: Vec<u32>,
    #[serde(default)]
    pub owasp: Vec<String>,
    #[serde(default)]
    pub owasp_api: Vec<String>,
    #[serde(default)]
    pub owasp_llm: Vec<String>,
    #[serde(default)]
    pub owasp_agentic: Vec<String>,
    pub languages: Vec<String>,
    pub impact: u8,
    pub likelihood: u8,
    #[serde(rename = "match")]
    pub matcher: Match,
    #[serde(default)]
    pub adjust: Vec<Adjust>,
    pub docs: Docs,
    /// Where the rule came from (`rules/injection/sql-injection.toml`).
    #[serde(skip)]
    pub origin: String,
    /// The rule's category: its folder.
    #[serde(skip)]
    pub category: String,
}

impl Rule {
    /// Every OWASP mapping, Top 10 first.
    pub fn owasp_all(&self) -> Vec<String> {
        let mut v = self.owasp.clone();
        v.extend(self.owasp_api.iter().cloned());
        v.extend(self.owasp_llm.iter().cloned());
        v.extend(self.owasp_agentic.iter().cloned());
        v
    }

    pub fn default_severity(&self) -> Severity {
        Severity::from_scores(self.impact, self.likelihood)
    }

    /// The fix for a framework, or the default one.
    pub fn fix_for(&self, framework: Option<&str>) -> (&str, &str) {
        if let Some(fw) = framework
            && let Some((k, v)) = self.docs.fix.get_key_value(fw)
        {
            return (k.as_str(), v.as_str());
        }
        let d = self
            .docs
            .fix
            .get("default")
            .map(String::as_str)
            .unwrap_or("");
        ("default", d)
    }

    /// The docs as Markdown (for `explain`, SARIF help, hovers).
    pub fn help_markdown(&self) -> String {
        let mut s = format!(
            "# {} (`{}`)\n\n{}\n\n",
            self.title,
            self.id,
            self.docs.summary.trim()
        );
        s.push_str(&format!(
            "STRIDE: {} · CWE: {} · level: {}",
            self.stride.name(),
            self.cwe
                .iter()
                .map(|c| format!("CWE-{c}"))
                .collect::<Vec<_>>()
                .join(", "),
            self.level.name()
        ));
        let owasp = self.owasp_all();
        if !owasp.is_empty() {
            s.push_str(&format!(" · OWASP: {}", owasp.join(", ")));
        }
        if !self.capec.is_empty() {
            s.push_str(&format!(
                " · CAPEC: {}",
                self.capec
                    .iter()
                    .map(|c| format!("CAPEC-{c}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        s.push_str("\n\n## What it finds\n\n");
        s.push_str(self.docs.what.trim());
        s.push_str("\n\n## Why it matters\n\n");
        s.push_str(self.docs.why.trim());
        s.push_str("\n\n## How an attacker breaks it\n\n");
        s.push_str(self.docs.attack.trim());
        s.push_str("\n\n## How to fix it\n\n");
        let mut fixes: Vec<(&String, &String)> = self.docs.fix.iter().collect();
        fixes.sort_by_key(|(k, _)| (k.as_str() != "default", k.as_str().to_string()));
        for (fw, text) in fixes {
            s.push_str(&format!(
                "### {}\n\n{}\n\n",
                framework_label(fw),
                text.trim()
            ));
        }
        s.push_str("## References\n\n");
        for r in &self.docs.references {
            s.push_str(&format!("- {r}\n"));
        }
        s
    }
}

/// A display name for a framework key.
pub fn framework_label(key: &str) -> String {
    match key {
        "default" => "Any framework".into(),
        "fastapi" => "FastAPI".into(),
        "nestjs" => "NestJS".into(),
        "nextjs" => "Next.js".into(),
        "drf" => "Django REST framework".into(),
        "langchain" => "LangChain".into(),
        "llamaindex" => "LlamaIndex".into(),
        "mcp" => "MCP".into(),
        "openai" => "OpenAI".into(),
        "vercel-ai" => "Vercel AI SDK".into(),
        "kubernetes" => "Kubernetes".into(),
        "compose" => "Docker Compose".into(),
        "npm" => "npm".into(),
        "pip" => "pip".into(),
        other => {
            let mut c = other.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        }
    }
}

/// A rule file that failed to load.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}: {message}")]
pub struct RuleError {
    pub origin: String,
    pub message: String,
}

const SOURCE_KINDS: &[&str] = &[
    "request",
    "dom",
    "llm-output",
    "retrieved",
    "tool-input",
    "secret",
    "env",
    "file",
];

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// Parse and validate one rule file.
pub fn parse_rule(origin: &str, category: &str, text: &str) -> Result<Rule, RuleError> {
    let err = |message: String| RuleError {
        origin: origin.to_string(),
        message,
    };
    let mut rule: Rule = toml::from_str(text).map_err(|e| err(e.to_string()))?;
    rule.origin = origin.to_string();
    rule.category = category.to_string();
    if !is_kebab(&rule.id) {
        return Err(err(format!(
            "id `{}` must be kebab-case (a-z, 0-9, -)",
            rule.id
        )));
    }
    let stem = origin
        .rsplit('/')
        .next()
        .unwrap_or(origin)
        .trim_end_matches(".toml");
    if stem != rule.id {
        return Err(err(format!(
            "id `{}` must match the file name `{stem}.toml`",
            rule.id
        )));
    }
    if !(1..=4).contains(&rule.impact) || !(1..=4).contains(&rule.likelihood) {
        return Err(err("impact and likelihood must be 1..4".into()));
    }
    if rule.cwe.is_empty() {
        return Err(err(
            "cwe must list at least one CWE id (most specific first)".into(),
        ));
    }
    if rule.title.trim().is_empty() {
        return Err(err("title is empty".into()));
    }
    for (name, text) in [
        ("summary", &rule.docs.summary),
        ("what", &rule.docs.what),
        ("why", &rule.docs.why),
        ("attack", &rule.docs.attack),
    ] {
        if text.trim().is_empty() {
            return Err(err(format!(
                "docs.{name} is empty: every heading must be filled"
            )));
        }
    }
    if rule.docs.references.is_empty() {
        return Err(err("docs.references is empty".into()));
    }
    match rule.docs.fix.get("default") {
        Some(t) if !t.trim().is_empty() => {}
        _ => return Err(err("docs.fix.default is required".into())),
    }
    for (fw, text) in &rule.docs.fix {
        if text.trim().is_empty() {
            return Err(err(format!("docs.fix.{fw} is empty")));
        }
    }
    for o in &rule.owasp {
        check_mapping(o, "A", "2025").map_err(|m| err(format!("owasp: {m}")))?;
    }
    for o in &rule.owasp_api {
        check_mapping(o, "API", "2023").map_err(|m| err(format!("owasp_api: {m}")))?;
    }
    for o in &rule.owasp_llm {
        check_mapping(o, "LLM", "2025").map_err(|m| err(format!("owasp_llm: {m}")))?;
    }
    for o in &rule.owasp_agentic {
        check_mapping(o, "ASI", "2026").map_err(|m| err(format!("owasp_agentic: {m}")))?;
    }
    let subjects = rule.matcher.subject.subjects();
    if subjects.is_empty() {
        return Err(err("match.subject names no subject".into()));
    }
    check_condition(&rule.matcher.when, &subjects).map_err(|m| err(format!("match.when: {m}")))?;
    for (i, a) in rule.adjust.iter().enumerate() {
        check_condition(&a.when, &subjects).map_err(|m| err(format!("adjust[{i}].when: {m}")))?;
        if a.impact == 0 && a.likelihood == 0 {
            return Err(err(format!(
                "adjust[{i}] moves neither impact nor likelihood"
            )));
        }
        if a.reason.trim().is_empty() {
            return Err(err(format!("adjust[{i}].reason is empty")));
        }
    }
    Ok(rule)
}

fn check_mapping(value: &str, prefix: &str, year: &str) -> Result<(), String> {
    let ok = value
        .strip_prefix(prefix)
        .and_then(|rest| rest.split_once(':'))
        .is_some_and(|(n, y)| y == year && n.parse::<u32>().is_ok_and(|n| (1..=10).contains(&n)));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{value}` is not of the form {prefix}<1-10>:{year}"
        ))
    }
}

fn prop_type(subjects: &[Subject], prop: &str) -> Result<PropType, String> {
    let mut found = None;
    for s in subjects {
        match vocab::subject_def(*s).props.iter().find(|p| p.name == prop) {
            Some(p) => found = Some(p.ty),
            None => {
                return Err(format!(
                    "property `{prop}` does not exist on subject `{}`",
                    s.name()
                ));
            }
        }
    }
    found.ok_or_else(|| format!("property `{prop}`: no subject"))
}

fn check_condition(c: &Condition, subjects: &[Subject]) -> Result<(), String> {
    let want = |prop: &str, types: &[PropType], pred: &str| -> Result<(), String> {
        let ty = prop_type(subjects, prop)?;
        if types.contains(&ty) {
            Ok(())
        } else {
            Err(format!(
                "`{pred}` cannot test property `{prop}` of type {ty:?}"
            ))
        }
    };
    match c {
        Condition::All(v) | Condition::Any(v) => {
            if v.is_empty() {
                return Err("empty all/any".into());
            }
            v.iter().try_for_each(|c| check_condition(c, subjects))
        }
        Condition::Not(c) => check_condition(c, subjects),
        Condition::Kind(kinds) => {
            for k in kinds {
                if !subjects
                    .iter()
                    .any(|s| vocab::subject_def(*s).kinds.contains(&k.as_str()))
                {
                    return Err(format!("kind `{k}` does not exist for the rule's subjects"));
                }
            }
            Ok(())
        }
        Condition::Flow(_) | Condition::Source(_) if !subjects.contains(&Subject::Sink) => {
            Err("`flow` and `source` apply only to sinks".into())
        }
        Condition::Flow(_) => Ok(()),
        Condition::Source(kinds) => {
            match kinds.iter().find(|k| !SOURCE_KINDS.contains(&k.as_str())) {
                Some(k) => Err(format!(
                    "source kind `{k}` is not one of {}",
                    SOURCE_KINDS.join(", ")
                )),
                None => Ok(()),
            }
        }
        Condition::Is(p) => want(p, &[PropType::Bool], "is"),
        Condition::Off(p) => want(p, &[PropType::Bool], "off"),
        Condition::Set(p) => want(p, &[PropType::Str, PropType::List], "set"),
        Condition::Equals(pv) => want(&pv.prop, &[PropType::Str], "equals"),
        Condition::Words(pv) => want(&pv.prop, &[PropType::Str], "words"),
        Condition::Contains(pv) => want(&pv.prop, &[PropType::List], "contains"),
        Condition::Framework(f) => {
            match f.iter().find(|x| !vocab::FRAMEWORKS.contains(&x.as_str())) {
                Some(x) => Err(format!(
                    "framework `{x}` is not one of {}",
                    vocab::FRAMEWORKS.join(", ")
                )),
                None => Ok(()),
            }
        }
        Condition::Language(_) | Condition::Model(_) | Condition::Depends(_) => Ok(()),
    }
}

/// A loaded, validated rule library.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
}

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

impl RuleSet {
    /// The rules embedded in the binary.
    pub fn builtin() -> Result<RuleSet, Vec<RuleError>> {
        let mut set = RuleSet::default();
        let mut errors = vec![];
        for (origin, text) in BUILTIN_RULES {
            let category = origin.split('/').nth(1).unwrap_or("custom");
            match parse_rule(origin, category, text) {
                Ok(r) => set.rules.push(r),
                Err(e) => errors.push(e),
            }
        }
        set.finish(errors)
    }

    /// Add a team's rules (`.breakwater/rules/*.toml`).
    pub fn add_custom(&mut self, files: &[(String, String)]) -> Result<(), Vec<RuleError>> {
        let mut errors = vec![];
        for (origin, text) in files {
            match parse_rule(origin, "custom", text) {
                Ok(r) => self.rules.push(r),
                Err(e) => errors.push(e),
            }
        }
        let taken = std::mem::take(self);
        *self = taken.finish(errors)?;
        Ok(())
    }

    fn finish(mut self, mut errors: Vec<RuleError>) -> Result<RuleSet, Vec<RuleError>> {
        self.rules.sort_by(|a, b| a.id.cmp(&b.id));
        for w in self.rules.windows(2) {
            if w[0].id == w[1].id {
                errors.push(RuleError {
                    origin: w[1].origin.clone(),
                    message: format!("rule id `{}` is already used by {}", w[1].id, w[0].origin),
                });
            }
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}
