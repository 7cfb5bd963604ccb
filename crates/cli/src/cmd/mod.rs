//! One module per subcommand.

pub mod ai;
pub mod check;
pub mod completions;
pub mod debug;
pub mod diff;
pub mod explain;
pub mod facts;
pub mod guardrails;
pub mod init;
pub mod lsp;
pub mod man;
pub mod mcp;
pub mod rules;
pub mod scan;
pub mod status;
pub mod triage;

use std::path::{Path, PathBuf};

/// Print an error and what to do; return the usage/configuration exit code.
/// Errors quote repository paths and names: control characters in them are
/// spelled out, never sent to the terminal.
pub fn fail(message: impl std::fmt::Display) -> u8 {
    error!(
        "error: {}",
        bw_files::terminal_safe_lines(&message.to_string())
    );
    crate::exit::USAGE
}

/// Where a command works: the model root found from the path it was given
/// (or the current directory), and the part of it that path names.
#[derive(Debug, Clone)]
pub struct Target {
    /// The model root: ids, the model file, `.breakwater/` and the cache
    /// are all relative to it.
    pub root: PathBuf,
    /// The given path relative to the root (`app/api`), empty for the root:
    /// the commands that report on threats report only those under it.
    pub scope: String,
}

impl Target {
    /// What the output calls the scanned tree: the root, and the part
    /// shown when that is not all of it.
    pub fn label(&self) -> String {
        if self.scope.is_empty() {
            self.root.display().to_string()
        } else {
            format!("{}, threats under {}", self.root.display(), self.scope)
        }
    }
}

/// The model root for `path` (see `bw_engine::repo::model_root`): the
/// nearest folder upward holding breakwater.toml, no further than the
/// repository root; else the repository root; else `path` itself.
pub fn target(path: Option<&Path>) -> Result<Target, String> {
    let start = path.unwrap_or(Path::new("."));
    let found = bw_engine::repo::model_root(start)?;
    if found.found_by == bw_engine::repo::RootFoundBy::Ignored {
        info!(
            "note: {} is ignored by the repository around it (.gitignore); scanning it as a project of its own",
            bw_files::display_path(&found.root)
        );
    }
    detail!(
        "model root: {} ({})",
        found.root.display(),
        found.found_by.describe()
    );
    if !found.scope.is_empty() {
        detail!(
            "reporting what lies under {} (the whole root is analysed, so ids and decisions are the root's)",
            found.scope
        );
    }
    Ok(Target {
        root: found.root,
        scope: found.scope,
    })
}

/// `--fail-on`: one value set for every command that gates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Info,
    Low,
    Medium,
    High,
    Critical,
    /// Never fail on threats (report only).
    None,
}

impl FailOn {
    /// The lowest severity that fails the gate; `None` for `none`.
    pub fn severity(self) -> Option<bw_threats::Severity> {
        use bw_threats::Severity;
        match self {
            FailOn::Info => Some(Severity::Info),
            FailOn::Low => Some(Severity::Low),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::High => Some(Severity::High),
            FailOn::Critical => Some(Severity::Critical),
            FailOn::None => None,
        }
    }
}

/// `-v`: how the scan went — time, the facts cache, and every skipped
/// file with the reason.
pub fn scan_details(out: &bw_engine::ScanOutput) {
    let r = &out.report;
    detail!(
        "scanned in {:.2}s: {} file(s) analysed, {} from the facts cache, {} parsed",
        out.elapsed.as_secs_f64(),
        r.files.analysed,
        out.cache_hits,
        out.parsed
    );
    for s in &r.files.skipped {
        detail!(
            "{} {}: {} ({})",
            if s.failed { "failed" } else { "skipped" },
            s.path,
            s.message,
            s.reason
        );
    }
}

/// Read the repository's model file, if there is one.
pub fn load_model_file(root: &Path) -> Result<Option<bw_model::modelfile::ModelFile>, String> {
    bw_engine::repo::read_model_file(root)
        .map_err(|e| format!("{e}\n  = help: fix the file, or move it aside to scan without it"))
}

/// Read the repository's adoption baseline, if there is one.
pub fn load_baseline(root: &Path) -> Result<Option<bw_threats::baseline::Baseline>, String> {
    bw_engine::repo::read_baseline(root).map_err(|e| {
        format!(
            "{e}\n  = help: fix the file, or delete it (and run `breakwater init --baseline` again)"
        )
    })
}

/// What every command that scans a repository needs, read once: its files,
/// model file, adoption baseline and rule library.
pub struct Workspace {
    pub source: bw_engine::FsSource,
    pub model_file: Option<bw_model::modelfile::ModelFile>,
    pub baseline: Option<bw_threats::baseline::Baseline>,
    pub lib: bw_engine::Library,
    /// The per-file facts cache, when it can be used.
    pub cache: Option<bw_engine::Cache>,
}

impl Workspace {
    /// How to scan it as read: the system's name, its model file, adoption
    /// baseline and facts cache.
    pub fn scan_options(&self, root: &Path, threads: Option<usize>) -> bw_engine::ScanOptions {
        bw_engine::ScanOptions {
            name: system_name(root),
            threads,
            model_file: self.model_file.clone(),
            baseline: self.baseline.clone(),
            cache: self.cache.clone(),
            ..bw_engine::ScanOptions::default()
        }
    }
}

/// Where the per-file facts cache lives, for every command that scans.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct CacheArgs {
    /// Keep the per-file facts cache here instead of PATH/.breakwater/cache.
    #[arg(long, env = "BREAKWATER_CACHE_DIR", value_name = "DIR")]
    pub cache_dir: Option<std::path::PathBuf>,
    /// Parse every file; neither read nor write the facts cache.
    #[arg(long)]
    pub no_cache: bool,
}

impl CacheArgs {
    /// The cache these flags ask for under `root`, if it can be used.
    pub fn open(&self, root: &Path) -> Option<bw_engine::Cache> {
        if self.no_cache || !root.is_dir() {
            None
        } else {
            open_cache(root, self.cache_dir.as_deref())
        }
    }
}

/// Open a repository for scanning; the error says what to fix.
pub fn open(
    root: &Path,
    mut walk: bw_engine::WalkOptions,
    cache: &CacheArgs,
) -> Result<Workspace, String> {
    let cache_dir = cache.cache_dir.as_deref();
    let cache = cache.open(root);
    // A cache directory inside the tree is never scanned, used or not.
    let cache_rel = cache_dir.and_then(|d| inside(root, d));
    walk.exclude.extend(cache_rel.filter(|rel| !rel.is_empty()));
    let source = bw_engine::FsSource::new(root, walk).map_err(|e| e.to_string())?;
    let model_file = load_model_file(root)?;
    let baseline = load_baseline(root)?;
    let lib = bw_engine::Library::for_source(&source)
        .map_err(|e| format!("{e}\n  = help: fix the rule or flow file named above"))?;
    Ok(Workspace {
        source,
        model_file,
        baseline,
        lib,
        cache,
    })
}

/// The cache at `dir`, or at the default place under `root`; a warning and
/// no cache when it cannot be used (tracked by git, unwritable, a link).
pub fn open_cache(root: &Path, dir: Option<&Path>) -> Option<bw_engine::Cache> {
    let opened = match dir {
        Some(d) if inside(root, d).is_some_and(|rel| rel.is_empty()) => {
            info!(
                "warning: {}: the cache directory cannot be the scanned directory itself; scanning without the cache",
                d.display()
            );
            return None;
        }
        Some(d) => bw_engine::Cache::open(d),
        None => bw_engine::Cache::open_under(root),
    };
    match opened {
        Ok(c) => Some(c),
        Err(e) => {
            info!("warning: {e}");
            None
        }
    }
}

/// `dir` relative to `root` (`/`-separated, empty when they are the same)
/// when it lies inside it; links resolved on both sides.
pub fn inside(root: &Path, dir: &Path) -> Option<String> {
    let root = std::fs::canonicalize(root).ok()?;
    let dir = std::fs::canonicalize(dir).ok()?;
    let rel = dir.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

/// Write rendered output to a file, or to stdout (a closed pipe, as with
/// `| head`, ends the output quietly: see `crate::ui`).
pub fn write_output(output: Option<&Path>, buf: &[u8]) -> Result<(), String> {
    match output {
        Some(p) => std::fs::write(p, buf).map_err(|e| format!("{}: {e}", p.display())),
        None => crate::ui::write_stdout(buf),
    }
}

/// The gate's word on files it could not analyse (failed, too large,
/// truncated) and no decision accepts: which ones, why, and how to accept
/// one once a person has checked it. `None` when there are none.
pub fn unanalysed_gate_message<'a>(
    files: impl IntoIterator<Item = &'a bw_threats::UnanalysedFile>,
    fail_on: &str,
) -> Option<String> {
    let files: Vec<&bw_threats::UnanalysedFile> = files.into_iter().collect();
    let first = files.first()?;
    let mut msg = format!(
        "gate: {} not fully analysed, so a threat in {} cannot be ruled out (--fail-on {fail_on}):",
        if files.len() == 1 {
            "1 file is".to_string()
        } else {
            format!("{} files are", files.len())
        },
        if files.len() == 1 { "it" } else { "them" }
    );
    for u in &files {
        msg.push_str(&format!(
            "\n  {} ({}): {}",
            bw_outputs::text::clean(&u.path),
            u.reason,
            bw_outputs::text::one_line(&u.message)
        ));
    }
    msg.push_str(&format!(
        "\n  = help: fix what stopped the analysis, or, once a person has checked the file, accept it with a decision (it goes stale when the file changes): {}",
        bw_outputs::text::accept_command(&first.id)
    ));
    Some(msg)
}

/// The system name: the model file's, else the directory's.
pub fn system_name(root: &Path) -> String {
    std::fs::canonicalize(root)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "system".into())
}
