//! `breakwater ai`: AI suggestions, explanations and change reviews, each
//! item checked against the code before it can enter the model, with its
//! provenance; `replay` re-verifies a recorded run offline; `accept` and
//! `reject` are a person's triage of what an AI proposed.
//!
//! The model never writes anything but `suggested` entries in
//! `[suggestions]`: it cannot record a decision, and what it suggests
//! reaches neither SARIF nor gates until a person accepts it.

use crate::exit;
use bw_ai::config::{ConfigError, Settings, process_env};
use bw_ai::context::Corpus;
use bw_ai::http::UreqTransport;
use bw_ai::log;
use bw_ai::run::{self, Checks, Job, RunReport};
use bw_ai::tasks;
use bw_engine::{ScanOptions, ScanOutput, WalkOptions, scan};
use bw_model::edit::{Change, SuggestionEdit, Suggestions, update_table};
use bw_model::modelfile::{FILE_NAME, today};
use clap::ValueEnum;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum FormatArg {
    Terminal,
    Json,
}

#[derive(clap::Args)]
struct Common {
    /// The model root (found from the current directory, or `-C DIR`).
    #[arg(skip)]
    repo: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "terminal")]
    format: FormatArg,
    /// Also read files .gitignore excludes.
    #[arg(long)]
    no_gitignore: bool,
    #[command(flatten)]
    cache: super::CacheArgs,
}

#[derive(clap::Subcommand)]
enum Sub {
    /// Which provider, model and endpoint would be used, and where each setting comes from
    /// (exit 0 when none is configured: it is a report).
    Status,
    /// Ask for threats and mitigations the rules missed; store the verified ones as suggestions.
    Suggest(SuggestArgs),
    /// Explain one threat and how to fix it in this code (every change it proposes is checked).
    Explain(ExplainArgs),
    /// An attacker's review of a change (BASE to the working tree), grounded in the diff.
    ReviewDiff(ReviewArgs),
    /// Check a threat an AI coding assistant (or a person) proposes, as JSON, with the same checks as `suggest`; store it as a suggestion when it passes. No provider is needed.
    Propose(ProposeArgs),
    /// Verify a recorded run again from its log, with no network: the same output, byte for byte.
    Replay(ReplayArgs),
    /// Accept AI suggestions: an accepted threat suggestion becomes a threat (rule ai-suggestion).
    Accept(TriageArgs),
    /// Reject AI suggestions, with the reason (the same claim is not admitted again).
    Reject(TriageArgs),
}

#[derive(clap::Args)]
struct SuggestArgs {
    #[command(flatten)]
    common: Common,
    /// Only this element (`route:GET /orders/{}`, `store:postgres`).
    #[arg(long)]
    element: Option<String>,
    /// Only files matching this glob (a directory matches what is under it).
    #[arg(long)]
    path: Option<String>,
    /// Verify and print, but do not write suggestions to breakwater.toml (the request is still logged).
    #[arg(long)]
    dry_run: bool,
}

#[derive(clap::Args)]
struct ExplainArgs {
    /// The threat id, as `breakwater scan` prints it.
    threat: String,
    #[command(flatten)]
    common: Common,
}

#[derive(clap::Args)]
struct ReviewArgs {
    /// Base revision (default: the merge base with the default branch).
    base: Option<String>,
    #[command(flatten)]
    common: Common,
    /// Verify and print, but do not write suggestions to breakwater.toml.
    #[arg(long)]
    dry_run: bool,
}

#[derive(clap::Args)]
struct ProposeArgs {
    /// A JSON file with one item, a list of items, or {"items": [...]} (`-`: standard input).
    /// The MCP tool `propose_threat` answers with this JSON and the command to run.
    file: PathBuf,
    /// Who proposed it (the assistant's name, or a person), recorded in the provenance.
    #[arg(long)]
    by: String,
    #[command(flatten)]
    common: Common,
    /// Check and print, but record nothing (no log entry, no suggestion).
    #[arg(long)]
    dry_run: bool,
}

#[derive(clap::Args)]
struct ReplayArgs {
    /// A run id (or a unique prefix), or one of its log entries' digests.
    run: String,
    #[command(flatten)]
    common: Common,
}

#[derive(clap::Args)]
struct TriageArgs {
    /// Suggestion ids (`ai:…`), as `breakwater scan` lists them.
    ids: Vec<String>,
    /// Why (mandatory for a rejection).
    #[arg(long)]
    reason: Option<String>,
    /// Who decided (default: GIT_AUTHOR_NAME/GIT_AUTHOR_EMAIL, else git config).
    #[arg(long)]
    author: Option<String>,
    /// The model root (found from the current directory, or `-C DIR`).
    #[arg(skip)]
    repo: PathBuf,
}

pub fn run(a: Args) -> u8 {
    // Every `ai` command works on the model root found from the current
    // directory (or `-C DIR`): its breakwater.toml, log and suggestions.
    let root = match super::target(None) {
        Ok(t) => t.root,
        Err(e) => return super::fail(e),
    };
    let mut command = a.command;
    match &mut command {
        Sub::Status => {}
        Sub::Suggest(s) => s.common.repo = root.clone(),
        Sub::Explain(s) => s.common.repo = root.clone(),
        Sub::ReviewDiff(s) => s.common.repo = root.clone(),
        Sub::Propose(s) => s.common.repo = root.clone(),
        Sub::Replay(s) => s.common.repo = root.clone(),
        Sub::Accept(t) | Sub::Reject(t) => t.repo = root.clone(),
    }
    match command {
        Sub::Status => status(&root),
        Sub::Suggest(s) => {
            let (element, path, dry) = (s.element.clone(), s.path.clone(), s.dry_run);
            ask(&s.common, !dry, &|report, corpus, _| {
                tasks::suggest(report, corpus, element.as_deref(), path.as_deref())
            })
        }
        Sub::Explain(s) => {
            let threat = s.threat.clone();
            ask(&s.common, false, &|report, corpus, _| {
                tasks::explain(report, corpus, &threat)
            })
        }
        Sub::ReviewDiff(s) => {
            let base = s.base.clone();
            ask(&s.common, !s.dry_run, &|report, corpus, root| {
                tasks::review_diff(report, corpus, root, base.as_deref())
            })
        }
        Sub::Propose(s) => propose(&s),
        Sub::Replay(s) => replay(&s),
        Sub::Accept(t) => triage(&t, "accepted"),
        Sub::Reject(t) => triage(&t, "rejected"),
    }
}

fn settings_for(root: &Path) -> Result<(Settings, Option<bw_model::modelfile::ModelFile>), String> {
    let mf = super::load_model_file(root)?;
    let s = Settings::resolve(mf.as_ref().and_then(|m| m.ai.as_ref()), &process_env)
        .map_err(|e| e.to_string())?;
    Ok((s, mf))
}

/// A report of what would be used; nothing configured is a state to
/// report (exit 0), a broken configuration an error (exit 2).
fn status(root: &Path) -> u8 {
    let settings = super::load_model_file(root).and_then(|mf| {
        match Settings::resolve(mf.as_ref().and_then(|m| m.ai.as_ref()), &process_env) {
            Ok(s) => Ok(Some(s)),
            Err(ConfigError::NotConfigured) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    });
    match settings {
        Ok(None) => {
            outln!("provider: none configured: AI is off, nothing is sent anywhere");
            let help = ConfigError::NotConfigured.to_string();
            for line in help.lines().skip(1) {
                outln!("{line}");
            }
            exit::PASS
        }
        Ok(Some(s)) => {
            outln!("provider: {}", s.provider.name());
            outln!("model: {}", s.model);
            outln!("endpoint: {}", s.endpoint);
            outln!("requests go to: {}", s.request_url());
            outln!(
                "api key: {}",
                if s.api_key.is_some() {
                    "set (never shown, never logged)"
                } else {
                    "none"
                }
            );
            for (what, from) in &s.origins {
                outln!("  {what} from {from}");
            }
            outln!(
                "limits: timeout {} s, {} retries, concurrency {}, token budget {}, max context {} bytes, max answer {} bytes",
                s.timeout.as_secs(),
                s.max_retries,
                s.concurrency,
                s.token_budget,
                s.max_context_bytes,
                s.max_response_bytes
            );
            outln!("parameters: {}", s.parameters());
            outln!("never sent: {}", s.exclude.join(", "));
            if !s.include.is_empty() {
                outln!("only sent: {}", s.include.join(", "));
            }
            exit::PASS
        }
        Err(e) => super::fail(e),
    }
}

/// Scan with the facts kept (the flow check reads them).
fn scan_repo(
    common: &Common,
    mf: Option<bw_model::modelfile::ModelFile>,
) -> Result<(super::Workspace, ScanOutput), String> {
    let walk = WalkOptions {
        respect_gitignore: !common.no_gitignore,
        ..WalkOptions::default()
    };
    let mut ws = super::open(&common.repo, walk, &common.cache)?;
    ws.model_file = mf;
    let opts = ScanOptions {
        keep_facts: true,
        ..ws.scan_options(&common.repo, None)
    };
    let out = scan(&ws.source, &ws.lib, &opts).map_err(|e| e.to_string())?;
    Ok((ws, out))
}

/// Scan, open the corpus the checks read, and run `f` with both.
fn with_checks(
    common: &Common,
    mf: Option<bw_model::modelfile::ModelFile>,
    settings: &Settings,
    f: impl FnOnce(&Corpus<'_>, &Checks<'_>) -> u8,
) -> u8 {
    let (ws, out) = match scan_repo(common, mf) {
        Ok(x) => x,
        Err(e) => return super::fail(e),
    };
    let corpus = match Corpus::new(&ws.source, settings, bw_ai::redact::env_secret_values()) {
        Ok(c) => c,
        Err(e) => return super::fail(e),
    };
    let cwes = bw_ai::verify::known_cwes(&ws.lib.rules);
    let checks = Checks {
        report: &out.report,
        facts: &out.facts,
        model_file: ws.model_file.as_ref(),
        cwes: &cwes,
    };
    f(&corpus, &checks)
}

/// Store a run's admitted items as `suggested`, and say so.
fn store(root: &Path, report: &RunReport) -> Result<(), u8> {
    if report.suggestions.is_empty() {
        return Ok(());
    }
    match run::store(root, report) {
        Ok(n) => {
            info!(
                "wrote {n} suggestion(s) to {FILE_NAME} as `suggested`; review them, then `breakwater ai accept ID` or `breakwater ai reject ID --reason \"…\"`"
            );
            Ok(())
        }
        Err(e) => Err(super::fail(format!("could not store the suggestions: {e}"))),
    }
}

fn print(common: &Common, r: &RunReport) -> Result<(), String> {
    let text = match common.format {
        // Repository text and the model's answer, made safe for a terminal.
        FormatArg::Terminal => bw_files::terminal_safe_lines(&run::render_terminal(r)).into_owned(),
        FormatArg::Json => run::render_json(r),
    };
    super::write_output(None, text.as_bytes())
}

type Build<'a> = dyn Fn(&bw_threats::Report, &Corpus<'_>, &Path) -> Result<Job, String> + 'a;

/// Build the job, ask, verify from the log, store what passed, print.
fn ask(common: &Common, write: bool, build: &Build<'_>) -> u8 {
    let root = common.repo.as_path();
    let (settings, mf) = match settings_for(root) {
        Ok(x) => x,
        Err(e) => return super::fail(e),
    };
    with_checks(common, mf, &settings, |corpus, checks| {
        let job = match build(checks.report, corpus, root) {
            Ok(j) => j,
            Err(e) => return super::fail(e),
        };
        let time = run::now_rfc3339();
        let manifest = match run::execute(root, &settings, corpus, &job, &UreqTransport, &time) {
            Ok(m) => m,
            Err(e) => return super::fail(format!("could not record the run: {e}")),
        };
        let report = run::evaluate(root, &manifest, corpus, checks);
        if write && let Err(code) = store(root, &report) {
            return code;
        }
        if corpus.masked.get() > 0 {
            info!(
                "redacted {} secret value(s) before sending",
                corpus.masked.get()
            );
        }
        if let Err(e) = print(common, &report) {
            return super::fail(e);
        }
        outcome(&report)
    })
}

fn outcome(r: &RunReport) -> u8 {
    if r.incomplete || (r.command == "explain" && r.explanation.is_none()) {
        exit::INCOMPLETE
    } else {
        exit::PASS
    }
}

fn replay(a: &ReplayArgs) -> u8 {
    let root = a.common.repo.as_path();
    let manifest = match log::find_manifest(root, &a.run) {
        Ok(m) => m,
        Err(e) => return super::fail(e),
    };
    let mf = match super::load_model_file(root) {
        Ok(m) => m,
        Err(e) => return super::fail(e),
    };
    // Offline: the provider named by the run, no key, no request.
    let settings = match Settings::for_replay(
        mf.as_ref().and_then(|m| m.ai.as_ref()),
        &manifest.command,
        &manifest.provider,
        &manifest.model,
    ) {
        Ok(s) => s,
        Err(e) => return super::fail(e),
    };
    with_checks(&a.common, mf, &settings, |corpus, checks| {
        let changed = run::changed_files(&manifest, corpus);
        if !changed.is_empty() {
            info!(
                "warning: {} file(s) changed since the run, so checks may differ: {}",
                changed.len(),
                changed.join(", ")
            );
        }
        let report = run::evaluate(root, &manifest, corpus, checks);
        if let Err(e) = print(&a.common, &report) {
            return super::fail(e);
        }
        outcome(&report)
    })
}

/// Check a proposal with `suggest`'s checks; record it as a run of its own
/// (so `ai replay` reproduces it) and store what passed as `suggested`.
fn propose(a: &ProposeArgs) -> u8 {
    let root = a.common.repo.as_path();
    let by = match bw_ai::propose::proposer(&a.by) {
        Ok(b) => b,
        Err(e) => return super::fail(e),
    };
    // A proposal is a small JSON document: read at most the model file's
    // bound, from standard input or from a regular file (a FIFO or device
    // given by mistake is refused, never read forever).
    let limit = bw_files::MAX_CONFIG_BYTES;
    let read = |from: &mut dyn std::io::Read| -> std::io::Result<String> {
        let mut t = String::new();
        std::io::Read::read_to_string(&mut std::io::Read::take(from, limit + 1), &mut t)?;
        if t.len() as u64 > limit {
            return Err(std::io::Error::other(format!(
                "larger than {limit} bytes; a proposal is a small JSON document"
            )));
        }
        Ok(t)
    };
    let text = if a.file.as_os_str() == "-" {
        match read(&mut std::io::stdin().lock()) {
            Ok(t) => t,
            Err(e) => {
                return super::fail(format!(
                    "could not read the proposal from standard input: {e}"
                ));
            }
        }
    } else {
        // Checked before opening: opening a FIFO waits for a writer.
        let opened = std::fs::metadata(&a.file).and_then(|m| {
            if m.is_file() {
                read(&mut std::fs::File::open(&a.file)?)
            } else {
                Err(std::io::Error::other(
                    "is not a regular file; give the path of a JSON file, or - for standard input",
                ))
            }
        });
        match opened {
            Ok(t) => t,
            Err(e) => {
                return super::fail(format!("{}: {e}", bw_files::display_path(&a.file)));
            }
        }
    };
    let answer = match bw_ai::propose::parse(&text) {
        Ok(x) => x,
        Err(e) => return super::fail(e),
    };
    let mf = match super::load_model_file(root) {
        Ok(m) => m,
        Err(e) => return super::fail(e),
    };
    let settings = match Settings::checks_only(mf.as_ref().and_then(|m| m.ai.as_ref())) {
        Ok(s) => s,
        Err(e) => return super::fail(e),
    };
    with_checks(&a.common, mf, &settings, |corpus, checks| {
        let time = run::now_rfc3339();
        let report = if a.dry_run {
            let checked = bw_ai::propose::check(&answer, corpus, checks);
            RunReport::unrecorded(
                bw_ai::propose::COMMAND,
                bw_ai::propose::TEMPLATE,
                &time,
                bw_ai::propose::PROVIDER,
                by,
                checked,
            )
        } else {
            let manifest = match bw_ai::propose::record(root, &answer, by, corpus, &time) {
                Ok(m) => m,
                Err(e) => return super::fail(format!("could not record the proposal: {e}")),
            };
            let report = run::evaluate(root, &manifest, corpus, checks);
            if let Err(code) = store(root, &report) {
                return code;
            }
            report
        };
        if let Err(e) = print(&a.common, &report) {
            return super::fail(e);
        }
        if report.admitted == 0 && report.offered > 0 {
            exit::GATE
        } else {
            outcome(&report)
        }
    })
}

fn triage(a: &TriageArgs, state: &str) -> u8 {
    if a.ids.is_empty() {
        return super::fail(
            "name the suggestions: `breakwater scan` lists those awaiting triage with their ids",
        );
    }
    let reason = a.reason.as_deref().unwrap_or("").trim().to_string();
    if state == "rejected" && reason.is_empty() {
        return super::fail(
            "a rejection needs a reason: add --reason \"…\" saying why the suggestion is wrong or does not apply",
        );
    }
    let mf = match super::load_model_file(&a.repo) {
        Ok(Some(m)) => m,
        Ok(None) => return super::fail(format!("no {FILE_NAME} here, so no suggestions")),
        Err(e) => return super::fail(e),
    };
    let author = a
        .author
        .clone()
        .unwrap_or_else(|| bw_files::git::author(&a.repo));
    let mut edits = vec![];
    let mut seen = BTreeSet::new();
    for id in &a.ids {
        let Some(x) = mf.suggestions.get(id) else {
            let known: Vec<&str> = mf.suggestions.keys().map(String::as_str).collect();
            return super::fail(format!(
                "no suggestion `{id}` in {FILE_NAME}{}",
                if known.is_empty() {
                    String::new()
                } else {
                    format!("; there are: {}", known.join(", "))
                }
            ));
        };
        if !seen.insert(id.clone()) {
            continue;
        }
        let mut x = x.clone();
        x.state = state.to_string();
        x.triaged_by = author.clone();
        x.triaged_on = today();
        x.triage_reason = reason.clone();
        edits.push(SuggestionEdit::Upsert {
            id: id.clone(),
            suggestion: Box::new(x),
        });
    }
    let edited = match update_table::<Suggestions, _>(&a.repo, &edits) {
        Ok(e) => e,
        Err(e) => return super::fail(e),
    };
    for (id, change) in &edited.changes {
        let x = &edited.model.suggestions[id];
        let what = if *change == Change::Unchanged {
            "unchanged"
        } else {
            state
        };
        if state == "accepted" && x.kind == "threat" {
            outln!(
                "{id}: {what}; it is now the threat {id} (rule {}), in scans, SARIF and gates; record decisions on it with `breakwater triage {id}`",
                bw_engine::AI_RULE
            );
        } else {
            outln!("{id}: {what}");
        }
    }
    exit::PASS
}
