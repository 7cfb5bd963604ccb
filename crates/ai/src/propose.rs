//! Threats an AI coding assistant proposes: through the MCP server's
//! `propose_threat` tool (checked, never stored: the server is read-only)
//! or `breakwater ai propose` (checked, logged and stored as `suggested`).
//!
//! A proposal goes through exactly the checks an answer of `ai suggest`
//! does ([`crate::verify::verify_items`]): the file, the quote within 3
//! lines of the cited ones, the element, the STRIDE category, the CWE ids,
//! duplicates of known threats and earlier suggestions, and the flow
//! analysis where a deterministic check exists. Recorded, it is a run of
//! its own in the audit log: the proposal is the "answer", so
//! `breakwater ai replay RUN` checks it again byte for byte.

use crate::context::{Corpus, sha256};
use crate::log::{Entry, ExchangeRecord, Manifest, write_entry, write_manifest};
use crate::run::Checks;
use crate::verify::{Admitted, Known, Rejection, verify_items};
use bw_model::modelfile::Suggestion;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The run's command in the log.
pub const COMMAND: &str = "propose";
/// Recorded as the prompt template (no prompt was sent: the assistant wrote the item).
pub const TEMPLATE: &str = "propose/1";
/// Recorded as the provider; the model is who proposed (`--by`, or the MCP client's name).
pub const PROVIDER: &str = "assistant";

/// Read a proposal: `{"items": [...]}`, one item, or a list of items; an
/// item without `kind` is a threat. Returns the answer object
/// `verify_items` reads (`{"items": [...]}`; other keys are kept, so the
/// checks note that they were ignored).
pub fn parse(text: &str) -> Result<Map<String, Value>, String> {
    let value: Value = serde_json::from_str(crate::verify::unfence(text)).map_err(|e| {
        format!("the proposal is not valid JSON ({e}); give an item object, a list of items, or {{\"items\": [...]}}")
    })?;
    let (mut m, items) = match value {
        Value::Object(mut m) if m.contains_key("items") => {
            let items = m.remove("items").unwrap_or(Value::Null);
            (m, items)
        }
        Value::Object(m) => (Map::new(), Value::Array(vec![Value::Object(m)])),
        Value::Array(a) => (Map::new(), Value::Array(a)),
        _ => {
            return Err(
                "the proposal is JSON but not an item object, a list of items, or {\"items\": [...]}"
                    .into(),
            );
        }
    };
    // An item without a `kind` is a threat (that is what assistants propose).
    let items = match items {
        Value::Array(list) => Value::Array(
            list.into_iter()
                .map(|mut item| {
                    if let Value::Object(o) = &mut item {
                        o.entry("kind").or_insert_with(|| Value::from("threat"));
                    }
                    item
                })
                .collect(),
        ),
        other => other,
    };
    m.insert("items".into(), items);
    Ok(m)
}

/// Who proposed it, trimmed; an error says what a valid name is.
pub fn proposer(by: &str) -> Result<&str, String> {
    let by = by.trim();
    if by.is_empty() || by.len() > 200 || by.chars().any(char::is_control) {
        return Err(
            "name who proposed it with --by (an assistant or a person, at most 200 characters, one line)"
                .into(),
        );
    }
    Ok(by)
}

/// What the checks made of a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub admitted: Vec<Admitted>,
    pub rejected: Vec<Rejection>,
    pub notes: Vec<String>,
}

/// Check a proposal against the code and the model, without recording it.
/// Every suggestion already in the model file counts for duplicates.
pub fn check(answer: &Map<String, Value>, corpus: &Corpus<'_>, checks: &Checks<'_>) -> Checked {
    let empty = BTreeMap::<String, Suggestion>::new();
    let suggestions = checks.model_file.map_or(&empty, |mf| &mf.suggestions);
    let own_ids = BTreeSet::new();
    let known = Known {
        report: checks.report,
        facts: checks.facts,
        suggestions,
        cwes: checks.cwes,
        own_ids: &own_ids,
        changed: None,
    };
    let mut notes = vec![];
    let (admitted, rejected) = verify_items(answer, corpus, &known, &[], &mut notes);
    Checked {
        admitted,
        rejected,
        notes,
    }
}

/// Record a proposal in the audit log as a run of its own (one entry, one
/// manifest) so that [`crate::run::evaluate`] verifies it and `ai replay`
/// reproduces it. `by` names who proposed it (an assistant, a person).
pub fn record(
    root: &Path,
    answer: &Map<String, Value>,
    by: &str,
    corpus: &Corpus<'_>,
    time: &str,
) -> Result<Manifest, String> {
    let by = proposer(by)?;
    let mut body = serde_json::to_string_pretty(answer).map_err(|e| e.to_string())?;
    body.push('\n');
    let digest = sha256(body.as_bytes());
    let mut entry = Entry::new(PROVIDER, by, "", TEMPLATE, json!({ "proposed_by": by }));
    entry.response = Some(body.clone());
    let entry_digest = write_entry(root, &entry)?;
    // The cited files as checked now (replay warns when one changed since).
    let mut files = BTreeMap::new();
    if let Some(Value::Array(items)) = answer.get("items") {
        for path in items
            .iter()
            .filter_map(|i| i.get("path").and_then(Value::as_str))
        {
            if let Ok(lines) = corpus.lines(path) {
                files.insert(path.to_string(), sha256(lines.join("\n").as_bytes()));
            }
        }
    }
    let run_digest = sha256(format!("{time}\n{COMMAND}\n{by}\n{digest}").as_bytes());
    let manifest = Manifest {
        format: Manifest::format(),
        run: run_digest["sha256:".len().."sha256:".len() + 16].to_string(),
        command: COMMAND.into(),
        template: TEMPLATE.into(),
        time: time.into(),
        provider: PROVIDER.into(),
        model: by.into(),
        endpoint: String::new(),
        parameters: String::new(),
        scope: BTreeMap::new(),
        inputs_digest: digest.clone(),
        files,
        changed: None,
        notes: vec![],
        exchanges: vec![ExchangeRecord {
            request: 1,
            inputs_digest: digest.clone(),
            prompt_digest: String::new(),
            entry: entry_digest,
            response_digest: digest,
            skipped: String::new(),
            tokens: 0,
        }],
        token_budget: 0,
        tokens_used: 0,
    };
    write_manifest(root, &manifest)?;
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proposals_come_in_three_shapes_and_default_to_threats() {
        let one = parse(r#"{"title": "t"}"#).unwrap();
        assert_eq!(one["items"][0]["kind"], "threat");
        let list = parse(r#"[{"title": "a"}, {"title": "b", "kind": "mitigation"}]"#).unwrap();
        assert_eq!(list["items"][0]["kind"], "threat");
        assert_eq!(list["items"][1]["kind"], "mitigation");
        let wrapped =
            parse("```json\n{\"items\": [{\"title\": \"c\"}], \"status\": \"mitigated\"}\n```")
                .unwrap();
        assert_eq!(wrapped["items"][0]["kind"], "threat");
        assert_eq!(
            wrapped["status"], "mitigated",
            "kept, so the checks note it was ignored"
        );
        assert!(parse("42").unwrap_err().contains("not an item object"));
        assert!(parse("{").unwrap_err().contains("not valid JSON"));
    }
}
