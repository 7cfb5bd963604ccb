//! Rules, their evaluation over the model, severity and threat ids.
//!
//! `rule` loads the rule library (data files, validated against the fact
//! vocabulary); `eval` matches rules against facts and model elements and
//! turns matches into [`Threat`]s with severity, confidence, reasons and
//! stable ids; `decisions` attaches the model file's decisions to them
//! (current, stale, expired, moved, orphaned, unverified); `report` holds the result every output renders.

pub mod baseline;
pub mod decisions;
pub mod diff;
pub mod eval;
pub mod report;
pub mod rule;
pub use report::*;
pub use rule::{Rule, RuleError, RuleSet};
