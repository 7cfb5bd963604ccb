//! The adoption baseline: the threats a repository had when it adopted
//! breakwater (`breakwater init --baseline`), so the team starts green and
//! gates only what is new. Baselined threats are still reported; they just
//! do not count for `--fail-on`.
//!
//! The file (`.breakwater/baseline.toml`) maps threat ids to fingerprints,
//! one per line, sorted, so it merges cleanly and shrinks line by line as
//! threats are fixed.

use crate::report::Threat;
use std::collections::{BTreeMap, BTreeSet};

/// Where the baseline lives, relative to the repository root.
pub const BASELINE_PATH: &str = ".breakwater/baseline.toml";

/// Threat id → fingerprint.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    #[serde(default)]
    pub threats: BTreeMap<String, String>,
}

impl Baseline {
    /// Parse; errors name the line.
    pub fn parse(text: &str) -> Result<Baseline, String> {
        toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
                .unwrap_or(1);
            format!("{BASELINE_PATH}:{line}: {}", e.message().trim())
        })
    }

    /// The baseline of these threats (open ones only: decided and ignored
    /// threats never gate anyway).
    pub fn of(threats: &[Threat]) -> Baseline {
        Baseline {
            threats: threats
                .iter()
                .filter(|t| t.status.is_open())
                .map(|t| (t.id.clone(), t.fingerprint.clone()))
                .collect(),
        }
    }

    /// The file text.
    pub fn text(&self, date: &str) -> String {
        let mut s = format!(
            "# Threats that existed when breakwater was adopted (breakwater init --baseline, {date}).\n\
             # They are still reported, but `--fail-on` counts only threats not listed here.\n\
             # Delete a line when its threat is fixed; delete the file to gate everything.\n\
             [threats]\n"
        );
        for (id, fp) in &self.threats {
            s.push_str(&format!(
                "{} = {}\n",
                toml::Value::from(id.as_str()),
                toml::Value::from(fp.as_str())
            ));
        }
        s
    }

    /// Mark the threats the baseline covers: by id, or by rule and
    /// fingerprint when the id moved (a rename) and the match is unique.
    /// Returns how many were marked.
    pub fn apply(&self, threats: &mut [Threat]) -> usize {
        let ids: BTreeSet<&str> = threats.iter().map(|t| t.id.as_str()).collect();
        let mut free: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        for (id, fp) in &self.threats {
            if !ids.contains(id.as_str()) {
                *free
                    .entry((crate::decisions::id_rule(id), fp.as_str()))
                    .or_default() += 1;
            }
        }
        let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
        for t in threats.iter() {
            *seen
                .entry((t.rule.clone(), t.fingerprint.clone()))
                .or_default() += 1;
        }
        let mut n = 0;
        for t in threats.iter_mut() {
            let by_id = self.threats.contains_key(&t.id);
            let moved = !by_id
                && free.get(&(t.rule.as_str(), t.fingerprint.as_str())) == Some(&1)
                && seen.get(&(t.rule.clone(), t.fingerprint.clone())) == Some(&1);
            if by_id || moved {
                t.baseline = true;
                n += 1;
            }
        }
        n
    }
}
