//! The three questions breakwater asks, each built from the scan into a [`Job`].

use crate::context::{Block, Corpus, Windows, model_block, numbered, pack, threats_block};
use crate::prompt::Task;
use crate::redact::redact;
use crate::run::Job;
use bw_threats::{Report, Threat};
use std::collections::BTreeMap;

fn closest<'a>(what: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut scored: Vec<(usize, &str)> = candidates
        .map(|c| {
            let common = what
                .chars()
                .zip(c.chars())
                .take_while(|(a, b)| a == b)
                .count();
            (usize::MAX - common, c)
        })
        .collect();
    scored.sort();
    scored.into_iter().take(5).map(|(_, c)| c).collect()
}

/// `breakwater ai suggest`: the whole model, one element, or files matching a glob.
pub fn suggest(
    report: &Report,
    corpus: &Corpus<'_>,
    element: Option<&str>,
    path_glob: Option<&str>,
) -> Result<Job, String> {
    let max = corpus.settings().max_context_bytes;
    let mut scope = BTreeMap::new();
    let glob = match path_glob {
        Some(g) => {
            scope.insert("path".to_string(), g.to_string());
            let g = g.trim_start_matches("./").trim_end_matches('/');
            let mut b = globset::GlobSetBuilder::new();
            for p in [g.to_string(), format!("{g}/**")] {
                b.add(
                    globset::GlobBuilder::new(&p)
                        .literal_separator(true)
                        .build()
                        .map_err(|e| format!("--path `{g}` is not a valid glob: {e}"))?,
                );
            }
            Some(b.build().map_err(|e| e.to_string())?)
        }
        None => None,
    };
    if let Some(id) = element {
        if report.model.element(id).is_none() {
            let near = closest(id, report.model.elements.iter().map(|e| e.id.as_str()));
            return Err(format!(
                "no element `{id}` in the model; the closest: {}\n  = help: `breakwater scan --format json` lists the elements",
                near.join(", ")
            ));
        }
        scope.insert("element".to_string(), id.to_string());
    }
    let in_path = |p: &str| glob.as_ref().is_none_or(|g| g.is_match(p));
    let el = element.and_then(|id| report.model.element(id));
    let el_files: Vec<&str> = el
        .map(|e| {
            e.evidence
                .iter()
                .map(|v| v.location.path.as_str())
                .collect()
        })
        .unwrap_or_default();
    let mut threats: Vec<&Threat> = report
        .threats
        .iter()
        .filter(|t| in_path(&t.location.path))
        .filter(|t| {
            element.is_none_or(|id| {
                t.element.as_deref() == Some(id) || el_files.contains(&t.location.path.as_str())
            })
        })
        .collect();
    threats.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.id.cmp(&b.id)));
    let mut w = Windows::default();
    for t in &threats {
        w.add(&t.location.path, t.location.start_line, t.location.end_line);
        if let Some(s) = t.source.as_ref().filter(|s| in_path(&s.location.path)) {
            w.add(&s.location.path, s.location.start_line, s.location.end_line);
        }
    }
    for e in &report.model.elements {
        if element.is_some_and(|id| id != e.id) {
            continue;
        }
        for ev in e.evidence.iter().take(3) {
            if in_path(&ev.location.path) {
                w.add(
                    &ev.location.path,
                    ev.location.start_line,
                    ev.location.end_line,
                );
            }
        }
    }
    let mut notes = vec![];
    let mut excerpts = w.blocks(corpus, &mut notes);
    if excerpts.is_empty()
        && let Some(g) = &glob
    {
        // Files with nothing discovered in them: their first lines.
        for p in corpus.paths(|p| g.is_match(p)).iter().take(20) {
            if let Ok(lines) = corpus.lines(p) {
                let last = (lines.len() as u32).min(80);
                if last > 0 {
                    excerpts.push(Block {
                        kind: "file".into(),
                        label: format!("{p} lines 1-{last}"),
                        body: numbered(&lines, 1, last),
                    });
                }
            }
        }
    }
    if excerpts.is_empty() {
        return Err(
            "nothing to send: no code in scope may be sent (check --element/--path and [ai] include/exclude)"
                .into(),
        );
    }
    let shared = vec![
        model_block(report, max / 4),
        threats_block(&threats, max / 4),
    ];
    let (batches, more) = pack(shared, excerpts, max);
    notes.extend(more);
    notes.dedup();
    Ok(Job {
        task: Task::Suggest,
        scope,
        task_line: "Task: propose threats the known list misses, and mitigations for known threats, for the system and code below.".into(),
        batches,
        notes,
        changed: None,
    })
}

/// `breakwater ai explain THREAT`.
pub fn explain(report: &Report, corpus: &Corpus<'_>, threat_id: &str) -> Result<Job, String> {
    let max = corpus.settings().max_context_bytes;
    let Some(t) = report.threats.iter().find(|t| t.id == threat_id) else {
        let near = closest(threat_id, report.threats.iter().map(|t| t.id.as_str()));
        return Err(format!(
            "`{threat_id}` is not a current threat; the closest: {}\n  = help: `breakwater scan --compact --include-potential` lists every threat with its id",
            near.join(", ")
        ));
    };
    let mut body = format!(
        "id: {}\nrule: {}\ntitle: {}\nstride: {}\ncwe: {}\nseverity: {} (impact {}, likelihood {})\nconfidence: {}\nlocation: {}:{}-{}\nmessage: {}\n",
        t.id,
        t.rule,
        t.title,
        t.stride,
        t.cwe
            .iter()
            .map(|c| format!("CWE-{c}"))
            .collect::<Vec<_>>()
            .join(", "),
        t.severity.name(),
        t.impact,
        t.likelihood,
        t.confidence.name(),
        t.location.path,
        t.location.start_line,
        t.location.end_line,
        t.message
    );
    if let Some(s) = &t.source {
        body.push_str(&format!(
            "source: {} `{}` at {}:{}\n",
            s.kind, s.label, s.location.path, s.location.start_line
        ));
    }
    for st in &t.steps {
        body.push_str(&format!(
            "step: {} at {}:{}\n",
            st.label, st.location.path, st.location.start_line
        ));
    }
    body.push_str(&format!(
        "attack: {}\ngeneric fix ({}): {}\n",
        t.attack, t.fix_for, t.fix
    ));
    let mut w = Windows::default();
    w.add(&t.location.path, t.location.start_line, t.location.end_line);
    if let Some(s) = &t.source {
        w.add(&s.location.path, s.location.start_line, s.location.end_line);
    }
    for st in &t.steps {
        w.add(
            &st.location.path,
            st.location.start_line,
            st.location.end_line,
        );
    }
    let mut notes = vec![];
    let excerpts = w.blocks(corpus, &mut notes);
    if excerpts.is_empty() {
        return Err(format!(
            "the code of `{threat_id}` may not be sent: {}",
            notes.join("; ")
        ));
    }
    let shared = vec![Block {
        kind: "threat".into(),
        label: format!("threat {}", t.id),
        body,
    }];
    let (mut batches, more) = pack(shared, excerpts, max);
    batches.truncate(1);
    notes.extend(more);
    let mut scope = BTreeMap::new();
    scope.insert("threat".to_string(), t.id.clone());
    Ok(Job {
        task: Task::Explain,
        scope,
        task_line: format!(
            "Task: explain the threat `{}` in this code and how to fix it here.",
            t.id
        ),
        batches,
        notes,
        changed: None,
    })
}

/// Lines of `new` not in a longest common subsequence with `old`, as
/// 1-based ranges; a pure deletion marks the line after it (or before, at
/// the end). Large middles (after common prefix and suffix) count as changed whole.
pub fn changed_ranges(old: &[String], new: &[String]) -> Vec<(u32, u32)> {
    let mut p = 0;
    while p < old.len() && p < new.len() && old[p] == new[p] {
        p += 1;
    }
    let mut s = 0;
    while s < old.len() - p && s < new.len() - p && old[old.len() - 1 - s] == new[new.len() - 1 - s]
    {
        s += 1;
    }
    let (o, n) = (&old[p..old.len() - s], &new[p..new.len() - s]);
    let mut changed = vec![false; n.len()];
    let mut deletions: Vec<usize> = vec![];
    if o.len().saturating_mul(n.len()) > 4_000_000 {
        changed.iter_mut().for_each(|c| *c = true);
    } else {
        // LCS table from the end.
        let mut t = vec![vec![0u32; n.len() + 1]; o.len() + 1];
        for i in (0..o.len()).rev() {
            for j in (0..n.len()).rev() {
                t[i][j] = if o[i] == n[j] {
                    t[i + 1][j + 1] + 1
                } else {
                    t[i + 1][j].max(t[i][j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < o.len() || j < n.len() {
            if i < o.len() && j < n.len() && o[i] == n[j] {
                i += 1;
                j += 1;
            } else if j < n.len() && (i == o.len() || t[i][j + 1] >= t[i + 1][j]) {
                changed[j] = true;
                j += 1;
            } else {
                // A replaced line is marked already; a pure deletion marks its neighbour.
                if j == 0 || !changed[j - 1] {
                    deletions.push(j);
                }
                i += 1;
            }
        }
    }
    let mut lines: Vec<u32> = changed
        .iter()
        .enumerate()
        .filter(|(_, c)| **c)
        .map(|(j, _)| (p + j + 1) as u32)
        .collect();
    for d in deletions {
        let at = (p + d + 1).min(new.len()).max(1) as u32;
        if !new.is_empty() {
            lines.push(at);
        }
    }
    lines.sort();
    lines.dedup();
    let mut ranges: Vec<(u32, u32)> = vec![];
    for l in lines {
        match ranges.last_mut() {
            Some(r) if l == r.1 + 1 => r.1 = l,
            _ => ranges.push((l, l)),
        }
    }
    ranges
}

/// `breakwater ai review-diff [BASE]`: the change from BASE (default: the
/// merge base with the default branch) to the working tree.
pub fn review_diff(
    report: &Report,
    corpus: &Corpus<'_>,
    root: &std::path::Path,
    base: Option<&str>,
) -> Result<Job, String> {
    use bw_files::FileSource;
    let max = corpus.settings().max_context_bytes;
    let repo = bw_files::git::GitRepo::discover(root).map_err(|e| e.to_string())?;
    let (base_id, label) = match base {
        Some(rev) => (
            repo.resolve(rev).map_err(|e| e.to_string())?,
            rev.to_string(),
        ),
        None => {
            let branch = repo.default_branch().map_err(|e| e.to_string())?;
            let tip = repo.resolve(&branch).map_err(|e| e.to_string())?;
            let head = repo.resolve("HEAD").map_err(|e| e.to_string())?;
            let mb = repo.merge_base(tip, head).map_err(|e| e.to_string())?;
            (mb, format!("merge base with {branch}"))
        }
    };
    let base_src = repo
        .tree_source(base_id, &bw_files::WalkOptions::default())
        .map_err(|e| e.to_string())?;
    let base_files: std::collections::BTreeSet<String> = base_src
        .list()
        .map_err(|e| e.to_string())?
        .files
        .into_iter()
        .map(|e| e.path)
        .collect();
    let mut changed: BTreeMap<String, Vec<(u32, u32)>> = BTreeMap::new();
    let mut excerpts = vec![];
    let mut notes = vec![];
    let env: Vec<String> = vec![];
    for path in corpus.paths(|_| true) {
        let Ok(new) = corpus.lines(&path) else {
            continue;
        };
        let old: Vec<String> = if base_files.contains(&path) {
            match base_src
                .read(&path)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
            {
                Some(text) => redact(&path, &text, &env)
                    .text
                    .lines()
                    .map(String::from)
                    .collect(),
                None => continue,
            }
        } else {
            vec![]
        };
        if old == *new {
            continue;
        }
        let ranges = changed_ranges(&old, &new);
        if ranges.is_empty() {
            continue;
        }
        let added: std::collections::BTreeSet<u32> =
            ranges.iter().flat_map(|&(a, b)| a..=b).collect();
        for &(a, b) in &ranges {
            let first = a.saturating_sub(3).max(1);
            let last = (b + 3).min(new.len() as u32);
            let mut body = String::new();
            for n in first..=last {
                let mark = if added.contains(&n) { '+' } else { ' ' };
                body.push_str(&format!("{n:>5} |{mark} {}\n", new[n as usize - 1]));
            }
            excerpts.push(Block {
                kind: "diff".into(),
                label: format!("{path} lines {first}-{last}"),
                body,
            });
        }
        changed.insert(path, ranges);
        if changed.len() >= 200 {
            notes.push("more than 200 changed files: the rest were not sent".into());
            break;
        }
    }
    if changed.is_empty() {
        return Err(format!(
            "no change to review between {label} and the working tree (in files that may be sent)"
        ));
    }
    let threats: Vec<&Threat> = report
        .threats
        .iter()
        .filter(|t| changed.contains_key(&t.location.path))
        .collect();
    let shared = vec![
        model_block(report, max / 4),
        threats_block(&threats, max / 4),
    ];
    let (batches, more) = pack(shared, excerpts, max);
    notes.extend(more);
    let mut scope = BTreeMap::new();
    scope.insert("base".to_string(), label.clone());
    Ok(Job {
        task: Task::ReviewDiff,
        scope,
        task_line: format!(
            "Task: review this change (from {label} to the working tree) as an attacker; lines marked `+` are new or changed."
        ),
        batches,
        notes,
        changed: Some(changed),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Vec<String> {
        s.lines().map(String::from).collect()
    }

    #[test]
    fn changed_lines() {
        assert_eq!(changed_ranges(&v("a\nb\nc"), &v("a\nb\nc")), vec![]);
        assert_eq!(
            changed_ranges(&v("a\nb\nc"), &v("a\nx\nb\nc")),
            vec![(2, 2)]
        );
        assert_eq!(changed_ranges(&v("a\nb\nc\nd"), &v("a\nd")), vec![(2, 2)]);
        assert_eq!(changed_ranges(&v(""), &v("a\nb")), vec![(1, 2)]);
        assert_eq!(
            changed_ranges(&v("a\nb\nc"), &v("a\nB\nc\nd")),
            vec![(2, 2), (4, 4)]
        );
    }
}
