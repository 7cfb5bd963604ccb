//! Sources, sinks, sanitisers and propagators as data.
//!
//! The built-in specs live in `rules/flow/<language>.toml` and are embedded
//! in the binary; a repository adds its own in `.breakwater/flow/*.toml`
//! (same format) — for example a sink for its own query wrapper. Names are
//! *resolved* names: the extractor maps local names through the file's
//! import table first, so `from subprocess import run as r; r(x)` matches
//! `subprocess.run`.

use serde::Deserialize;

/// A read of any expression whose resolved dotted path starts with one of
/// `names` (or a call of it) yields data of this `kind`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    /// `request`, `llm-output`, `retrieved`, `tool-input`, `env`, `file`.
    pub kind: String,
    #[serde(default)]
    pub framework: Option<String>,
    /// Resolved dotted paths (`flask.request.args`, `req.query`).
    #[serde(default)]
    pub names: Vec<String>,
    /// Method names whose *result* is a source on any receiver
    /// (`similarity_search` returns retrieved content).
    #[serde(default)]
    pub methods: Vec<String>,
}

/// A call whose listed arguments must not carry outside data.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SinkSpec {
    /// A sink kind from the vocabulary (`sql`, `exec`, …).
    pub kind: String,
    /// Resolved callee names (`subprocess.run`).
    #[serde(default)]
    pub callees: Vec<String>,
    /// Method names on any receiver (`execute` matches `cur.execute(...)`).
    #[serde(default)]
    pub methods: Vec<String>,
    /// Positional arguments checked (0-based); empty means all.
    #[serde(default)]
    pub args: Vec<u32>,
    /// Keyword/named arguments checked.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// A keyword that, when literally true, marks the call as going
    /// through a shell (`shell=True`).
    #[serde(default)]
    pub shell_keyword: Option<String>,
    /// Only a sink when this keyword is literally true (e.g. `shell` for
    /// `subprocess.run`): without it the call is not this sink.
    #[serde(default)]
    pub requires_keyword: Option<String>,
    /// The call opens a file for writing when its mode argument contains
    /// one of `w`, `a`, `x`, `+`.
    #[serde(default)]
    pub write_mode_arg: Option<u32>,
}

/// A call that cleans data for the listed sink kinds (`*` = all).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SanitizerSpec {
    #[serde(default)]
    pub callees: Vec<String>,
    #[serde(default)]
    pub methods: Vec<String>,
    pub kinds: Vec<String>,
}

/// A call whose result carries the taint of its receiver and arguments.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PropagatorSpec {
    #[serde(default)]
    pub callees: Vec<String>,
    #[serde(default)]
    pub methods: Vec<String>,
}

/// One flow spec file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowSpecFile {
    /// `python` or `javascript` (covers TypeScript).
    pub language: String,
    #[serde(default, rename = "source")]
    pub sources: Vec<SourceSpec>,
    #[serde(default, rename = "sink")]
    pub sinks: Vec<SinkSpec>,
    #[serde(default, rename = "sanitizer")]
    pub sanitizers: Vec<SanitizerSpec>,
    #[serde(default, rename = "propagator")]
    pub propagators: Vec<PropagatorSpec>,
}

/// The flow specs of every language, built-in plus the repository's own.
#[derive(Debug, Clone, Default)]
pub struct FlowSpec {
    pub python: FlowSpecFile,
    pub javascript: FlowSpecFile,
}

/// The embedded spec files: (origin, text).
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "rules/flow/python.toml",
        include_str!("../../../rules/flow/python.toml"),
    ),
    (
        "rules/flow/javascript.toml",
        include_str!("../../../rules/flow/javascript.toml"),
    ),
];

impl FlowSpec {
    /// The embedded specs.
    pub fn builtin() -> FlowSpec {
        let mut spec = FlowSpec::default();
        for (name, text) in BUILTIN {
            spec.add(name, text)
                .unwrap_or_else(|e| panic!("built-in flow spec is invalid: {e}"));
        }
        spec
    }

    /// Merge one more spec file (a team's own). The error names the file
    /// and says what is wrong.
    pub fn add(&mut self, name: &str, text: &str) -> Result<(), String> {
        let file: FlowSpecFile = toml::from_str(text).map_err(|e| format!("{name}: {e}"))?;
        let sink_kinds = crate::vocab::subject_def(crate::Subject::Sink).kinds;
        for s in &file.sinks {
            if !sink_kinds.contains(&s.kind.as_str()) {
                return Err(format!(
                    "{name}: sink kind `{}` is not one of: {}",
                    s.kind,
                    sink_kinds.join(", ")
                ));
            }
            if s.callees.is_empty() && s.methods.is_empty() {
                return Err(format!(
                    "{name}: a sink of kind `{}` names no callees and no methods",
                    s.kind
                ));
            }
        }
        let target = match file.language.as_str() {
            "python" => &mut self.python,
            "javascript" | "typescript" => &mut self.javascript,
            other => {
                return Err(format!(
                    "{name}: language `{other}` is not python or javascript"
                ));
            }
        };
        target.language = file.language.clone();
        target.sources.extend(file.sources);
        target.sinks.extend(file.sinks);
        target.sanitizers.extend(file.sanitizers);
        target.propagators.extend(file.propagators);
        Ok(())
    }
}

impl FlowSpecFile {
    /// The sinks a resolved callee or method name matches.
    pub fn sinks_for<'a>(
        &'a self,
        callee: Option<&str>,
        method: Option<&str>,
    ) -> impl Iterator<Item = &'a SinkSpec> {
        let callee = callee.map(str::to_string);
        let method = method.map(str::to_string);
        self.sinks.iter().filter(move |s| {
            callee
                .as_deref()
                .is_some_and(|c| s.callees.iter().any(|x| x == c))
                || method
                    .as_deref()
                    .is_some_and(|m| s.methods.iter().any(|x| x == m))
        })
    }

    /// The source kind of a resolved dotted path, if it is (under) a source.
    pub fn source_for_path(&self, path: &str) -> Option<&SourceSpec> {
        self.sources.iter().find(|s| {
            s.names.iter().any(|n| {
                path == n
                    || (path.starts_with(n.as_str())
                        && path[n.len()..].starts_with(['.', '[', '(']))
            })
        })
    }

    /// The source kind of a method call's result.
    pub fn source_for_method(&self, method: &str) -> Option<&SourceSpec> {
        self.sources
            .iter()
            .find(|s| s.methods.iter().any(|m| m == method))
    }

    /// The sink kinds a call sanitises, if it is a sanitiser.
    pub fn sanitizes(&self, callee: Option<&str>, method: Option<&str>) -> Option<&[String]> {
        self.sanitizers
            .iter()
            .find(|s| {
                callee.is_some_and(|c| s.callees.iter().any(|x| x == c))
                    || method.is_some_and(|m| s.methods.iter().any(|x| x == m))
            })
            .map(|s| s.kinds.as_slice())
    }

    /// Whether a call passes the taint of its inputs to its result.
    pub fn propagates(&self, callee: Option<&str>, method: Option<&str>) -> bool {
        self.propagators.iter().any(|s| {
            callee.is_some_and(|c| s.callees.iter().any(|x| x == c))
                || method.is_some_and(|m| s.methods.iter().any(|x| x == m))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_specs_load() {
        let spec = FlowSpec::builtin();
        assert!(!spec.python.sinks.is_empty());
        assert!(!spec.javascript.sinks.is_empty());
    }

    #[test]
    fn bad_spec_is_a_clear_error() {
        let mut spec = FlowSpec::default();
        let err = spec
            .add(
                "team.toml",
                "language = \"python\"\n[[sink]]\nkind = \"sqll\"\ncallees = [\"db.q\"]\n",
            )
            .unwrap_err();
        assert!(err.contains("sink kind `sqll`"), "{err}");
        let err = spec
            .add(
                "team.toml",
                "language = \"python\"\n[[sink]]\nkind = \"sql\"\ncalees = [\"db.q\"]\n",
            )
            .unwrap_err();
        assert!(err.contains("calees"), "{err}");
    }
}
