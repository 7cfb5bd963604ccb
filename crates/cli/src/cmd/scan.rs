//! `breakwater scan [PATH]`: the model and its threats.

use crate::exit;
use bw_engine::{
    Cache, FsSource, Library, ScanOptions, WalkOptions, gate_hits, scan_with_progress,
};
use bw_outputs::{Format, TerminalOptions};
use bw_threats::Severity;
use clap::ValueEnum;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Terminal,
    Json,
    Sarif,
    Markdown,
    Mermaid,
}

#[derive(clap::Args)]
pub struct Args {
    /// The repository to scan.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "terminal")]
    format: FormatArg,
    /// One line per threat (terminal format).
    #[arg(long)]
    compact: bool,
    /// Write the output to a file instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Exit 1 when an open threat of this severity or higher (confidence likely or confirmed) is found.
    #[arg(long, value_parser = ["info", "low", "medium", "high", "critical"])]
    fail_on: Option<String>,
    /// Show design-level potential threats, and count them in SARIF and --fail-on.
    #[arg(long)]
    include_potential: bool,
    /// Never colour the output (NO_COLOR is honoured too).
    #[arg(long)]
    no_color: bool,
    /// Skip files larger than this many bytes.
    #[arg(long, default_value_t = bw_files::DEFAULT_MAX_FILE_BYTES)]
    max_file_size: u64,
    /// Also scan files .gitignore excludes.
    #[arg(long)]
    no_gitignore: bool,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Keep the per-file facts cache here instead of PATH/.breakwater/cache.
    #[arg(long, env = "BREAKWATER_CACHE_DIR", value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Parse every file; neither read nor write the facts cache.
    #[arg(long)]
    no_cache: bool,
}

pub fn run(a: Args) -> u8 {
    let cache = if a.no_cache || !a.path.is_dir() {
        None
    } else {
        open_cache(&a.path, a.cache_dir.as_deref())
    };
    let mut walk = WalkOptions {
        respect_gitignore: !a.no_gitignore,
        max_file_bytes: a.max_file_size,
        ..Default::default()
    };
    // A cache directory inside the tree is never scanned, used or not.
    let cache_rel = a.cache_dir.as_deref().and_then(|d| inside(&a.path, d));
    walk.exclude.extend(cache_rel.filter(|rel| !rel.is_empty()));
    let source = match FsSource::new(&a.path, walk) {
        Ok(s) => s,
        Err(e) => return super::fail(e),
    };
    let model_file = match super::load_model_file(&a.path) {
        Ok(m) => m,
        Err(e) => return super::fail(e),
    };
    let lib = match Library::for_source(&source) {
        Ok(l) => l,
        Err(e) => {
            return super::fail(format!(
                "{e}\n  = help: fix the rule or flow file named above"
            ));
        }
    };
    let opts = ScanOptions {
        name: super::system_name(&a.path),
        threads: a.threads,
        model_file,
        cache,
    };
    let bar = ProgressBar::new(std::io::stderr().is_terminal());
    let out = match scan_with_progress(&source, &lib, &opts, &|d, t| bar.update(d, t)) {
        Ok(o) => o,
        Err(e) => return super::fail(e),
    };
    bar.clear();
    let to_terminal = a.output.is_none() && std::io::stdout().is_terminal();
    let color =
        to_terminal && !a.no_color && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let width = if to_terminal {
        terminal_size::terminal_size()
            .map(|(w, _)| w.0 as usize)
            .unwrap_or(100)
    } else {
        100
    };
    let format = match (a.format, a.compact) {
        (FormatArg::Terminal, true) => Format::Compact,
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
        root_label: a.path.display().to_string(),
    };
    let mut buf: Vec<u8> = vec![];
    if let Err(e) = bw_outputs::render(format, &out.report, &topts, &mut buf) {
        return super::fail(format!("could not render: {e}"));
    }
    let written = match &a.output {
        Some(p) => std::fs::write(p, &buf).map_err(|e| format!("{}: {e}", p.display())),
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth reporting.
            match stdout.write_all(&buf).and_then(|_| stdout.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
                _ => Ok(()),
            }
        }
    };
    if let Err(e) = written {
        return super::fail(e);
    }
    if a.output.is_some() && std::io::stderr().is_terminal() {
        let s = &out.report.summary;
        eprintln!(
            "wrote {} threats to {}",
            s.threats,
            a.output.as_ref().unwrap().display()
        );
    }
    if let Some(min) = a.fail_on.as_deref().and_then(Severity::parse) {
        let hits = gate_hits(&out.report, min, a.include_potential);
        if hits > 0 {
            eprintln!(
                "gate: {hits} open threat(s) at {} or above (--fail-on {})",
                min.name(),
                min.name()
            );
            return exit::GATE;
        }
    }
    if out.incomplete {
        let failed: Vec<&str> = out
            .report
            .files
            .skipped
            .iter()
            .filter(|s| s.failed)
            .map(|s| s.path.as_str())
            .collect();
        eprintln!(
            "incomplete: {} file(s) could not be analysed: {}",
            failed.len(),
            failed
                .iter()
                .take(5)
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
        );
        return exit::INCOMPLETE;
    }
    exit::PASS
}

/// The facts cache for a scan of `root`, or `None` with one warning line
/// on stderr (tracked by git, not writable).
fn open_cache(root: &Path, dir: Option<&Path>) -> Option<Cache> {
    let opened = match dir {
        Some(d) if inside(root, d).is_some_and(|rel| rel.is_empty()) => {
            eprintln!(
                "warning: {}: the cache directory cannot be the scanned directory itself; scanning without the cache",
                d.display()
            );
            return None;
        }
        Some(d) => Cache::open(d),
        None => Cache::open_under(root),
    };
    match opened {
        Ok(c) => Some(c),
        Err(e) => {
            eprintln!("warning: {e}");
            None
        }
    }
}

/// `dir` relative to `root` (`/`-separated, empty when they are the same)
/// when it lies inside it; links resolved on both sides.
fn inside(root: &Path, dir: &Path) -> Option<String> {
    let root = std::fs::canonicalize(root).ok()?;
    let dir = std::fs::canonicalize(dir).ok()?;
    let rel = dir.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
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
        eprint!(
            "\r  scanning [{}{}] {done}/{total} files",
            "=".repeat(filled),
            " ".repeat(30 - filled)
        );
    }

    fn clear(&self) {
        if self.drawn.load(std::sync::atomic::Ordering::Relaxed) {
            eprint!("\r\x1b[2K");
        }
    }
}
