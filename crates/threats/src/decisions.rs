//! Attaching the model file's decisions to the threats of a scan.
//!
//! A decision is keyed by threat id and pinned by the fingerprint of the
//! evidence it was made on. It applies when its threat exists and the
//! fingerprint still matches; it is *stale* when the code under it changed,
//! *expired* after its `expires` date, *moved* when the same evidence now
//! has another id (a renamed or moved function), *orphaned* when the threat
//! is gone, and *unverified* when the threat's file could not be analysed
//! this time — never read as resolved.
//!
//! A file the analysis could not cover ([`UnanalysedFile`]) is accepted the
//! same way: a decision keyed by its id (`unanalysed@<path>::<file>`),
//! pinned to the file's blob id, stale when the file changes.

use crate::report::{AppliedDecision, Status, Threat, UnanalysedFile, UnmatchedDecision};
use bw_model::modelfile::{DECISION_STATUSES, Decision, is_date};
use std::collections::{BTreeMap, BTreeSet};

/// The path part of a code threat id (`rule@path::symbol#n`), if it has one.
pub fn id_path(id: &str) -> Option<&str> {
    let (_, anchor) = id.split_once('@')?;
    let (path, _) = anchor.split_once("::")?;
    Some(path)
}

/// The rule part of a threat id.
pub fn id_rule(id: &str) -> &str {
    id.split_once('@').map(|(r, _)| r).unwrap_or(id)
}

/// What a person decides about a threat, before it is pinned to the
/// threat's evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    /// `mitigated`, `accepted`, `false-positive` or `transferred`.
    pub status: String,
    /// Why (mandatory).
    pub reason: String,
    pub ticket: Option<String>,
    pub expires: Option<String>,
}

/// Why a verdict cannot be recorded. Each front-end words it for its own
/// inputs (a flag, a command argument).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerdictError {
    /// The status is not one of [`DECISION_STATUSES`].
    Status(String),
    /// No reason, or only whitespace.
    NoReason,
    /// `expires` is not a `YYYY-MM-DD` date.
    NotADate(String),
    /// `expires` is today or earlier.
    NotInFuture { expires: String, today: String },
}

impl Verdict {
    /// A verdict from what a person typed: fields trimmed, empty optional
    /// ones dropped, and refused when it would not make a valid decision —
    /// a known status, a reason, an expiry date in the future.
    pub fn new(
        status: &str,
        reason: &str,
        ticket: Option<&str>,
        expires: Option<&str>,
        today: &str,
    ) -> Result<Verdict, VerdictError> {
        let status = status.trim();
        if !DECISION_STATUSES.contains(&status) {
            return Err(VerdictError::Status(status.to_string()));
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(VerdictError::NoReason);
        }
        let given = |o: Option<&str>| o.map(str::trim).filter(|s| !s.is_empty()).map(String::from);
        let expires = given(expires);
        if let Some(e) = &expires {
            if !is_date(e) {
                return Err(VerdictError::NotADate(e.clone()));
            }
            if e.as_str() <= today {
                return Err(VerdictError::NotInFuture {
                    expires: e.clone(),
                    today: today.to_string(),
                });
            }
        }
        Ok(Verdict {
            status: status.to_string(),
            reason: reason.to_string(),
            ticket: given(ticket),
            expires,
        })
    }
}

/// The model-file decision recording `verdict` on threat `t`, by `author`
/// on `date`: pinned to the threat's fingerprint and evidence as they are
/// now, so it goes stale when the code under it changes. Every front-end
/// that records decisions (`breakwater triage`, the editor) writes this.
pub fn decision_for(t: &Threat, verdict: &Verdict, author: &str, date: &str) -> Decision {
    Decision {
        status: verdict.status.clone(),
        reason: verdict.reason.clone(),
        author: author.to_string(),
        date: date.to_string(),
        fingerprint: t.fingerprint.clone(),
        evidence: t.evidence.clone(),
        ticket: verdict.ticket.clone(),
        expires: verdict.expires.clone(),
    }
}

/// The model-file decision recording `verdict` on a file the analysis
/// could not cover, pinned to the file's content as it is now (its blob
/// id): it goes stale when the file changes, so a later edit is checked
/// again.
pub fn decision_for_unanalysed(
    u: &UnanalysedFile,
    verdict: &Verdict,
    author: &str,
    date: &str,
) -> Decision {
    Decision {
        status: verdict.status.clone(),
        reason: verdict.reason.clone(),
        author: author.to_string(),
        date: date.to_string(),
        fingerprint: u.fingerprint.clone(),
        evidence: format!("{} ({})", u.path, u.reason),
        ticket: verdict.ticket.clone(),
        expires: verdict.expires.clone(),
    }
}

/// Attach decisions to threats (in place) and return those that match no
/// threat. `skipped` holds the paths that were not analysed this time;
/// `today` is `YYYY-MM-DD`.
pub fn attach(
    threats: &mut [Threat],
    decisions: &BTreeMap<String, Decision>,
    today: &str,
    skipped: &BTreeSet<String>,
) -> Vec<UnmatchedDecision> {
    let by_id: BTreeMap<String, usize> = threats
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.clone(), i))
        .collect();
    let mut taken: BTreeSet<usize> = BTreeSet::new();
    let mut left: Vec<(&String, &Decision)> = vec![];
    // Decisions on unanalysed files are attached by `attach_unanalysed`.
    for (key, d) in decisions.iter().filter(|(k, _)| !UnanalysedFile::is_id(k)) {
        match by_id.get(key) {
            Some(&i) => {
                apply(&mut threats[i], key, d, today, false);
                taken.insert(i);
            }
            None => left.push((key, d)),
        }
    }
    // A decision whose id is gone may have moved: the same rule and the same
    // evidence under another id, claimed by no other decision. Only an
    // unambiguous match counts.
    let mut by_print: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, t) in threats.iter().enumerate() {
        if !taken.contains(&i) {
            by_print
                .entry((t.rule.clone(), t.fingerprint.clone()))
                .or_default()
                .push(i);
        }
    }
    let mut claims: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for (key, d) in &left {
        if !d.fingerprint.is_empty() {
            *claims
                .entry((id_rule(key), d.fingerprint.as_str()))
                .or_default() += 1;
        }
    }
    let mut unmatched = vec![];
    for (key, d) in left {
        let print = (id_rule(key), d.fingerprint.as_str());
        let owned = (print.0.to_string(), print.1.to_string());
        let moved_to = match by_print.get(&owned) {
            Some(v)
                if v.len() == 1 && claims.get(&print) == Some(&1) && !d.fingerprint.is_empty() =>
            {
                Some(v[0])
            }
            _ => None,
        };
        if let Some(i) = moved_to {
            apply(&mut threats[i], key, d, today, true);
            continue;
        }
        let unverified = id_path(key).is_some_and(|p| skipped.contains(p));
        unmatched.push(UnmatchedDecision {
            key: key.clone(),
            status: d.status.clone(),
            reason: d.reason.clone(),
            state: if unverified { "unverified" } else { "orphaned" }.into(),
            note: if unverified {
                format!(
                    "{} was not analysed this time (see skipped files): the threat may still be there",
                    id_path(key).unwrap_or_default()
                )
            } else {
                "no current threat has this id or this evidence: the code was fixed or removed; delete the decision (breakwater triage --remove)".into()
            },
        });
    }
    unmatched
}

/// Attach the decisions keyed by unanalysed-file ids to those files (in
/// place) and return the ones that match no such file: orphaned, since the
/// file is analysed in full now (or gone).
pub fn attach_unanalysed(
    files: &mut [UnanalysedFile],
    decisions: &BTreeMap<String, Decision>,
    today: &str,
) -> Vec<UnmatchedDecision> {
    let mut unmatched = vec![];
    for (key, d) in decisions.iter().filter(|(k, _)| UnanalysedFile::is_id(k)) {
        match files.iter_mut().find(|f| &f.id == key) {
            Some(f) => {
                let mut at = Decided {
                    fingerprint: &f.fingerprint,
                    status: &mut f.status,
                    status_reason: &mut f.status_reason,
                    decision: &mut f.decision,
                };
                apply_to(&mut at, key, d, today, false);
            }
            None => unmatched.push(UnmatchedDecision {
                key: key.clone(),
                status: d.status.clone(),
                reason: d.reason.clone(),
                state: "orphaned".into(),
                note: "the file is analysed in full now (or gone): delete the decision (breakwater triage --remove)".into(),
            }),
        }
    }
    unmatched
}

/// What a decision changes on a threat or an unanalysed file.
struct Decided<'a> {
    fingerprint: &'a str,
    status: &'a mut Status,
    status_reason: &'a mut Option<String>,
    decision: &'a mut Option<AppliedDecision>,
}

fn apply(t: &mut Threat, key: &str, d: &Decision, today: &str, moved: bool) {
    let mut at = Decided {
        fingerprint: &t.fingerprint,
        status: &mut t.status,
        status_reason: &mut t.status_reason,
        decision: &mut t.decision,
    };
    apply_to(&mut at, key, d, today, moved);
}

fn apply_to(t: &mut Decided<'_>, key: &str, d: &Decision, today: &str, moved: bool) {
    let stale = d.fingerprint != t.fingerprint;
    let expired = d
        .expires
        .as_deref()
        .is_some_and(|e| !e.is_empty() && e <= today);
    let who = [d.author.as_str(), d.date.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let who = if who.is_empty() {
        String::new()
    } else {
        format!(" ({who})")
    };
    *t.decision = Some(AppliedDecision {
        key: key.to_string(),
        status: d.status.clone(),
        reason: d.reason.clone(),
        author: d.author.clone(),
        date: d.date.clone(),
        ticket: d.ticket.clone(),
        expires: d.expires.clone(),
        moved,
        repinned: false,
        decided_on: stale.then(|| d.evidence.clone()),
    });
    // Inline ignores and suppressions were applied first and stand.
    if *t.status != Status::Open {
        return;
    }
    let moved_note = if moved {
        format!("; recorded for {key}, which moved here")
    } else {
        String::new()
    };
    if stale {
        *t.status = Status::Stale;
        *t.status_reason = Some(if d.fingerprint.is_empty() {
            format!(
                "decided {}{who} without a fingerprint: review it and record it again with breakwater triage{moved_note}",
                d.status
            )
        } else if d.evidence.is_empty() {
            format!(
                "decided {}{who}, but the code under it changed since: review it{moved_note}",
                d.status
            )
        } else {
            format!(
                "decided {}{who} on `{}`; the code under it changed since: review it{moved_note}",
                d.status, d.evidence
            )
        });
    } else if expired {
        *t.status = Status::Expired;
        *t.status_reason = Some(format!(
            "decided {}{who}, expired on {}: review it{moved_note}",
            d.status,
            d.expires.as_deref().unwrap_or_default()
        ));
    } else if let Some(s) = Status::from_decision(&d.status) {
        *t.status = s;
        *t.status_reason = Some(format!("{}{moved_note}", d.reason));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_verdict_needs_a_status_a_reason_and_a_future_expiry() {
        let v = Verdict::new(
            " accepted ",
            "  internal tool  ",
            Some(" "),
            Some("2027-01-31"),
            "2026-11-27",
        )
        .unwrap();
        assert_eq!(
            v,
            Verdict {
                status: "accepted".into(),
                reason: "internal tool".into(),
                ticket: None,
                expires: Some("2027-01-31".into()),
            }
        );
        let err = |s: &str, r: &str, e: Option<&str>| {
            Verdict::new(s, r, None, e, "2026-11-27").unwrap_err()
        };
        assert_eq!(
            err("fixed", "x", None),
            VerdictError::Status("fixed".into())
        );
        assert_eq!(err("mitigated", " \n", None), VerdictError::NoReason);
        assert_eq!(
            err("mitigated", "x", Some("31/01/2027")),
            VerdictError::NotADate("31/01/2027".into())
        );
        assert_eq!(
            err("mitigated", "x", Some("2026-11-27")),
            VerdictError::NotInFuture {
                expires: "2026-11-27".into(),
                today: "2026-11-27".into()
            }
        );
    }
}
