//! The audit log: every request and answer, content-addressed, in the
//! repository's `.breakwater/ai-log/`, and one manifest per run.
//!
//! An entry's file name is the SHA-256 of its bytes, so an edited entry is
//! detected on reading. Request bodies are logged as sent: redacted
//! already, and without headers (keys and auth headers are never written).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where entries live, relative to the repository root.
pub const LOG_DIR: &str = ".breakwater/ai-log";
/// Where run manifests live.
pub const RUNS_DIR: &str = ".breakwater/ai-log/runs";

const ENTRY_FORMAT: &str = "breakwater-ai-log/1";
const RUN_FORMAT: &str = "breakwater-ai-run/1";

/// One request and what came back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub format: String,
    pub provider: String,
    pub model: String,
    /// Where it was sent (no credentials: they are refused in endpoints).
    pub url: String,
    pub template: String,
    /// The request body exactly as sent.
    pub request: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The answer's body exactly as received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attempts: Vec<String>,
}

impl Entry {
    pub fn new(provider: &str, model: &str, url: &str, template: &str, request: Value) -> Entry {
        Entry {
            format: ENTRY_FORMAT.into(),
            provider: provider.into(),
            model: model.into(),
            url: url.into(),
            template: template.into(),
            request,
            status: None,
            response: None,
            error: None,
            attempts: vec![],
        }
    }
}

/// One request of a run, as the manifest records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangeRecord {
    /// 1-based.
    pub request: usize,
    pub inputs_digest: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub prompt_digest: String,
    /// The log entry's digest (file name without `.json`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub entry: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub response_digest: String,
    /// Why it was not sent (the token budget).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub skipped: String,
    /// Tokens spent (the provider's count, else bytes / 4).
    #[serde(default)]
    pub tokens: u64,
}

/// A run: what was asked, of whom, when, and where each answer is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    pub run: String,
    /// `suggest`, `explain`, `review-diff`.
    pub command: String,
    pub template: String,
    pub time: String,
    pub provider: String,
    pub model: String,
    pub endpoint: String,
    pub parameters: String,
    /// `element`, `path`, `threat`, `base`: what the run was narrowed to.
    #[serde(default)]
    pub scope: BTreeMap<String, String>,
    pub inputs_digest: String,
    /// The redacted files the context was built from, with their digests
    /// (replay warns when one changed since).
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    /// review-diff: the changed line ranges items had to cite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed: Option<BTreeMap<String, Vec<(u32, u32)>>>,
    #[serde(default)]
    pub notes: Vec<String>,
    pub exchanges: Vec<ExchangeRecord>,
    pub token_budget: u64,
    pub tokens_used: u64,
}

impl Manifest {
    pub fn format() -> String {
        RUN_FORMAT.into()
    }
}

fn hex_digest(bytes: &[u8]) -> String {
    crate::context::sha256(bytes)["sha256:".len()..].to_string()
}

/// The path of an entry, relative to the repository root.
pub fn entry_path(digest: &str) -> String {
    format!("{LOG_DIR}/{digest}.json")
}

/// Log files are at most this large (an entry holds a whole context).
const MAX_LOG_FILE_BYTES: u64 = 64 << 20;

/// Write a content-addressed file once: one that exists holds these bytes.
/// Refuses a linked `.breakwater` (or any link on the way), as every
/// writer into the tree does.
fn write_new(root: &Path, rel: &str, bytes: &[u8]) -> Result<(), String> {
    let path = bw_files::file_in_tree(root, rel).map_err(|e| e.to_string())?;
    if path.exists() {
        return Ok(());
    }
    bw_files::write_in_tree(root, rel, bytes)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Read a log file (never through a link, never a FIFO, bounded).
fn read_log_file(root: &Path, rel: &str) -> Result<Vec<u8>, String> {
    match bw_files::read_in_tree(root, rel, MAX_LOG_FILE_BYTES) {
        Ok(Some(b)) => Ok(b),
        Ok(None) => Err(format!(
            "{}: no such file",
            bw_files::display_path(&root.join(rel))
        )),
        Err(e) => Err(e.to_string()),
    }
}

/// Store an entry; returns its digest.
pub fn write_entry(root: &Path, entry: &Entry) -> Result<String, String> {
    let mut bytes = serde_json::to_vec_pretty(entry).map_err(|e| e.to_string())?;
    bytes.push(b'\n');
    let digest = hex_digest(&bytes);
    write_new(root, &entry_path(&digest), &bytes)?;
    Ok(digest)
}

/// Read an entry and check it is the one its name says.
pub fn read_entry(root: &Path, digest: &str) -> Result<Entry, String> {
    if digest.len() != 64 || !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("`{digest}` is not a log entry digest"));
    }
    let path = root.join(entry_path(digest));
    let bytes = read_log_file(root, &entry_path(digest))?;
    if hex_digest(&bytes) != digest {
        return Err(format!(
            "{}: the entry does not match its digest (it was edited); it cannot be replayed",
            path.display()
        ));
    }
    serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// A run's manifest, relative to the repository root.
fn run_rel(run: &str) -> String {
    format!("{RUNS_DIR}/{run}.json")
}

/// The path of a run's manifest.
pub fn run_path(root: &Path, run: &str) -> PathBuf {
    root.join(run_rel(run))
}

pub fn write_manifest(root: &Path, m: &Manifest) -> Result<(), String> {
    let mut bytes = serde_json::to_vec_pretty(m).map_err(|e| e.to_string())?;
    bytes.push(b'\n');
    bw_files::write_in_tree(root, run_rel(&m.run), &bytes)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Find a run by its id (or a unique prefix), or by one of its log entries.
pub fn find_manifest(root: &Path, what: &str) -> Result<Manifest, String> {
    let what = what
        .trim()
        .trim_end_matches(".json")
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_string();
    if what.is_empty() {
        return Err("name a run id or a log entry".into());
    }
    let dir = root.join(RUNS_DIR);
    let mut runs: Vec<Manifest> = vec![];
    let read = std::fs::read_dir(&dir).map_err(|_| {
        format!(
            "no AI runs are recorded in {} (run `breakwater ai suggest` first)",
            dir.display()
        )
    })?;
    let mut names: Vec<String> = read
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    for name in names {
        let rel = format!("{RUNS_DIR}/{name}");
        let bytes = read_log_file(root, &rel)?;
        let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| format!("{rel}: {e}"))?;
        runs.push(m);
    }
    let by_run: Vec<&Manifest> = runs.iter().filter(|m| m.run.starts_with(&what)).collect();
    if by_run.len() == 1 {
        return Ok(by_run[0].clone());
    }
    if by_run.len() > 1 {
        return Err(format!(
            "`{what}` names {} runs; give more of the id",
            by_run.len()
        ));
    }
    runs.into_iter()
        .find(|m| m.exchanges.iter().any(|x| x.entry == what))
        .ok_or_else(|| format!("no recorded run or log entry `{what}` in {}", dir.display()))
}
