//! `breakwater guardrails --target agents-md|claude|cursor|copilot`:
//! project-specific instructions for AI coding assistants, derived from
//! the model, written into a marked section of the target file. Everything
//! outside the section stays byte-identical; a second run changes nothing.

use crate::exit;
use bw_engine::{WalkOptions, scan};
use bw_outputs::guardrails::{Target, section, splice};
use clap::ValueEnum;
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum TargetArg {
    /// AGENTS.md
    AgentsMd,
    /// CLAUDE.md
    Claude,
    /// .cursor/rules/breakwater.mdc
    Cursor,
    /// .github/copilot-instructions.md
    Copilot,
}

impl TargetArg {
    fn target(self) -> Target {
        match self {
            TargetArg::AgentsMd => Target::AgentsMd,
            TargetArg::Claude => Target::Claude,
            TargetArg::Cursor => Target::Cursor,
            TargetArg::Copilot => Target::Copilot,
        }
    }
}

#[derive(clap::Args)]
pub struct Args {
    /// A folder in the repository: the guardrails of the model root found from it (the
    /// nearest breakwater.toml upward, else the repository root) are written there.
    path: Option<PathBuf>,
    /// Which assistant's file to write (repeat, or separate with commas, for several).
    #[arg(long, short, value_enum, required = true, value_delimiter = ',')]
    target: Vec<TargetArg>,
    /// Write nothing; exit 1 when a target file's section is missing or stale.
    #[arg(long, conflicts_with = "stdout")]
    check: bool,
    /// Print the section instead of writing it.
    #[arg(long)]
    stdout: bool,
    /// Skip files larger than this many bytes.
    #[arg(long, default_value_t = bw_files::DEFAULT_MAX_FILE_BYTES)]
    max_file_size: u64,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    #[command(flatten)]
    cache: super::CacheArgs,
}

pub fn run(a: Args) -> u8 {
    let walk = WalkOptions {
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
    let out = match scan(&ws.source, &ws.lib, &opts) {
        Ok(o) => o,
        Err(e) => return super::fail(e),
    };
    let text = section(&out.report);
    if a.stdout {
        if let Err(e) = super::write_output(None, text.as_bytes()) {
            return super::fail(e);
        }
        return finish(out.incomplete, &out.report);
    }
    let mut targets = a.target.clone();
    targets.sort();
    targets.dedup();
    let mut stale = 0;
    for t in targets.into_iter().map(TargetArg::target) {
        let path = root.join(t.path());
        // Never through a link, never a FIFO; a file that is not UTF-8 text
        // is left alone.
        let existing = match bw_engine::repo::read_named(root, t.path()) {
            Ok(s) => s,
            Err(e) => return super::fail(e),
        };
        let new = match splice(existing.as_deref(), &text, t) {
            Ok(n) => n,
            Err(e) => return super::fail(format!("{}: {e}", path.display())),
        };
        let same = existing.as_deref() == Some(new.as_str());
        if a.check {
            if !same {
                stale += 1;
                error!(
                    "check: {} {}; update it with `breakwater guardrails --target {}`",
                    path.display(),
                    if existing.is_none() {
                        "does not exist"
                    } else {
                        "has a missing or stale guardrails section"
                    },
                    t.name()
                );
            }
            continue;
        }
        if same {
            if std::io::stderr().is_terminal() {
                info!("{} is up to date", path.display());
            }
            continue;
        }
        if let Err(e) = bw_files::write_in_tree(root, t.path(), new.as_bytes()) {
            return super::fail(e);
        }
        info!("wrote the guardrails section of {}", path.display());
    }
    if stale > 0 {
        return exit::GATE;
    }
    finish(out.incomplete, &out.report)
}

fn finish(incomplete: bool, report: &bw_threats::Report) -> u8 {
    if incomplete {
        let failed: Vec<&str> = report
            .files
            .skipped
            .iter()
            .filter(|s| s.failed)
            .map(|s| s.path.as_str())
            .collect();
        error!(
            "incomplete: {} file(s) could not be analysed, so the guardrails may miss what they hold: {}",
            failed.len(),
            bw_files::terminal_safe(&failed.join(", "))
        );
        return exit::INCOMPLETE;
    }
    exit::PASS
}
