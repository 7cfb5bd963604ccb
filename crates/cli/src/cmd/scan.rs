//! `breakwater scan [PATH]`: the model and its threats.

use crate::exit;
use bw_engine::{WalkOptions, gate_hits, scan_with_progress};
use bw_outputs::{Format, TerminalOptions};
use clap::ValueEnum;
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// For people: rustc-style excerpts, colour on a terminal.
    Terminal,
    /// One line per threat.
    Compact,
    /// The complete result (schemas/report.schema.json).
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// A summary, the diagram and the threats, for pull requests and wikis.
    Markdown,
    /// The data-flow diagram.
    Mermaid,
}

#[derive(clap::Args)]
pub struct Args {
    /// A folder (or file) in the repository: the model root is found from it (the nearest
    /// breakwater.toml upward, else the repository root), the whole root is analysed, and only
    /// threats under PATH are reported, with ids relative to the root.
    path: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "terminal")]
    format: FormatArg,
    /// The same as --format compact.
    #[arg(long, conflicts_with = "format")]
    compact: bool,
    /// Write the output to a file instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Exit 1 when an open threat of this severity or higher (confidence likely or confirmed) is
    /// found; `none` never fails.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    fail_on: Option<super::FailOn>,
    /// Show design-level potential threats, and count them in SARIF and --fail-on.
    #[arg(long)]
    include_potential: bool,
    /// Skip files larger than this many bytes.
    #[arg(long, default_value_t = bw_files::DEFAULT_MAX_FILE_BYTES)]
    max_file_size: u64,
    /// Also scan files .gitignore excludes.
    #[arg(long)]
    no_gitignore: bool,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Write the architecture snapshot (one fact per line, for code review).
    #[arg(long)]
    write_snapshot: bool,
    /// Exit 1 when the committed architecture snapshot is missing or stale.
    #[arg(long)]
    check: bool,
    /// Where the snapshot lives, relative to the model root.
    #[arg(long, default_value = bw_outputs::snapshot::SNAPSHOT_PATH)]
    snapshot: PathBuf,
    #[command(flatten)]
    cache: super::CacheArgs,
}

pub fn run(a: Args) -> u8 {
    let walk = WalkOptions {
        respect_gitignore: !a.no_gitignore,
        max_file_bytes: a.max_file_size,
        ..WalkOptions::default()
    };
    let target = match super::target(a.path.as_deref()) {
        Ok(t) => t,
        Err(e) => return super::fail(e),
    };
    let root = target.root.as_path();
    let ws = match super::open(root, walk, &a.cache) {
        Ok(w) => w,
        Err(e) => return super::fail(e),
    };
    let opts = ws.scan_options(root, a.threads);
    let bar = ProgressBar::new(std::io::stderr().is_terminal());
    let mut out = match scan_with_progress(&ws.source, &ws.lib, &opts, &|d, t| bar.update(d, t)) {
        Ok(o) => o,
        Err(e) => return super::fail(e),
    };
    bar.clear();
    super::scan_details(&out);
    bw_engine::limit_to_scope(&mut out.report, &target.scope);
    let to_terminal = a.output.is_none() && std::io::stdout().is_terminal();
    let color = crate::ui::color_for(to_terminal);
    let width = if to_terminal {
        terminal_size::terminal_size()
            .map(|(w, _)| w.0 as usize)
            .unwrap_or(100)
    } else {
        100
    };
    let format = match (a.format, a.compact) {
        (_, true) | (FormatArg::Compact, _) => Format::Compact,
        (FormatArg::Terminal, false) => Format::Terminal,
        (FormatArg::Json, _) => Format::Json,
        (FormatArg::Sarif, _) => Format::Sarif,
        (FormatArg::Markdown, _) => Format::Markdown,
        (FormatArg::Mermaid, _) => Format::Mermaid,
    };
    let topts = TerminalOptions {
        color,
        width: width.max(40),
        include_potential: a.include_potential,
        elapsed: Some(out.elapsed),
        root_label: target.label(),
    };
    let mut buf: Vec<u8> = vec![];
    if let Err(e) = bw_outputs::render(format, &out.report, &topts, &mut buf) {
        return super::fail(format!("could not render: {e}"));
    }
    if let Err(e) = super::write_output(a.output.as_deref(), &buf) {
        return super::fail(e);
    }
    if let Some(path) = &a.output
        && std::io::stderr().is_terminal()
    {
        info!(
            "wrote {} threats to {}",
            out.report.summary.threats,
            path.display()
        );
    }
    let mut snapshot_stale = false;
    if a.write_snapshot || a.check {
        let text = bw_outputs::snapshot::snapshot(&out.report.model);
        let path = root.join(&a.snapshot);
        if a.write_snapshot {
            if let Err(e) = bw_files::write_in_tree(root, &a.snapshot, text.as_bytes()) {
                return super::fail(e);
            }
            if std::io::stderr().is_terminal() {
                info!("wrote the architecture snapshot to {}", path.display());
            }
        } else {
            let old = match bw_engine::repo::read_named(root, &a.snapshot) {
                Ok(old) => old,
                Err(e) => return super::fail(e),
            };
            if old.as_deref() != Some(text.as_str()) {
                snapshot_stale = true;
                match &old {
                    None => error!(
                        "check: {} does not exist; write it with `breakwater scan --write-snapshot` and commit it",
                        path.display()
                    ),
                    Some(old) => {
                        let lines = bw_outputs::snapshot::changed_lines(old, &text);
                        error!(
                            "check: {} is stale ({} line(s) differ); update it with `breakwater scan --write-snapshot` and commit it:",
                            path.display(),
                            lines.len()
                        );
                        for l in lines.iter().take(40) {
                            error!("  {}", bw_files::terminal_safe(l));
                        }
                        if lines.len() > 40 {
                            error!("  … and {} more", lines.len() - 40);
                        }
                    }
                }
            }
        }
    }
    if let Some(min) = a.fail_on.and_then(super::FailOn::severity) {
        let hits = gate_hits(&out.report, min, a.include_potential);
        if hits > 0 {
            let unanalysed = out.report.summary.unanalysed;
            let threats = hits - unanalysed;
            if threats > 0 || unanalysed == 0 {
                error!(
                    "gate: {threats} open threat(s) at {} or above (--fail-on {})",
                    min.name(),
                    min.name()
                );
            }
            let open = out.report.unanalysed.iter().filter(|u| u.status.is_open());
            if let Some(msg) = super::unanalysed_gate_message(open, min.name()) {
                error!("{msg}");
            }
            return exit::GATE;
        }
    }
    if snapshot_stale {
        return exit::GATE;
    }
    if out.incomplete {
        let accepted = |p: &str| {
            out.report
                .unanalysed
                .iter()
                .any(|u| u.path == p && !u.status.is_open())
        };
        let failed: Vec<&str> = out
            .report
            .files
            .skipped
            .iter()
            .filter(|s| s.failed && !accepted(&s.path))
            .map(|s| s.path.as_str())
            .collect();
        error!(
            "incomplete: {} file(s) could not be analysed: {}",
            failed.len(),
            bw_files::terminal_safe(
                &failed
                    .iter()
                    .take(5)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        );
        return exit::INCOMPLETE;
    }
    exit::PASS
}

/// A progress bar on stderr, drawn only on a terminal, only for scans that
/// last long enough to need one (after 300 ms), at most every 1%.
struct ProgressBar {
    enabled: bool,
    start: std::time::Instant,
    last: std::sync::atomic::AtomicUsize,
    drawn: std::sync::atomic::AtomicBool,
}

impl ProgressBar {
    fn new(enabled: bool) -> Self {
        ProgressBar {
            enabled,
            start: std::time::Instant::now(),
            last: std::sync::atomic::AtomicUsize::new(0),
            drawn: std::sync::atomic::AtomicBool::new(false),
        }
    }

    fn update(&self, done: usize, total: usize) {
        use std::sync::atomic::Ordering::Relaxed;
        if !self.enabled
            || total == 0
            || self.start.elapsed() < std::time::Duration::from_millis(300)
        {
            return;
        }
        let pct = done * 100 / total;
        if self.last.swap(pct, Relaxed) == pct && self.drawn.load(Relaxed) {
            return;
        }
        self.drawn.store(true, Relaxed);
        let filled = pct * 30 / 100;
        crate::ui::progress(format_args!(
            "\r  scanning [{}{}] {done}/{total} files",
            "=".repeat(filled),
            " ".repeat(30 - filled)
        ));
    }

    fn clear(&self) {
        if self.drawn.load(std::sync::atomic::Ordering::Relaxed) {
            crate::ui::progress(format_args!("\r\x1b[2K"));
        }
    }
}
