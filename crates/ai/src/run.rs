//! A run: send the batches, log everything, then verify from the log.
//!
//! [`execute`] talks to the provider and records a [`Manifest`];
//! [`evaluate`] turns a manifest and its log entries into the
//! [`RunReport`]. A live run calls [`evaluate`] after recording, and
//! `breakwater ai replay` calls it on a recorded manifest with no network,
//! so both print the same bytes.

use crate::config::Settings;
use crate::context::{Block, Corpus, inputs_digest, sha256};
use crate::http::{Budget, HttpRequest, Transport, run_limited, send};
use crate::log::{
    Entry, ExchangeRecord, Manifest, entry_path, read_entry, write_entry, write_manifest,
};
use crate::prompt::{self, Task};
use crate::provider::{parse_answer, request_body};
use crate::verify::{
    Admitted, Explanation, Known, Rejection, parse_object, verify_explanation, verify_items,
};
use bw_model::modelfile::{Provenance, Suggestion};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

/// What to ask: the task, its scope and the context batches.
pub struct Job {
    pub task: Task,
    pub scope: BTreeMap<String, String>,
    /// The first line of every user message.
    pub task_line: String,
    pub batches: Vec<Vec<Block>>,
    pub notes: Vec<String>,
    pub changed: Option<BTreeMap<String, Vec<(u32, u32)>>>,
}

/// Now, UTC, RFC 3339 (seconds).
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let date = bw_model::modelfile::civil_date((secs / 86_400) as i64);
    let t = secs % 86_400;
    format!("{date}T{:02}:{:02}:{:02}Z", t / 3600, t / 60 % 60, t % 60)
}

fn seed(digest: &str) -> u64 {
    u64::from_str_radix(&digest["sha256:".len().."sha256:".len() + 16], 16).unwrap_or(0)
}

/// Ask, log, record the manifest. Nothing is verified here.
pub fn execute(
    root: &Path,
    settings: &Settings,
    corpus: &Corpus<'_>,
    job: &Job,
    transport: &dyn Transport,
    time: &str,
) -> Result<Manifest, String> {
    let template = job.task.template();
    let digests: Vec<String> = job.batches.iter().map(|b| inputs_digest(b)).collect();
    let run_digest = sha256(
        format!(
            "{time}\n{}\n{}\n{}\n{}",
            job.task.name(),
            settings.model,
            digests.join("\n"),
            std::process::id()
        )
        .as_bytes(),
    );
    let run = run_digest["sha256:".len().."sha256:".len() + 16].to_string();
    let system = prompt::system(job.task);
    let url = settings.request_url();
    let headers = settings.headers();
    let bodies: Vec<(serde_json::Value, Vec<u8>, String)> = job
        .batches
        .iter()
        .zip(&digests)
        .map(|(batch, d)| {
            let nonce = &d["sha256:".len().."sha256:".len() + 12];
            let user = prompt::user(&job.task_line, batch, nonce);
            let body = request_body(settings, job.task, &system, &user);
            let bytes = serde_json::to_vec(&body).expect("JSON values serialise");
            let pd = sha256(&bytes);
            (body, bytes, pd)
        })
        .collect();
    let budget = Budget::new(settings.token_budget);
    let sleep = |d: Duration| std::thread::sleep(d);
    let results: Vec<Result<ExchangeRecord, String>> = run_limited(
        &bodies,
        settings.concurrency,
        &|i, (body, bytes, pd)| {
            let mut rec = ExchangeRecord {
                request: i + 1,
                inputs_digest: digests[i].clone(),
                prompt_digest: pd.clone(),
                entry: String::new(),
                response_digest: String::new(),
                skipped: String::new(),
                tokens: 0,
            };
            let estimate = bytes.len() as u64 / 4 + u64::from(settings.max_output_tokens);
            if !budget.reserve(estimate) {
                rec.skipped = format!(
                    "the run's token budget ({}) would be exceeded (about {estimate} more needed, {} spent); raise [ai] token_budget or narrow the run with --element/--path",
                    budget.limit,
                    budget.used()
                );
                return Ok(rec);
            }
            let req = HttpRequest {
                url: url.clone(),
                headers: headers.clone(),
                body: bytes.clone(),
            };
            let out = send(transport, settings, &req, seed(pd), &sleep);
            let tokens = out
                .body
                .as_deref()
                .and_then(|b| parse_answer(settings.provider, b).ok())
                .and_then(|a| a.tokens)
                .unwrap_or_else(|| {
                    (bytes.len() + out.body.as_ref().map_or(0, String::len)) as u64 / 4
                });
            budget.settle(estimate, tokens);
            rec.tokens = tokens;
            let mut entry = Entry::new(
                settings.provider.name(),
                &settings.model,
                &url,
                template,
                body.clone(),
            );
            entry.status = out.status;
            entry.error = out.error.clone();
            entry.attempts = out.attempts.clone();
            if let Some(b) = &out.body {
                rec.response_digest = sha256(b.as_bytes());
                entry.response = Some(b.clone());
            }
            rec.entry = write_entry(root, &entry)?;
            Ok(rec)
        },
    );
    let exchanges = results.into_iter().collect::<Result<Vec<_>, String>>()?;
    let mut files = BTreeMap::new();
    for b in job
        .batches
        .iter()
        .flatten()
        .filter(|b| b.kind == "file" || b.kind == "diff")
    {
        let path = b
            .label
            .split(" lines ")
            .next()
            .unwrap_or(&b.label)
            .to_string();
        if let Ok(lines) = corpus.lines(&path) {
            files.insert(path, sha256(lines.join("\n").as_bytes()));
        }
    }
    let manifest = Manifest {
        format: Manifest::format(),
        run,
        command: job.task.name().into(),
        template: template.into(),
        time: time.into(),
        provider: settings.provider.name().into(),
        model: settings.model.clone(),
        endpoint: settings.endpoint.clone(),
        parameters: settings.parameters(),
        scope: job.scope.clone(),
        inputs_digest: sha256(digests.join("\n").as_bytes()),
        files,
        changed: job.changed.clone(),
        notes: job.notes.clone(),
        exchanges,
        token_budget: settings.token_budget,
        tokens_used: budget.used(),
    };
    write_manifest(root, &manifest)?;
    Ok(manifest)
}

/// An admitted item in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdmittedItem {
    pub id: String,
    #[serde(flatten)]
    pub suggestion: Suggestion,
}

/// A rejected item, with the request it came in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectedItem {
    pub request: usize,
    #[serde(flatten)]
    pub rejection: Rejection,
}

/// What a run produced, after verification. The same for a live run and its replay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunReport {
    pub run: String,
    pub command: String,
    pub template: String,
    pub time: String,
    pub provider: String,
    pub model: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub scope: BTreeMap<String, String>,
    pub requests: usize,
    pub answered: usize,
    /// Items the answers offered.
    pub offered: usize,
    /// Items that passed every check.
    pub admitted: usize,
    pub suggestions: Vec<AdmittedItem>,
    pub rejected: Vec<RejectedItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Explanation>,
    /// Whole answers that were rejected or requests that failed.
    pub errors: Vec<String>,
    pub notes: Vec<String>,
    pub tokens_used: u64,
    pub token_budget: u64,
    /// Some request failed or was not sent.
    pub incomplete: bool,
}

impl RunReport {
    /// The report of checks that were not recorded (`ai propose --dry-run`):
    /// no run id, nothing to replay.
    pub fn unrecorded(
        command: &str,
        template: &str,
        time: &str,
        provider: &str,
        model: &str,
        checked: crate::propose::Checked,
    ) -> RunReport {
        let offered = checked.admitted.len() + checked.rejected.len();
        RunReport {
            run: String::new(),
            command: command.into(),
            template: template.into(),
            time: time.into(),
            provider: provider.into(),
            model: model.into(),
            scope: BTreeMap::new(),
            requests: 0,
            answered: 0,
            offered,
            admitted: checked.admitted.len(),
            suggestions: checked
                .admitted
                .into_iter()
                .map(|a| AdmittedItem {
                    id: a.id,
                    suggestion: a.suggestion,
                })
                .collect(),
            rejected: checked
                .rejected
                .into_iter()
                .map(|rejection| RejectedItem {
                    request: 1,
                    rejection,
                })
                .collect(),
            explanation: None,
            errors: vec![],
            notes: checked.notes,
            tokens_used: 0,
            token_budget: 0,
            incomplete: false,
        }
    }
}

/// What [`evaluate`] checks against.
pub struct Checks<'a> {
    pub report: &'a bw_threats::Report,
    pub facts: &'a [bw_facts::FileFacts],
    pub model_file: Option<&'a bw_model::modelfile::ModelFile>,
    pub cwes: &'a BTreeSet<u32>,
}

/// Verify a recorded run from its log entries. No network.
pub fn evaluate(root: &Path, m: &Manifest, corpus: &Corpus<'_>, checks: &Checks<'_>) -> RunReport {
    let task = Task::parse(&m.command).unwrap_or(Task::Suggest);
    let provider = crate::config::ProviderKind::parse(&m.provider)
        .unwrap_or(crate::config::ProviderKind::OpenAi);
    let empty = BTreeMap::new();
    let all = checks.model_file.map_or(&empty, |mf| &mf.suggestions);
    let others: BTreeMap<String, Suggestion> = all
        .iter()
        .filter(|(_, s)| s.provenance.run != m.run)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let own_ids: BTreeSet<String> = all
        .iter()
        .filter(|(_, s)| s.provenance.run == m.run)
        .map(|(k, _)| k.clone())
        .collect();
    let known = Known {
        report: checks.report,
        facts: checks.facts,
        suggestions: &others,
        cwes: checks.cwes,
        own_ids: &own_ids,
        changed: m.changed.as_ref(),
    };
    let mut r = RunReport {
        run: m.run.clone(),
        command: m.command.clone(),
        template: m.template.clone(),
        time: m.time.clone(),
        provider: m.provider.clone(),
        model: m.model.clone(),
        scope: m.scope.clone(),
        requests: m.exchanges.len(),
        answered: 0,
        offered: 0,
        admitted: 0,
        suggestions: vec![],
        rejected: vec![],
        explanation: None,
        errors: vec![],
        notes: m.notes.clone(),
        tokens_used: m.tokens_used,
        token_budget: m.token_budget,
        incomplete: false,
    };
    let mut admitted: Vec<Admitted> = vec![];
    for x in &m.exchanges {
        let n = x.request;
        if !x.skipped.is_empty() {
            r.errors
                .push(format!("request {n}: not sent: {}", x.skipped));
            r.incomplete = true;
            continue;
        }
        let entry = match read_entry(root, &x.entry) {
            Ok(e) => e,
            Err(e) => {
                r.errors.push(format!("request {n}: {e}"));
                r.incomplete = true;
                continue;
            }
        };
        let Some(body) = entry.response.as_deref() else {
            r.errors.push(format!(
                "request {n}: {}",
                entry.error.as_deref().unwrap_or("no answer")
            ));
            r.incomplete = true;
            continue;
        };
        // A proposal's body is the items themselves; a provider's answer wraps them.
        let parsed = if m.command == crate::propose::COMMAND {
            Ok(crate::provider::Answer {
                content: body.to_string(),
                tokens: None,
                truncated: false,
            })
        } else {
            parse_answer(provider, body)
        };
        let answer = match parsed {
            Ok(a) => a,
            Err(e) => {
                r.errors.push(format!("request {n}: {e}"));
                r.incomplete = true;
                continue;
            }
        };
        r.answered += 1;
        let obj = match parse_object(&answer.content) {
            Ok(o) => o,
            Err(e) => {
                let cut = if answer.truncated {
                    " (the answer stopped at [ai] max_output_tokens)"
                } else {
                    ""
                };
                r.errors.push(format!("request {n}: {e}{cut}"));
                continue;
            }
        };
        let provenance = Provenance {
            provider: m.provider.clone(),
            model: m.model.clone(),
            endpoint: m.endpoint.clone(),
            parameters: m.parameters.clone(),
            prompt_template: m.template.clone(),
            prompt_digest: x.prompt_digest.clone(),
            inputs_digest: x.inputs_digest.clone(),
            response_digest: x.response_digest.clone(),
            time: m.time.clone(),
            run: m.run.clone(),
            log_entry: entry_path(&x.entry),
        };
        if task == Task::Explain {
            let threat = m.scope.get("threat").cloned().unwrap_or_default();
            r.offered += 1;
            match verify_explanation(&obj, &threat, corpus) {
                Ok(e) => {
                    r.admitted += 1;
                    r.explanation = Some(e);
                }
                Err(e) => r
                    .errors
                    .push(format!("request {n}: the explanation was rejected: {e}")),
            }
            continue;
        }
        let mut notes = vec![];
        let (ok, bad) = verify_items(&obj, corpus, &known, &admitted, &mut notes);
        r.notes
            .extend(notes.into_iter().map(|t| format!("request {n}: {t}")));
        r.offered += ok.len() + bad.len();
        r.rejected
            .extend(bad.into_iter().map(|rejection| RejectedItem {
                request: n,
                rejection,
            }));
        for mut a in ok {
            a.suggestion.provenance = provenance.clone();
            admitted.push(a);
        }
    }
    r.admitted += admitted.len();
    r.suggestions = admitted
        .into_iter()
        .map(|a| AdmittedItem {
            id: a.id,
            suggestion: a.suggestion,
        })
        .collect();
    r
}

/// Files whose redacted text changed since the run (replay warns about them).
pub fn changed_files(m: &Manifest, corpus: &Corpus<'_>) -> Vec<String> {
    m.files
        .iter()
        .filter(|(p, d)| {
            corpus
                .lines(p)
                .map(|l| sha256(l.join("\n").as_bytes()) != **d)
                .unwrap_or(true)
        })
        .map(|(p, _)| p.clone())
        .collect()
}

/// Store admitted items as `suggested` tables. Only suggestions, only in
/// that state: an AI never records a decision.
pub fn store(root: &Path, r: &RunReport) -> Result<usize, String> {
    use bw_model::edit::{Change, SuggestionEdit, Suggestions, update_table};
    let edits: Vec<SuggestionEdit> = r
        .suggestions
        .iter()
        .filter(|a| a.suggestion.state == "suggested")
        .map(|a| SuggestionEdit::Upsert {
            id: a.id.clone(),
            suggestion: Box::new(a.suggestion.clone()),
        })
        .collect();
    if edits.is_empty() {
        return Ok(0);
    }
    let edited = update_table::<Suggestions, _>(root, &edits).map_err(|e| e.to_string())?;
    Ok(edited
        .changes
        .iter()
        .filter(|(_, c)| matches!(c, Change::Added | Change::Replaced))
        .count())
}

fn wrap(out: &mut String, prefix: &str, text: &str) {
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            out.push_str(&format!("{prefix}{line}\n"));
        } else {
            out.push_str(&format!("{}{line}\n", " ".repeat(prefix.chars().count())));
        }
    }
}

/// The report for people.
pub fn render_terminal(r: &RunReport) -> String {
    let run = if r.run.is_empty() {
        "(not recorded)"
    } else {
        &r.run
    };
    let mut s = format!(
        "AI {} run {run} ({}, {} {}, {})\n",
        r.command, r.template, r.provider, r.model, r.time
    );
    for (k, v) in &r.scope {
        s.push_str(&format!("  {k}: {v}\n"));
    }
    if let Some(e) = &r.explanation {
        s.push_str(&format!(
            "\nexplanation of {} (checked: the code it changes exists):\n",
            e.threat
        ));
        wrap(&mut s, "  ", &e.explanation);
        if !e.fix.is_empty() {
            s.push_str("\nfix:\n");
            wrap(&mut s, "  ", &e.fix);
        }
        for c in &e.changes {
            s.push_str(&format!(
                "\n  --> {}:{}-{}\n",
                c.path, c.start_line, c.end_line
            ));
            for l in c.quote.lines() {
                s.push_str(&format!("  - {l}\n"));
            }
            for l in c.replacement.lines() {
                s.push_str(&format!("  + {l}\n"));
            }
        }
    }
    if r.command != "explain" {
        s.push_str(&format!(
            "\nadmitted {} of {} item(s) as suggestions awaiting a person's triage (not threats until accepted):\n",
            r.admitted, r.offered
        ));
        for a in &r.suggestions {
            let x = &a.suggestion;
            let cwe: Vec<String> = x.cwe.iter().map(|c| format!("CWE-{c}")).collect();
            let what = if x.kind == "threat" {
                format!(
                    "{} {} impact {} likelihood {}",
                    x.stride,
                    cwe.join(","),
                    x.impact,
                    x.likelihood
                )
            } else {
                format!("mitigation for {}", x.threat.as_deref().unwrap_or(""))
            };
            s.push_str(&format!("  {} [{}] {what}\n", a.id, x.verification));
            s.push_str(&format!("      {}\n", x.title));
            s.push_str(&format!(
                "      --> {}:{}-{}\n",
                x.path, x.start_line, x.end_line
            ));
            if let Some(el) = &x.element {
                s.push_str(&format!("      element: {el}\n"));
            }
            wrap(&mut s, "      quote: ", &x.quote);
            wrap(&mut s, "      why: ", &x.rationale);
            if !x.mitigation.is_empty() {
                wrap(&mut s, "      fix: ", &x.mitigation);
            }
            for c in &x.checks {
                s.push_str(&format!("      checked: {c}\n"));
            }
        }
        if !r.rejected.is_empty() {
            s.push_str(&format!(
                "\nrejected {} item(s), never stored:\n",
                r.rejected.len()
            ));
            for x in &r.rejected {
                let x_title = if x.rejection.title.is_empty() {
                    "(no title)".to_string()
                } else {
                    format!("\"{}\"", x.rejection.title)
                };
                s.push_str(&format!(
                    "  request {} item {} {x_title}{}: {}\n",
                    x.request,
                    x.rejection.index + 1,
                    if x.rejection.path.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", x.rejection.path)
                    },
                    x.rejection.reason
                ));
            }
        }
    }
    if !r.errors.is_empty() {
        s.push_str("\nerrors:\n");
        for e in &r.errors {
            wrap(&mut s, "  ", e);
        }
    }
    if !r.notes.is_empty() {
        s.push_str("\nnotes:\n");
        for n in &r.notes {
            wrap(&mut s, "  ", n);
        }
    }
    if r.command == crate::propose::COMMAND {
        s.push_str(&format!(
            "\nproposed by {}; checked here, nothing was sent to an AI provider\n",
            r.model
        ));
    } else {
        s.push_str(&format!(
            "\n{} request(s), {} answered; about {} of {} tokens spent\n",
            r.requests, r.answered, r.tokens_used, r.token_budget
        ));
    }
    if r.run.is_empty() {
        s.push_str("dry run: nothing was recorded or stored\n");
    } else {
        s.push_str(&format!("replay offline: breakwater ai replay {}\n", r.run));
    }
    s
}

/// The report for machines.
pub fn render_json(r: &RunReport) -> String {
    let mut s = serde_json::to_string_pretty(r).expect("reports serialise");
    s.push('\n');
    s
}
