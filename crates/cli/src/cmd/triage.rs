//! `breakwater triage`: record what people decided about threats.
//!
//! Scans the repository like `scan` to know the current threats, then
//! writes one `[decisions."<threat id>"]` table per selected threat into
//! `breakwater.toml` (through `bw_model::edit`: only those tables change,
//! under a lock, atomically). Filters expand to the threats that match now,
//! never to a pattern that would also cover future threats.

use crate::exit;
use bw_engine::{ScanOptions, WalkOptions, scan};
use bw_model::edit::{self, Change, DecisionEdit, Edited};
use bw_model::modelfile::{DECISION_STATUSES, FILE_NAME, today};
use bw_threats::decisions::{Verdict, VerdictError, decision_for, decision_for_unanalysed};
use bw_threats::{Threat, UnanalysedFile};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

#[derive(clap::Args)]
pub struct Args {
    /// Threat ids, as `breakwater scan` prints them (`rule@path::symbol#n`, `rule@element`), or the id of a file not fully analysed (`unanalysed@path::<file>`), to accept it.
    threat_ids: Vec<String>,
    /// mitigated, accepted, false-positive or transferred.
    #[arg(long, value_parser = DECISION_STATUSES.to_vec())]
    status: Option<String>,
    /// Why: what mitigates it, why the risk is accepted, why it is wrong.
    #[arg(long)]
    reason: Option<String>,
    /// A tracking ticket (SEC-123, a URL).
    #[arg(long)]
    ticket: Option<String>,
    /// The decision lapses on this date (YYYY-MM-DD, in the future) and the threat reopens.
    #[arg(long)]
    expires: Option<String>,
    /// Every current threat of this rule.
    #[arg(long)]
    rule: Option<String>,
    /// Every current threat in files matching this glob (a directory matches what is under it).
    #[arg(long)]
    path: Option<String>,
    /// Who decided (default: GIT_AUTHOR_NAME/GIT_AUTHOR_EMAIL, else git config user.name/user.email).
    #[arg(long)]
    author: Option<String>,
    /// Print what would change; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Delete the decisions of the selected threats (ids need not be current threats).
    #[arg(long, conflicts_with_all = ["status", "reason", "ticket", "expires", "author"])]
    remove: bool,
    /// Record the new fingerprint of every decision the previous analysis core pinned and the current one still holds (`scan` marks them re-pinned); nothing else about them changes.
    #[arg(long, conflicts_with_all = ["threat_ids", "status", "reason", "ticket", "expires", "author", "rule", "path", "remove"])]
    repin: bool,
    /// Also scan files .gitignore excludes (to reach threats found with `scan --no-gitignore`).
    #[arg(long)]
    no_gitignore: bool,
    /// Skip files larger than this many bytes (to reach a file `scan --max-file-size` found too large).
    #[arg(long, default_value_t = bw_files::DEFAULT_MAX_FILE_BYTES)]
    max_file_size: u64,
    #[command(flatten)]
    cache: super::CacheArgs,
}

/// A decision's fields that come from the command line.
type Fields = Verdict;

fn check_fields(a: &Args) -> Result<Option<Fields>, String> {
    if a.remove || a.repin {
        return Ok(None);
    }
    let Some(status) = a.status.as_deref() else {
        return Err(format!(
            "say what was decided with --status ({})",
            DECISION_STATUSES.join(", ")
        ));
    };
    let verdict = Verdict::new(
        status,
        a.reason.as_deref().unwrap_or(""),
        a.ticket.as_deref(),
        a.expires.as_deref(),
        &today(),
    );
    verdict.map(Some).map_err(|e| match e {
        VerdictError::Status(s) => format!(
            "--status `{s}` is not one of {}",
            DECISION_STATUSES.join(", ")
        ),
        VerdictError::NoReason => "a decision needs a reason: add --reason \"…\" saying what mitigates the threat, why the risk is accepted, or why it is wrong".into(),
        VerdictError::NotADate(e) => format!(
            "--expires `{e}` is not a date ({}): write a calendar date as YYYY-MM-DD, e.g. --expires 2027-03-01",
            bw_model::modelfile::date_problem(&e).unwrap_or_default()
        ),
        VerdictError::NotInFuture { expires, today } => format!(
            "--expires {expires} is not in the future (today is {today}): pick a later date, or leave it out for a decision that does not lapse"
        ),
    })
}

/// `--path`: a glob over the threat's file; a plain path also matches what is under it.
fn path_matcher(glob: &str) -> Result<globset::GlobSet, String> {
    let glob = glob.trim_start_matches("./").trim_end_matches('/');
    let mut set = globset::GlobSetBuilder::new();
    let mut add = |p: &str| -> Result<(), String> {
        let g = globset::GlobBuilder::new(p)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("--path `{glob}` is not a valid glob: {e}"))?;
        set.add(g);
        Ok(())
    };
    add(glob)?;
    add(&format!("{glob}/**"))?;
    set.build().map_err(|e| format!("--path `{glob}`: {e}"))
}

/// The rule and the file path a threat id names (`rule@path::symbol#n`);
/// design threats (`rule@element`) have no path.
fn id_parts(id: &str) -> (&str, Option<&str>) {
    let (rule, anchor) = id.split_once('@').unwrap_or((id, ""));
    (rule, anchor.split_once("::").map(|(p, _)| p))
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(row[j]).min(row[j + 1])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

/// The five ids most like `id`: same rule and file first, then either, then by edit distance.
fn closest<'a>(id: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let (rule, path) = id_parts(id);
    let mut scored: Vec<(usize, usize, &str)> = candidates
        .map(|c| {
            let (r, p) = id_parts(c);
            let same = usize::from(r == rule) + usize::from(path.is_some() && p == path);
            (2 - same, levenshtein(id, c), c)
        })
        .collect();
    scored.sort();
    scored.dedup_by_key(|s| s.2);
    scored.into_iter().take(5).map(|s| s.2).collect()
}

fn unknown_id_error(id: &str, near: &[&str], what: &str) -> String {
    let mut msg = format!("`{id}` is not {what}");
    if near.is_empty() {
        msg.push_str("\n  = help: there are none in this repository");
    } else {
        msg.push_str("\n  = help: the closest are:");
        for n in near {
            msg.push_str(&format!("\n      {n}"));
        }
    }
    msg.push_str(
        "\n  = help: `breakwater scan --compact --include-potential` lists every current threat with its id",
    );
    msg
}

pub fn run(a: Args) -> u8 {
    if a.threat_ids.is_empty() && a.rule.is_none() && a.path.is_none() && !a.repin {
        return super::fail(
            "say which threats: give threat ids, or select current threats with --rule and/or --path\n  = help: `breakwater scan --compact --include-potential` lists them with their ids",
        );
    }
    let fields = match check_fields(&a) {
        Ok(f) => f,
        Err(e) => return super::fail(e),
    };
    let matcher = match a.path.as_deref().map(path_matcher).transpose() {
        Ok(m) => m,
        Err(e) => return super::fail(e),
    };
    let walk = WalkOptions {
        respect_gitignore: !a.no_gitignore,
        max_file_bytes: a.max_file_size,
        ..WalkOptions::default()
    };
    // Decisions live in the model root's breakwater.toml, whichever
    // sub-folder triage runs from; ids and --path are relative to it.
    let root = match super::target(None) {
        Ok(t) => t.root,
        Err(e) => return super::fail(e),
    };
    let root = root.as_path();
    let super::Workspace {
        source,
        model_file,
        lib,
        ..
    } = match super::open(root, walk, &a.cache) {
        Ok(w) => w,
        Err(e) => return super::fail(e),
    };
    // Removal may name a rule that is gone (its decisions linger).
    if let Some(rule) = a
        .rule
        .as_ref()
        .filter(|r| !a.remove && lib.rules.get(r).is_none())
    {
        let near = closest(rule, lib.rules.rules.iter().map(|r| r.id.as_str()));
        return super::fail(format!(
            "no rule `{rule}`; did you mean: {}?\n  = help: `breakwater rules` lists every rule",
            near.join(", ")
        ));
    }
    let decided: BTreeSet<String> = model_file
        .as_ref()
        .map(|m| m.decisions.keys().cloned().collect())
        .unwrap_or_default();
    let recorded = model_file.clone();
    let opts = ScanOptions {
        name: super::system_name(root),
        threads: None,
        model_file,
        ..ScanOptions::default()
    };
    let out = match scan(&source, &lib, &opts) {
        Ok(o) => o,
        Err(e) => return super::fail(e),
    };
    if out.incomplete {
        info!(
            "warning: some files could not be analysed (`breakwater scan` names them); their threats cannot be triaged"
        );
    }
    let threats: BTreeMap<&str, &Threat> = out
        .report
        .threats
        .iter()
        .map(|t| (t.id.as_str(), t))
        .collect();
    if a.repin {
        return repin(&a, root, &threats, recorded.as_ref());
    }
    // Files the analysis could not cover are accepted by their id only,
    // never by a filter: each is a person's explicit call.
    let files: BTreeMap<&str, &UnanalysedFile> = out
        .report
        .unanalysed
        .iter()
        .map(|u| (u.id.as_str(), u))
        .collect();
    let filtered = a.rule.is_some() || a.path.is_some();
    let matches_filters = |rule: &str, path: Option<&str>| {
        a.rule.as_deref().is_none_or(|r| r == rule)
            && matcher
                .as_ref()
                .is_none_or(|m| path.is_some_and(|p| m.is_match(p)))
    };

    // The selection, in id order, without repeats.
    let mut selected: BTreeSet<String> = BTreeSet::new();
    for id in &a.threat_ids {
        if !a.remove && !threats.contains_key(id.as_str()) && !files.contains_key(id.as_str()) {
            let near = closest(id, threats.keys().chain(files.keys()).copied());
            return super::fail(unknown_id_error(
                id,
                &near,
                "a current threat or a file not fully analysed",
            ));
        }
        if a.remove && !threats.contains_key(id.as_str()) && !decided.contains(id) {
            let near = closest(id, decided.iter().map(String::as_str));
            return super::fail(unknown_id_error(id, &near, "a recorded decision"));
        }
        selected.insert(id.clone());
    }
    if filtered {
        let before = selected.len();
        for t in threats.values() {
            // Removal selects only threats that have a decision to remove.
            if matches_filters(&t.rule, Some(&t.location.path))
                && (!a.remove || decided.contains(&t.id))
            {
                selected.insert(t.id.clone());
            }
        }
        if a.remove {
            // Decisions whose threat is gone are selected by their id.
            for id in &decided {
                let (rule, path) = id_parts(id);
                if matches_filters(rule, path) {
                    selected.insert(id.clone());
                }
            }
        }
        if selected.len() == before && a.threat_ids.is_empty() {
            let what = if a.remove {
                "no current threat or recorded decision"
            } else {
                "no current threat"
            };
            let mut filters = vec![];
            filters.extend(a.rule.as_ref().map(|r| format!("--rule {r}")));
            filters.extend(a.path.as_ref().map(|p| format!("--path {p}")));
            return super::fail(format!(
                "{what} matches {}\n  = help: `breakwater scan --compact --include-potential` lists the current threats; --path matches the threat's file, relative to the model root (the folder of breakwater.toml, else the repository root)",
                filters.join(" ")
            ));
        }
    }

    let edits: Vec<DecisionEdit> = match &fields {
        None => selected
            .iter()
            .map(|id| DecisionEdit::Remove { id: id.clone() })
            .collect(),
        Some(f) => {
            let author = a
                .author
                .as_deref()
                .map(|s| s.trim().to_string())
                .unwrap_or_else(|| bw_files::git::author(root));
            if author.is_empty() {
                info!(
                    "note: no author found (set git config user.name and user.email, or pass --author \"Name <email>\"); recording without one"
                );
            }
            let date = today();
            selected
                .iter()
                .map(|id| DecisionEdit::Upsert {
                    id: id.clone(),
                    decision: match threats.get(id.as_str()) {
                        Some(t) => decision_for(t, f, &author, &date),
                        None => decision_for_unanalysed(files[id.as_str()], f, &author, &date),
                    },
                })
                .collect()
        }
    };

    let edited = match write_edits(a.dry_run, root, &edits) {
        Ok(e) => e,
        Err(e) => return super::fail(e),
    };
    report(&a, root, &edits, &edited, fields.as_ref());
    if a.remove && !edited.changed() {
        return super::fail("none of the selected threats had a decision to remove");
    }
    exit::PASS
}

/// Write `edits` into the model file (under its lock), or with `dry_run`
/// only compute what would change.
fn write_edits(
    dry_run: bool,
    root: &Path,
    edits: &[DecisionEdit],
) -> Result<Edited, bw_model::edit::EditError> {
    if dry_run {
        edit::preview_file(root, edits)
    } else {
        edit::update_file(root, edits)
    }
}

/// `--repin`: the decisions the scan found re-pinned get the current
/// fingerprint and evidence; every other field stays as recorded.
fn repin(
    a: &Args,
    root: &Path,
    threats: &BTreeMap<&str, &Threat>,
    recorded: Option<&bw_model::modelfile::ModelFile>,
) -> u8 {
    let edits: Vec<DecisionEdit> = threats
        .values()
        .filter_map(|t| {
            let applied = t.decision.as_ref().filter(|d| d.repinned)?;
            let mut d = recorded?.decisions.get(&applied.key)?.clone();
            d.fingerprint = t.fingerprint.clone();
            d.evidence = t.evidence.clone();
            Some(DecisionEdit::Upsert {
                id: applied.key.clone(),
                decision: d,
            })
        })
        .collect();
    if edits.is_empty() {
        outln!("no decision needs re-pinning: every decision is pinned by the current analysis");
        return exit::PASS;
    }
    let edited = match write_edits(a.dry_run, root, &edits) {
        Ok(e) => e,
        Err(e) => return super::fail(e),
    };
    let verb = if a.dry_run {
        "would re-pin"
    } else {
        "re-pinned"
    };
    for (id, _) in &edited.changes {
        outln!("{verb}: {}", bw_files::terminal_safe(id));
    }
    let n = edits.len();
    let what = format!("{n} {}", if n == 1 { "decision" } else { "decisions" });
    let file = root.join(FILE_NAME);
    if a.dry_run {
        outln!(
            "dry run: {what} would be re-pinned in {}; nothing was written",
            file.display()
        );
    } else {
        outln!(
            "{what} re-pinned in {}: made on the previous analysis core, on code that has not changed since",
            file.display()
        );
    }
    exit::PASS
}

fn report(a: &Args, root: &Path, edits: &[DecisionEdit], edited: &Edited, fields: Option<&Fields>) {
    let status = fields.map_or("", |f| f.status.as_str());
    let (record, remove) = if a.dry_run {
        ("would record", "would remove")
    } else {
        ("recorded", "removed")
    };
    let (mut added, mut replaced, mut unchanged, mut removed) = (0, 0, 0, 0);
    for ((id, change), edit) in edited.changes.iter().zip(edits) {
        // Ids hold paths, and paths can hold terminal escapes.
        let shown = bw_files::terminal_safe(id);
        match change {
            Change::Added => {
                added += 1;
                outln!("{record} {status}: {shown}");
            }
            Change::Replaced => {
                replaced += 1;
                outln!("{record} {status}: {shown} (replacing the earlier decision)");
            }
            Change::Unchanged => {
                unchanged += 1;
                outln!("unchanged: {shown} (already recorded so)");
            }
            Change::Removed => {
                removed += 1;
                outln!("{remove}: {shown}");
            }
            Change::Absent => outln!("no decision to remove: {shown}"),
        }
        if let (true, DecisionEdit::Upsert { decision, .. }, Change::Added | Change::Replaced) =
            (a.dry_run, edit, change)
        {
            for line in edit::render_decision(id, decision, "\n").lines() {
                outln!("    {}", bw_files::terminal_safe(line));
            }
        }
    }
    let file = root.join(FILE_NAME);
    let mut parts = vec![];
    for (n, what) in [
        (added, "new"),
        (replaced, "replaced"),
        (unchanged, "unchanged"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    let decisions = |n: usize| if n == 1 { "decision" } else { "decisions" };
    let file = file.display();
    if fields.is_some() {
        let n = added + replaced + unchanged;
        let what = format!("{n} {} ({})", decisions(n), parts.join(", "));
        if a.dry_run {
            outln!("dry run: {what} would be recorded in {file}; nothing was written");
        } else {
            let created = if edited.created { " (created)" } else { "" };
            outln!("{what} recorded in {file}{created}");
        }
    } else if removed > 0 {
        let what = format!("{removed} {}", decisions(removed));
        if a.dry_run {
            outln!("dry run: {what} would be removed from {file}; nothing was written");
        } else {
            outln!("{what} removed from {file}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_prefers_same_rule_and_file() {
        let ids = [
            "sql-injection@app/db.py::find_user",
            "sql-injection@app/db.py::find_order",
            "sql-injection@app/other.py::find_usr",
            "xss@app/db.py::find_usr",
            "debug-mode-enabled@app/run.py::<module>",
            "state-change-without-audit@route:POST /x",
            "ssrf@lib.py::fetch",
        ];
        let near = closest("sql-injection@app/db.py::find_usr", ids.iter().copied());
        assert_eq!(
            near[..4],
            [
                "sql-injection@app/db.py::find_user",
                "sql-injection@app/db.py::find_order",
                "sql-injection@app/other.py::find_usr",
                "xss@app/db.py::find_usr",
            ]
        );
        assert_eq!(near.len(), 5);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "abc"), 3);
    }

    #[test]
    fn id_parts_and_paths() {
        assert_eq!(
            id_parts("sql-injection@app/db.py::find#2"),
            ("sql-injection", Some("app/db.py"))
        );
        assert_eq!(
            id_parts("state-change-without-audit@route:POST /x"),
            ("state-change-without-audit", None)
        );
        let m = path_matcher("app").unwrap();
        assert!(m.is_match("app/db.py") && m.is_match("app/x/y.py") && !m.is_match("apps/x.py"));
        let m = path_matcher("app/*.py").unwrap();
        assert!(m.is_match("app/db.py") && !m.is_match("app/x/y.py"));
        let m = path_matcher("**/admin.py").unwrap();
        assert!(m.is_match("tools/admin.py") && m.is_match("admin.py"));
        assert!(path_matcher("app/[").is_err());
    }
}
