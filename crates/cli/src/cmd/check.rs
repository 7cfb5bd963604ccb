//! `breakwater check [--staged]`: a fast check of the changes not yet
//! committed, for a pre-commit hook. Reports only the threats the change
//! brings, one line each, and gates on them (`--fail-on high` by default).
//! `--staged` checks exactly what `git commit` would record (the index),
//! so an unstaged edit neither hides nor adds a threat.

use crate::exit;
use bw_outputs::{Format, TerminalOptions};
use bw_threats::Severity;
use clap::ValueEnum;

#[derive(Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// One line per new threat, then a summary.
    Compact,
    /// The whole comparison as JSON (schemas/diff.schema.json).
    Json,
    /// Only the new threats, as SARIF 2.1.0.
    Sarif,
}

#[derive(clap::Args)]
pub struct Args {
    /// Check the staged changes (the git index) against HEAD, ignoring unstaged edits.
    #[arg(long)]
    staged: bool,
    /// Exit 1 when the change brings an open threat of this severity or higher; `none` never fails.
    #[arg(long, default_value = "high", value_parser = ["info", "low", "medium", "high", "critical", "none"])]
    fail_on: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "compact")]
    format: FormatArg,
    #[command(flatten)]
    change: super::diff::ChangeArgs,
}

pub fn run(a: Args) -> u8 {
    let c = &a.change;
    let out = match c.compare(Some("HEAD".into()).filter(|_| !a.staged), None, a.staged) {
        Ok(o) => o,
        Err(e) => return super::fail(e),
    };
    let mut buf = vec![];
    let rendered = match a.format {
        FormatArg::Compact => {
            buf = bw_outputs::diff::compact_new(&out.diff, c.include_potential).into_bytes();
            Ok(())
        }
        FormatArg::Json | FormatArg::Sarif => {
            let format = match a.format {
                FormatArg::Json => Format::Json,
                _ => Format::Sarif,
            };
            let topts = TerminalOptions {
                include_potential: c.include_potential,
                ..TerminalOptions::default()
            };
            bw_outputs::diff::render_diff(format, &out.diff, &out.head, &topts, &mut buf)
        }
    };
    if let Err(e) = rendered
        .map_err(|e| e.to_string())
        .and_then(|_| super::write_output(None, &buf))
    {
        return super::fail(e);
    }
    if let Some(min) = Severity::parse(&a.fail_on) {
        let failed = super::diff::change_gate(&out, min, c.include_potential, |n| {
            format!(
                "gate: the {} bring {n} threat(s) at {} or above (--fail-on {}); fix them, or record a decision with `breakwater triage` and commit it",
                if a.staged {
                    "staged changes"
                } else {
                    "uncommitted changes"
                },
                min.name(),
                min.name()
            )
        });
        if failed {
            return exit::GATE;
        }
    }
    if out.incomplete {
        eprintln!(
            "incomplete: {} file(s) could not be analysed: {}",
            out.diff.head_failed.len(),
            out.diff.head_failed.join(", ")
        );
        return exit::INCOMPLETE;
    }
    exit::PASS
}
