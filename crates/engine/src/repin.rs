//! Decisions made on the previous analysis core, kept across the switch.
//!
//! A decision is pinned by the fingerprint of the evidence it was made on,
//! and that fingerprint includes the steps of the flow the analysis
//! found. When a language's sink facts move to the new analysis core, the
//! same threat on the same code is described by other steps: without
//! help, every decision on a flow in that language would go stale though
//! nothing under it changed.
//!
//! So a scan whose decisions went stale (or lost their threat) in a
//! language the new core took over runs the previous core too, on the
//! same files:
//!
//! - a stale decision whose fingerprint the previous core still computes
//!   for the same threat id was made on unchanged code: it holds, marked
//!   *re-pinned*, and `breakwater triage --repin` records the new
//!   fingerprint in the model file (once; after that no second run is
//!   needed);
//! - a decision whose threat the new core no longer reports, but the
//!   previous core still does with the decision's fingerprint, is orphaned
//!   by the analysis, not by a code change, and says so.
//!
//! Decisions that went stale because the code changed stay stale: the
//! previous core computes another fingerprint for them too.

use crate::{Library, ScanOptions};
use bw_facts::core::Core;
use bw_files::detect_lang;
use bw_model::modelfile::ModelFile;
use bw_threats::decisions::id_path;
use bw_threats::report::{Report, Status};
use std::collections::{BTreeMap, BTreeSet};

/// The note on a decision whose threat only the previous core reports.
pub const DROPPED_NOTE: &str = "the previous analysis core reported this threat on the same code and the new one does not (docs/core-switch/ explains what changed): delete the decision (breakwater triage --remove)";

/// What comparing with the previous core found.
#[derive(Debug, Default)]
pub(crate) struct Repin {
    /// The model file with the re-pinned decisions' fingerprints replaced.
    pub model_file: Option<ModelFile>,
    /// Decision keys re-pinned.
    pub repinned: BTreeSet<String>,
    /// Decision keys whose threat only the previous core reports.
    pub dropped: BTreeSet<String>,
}

/// Whether the sink facts of the file at `path` come from another core
/// under `core` than under the old extractors.
fn switched(core: Core, path: &str) -> bool {
    detect_lang(path).is_some_and(|l| core.switches(l))
}

/// The decisions of `report` (made under `lib.core`) that the previous
/// core could explain: stale ones and orphaned ones in files whose
/// language switched. Empty when there are none.
pub(crate) fn candidates(lib: &Library, report: &Report) -> BTreeSet<String> {
    if lib.core == Core::Old {
        return BTreeSet::new();
    }
    let stale = report
        .threats
        .iter()
        .filter(|t| t.status == Status::Stale)
        .filter_map(|t| t.decision.as_ref())
        .map(|d| d.key.clone());
    let orphaned = report
        .decisions
        .iter()
        .filter(|d| d.state == "orphaned")
        .map(|d| d.key.clone());
    stale
        .chain(orphaned)
        .filter(|k| id_path(k).is_some_and(|p| switched(lib.core, p)))
        .collect()
}

/// Compare `keys` (from [`candidates`]) with `previous`, the report of the
/// same scan by the old extractors, and patch the model file of `opts`.
pub(crate) fn compare(
    opts: &ScanOptions,
    report: &Report,
    previous: &Report,
    keys: &BTreeSet<String>,
) -> Repin {
    let Some(mf) = &opts.model_file else {
        return Repin::default();
    };
    let before: BTreeMap<&str, &str> = previous
        .threats
        .iter()
        .map(|t| (t.id.as_str(), t.fingerprint.as_str()))
        .collect();
    let now: BTreeMap<&str, &str> = report
        .threats
        .iter()
        .map(|t| (t.id.as_str(), t.fingerprint.as_str()))
        .collect();
    let mut out = Repin::default();
    let mut patched = mf.clone();
    for key in keys {
        let Some(d) = patched.decisions.get_mut(key) else {
            continue;
        };
        if d.fingerprint.is_empty() || before.get(key.as_str()) != Some(&d.fingerprint.as_str()) {
            continue;
        }
        match now.get(key.as_str()) {
            Some(fp) => {
                d.fingerprint = (*fp).to_string();
                out.repinned.insert(key.clone());
            }
            None => {
                out.dropped.insert(key.clone());
            }
        }
    }
    if !out.repinned.is_empty() {
        out.model_file = Some(patched);
    }
    out
}

/// Mark what [`compare`] found on the report made with its model file.
pub(crate) fn mark(report: &mut Report, r: &Repin) {
    for t in &mut report.threats {
        if let Some(d) = &mut t.decision
            && r.repinned.contains(&d.key)
        {
            d.repinned = true;
        }
    }
    for d in &mut report.decisions {
        if r.dropped.contains(&d.key) {
            d.note = DROPPED_NOTE.to_string();
        }
    }
}
