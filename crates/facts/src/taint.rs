//! The taint lattice shared by every language's intraprocedural analysis.
//!
//! A [`Taint`] describes where a value may have come from: outside sources
//! (with the path it took), the enclosing function's parameters (linked
//! across calls by the engine), or somewhere unknown. A value built only
//! from literals is constant and safe. Sanitisers clear taint for the sink
//! kinds they protect.

use crate::types::{ArgFlow, Flow, FlowState, Location, Source, Step};
use std::collections::BTreeSet;

/// Longest path kept between a source and a sink (for showing: the
/// verdict does not depend on it).
const MAX_STEPS: usize = 8;
/// Sources kept per value: the most dangerous ones (see [`source_rank`]),
/// so configuration joined first cannot push request data out.
const MAX_SOURCES: usize = 3;
/// Unresolved calls remembered per value: enough for any realistic
/// expression; beyond it the value says so ([`Taint::calls_dropped`]) and
/// a sink it reaches notes the file as truncated.
const MAX_CALLS: usize = 16;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Taint {
    /// Outside sources reaching this value (the first one is reported).
    pub sources: Vec<Source>,
    /// Hops taken since the first source.
    pub steps: Vec<Step>,
    /// Parameters of the enclosing function this value derives from.
    pub params: BTreeSet<u32>,
    /// Part of the value is non-literal with unknown origin.
    pub unknown: bool,
    /// Sink kinds this value was sanitised for (`*` = all).
    pub sanitized: Vec<String>,
    /// Calls whose results flowed in without a model for them (resolved
    /// callee names): the engine looks them up among the repository's
    /// function summaries to follow returns across files.
    pub calls: Vec<String>,
    /// More calls flowed in than [`MAX_CALLS`]: some were not remembered.
    pub calls_dropped: bool,
}

impl Taint {
    /// A literal: safe everywhere.
    pub fn constant() -> Taint {
        Taint::default()
    }
    /// Non-literal, origin unknown.
    pub fn unknown() -> Taint {
        Taint {
            unknown: true,
            ..Taint::default()
        }
    }
    pub fn source(src: Source) -> Taint {
        Taint {
            sources: vec![src],
            ..Taint::default()
        }
    }
    pub fn param(index: u32) -> Taint {
        Taint {
            params: BTreeSet::from([index]),
            ..Taint::default()
        }
    }

    /// The result of a call breakwater has no model for: of unknown origin
    /// when its inputs are not constant (outside data does not pass through
    /// unmodelled code), with the callee kept so the engine can follow it
    /// into the repository's own function, and parameters kept for linking.
    pub fn opaque_call(inputs: &Taint, callee: &str) -> Taint {
        // Constant inputs give a constant result — unless the callee, once
        // the engine resolves it, returns outside data of its own. So do
        // inputs that are only configuration: `new Redis(process.env.URL)`
        // is a client, not data.
        let mut t = Taint {
            params: inputs.params.clone(),
            unknown: inputs.carries_data(),
            calls: inputs.calls.clone(),
            calls_dropped: inputs.calls_dropped,
            ..Taint::default()
        };
        t.remember_call(callee);
        t
    }

    /// Remember that the value went through `callee` (unless empty), for
    /// the engine to follow into the repository's function of that name.
    pub fn remember_call(&mut self, callee: &str) {
        if callee.is_empty() || self.calls.iter().any(|c| c == callee) {
            return;
        }
        if self.calls.len() < MAX_CALLS {
            self.calls.push(callee.to_string());
        } else {
            self.calls_dropped = true;
        }
    }

    /// Whether a sink must be recorded: anything but a plainly safe value.
    /// A constant that went through unresolved calls is kept, since the
    /// engine may find that one of them returns outside data.
    pub fn worth_recording(&self, kind: &str) -> bool {
        self.state_for(kind) != FlowState::Safe || (!self.calls.is_empty() && !self.safe_for(kind))
    }

    /// Whether the value may hold data (as opposed to a handle built from
    /// configuration, like a client made from an environment variable):
    /// methods called on it pass their receiver's taint on.
    pub fn carries_data(&self) -> bool {
        self.unknown
            || !self.params.is_empty()
            || self
                .sources
                .iter()
                .any(|s| !matches!(s.kind.as_str(), "env" | "secret"))
    }

    /// True when nothing non-literal flows into the value.
    pub fn is_constant(&self) -> bool {
        self.sources.is_empty() && self.params.is_empty() && !self.unknown
    }

    /// Combine two values flowing into one (concatenation, containers, calls).
    pub fn join(&mut self, other: &Taint) {
        // Unresolved calls are remembered even through constant values:
        // `get_term()` takes no input, yet may return request data.
        let dropped = self.calls_dropped || other.calls_dropped;
        for c in &other.calls {
            self.remember_call(c);
        }
        let calls = std::mem::take(&mut self.calls);
        let dropped = dropped || self.calls_dropped;
        if other.is_constant() {
            self.calls = calls;
            self.calls_dropped = dropped;
            return;
        }
        if self.is_constant() {
            *self = other.clone();
            self.calls = calls;
            self.calls_dropped = dropped;
            return;
        }
        self.calls = calls;
        self.calls_dropped = dropped;
        self.sanitized
            .retain(|k| other.sanitized.contains(k) || other.sanitized.iter().any(|o| o == "*"));
        for s in &other.sources {
            bw_flow::keep_ranked(&mut self.sources, s, MAX_SOURCES, |x| &x.kind);
        }
        if self.steps.is_empty() {
            self.steps = other.steps.clone();
        }
        self.params.extend(other.params.iter().copied());
        self.unknown |= other.unknown;
    }

    pub fn joined(mut self, other: &Taint) -> Taint {
        self.join(other);
        self
    }

    /// Record a hop (assignment, call, string building) on the path.
    pub fn step(mut self, location: Location, label: impl Into<String>) -> Taint {
        if !self.sources.is_empty() && self.steps.len() < MAX_STEPS {
            let step = Step {
                location,
                label: label.into(),
            };
            if self.steps.last() != Some(&step) {
                self.steps.push(step);
            }
        }
        self
    }

    /// Sanitise for the given sink kinds (`*` = all kinds).
    pub fn sanitize(mut self, kinds: &[String]) -> Taint {
        if kinds.iter().any(|k| k == "*") {
            return Taint::constant();
        }
        for k in kinds {
            if !self.sanitized.contains(k) {
                self.sanitized.push(k.clone());
            }
        }
        self
    }

    fn safe_for(&self, kind: &str) -> bool {
        self.sanitized.iter().any(|k| k == kind || k == "*")
    }

    /// The verdict for a sink of `kind`.
    pub fn state_for(&self, kind: &str) -> FlowState {
        if self.is_constant() || self.safe_for(kind) {
            FlowState::Safe
        } else if !self.sources.is_empty() {
            FlowState::Tainted
        } else if !self.params.is_empty() {
            FlowState::FromParams
        } else {
            FlowState::Unknown
        }
    }

    /// The most dangerous source reaching the value (request data first,
    /// configuration last), so a sink reports the source an attacker controls.
    pub fn primary_source(&self) -> Option<&Source> {
        self.sources.iter().min_by_key(|s| source_rank(&s.kind))
    }

    /// The flow recorded on a sink fact of `kind`.
    pub fn to_flow(&self, kind: &str) -> Flow {
        let state = self.state_for(kind);
        Flow {
            state,
            source: if state == FlowState::Tainted {
                self.primary_source().cloned()
            } else {
                None
            },
            steps: if state == FlowState::Tainted {
                self.steps.clone()
            } else {
                vec![]
            },
            params: if state == FlowState::FromParams {
                self.params.iter().copied().collect()
            } else {
                vec![]
            },
            calls: if state == FlowState::Tainted || self.safe_for(kind) {
                vec![]
            } else {
                self.calls.clone()
            },
        }
    }

    /// The argument record of a call site (sanitisation is per sink kind,
    /// so an argument sanitised for anything is kept as-is here and the
    /// callee's sink decides; we err on the side of the sanitiser only for `*`).
    pub fn to_arg(&self) -> ArgFlow {
        let state = if self.is_constant() {
            FlowState::Safe
        } else if !self.sources.is_empty() && self.sanitized.is_empty() {
            FlowState::Tainted
        } else if !self.params.is_empty() {
            FlowState::FromParams
        } else if !self.sources.is_empty() {
            // Sanitised for some kinds only: not proven dangerous downstream.
            FlowState::Unknown
        } else {
            FlowState::Unknown
        };
        ArgFlow {
            state,
            source: if state == FlowState::Tainted {
                self.primary_source().cloned()
            } else {
                None
            },
            params: self.params.iter().copied().collect(),
            parameterised_sql: false,
            clean: vec![],
        }
    }
}

/// Order of source kinds by how directly an attacker controls them.
pub use bw_flow::source_rank;

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(line: u32) -> Location {
        Location {
            path: "a.py".into(),
            start_line: line,
            start_col: 1,
            end_line: line,
            end_col: 2,
        }
    }

    #[test]
    fn lattice() {
        let src = Source {
            kind: "request".into(),
            location: loc(1),
            label: "request.args".into(),
        };
        let t = Taint::source(src);
        assert_eq!(t.state_for("sql"), FlowState::Tainted);
        assert_eq!(Taint::constant().state_for("sql"), FlowState::Safe);
        assert_eq!(Taint::unknown().state_for("sql"), FlowState::Unknown);
        assert_eq!(Taint::param(0).state_for("sql"), FlowState::FromParams);
        let s = t.clone().sanitize(&["sql".into()]);
        assert_eq!(s.state_for("sql"), FlowState::Safe);
        assert_eq!(s.state_for("exec"), FlowState::Tainted);
        assert_eq!(
            t.clone().sanitize(&["*".into()]).state_for("exec"),
            FlowState::Safe
        );
        // constant joined with tainted stays tainted; sanitised joined with raw is raw
        assert_eq!(
            Taint::constant().joined(&t).state_for("sql"),
            FlowState::Tainted
        );
        assert_eq!(s.joined(&t).state_for("sql"), FlowState::Tainted);
        let stepped = t.step(loc(2), "assigned to q");
        assert_eq!(stepped.to_flow("sql").steps.len(), 1);
    }
}
