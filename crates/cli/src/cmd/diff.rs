//! `breakwater diff [BASE] [HEAD]`: what a change does to the threat model.

use crate::exit;
use bw_engine::diff::{DiffError, DiffOptions, DiffOutput, diff};
use bw_engine::{ScanOptions, WalkOptions};
use bw_outputs::{Format, TerminalOptions};
use clap::ValueEnum;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// The formats of a comparison (`diff` and `check`).
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// For people: what changed, new threats with where and why.
    Terminal,
    /// One line per new threat, then a summary.
    Compact,
    /// The whole comparison (schemas/diff.schema.json).
    Json,
    /// Only the new threats, as SARIF 2.1.0.
    Sarif,
    /// A pull-request comment.
    Markdown,
}

impl FormatArg {
    pub fn format(self) -> Format {
        match self {
            FormatArg::Terminal => Format::Terminal,
            FormatArg::Compact => Format::Compact,
            FormatArg::Json => Format::Json,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Markdown => Format::Markdown,
        }
    }
}

#[derive(clap::Args)]
pub struct Args {
    /// Base revision (default: the merge base of HEAD with the default branch).
    base: Option<String>,
    /// Head revision (default: the working tree, uncommitted changes included).
    head: Option<String>,
    /// Output format: markdown is a pull-request comment; sarif carries only new threats.
    #[arg(long, value_enum, default_value = "terminal")]
    format: FormatArg,
    /// Write the output to a file instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Exit 1 when the change introduces an open threat of this severity or higher (or leaves
    /// one unverified); `none` never fails.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    fail_on: Option<super::FailOn>,
    #[command(flatten)]
    change: ChangeArgs,
}

/// What `diff` and `check` share: how each side is scanned. Both work on
/// the model root found from the current directory (or `-C DIR`).
#[derive(clap::Args)]
pub struct ChangeArgs {
    /// Show design-level potential threats, and count them for --fail-on.
    #[arg(long)]
    pub include_potential: bool,
    /// Let decisions and inline ignores added by this change close its own new threats for the gate.
    #[arg(long)]
    pub trust_head_decisions: bool,
    /// Skip files larger than this many bytes.
    #[arg(long, default_value_t = bw_files::DEFAULT_MAX_FILE_BYTES)]
    pub max_file_size: u64,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    #[command(flatten)]
    pub cache: super::CacheArgs,
}

impl ChangeArgs {
    /// Compare `base` with `head` (the working tree when `None`, the index
    /// when `staged`) under the model root `root`; unchanged files share
    /// cache entries between the sides.
    pub fn compare(
        &self,
        root: &Path,
        base: Option<String>,
        head: Option<String>,
        staged: bool,
    ) -> Result<DiffOutput, DiffError> {
        let opts = DiffOptions {
            base,
            head,
            staged,
            trust_head_decisions: self.trust_head_decisions,
            walk: WalkOptions {
                max_file_bytes: self.max_file_size,
                ..WalkOptions::default()
            },
            scan: ScanOptions {
                name: super::system_name(root),
                threads: self.threads,
                cache: self.cache.open(root),
                ..ScanOptions::default()
            },
        };
        diff(root, &opts)
    }
}

/// The gate on a change, said on stderr: the threats it brings (worded by
/// `threats` from their number) and the files it adds or changes that
/// could not be analysed. True when the gate fails.
pub fn change_gate(
    out: &DiffOutput,
    min: bw_threats::Severity,
    include_potential: bool,
    threats: impl FnOnce(usize) -> String,
) -> bool {
    let hits = out.diff.gate_hits(min, include_potential);
    if hits == 0 {
        return false;
    }
    let unanalysed = out.diff.unanalysed_hits();
    if hits > unanalysed {
        error!("{}", threats(hits - unanalysed));
    }
    let counted = out
        .diff
        .unanalysed
        .iter()
        .filter(|u| out.diff.counts_file(u));
    if let Some(msg) = super::unanalysed_gate_message(counted, min.name()) {
        error!("{msg}");
    }
    true
}

pub fn run(a: Args) -> u8 {
    let c = &a.change;
    let target = match super::target(None) {
        Ok(t) => t,
        Err(e) => return super::fail(e),
    };
    let out = match c.compare(&target.root, a.base.clone(), a.head.clone(), false) {
        Ok(o) => o,
        Err(e) => return super::fail(e),
    };
    let topts = TerminalOptions {
        include_potential: c.include_potential,
        root_label: target.root.display().to_string(),
        ..TerminalOptions::default()
    };
    let mut buf = vec![];
    if let Err(e) =
        bw_outputs::diff::render_diff(a.format.format(), &out.diff, &out.head, &topts, &mut buf)
    {
        return super::fail(format!("could not render: {e}"));
    }
    if let Err(e) = super::write_output(a.output.as_deref(), &buf) {
        return super::fail(e);
    }
    if a.output.is_some() && std::io::stderr().is_terminal() {
        info!(
            "{}",
            bw_outputs::diff::summary_line(&out.diff, c.include_potential)
        );
    }
    if let Some(min) = a.fail_on.and_then(super::FailOn::severity) {
        let failed = change_gate(&out, min, c.include_potential, |n| {
            format!(
                "gate: this change brings {n} threat(s) at {} or above (--fail-on {})",
                min.name(),
                min.name()
            )
        });
        if failed {
            return exit::GATE;
        }
    }
    if out.incomplete {
        error!(
            "incomplete: {} file(s) could not be analysed on head: {}",
            out.diff.head_failed.len(),
            bw_files::terminal_safe(&out.diff.head_failed.join(", "))
        );
        return exit::INCOMPLETE;
    }
    exit::PASS
}
