//! `breakwater check [--staged]`: a fast check of the changes not yet
//! committed, for a pre-commit hook. Reports only the threats the change
//! brings, one line each, and gates on them (`--fail-on high` by default).
//! `--staged` checks exactly what `git commit` would record (the index),
//! so an unstaged edit neither hides nor adds a threat.

use super::diff::FormatArg;
use crate::exit;
use bw_outputs::TerminalOptions;

#[derive(clap::Args)]
pub struct Args {
    /// Check the staged changes (the git index) against HEAD, ignoring unstaged edits.
    #[arg(long)]
    staged: bool,
    /// Exit 1 when the change brings an open threat of this severity or higher; `none` never fails.
    #[arg(long, value_enum, value_name = "SEVERITY", default_value = "high")]
    fail_on: super::FailOn,
    /// Output format.
    #[arg(long, value_enum, default_value = "compact")]
    format: FormatArg,
    #[command(flatten)]
    change: super::diff::ChangeArgs,
}

/// What to do when the gate stops a commit. A decision staged with the
/// code it covers does not count (a change cannot approve itself), so the
/// advice is one that passes: fix it, or commit the decision on its own
/// first, where it is reviewed as a change of its own.
fn gate_help(staged: bool) -> String {
    let set_aside = if staged {
        "git stash push --staged; git add breakwater.toml; git commit -m \"…\"; git stash pop --index"
    } else {
        "git add breakwater.toml; git commit -m \"…\" breakwater.toml"
    };
    format!(
        "  = help: fix them; or, if one is not a real threat, record a decision with `breakwater triage THREAT-ID --status false-positive --reason \"…\"` and commit breakwater.toml on its own, before this change ({set_aside})\n  = note: a change cannot approve itself: a decision committed together with the code it covers does not silence this check"
    )
}

pub fn run(a: Args) -> u8 {
    let c = &a.change;
    let target = match super::target(None) {
        Ok(t) => t,
        Err(e) => return super::fail(e),
    };
    let base = Some("HEAD".to_string()).filter(|_| !a.staged);
    let out = match c.compare(&target.root, base, None, a.staged) {
        Ok(o) => o,
        Err(e) => return super::fail(e),
    };
    let topts = TerminalOptions {
        include_potential: c.include_potential,
        root_label: target.root.display().to_string(),
        ..TerminalOptions::default()
    };
    let mut buf = vec![];
    let rendered =
        bw_outputs::diff::render_diff(a.format.format(), &out.diff, &out.head, &topts, &mut buf);
    if let Err(e) = rendered
        .map_err(|e| e.to_string())
        .and_then(|_| super::write_output(None, &buf))
    {
        return super::fail(e);
    }
    if let Some(min) = a.fail_on.severity() {
        let failed = super::diff::change_gate(&out, min, c.include_potential, |n| {
            format!(
                "gate: the {} bring {n} threat(s) at {} or above (--fail-on {})\n{}",
                if a.staged {
                    "staged changes"
                } else {
                    "uncommitted changes"
                },
                min.name(),
                min.name(),
                gate_help(a.staged)
            )
        });
        if failed {
            return exit::GATE;
        }
    }
    if out.incomplete {
        error!(
            "incomplete: {} file(s) could not be analysed: {}",
            out.diff.head_failed.len(),
            bw_files::terminal_safe(&out.diff.head_failed.join(", "))
        );
        return exit::INCOMPLETE;
    }
    exit::PASS
}
