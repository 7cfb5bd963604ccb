//! SARIF 2.1.0, for GitHub code scanning, other code-scanning consoles and
//! IDEs.
//!
//! One run; one rule descriptor per rule in the report; one result per
//! open threat (design-level threats only when asked), each with exactly
//! one location. Source-to-sink paths become a code flow and the source a
//! related location. Ignored and suppressed threats are included with a
//! `suppressions` entry, so consoles show them as dismissed rather than
//! losing them. Paths are repository-relative against `%SRCROOT%`;
//! columns count Unicode code points, as breakwater's locations do.
//!
//! `partialFingerprints["breakwater/v1"]` is derived from the threat id
//! (rule + anchor, never a line number), so an alert survives code moving
//! around it.
//!
//! Severity as a reader sees it: GitHub code scanning reads the
//! `security-severity` of the *rule* a result points at (not of the result),
//! so a result whose severity breakwater moved away from its rule's default
//! (a "medium" SQL injection behind authentication) would show the rule's
//! default ("high"). Such a result points at a descriptor of its own,
//! `<rule>/<severity>` (`sql-injection/medium`), with that severity's score
//! and level; results at the rule's default severity point at `<rule>`.
//! Every result also carries its own `security-severity` and `level`, so
//! any reader, whichever it reads, sees the severity breakwater computed.

use crate::text::{one_line, region_text};
use crate::{Renderer, is_potential};
use bw_facts::Location;
use bw_threats::{Confidence, Excerpt, Report, RuleSummary, Severity, Status, Threat};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use std::io::{self, Write};

/// The schema URI written into the log.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Where breakwater is documented: the workspace's `repository`, and no
/// `informationUri` at all while it has none (a code-hosting service shows
/// the link to everyone who reads the results, so it must not be a
/// placeholder).
pub const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");

/// The SARIF renderer.
pub struct Sarif {
    /// Also report design-level (potential) threats.
    pub include_potential: bool,
}

impl Renderer for Sarif {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let log = sarif_log(report, self.include_potential);
        serde_json::to_writer_pretty(&mut *out, &log).map_err(io::Error::other)?;
        out.write_all(b"\n")
    }
}

/// The SARIF log as a JSON value.
pub fn sarif_log(report: &Report, include_potential: bool) -> Value {
    // Rule descriptors: the report's rules, plus a minimal one for any
    // threat whose rule the report does not describe.
    let mut rules: Vec<RuleSummary> = report.rules.clone();
    for t in &report.threats {
        if !rules.iter().any(|r| r.id == t.rule) {
            rules.push(RuleSummary {
                id: t.rule.clone(),
                title: t.title.clone(),
                summary: t.title.clone(),
                stride: t.stride.clone(),
                level: String::new(),
                cwe: t.cwe.clone(),
                capec: Vec::new(),
                owasp: t.owasp.clone(),
                help: String::new(),
                default_severity: t.severity,
            });
        }
    }
    let mut descriptors: Vec<Value> = rules
        .iter()
        .map(|r| rule_descriptor(r, r.default_severity))
        .collect();
    // One descriptor per rule and severity used: the rule's own for its
    // default severity, `<rule>/<severity>` for the others, added in the
    // order results first need them.
    let mut index: std::collections::BTreeMap<(String, Severity), (usize, String)> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| ((r.id.clone(), r.default_severity), (i, r.id.clone())))
        .collect();
    let results: Vec<Value> = report
        .threats
        .iter()
        .filter(|t| include_potential || !is_potential(t))
        .map(|t| {
            let key = (t.rule.clone(), t.severity);
            let (i, id) = index
                .entry(key)
                .or_insert_with(|| {
                    let rule = rules
                        .iter()
                        .find(|r| r.id == t.rule)
                        .expect("every threat's rule has a descriptor (added above)");
                    descriptors.push(rule_descriptor(rule, t.severity));
                    (
                        descriptors.len() - 1,
                        severity_rule_id(&t.rule, t.severity, rule),
                    )
                })
                .clone();
            result(t, i, &id)
        })
        .collect();

    let tool_name = if report.tool.trim().is_empty() {
        "breakwater"
    } else {
        report.tool.as_str()
    };
    let mut driver = Map::new();
    driver.insert("name".into(), json!(tool_name));
    driver.insert("version".into(), json!(report.tool_version));
    if !INFORMATION_URI.is_empty() {
        driver.insert("informationUri".into(), json!(INFORMATION_URI));
    }
    driver.insert("rules".into(), Value::Array(descriptors));
    // Nothing skipped silently: every file not fully analysed is a
    // notification of its own (an error when it failed — the run is then
    // not "successful" —, a warning when gates count it, a note when a
    // decision accepts it), the deliberate skips one note counting them by
    // reason, and every skipped file is counted in the properties.
    let mut notifications: Vec<Value> = report
        .unanalysed
        .iter()
        .map(|u| {
            let mut location =
                json!({ "artifactLocation": { "uri": uri(&u.path), "uriBaseId": "%SRCROOT%" } });
            if u.reason == "truncated" {
                location["region"] =
                    json!({ "startLine": crate::text::unanalysed_line(report, u) });
            }
            json!({
                "level": crate::text::unanalysed_level(report, u),
                "message": { "text": format!(
                    "{}: {} ({})",
                    one_line(&u.path),
                    one_line(&u.message),
                    crate::text::unanalysed_state(u)
                ) },
                "locations": [{ "physicalLocation": location }],
                "properties": {
                    "breakwater/id": u.id,
                    "breakwater/reason": u.reason,
                    "breakwater/status": u.status.name(),
                },
            })
        })
        .collect();
    let mut deliberate: std::collections::BTreeMap<String, usize> = Default::default();
    for s in report.files.skipped.iter().filter(|s| !s.unverified) {
        *deliberate.entry(one_line(&s.reason)).or_default() += 1;
    }
    if !deliberate.is_empty() {
        let n: usize = deliberate.values().sum();
        let mut by: Vec<(&String, &usize)> = deliberate.iter().collect();
        by.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        let reasons: Vec<String> = by.iter().map(|(r, n)| format!("{n} {r}")).collect();
        notifications.push(json!({
            "level": "note",
            "message": { "text": format!(
                "Skipped {} by choice: {}",
                crate::text::count(n, "file", "files"),
                reasons.join(", ")
            ) },
        }));
    }
    let failed = report.files.skipped.iter().any(|s| s.failed);
    let skipped: Map<String, Value> = crate::text::skipped_by_reason(report)
        .into_iter()
        .map(|(r, n)| (r, json!(n)))
        .collect();
    let invocation = json!({
        "executionSuccessful": !failed,
        "toolExecutionNotifications": notifications,
        "properties": {
            "breakwater/analysedFiles": report.files.analysed,
            "breakwater/skippedFiles": Value::Object(skipped),
        },
    });
    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": Value::Object(driver) },
            "originalUriBaseIds": {
                "%SRCROOT%": {
                    "description": { "text": "The root of the scanned repository; result paths are relative to it." }
                }
            },
            "columnKind": "unicodeCodePoints",
            "invocations": [invocation],
            "results": results,
        }]
    })
}

/// `sql-injection` -> `SqlInjection`.
pub fn camel_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(c) => c.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

fn level(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// How often the rule is right: literal settings are certain, code
/// patterns mostly so (they include `likely` findings), design rules are
/// prompts for review.
fn precision(rule_level: &str) -> &'static str {
    match rule_level {
        "config" => "high",
        "design" => "low",
        _ => "medium",
    }
}

/// The descriptor id results of `rule` at `sev` point at: the rule's own
/// at its default severity, else `<rule>/<severity>`.
fn severity_rule_id(rule: &str, sev: Severity, summary: &RuleSummary) -> String {
    if sev == summary.default_severity {
        rule.to_string()
    } else {
        format!("{rule}/{}", sev.name())
    }
}

/// The descriptor of rule `r` for its results at severity `sev`.
fn rule_descriptor(r: &RuleSummary, sev: Severity) -> Value {
    let mut tags = vec!["security".to_string()];
    for cwe in &r.cwe {
        tags.push(format!("CWE-{cwe}"));
        tags.push(format!("external/cwe/cwe-{cwe}"));
    }
    for o in &r.owasp {
        let o = one_line(o);
        if !o.is_empty() && !tags.contains(&o) {
            tags.push(o);
        }
    }
    let id = severity_rule_id(&r.id, sev, r);
    let mut d = Map::new();
    d.insert("id".into(), json!(id));
    d.insert("name".into(), json!(camel_case(&id)));
    d.insert("shortDescription".into(), json!({ "text": r.title }));
    let full = if r.summary.trim().is_empty() {
        &r.title
    } else {
        &r.summary
    };
    d.insert("fullDescription".into(), json!({ "text": full }));
    if !r.help.trim().is_empty() {
        d.insert("help".into(), json!({ "text": r.help, "markdown": r.help }));
    }
    d.insert(
        "defaultConfiguration".into(),
        json!({ "level": level(sev) }),
    );
    let mut props = Map::new();
    props.insert("tags".into(), json!(tags));
    props.insert("security-severity".into(), json!(sev.security_severity()));
    props.insert("precision".into(), json!(precision(&r.level)));
    if id != r.id {
        // A severity variant: the rule it is, and why it exists.
        props.insert("breakwater/rule".into(), json!(r.id));
        props.insert("breakwater/severity".into(), json!(sev.name()));
    }
    d.insert("properties".into(), Value::Object(props));
    Value::Object(d)
}

/// Escape `[` and `]` in text that sits next to an embedded link.
fn escape_brackets(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('[', "\\[")
        .replace(']', "\\]")
}

fn result(t: &Threat, rule_index: usize, rule_id: &str) -> Value {
    let mut r = Map::new();
    r.insert("ruleId".into(), json!(rule_id));
    r.insert("ruleIndex".into(), json!(rule_index));
    r.insert("level".into(), json!(level(t.severity)));

    let message = if t.message.trim().is_empty() {
        one_line(&t.title)
    } else {
        one_line(&t.message)
    };
    let text = match &t.source {
        Some(src) if has_file(&src.location) => {
            format!(
                "{} (source: [{}](1))",
                escape_brackets(&message),
                escape_brackets(&one_line(&src.label))
            )
        }
        _ => message.clone(),
    };
    r.insert("message".into(), json!({ "text": text }));

    r.insert("locations".into(), json!([location(t)]));

    if let Some(src) = t.source.as_ref().filter(|s| has_file(&s.location)) {
        let mut related = physical(&src.location, None);
        related.insert("id".into(), json!(1));
        related.insert(
            "message".into(),
            json!({ "text": format!("source: {}", one_line(&src.label)) }),
        );
        r.insert("relatedLocations".into(), json!([Value::Object(related)]));
    }

    if let Some(flow) = code_flow(t, &message) {
        r.insert("codeFlows".into(), json!([flow]));
    }

    r.insert(
        "partialFingerprints".into(),
        json!({ "breakwater/v1": id_fingerprint(&t.id) }),
    );

    match t.status {
        // Open again after a decision: reported, with the decision's state
        // in the properties below.
        Status::Open | Status::Stale | Status::Expired => {}
        Status::Ignored
        | Status::Suppressed
        | Status::Mitigated
        | Status::Accepted
        | Status::FalsePositive
        | Status::Transferred => {
            let kind = if t.status == Status::Ignored {
                "inSource"
            } else {
                "external"
            };
            let mut s = Map::new();
            s.insert("kind".into(), json!(kind));
            s.insert("status".into(), json!("accepted"));
            if let Some(reason) = t.status_reason.as_deref().filter(|r| !r.trim().is_empty()) {
                let text = if t.status.is_decided() {
                    format!("{}: {}", t.status.name(), one_line(reason))
                } else {
                    one_line(reason)
                };
                s.insert("justification".into(), json!(text));
            }
            r.insert("suppressions".into(), json!([Value::Object(s)]));
        }
    }

    r.insert(
        "properties".into(),
        json!({
            "breakwater/id": t.id,
            "breakwater/rule": t.rule,
            "confidence": confidence_name(t.confidence),
            "severity": t.severity.name(),
            "stride": t.stride,
            "security-severity": t.severity.security_severity(),
            "status": t.status.name(),
        }),
    );
    Value::Object(r)
}

fn confidence_name(c: Confidence) -> &'static str {
    c.name()
}

fn has_file(loc: &Location) -> bool {
    !loc.path.trim().is_empty()
}

/// The threat's one location: a file region, or (for a design threat that
/// has no file) the model element as a logical location.
fn location(t: &Threat) -> Value {
    if has_file(&t.location) {
        Value::Object(physical(&t.location, t.excerpt.as_ref()))
    } else {
        let name = t.element.clone().unwrap_or_else(|| t.symbol.clone());
        json!({ "logicalLocations": [{ "fullyQualifiedName": name, "kind": "module" }] })
    }
}

/// `{ physicalLocation: { artifactLocation, region } }`.
fn physical(loc: &Location, excerpt: Option<&Excerpt>) -> Map<String, Value> {
    let mut phys = Map::new();
    phys.insert(
        "artifactLocation".into(),
        json!({ "uri": uri(&loc.path), "uriBaseId": "%SRCROOT%" }),
    );
    if loc.start_line >= 1 {
        let mut region = Map::new();
        region.insert("startLine".into(), json!(loc.start_line));
        if loc.start_col >= 1 {
            region.insert("startColumn".into(), json!(loc.start_col));
        }
        if loc.end_line >= loc.start_line {
            region.insert("endLine".into(), json!(loc.end_line));
            if loc.end_col >= 1 && (loc.end_line > loc.start_line || loc.end_col >= loc.start_col) {
                region.insert("endColumn".into(), json!(loc.end_col));
            }
        }
        if let Some(snippet) = excerpt.and_then(|e| region_text(e, loc)) {
            region.insert("snippet".into(), json!({ "text": snippet }));
        }
        phys.insert("region".into(), Value::Object(region));
    }
    let mut l = Map::new();
    l.insert("physicalLocation".into(), Value::Object(phys));
    l
}

/// One thread flow: source, steps, sink.
fn code_flow(t: &Threat, sink_message: &str) -> Option<Value> {
    if t.source.is_none() && t.steps.is_empty() {
        return None;
    }
    let mut locs = Vec::new();
    if let Some(src) = t.source.as_ref().filter(|s| has_file(&s.location)) {
        locs.push(flow_location(
            &src.location,
            &format!("source: {}", one_line(&src.label)),
        ));
    }
    for s in t.steps.iter().filter(|s| has_file(&s.location)) {
        locs.push(flow_location(&s.location, &one_line(&s.label)));
    }
    if has_file(&t.location) {
        let mut sink = physical(&t.location, t.excerpt.as_ref());
        sink.insert(
            "message".into(),
            json!({ "text": format!("sink: {sink_message}") }),
        );
        locs.push(json!({ "location": Value::Object(sink) }));
    }
    if locs.is_empty() {
        return None;
    }
    Some(json!({ "threadFlows": [{ "locations": locs }] }))
}

fn flow_location(loc: &Location, message: &str) -> Value {
    let mut l = physical(loc, None);
    l.insert("message".into(), json!({ "text": message }));
    json!({ "location": Value::Object(l) })
}

/// A repository-relative path as a URI reference: `/` separators, and
/// everything outside the unreserved set percent-encoded.
pub fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.trim_start_matches("./");
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A stable fingerprint of a threat id.
pub fn id_fingerprint(id: &str) -> String {
    let digest = Sha256::digest(id.as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_uris() {
        assert_eq!(camel_case("sql-injection"), "SqlInjection");
        assert_eq!(camel_case("k8s-runs-as-root"), "K8sRunsAsRoot");
        assert_eq!(uri("app/my views.py"), "app/my%20views.py");
        assert_eq!(uri("./src/ünï.ts"), "src/%C3%BCn%C3%AF.ts");
        assert_eq!(id_fingerprint("a").len(), 32);
        assert_eq!(id_fingerprint("a"), id_fingerprint("a"));
        assert_ne!(id_fingerprint("a"), id_fingerprint("b"));
    }

    /// The tool's link is shown to everyone who reads the results on a
    /// code-hosting service: a real address, or none.
    #[test]
    fn information_uri_is_no_placeholder() {
        for placeholder in [".invalid", "example.", "localhost"] {
            assert!(
                !INFORMATION_URI.contains(placeholder),
                "informationUri {INFORMATION_URI:?} names a placeholder host"
            );
        }
        assert!(INFORMATION_URI.is_empty() || INFORMATION_URI.starts_with("https://"));
    }
}
