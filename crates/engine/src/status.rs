//! `status`: the health of the threat model — how many threats are open,
//! decided, stale, expired; which decisions lost their threat; which
//! elements nobody classified or owns; which threats have waited longest.

use bw_files::git::GitRepo;
use bw_model::ElementKind;
use bw_model::modelfile::{ModelFile, civil_date};
use bw_threats::{Confidence, Report, Severity, Status, Threat};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Counts per status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Counts {
    /// Likely or confirmed, nobody decided (stale and expired included).
    pub open: usize,
    pub stale: usize,
    pub expired: usize,
    /// Open design-level (potential) threats, counted apart.
    pub potential: usize,
    /// Open and in the adoption baseline.
    pub baseline: usize,
    pub mitigated: usize,
    pub accepted: usize,
    pub false_positive: usize,
    pub transferred: usize,
    pub ignored: usize,
    pub suppressed: usize,
    pub orphaned: usize,
    pub unverified: usize,
    /// Files not fully analysed (failed, too large, truncated) that no
    /// decision accepts: gates count them.
    pub unanalysed: usize,
}

/// An open threat and how long it has waited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Waiting {
    pub id: String,
    pub severity: Severity,
    pub status: Status,
    /// When the code under it first appeared (`YYYY-MM-DD`), from git history.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

/// The model's health.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Health {
    pub system: String,
    pub counts: Counts,
    /// Decisions that lapse within 30 days: (threat id, date).
    pub expiring: Vec<(String, String)>,
    /// Data stores and queues no declared asset is stored in.
    pub unclassified: Vec<String>,
    /// Components and data stores without an owner in the model file.
    pub unowned: Vec<String>,
    /// Open likely/confirmed threats, oldest first (by when their code
    /// appeared; without git history, by severity).
    pub oldest_open: Vec<Waiting>,
    /// Whether `oldest_open` is ordered by git history.
    pub from_history: bool,
}

fn days(date: &str) -> Option<i64> {
    // The inverse of civil_date (Howard Hinnant's days_from_civil).
    let y: i64 = date.get(0..4)?.parse().ok()?;
    let m: i64 = date.get(5..7)?.parse().ok()?;
    let d: i64 = date.get(8..10)?.parse().ok()?;
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Compute the health of a scanned repository. `root` is used for git
/// history (when there is none, the oldest threats are ordered by severity).
pub fn health(
    report: &Report,
    mf: Option<&ModelFile>,
    today: &str,
    root: &Path,
    limit: usize,
) -> Health {
    let mut c = Counts::default();
    for t in &report.threats {
        match t.status {
            Status::Mitigated => c.mitigated += 1,
            Status::Accepted => c.accepted += 1,
            Status::FalsePositive => c.false_positive += 1,
            Status::Transferred => c.transferred += 1,
            Status::Ignored => c.ignored += 1,
            Status::Suppressed => c.suppressed += 1,
            Status::Open | Status::Stale | Status::Expired => {
                if t.confidence == Confidence::Potential {
                    c.potential += 1;
                    continue;
                }
                c.open += 1;
                c.stale += usize::from(t.status == Status::Stale);
                c.expired += usize::from(t.status == Status::Expired);
                c.baseline += usize::from(t.baseline);
            }
        }
    }
    c.orphaned = report.summary.orphaned;
    c.unverified = report.summary.unverified;
    c.unanalysed = report.summary.unanalysed;

    let empty = ModelFile::default();
    let mf = mf.unwrap_or(&empty);
    let soon = days(today).map(|d| civil_date(d + 30)).unwrap_or_default();
    let mut expiring: Vec<(String, String)> = mf
        .decisions
        .iter()
        .filter_map(|(id, d)| {
            let e = d.expires.as_deref()?;
            (e > today && e <= soon.as_str()).then(|| (id.clone(), e.to_string()))
        })
        .collect();
    expiring.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));

    let elements = &report.model.elements;
    let unclassified = elements
        .iter()
        .filter(|e| matches!(e.kind, ElementKind::Store | ElementKind::Queue))
        .filter(|e| {
            !report
                .model
                .assets
                .iter()
                .any(|a| a.stored_in.contains(&e.id))
        })
        .map(|e| e.id.clone())
        .collect();
    let unowned = elements
        .iter()
        .filter(|e| matches!(e.kind, ElementKind::Component | ElementKind::Store))
        .filter(|e| !mf.owners.contains_key(&e.id))
        .map(|e| e.id.clone())
        .collect();

    let open: Vec<&Threat> = report
        .threats
        .iter()
        .filter(|t| t.status.is_open() && t.confidence != Confidence::Potential)
        .collect();
    let (oldest_open, from_history) = oldest(&open, root, limit);
    Health {
        system: report.model.name.clone(),
        counts: c,
        expiring,
        unclassified,
        unowned,
        oldest_open,
        from_history,
    }
}

/// Open threats by when their evidence first appeared in HEAD's history.
fn oldest(open: &[&Threat], root: &Path, limit: usize) -> (Vec<Waiting>, bool) {
    let by_severity = |v: &mut Vec<Waiting>| {
        v.sort_by(|a, b| {
            (std::cmp::Reverse(a.severity), &a.id).cmp(&(std::cmp::Reverse(b.severity), &b.id))
        });
    };
    let waiting = |t: &Threat, seen: Option<&bw_files::git::CommitInfo>| Waiting {
        id: t.id.clone(),
        severity: t.severity,
        status: t.status,
        since: seen.map(|c| civil_date(c.time.div_euclid(86_400))),
        commit: seen.map(|c| c.id[..c.id.len().min(8)].to_string()),
    };
    let Ok(repo) = GitRepo::discover(root) else {
        let mut v: Vec<Waiting> = open.iter().map(|t| waiting(t, None)).collect();
        by_severity(&mut v);
        v.truncate(limit);
        return (v, false);
    };
    let mut by_path: BTreeMap<&str, Vec<&Threat>> = BTreeMap::new();
    for t in open.iter().filter(|t| !t.location.path.is_empty()) {
        by_path.entry(t.location.path.as_str()).or_default().push(t);
    }
    let mut out = vec![];
    for (path, ts) in by_path {
        let needles: Vec<Vec<String>> = ts
            .iter()
            .map(|t| {
                t.excerpt
                    .as_ref()
                    .and_then(|e| {
                        let i = t.location.start_line.checked_sub(e.start_line)? as usize;
                        e.lines.get(i).cloned()
                    })
                    .into_iter()
                    // A masked secret's line is not in the file as shown.
                    .filter(|l| !l.trim().is_empty() && !l.ends_with("(secret masked)"))
                    .collect()
            })
            .collect();
        let seen = repo.first_seen(path, &needles, 2000).unwrap_or_default();
        for (i, t) in ts.iter().enumerate() {
            out.push(waiting(t, seen.get(i).and_then(|s| s.as_ref())));
        }
    }
    // Never committed (new code) sorts last; then oldest first.
    out.sort_by(|a, b| {
        (
            a.since.is_none(),
            &a.since,
            std::cmp::Reverse(a.severity),
            &a.id,
        )
            .cmp(&(
                b.since.is_none(),
                &b.since,
                std::cmp::Reverse(b.severity),
                &b.id,
            ))
    });
    out.truncate(limit);
    (out, true)
}

#[cfg(test)]
mod tests {
    #[test]
    fn days_inverts_civil_date() {
        for d in [0, 1, 59, 60, 365, 11_016, 20_420, 30_000] {
            assert_eq!(super::days(&bw_model::modelfile::civil_date(d)), Some(d));
        }
    }
}

#[cfg(test)]
mod schema {
    /// `breakwater status --format json` has a committed schema
    /// (`schemas/status.schema.json`); regenerate with
    /// `BREAKWATER_UPDATE_SCHEMAS=1 cargo test -p bw-engine status`.
    #[test]
    fn status_schema_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../schemas/status.schema.json");
        let text =
            serde_json::to_string_pretty(&schemars::schema_for!(super::Health)).unwrap() + "\n";
        if std::env::var_os("BREAKWATER_UPDATE_SCHEMAS").is_some() {
            std::fs::write(&path, &text).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == text,
            "schemas/status.schema.json is stale: run `BREAKWATER_UPDATE_SCHEMAS=1 cargo test -p bw-engine status` and commit it"
        );
    }
}
