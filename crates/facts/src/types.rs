//! The fact types every extractor produces and every later stage reads.
//!
//! A [`Fact`] is something found in one file: a route, a SQL call, a
//! Dockerfile `USER`. It has a [`Subject`] (what sort of thing it is), a
//! `kind` within that subject (`sql`, `postgres`, `flask`…), typed
//! properties, and [`Evidence`]. Which kinds and properties exist is fixed
//! by the vocabulary in [`crate::vocab`]; rules are checked against it at
//! load time, so a rule cannot name a property no extractor produces.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A place in a file. Lines and columns are 1-based; columns count
/// Unicode scalar values.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct Location {
    pub path: String,
    pub start_line: u32,
    pub start_col: u32,
    pub end_line: u32,
    pub end_col: u32,
}

/// Where a fact was found and what the code says there.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct Evidence {
    pub location: Location,
    /// The exact text of the matched node, whitespace-normalised and capped.
    /// Used to order several matches in one symbol and to fingerprint.
    pub text: String,
    /// Qualified enclosing symbol (`UserView.get`, `create_app.upload`), or
    /// `<module>` for top-level code.
    pub symbol: String,
}

/// What sort of thing a fact describes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Subject {
    /// An HTTP route, an MCP tool/resource, an LLM agent tool.
    Entry,
    /// A router mounted under a prefix (blueprints, include_router, app.use('/x', r)).
    Mount,
    /// App-wide middleware (auth, rate limiting, CORS, CSRF…).
    Middleware,
    /// A dangerous operation whose argument may carry data from outside.
    Sink,
    /// A security-relevant setting or call that needs no data flow
    /// (debug on, TLS verification off, weak hash…).
    Setting,
    /// A data store the code talks to.
    Store,
    /// An outbound network call.
    Outbound,
    /// A call to a large language model.
    Llm,
    /// A message queue producer or consumer.
    Queue,
    /// A hard-coded secret (masked).
    Secret,
    /// A Dockerfile's image.
    Container,
    /// A docker-compose service.
    ComposeService,
    /// A Kubernetes workload (Deployment, Pod, StatefulSet, …).
    Workload,
    /// A Kubernetes Service.
    K8sService,
    /// A Kubernetes Ingress.
    Ingress,
    /// A package root (package.json, pyproject.toml, requirements.txt).
    Package,
}

impl Subject {
    pub fn name(self) -> &'static str {
        match self {
            Subject::Entry => "entry",
            Subject::Mount => "mount",
            Subject::Middleware => "middleware",
            Subject::Sink => "sink",
            Subject::Setting => "setting",
            Subject::Store => "store",
            Subject::Outbound => "outbound",
            Subject::Llm => "llm",
            Subject::Queue => "queue",
            Subject::Secret => "secret",
            Subject::Container => "container",
            Subject::ComposeService => "compose-service",
            Subject::Workload => "workload",
            Subject::K8sService => "k8s-service",
            Subject::Ingress => "ingress",
            Subject::Package => "package",
        }
    }
}

/// A property value. Lists are sorted and de-duplicated by the producer.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(untagged)]
pub enum Prop {
    Bool(bool),
    Int(i64),
    Str(String),
    List(Vec<String>),
}

impl Prop {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Prop::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Prop::Bool(b) => Some(*b),
            _ => None,
        }
    }
    pub fn as_list(&self) -> Option<&[String]> {
        match self {
            Prop::List(l) => Some(l),
            _ => None,
        }
    }
}

pub type Props = BTreeMap<String, Prop>;

/// One thing found in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Fact {
    pub subject: Subject,
    pub kind: String,
    pub evidence: Evidence,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub props: Props,
    /// For sinks: how the dangerous argument got its value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow: Option<Flow>,
}

impl Fact {
    pub fn new(subject: Subject, kind: impl Into<String>, evidence: Evidence) -> Self {
        Fact {
            subject,
            kind: kind.into(),
            evidence,
            props: Props::new(),
            flow: None,
        }
    }
    pub fn with(mut self, key: &str, value: Prop) -> Self {
        self.props.insert(key.to_string(), value);
        self
    }
    pub fn str(&self, key: &str) -> Option<&str> {
        self.props.get(key).and_then(Prop::as_str)
    }
    pub fn flag(&self, key: &str) -> bool {
        self.props.get(key).and_then(Prop::as_bool).unwrap_or(false)
    }
    pub fn list(&self, key: &str) -> &[String] {
        self.props.get(key).and_then(Prop::as_list).unwrap_or(&[])
    }
}

/// How sure we are that outside data reaches a sink.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum FlowState {
    /// A path from a source to the sink was found.
    Tainted,
    /// The argument is built from the enclosing function's parameters; the
    /// engine links callers across files to decide.
    FromParams,
    /// A non-literal argument of unknown origin.
    Unknown,
    /// Provably constant (literals only) or sanitised: safe.
    Safe,
}

/// A step on a source-to-sink path.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct Step {
    pub location: Location,
    /// What happens here ("request.args.get('q') read", "passed to build_query()").
    pub label: String,
}

/// Where tainted data came from.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct Source {
    /// `request`, `llm-output`, `retrieved`, `tool-input`, `env`, `file`.
    pub kind: String,
    pub location: Location,
    /// The source expression as written (`request.args.get("q")`).
    pub label: String,
}

/// The data-flow verdict for a sink's dangerous argument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Flow {
    pub state: FlowState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// Hops from the source to the sink, in order (excluding both ends).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Step>,
    /// For `FromParams`: which parameters (0-based) of the enclosing
    /// function the argument derives from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<u32>,
    /// Unmodelled calls whose results reach the argument (resolved callee
    /// names); the engine follows the repository's own ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<String>,
}

/// An import binding: `local` names `module`'s `name` (or the module itself).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct Import {
    pub local: String,
    /// Python: absolute dotted module (`app.db`, relative imports resolved).
    /// JS/TS: a bare package (`express`) or a repo path without extension
    /// (`src/db`) for relative imports.
    pub module: String,
    /// The imported member, `None` for `import x` / default-less namespace imports.
    pub name: Option<String>,
}

/// One argument at a call into (possibly) repository code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ArgFlow {
    pub state: FlowState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<u32>,
    /// The argument is one string literal that reads as a SQL statement
    /// and holds bind placeholders (`%s`, `?`, `$1`, `:name`): how a
    /// query helper is called when values travel as parameters.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub parameterised_sql: bool,
    /// Sink kinds the argument is clean for (`*` when all): outside data
    /// in it reaches no sink of those kinds in the callee.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clean: Vec<String>,
}

/// A call site, recorded so the engine can link flows across functions and files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CallSite {
    /// The callee resolved through the import table: `app.db.run_query`
    /// (Python), `src/db::runQuery` (JS/TS), or a bare local name.
    pub callee: String,
    pub location: Location,
    pub args: Vec<ArgFlow>,
}

/// What a function does with its inputs, so callers in other files can be
/// linked without reopening this file's tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FunctionSummary {
    /// Qualified symbol within the file (`UserService.find`).
    pub symbol: String,
    /// Name callers use, qualified by module: `app.db.run_query`, `src/db::runQuery`.
    pub export_name: String,
    pub params: Vec<String>,
    pub location: Location,
    /// Parameters whose data reaches the return value.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub returns_params: Vec<u32>,
    /// A source read inside the function that reaches the return value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns_source: Option<Source>,
    /// Unmodelled calls whose results reach the return value (resolved
    /// callee names): the engine follows the repository's own ones, so a
    /// chain of helpers returning each other's results is seen through.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub returns_calls: Vec<String>,
    /// Sink kinds its return value is clean for (`*` when all): what it
    /// returns taints no sink of those kinds in its callers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub returns_clean: Vec<String>,
    /// Calls made by this function.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<CallSite>,
    /// The function runs SQL text it takes as a parameter, with bound
    /// parameters passed to the driver separately: a query helper, if the
    /// project calls it that way (the model decides from the call sites).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_helper: Option<QueryHelper>,
    /// The function makes an outbound HTTP call on a URL from one of its
    /// parameters after checking that URL's host against a constant
    /// collection: an HTTP client wrapper with an allowlist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_wrapper: Option<HttpWrapper>,
}

/// A function's body runs `call(<parameter>, <bound parameters>)` on a
/// SQL driver, the SQL text being one of its parameters, untouched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct QueryHelper {
    /// The parameter (0-based, as call sites count arguments) holding the SQL text.
    pub param: u32,
    /// The driver call as resolved (`*.execute`, `pg.Pool().query`).
    pub call: String,
    /// Where the driver is called.
    pub location: Location,
}

/// A function's body checks a URL parameter's host against a constant
/// collection, then calls an HTTP client on that URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct HttpWrapper {
    /// The parameter (0-based, as call sites count arguments) holding the URL.
    pub param: u32,
    /// The client call as resolved (`requests.get`, `axios.get`, `fetch`).
    pub call: String,
    /// The client library (`requests`, `httpx`, `axios`, `fetch`).
    pub client: String,
    /// The collection the host is checked against, as written (`ALLOWED_HOSTS`).
    pub allowlist: String,
    /// Where the client is called.
    pub location: Location,
}

impl HttpWrapper {
    /// The wrapper of `call` (as resolved) on parameter `param`, checked
    /// against `allowlist`; the client is the call's first path segment.
    pub fn new(param: u32, call: &str, allowlist: &str, location: Location) -> HttpWrapper {
        HttpWrapper {
            param,
            call: call.to_string(),
            client: call
                .split(['.', '('])
                .next()
                .unwrap_or_default()
                .to_string(),
            allowlist: allowlist.to_string(),
            location,
        }
    }
}

/// Everything extracted from one file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FileFacts {
    pub path: String,
    pub lang: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<Fact>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub imports: Vec<Import>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub functions: Vec<FunctionSummary>,
    /// Inline ignores: `breakwater: ignore[rule-id] reason` comments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignores: Vec<InlineIgnore>,
    /// The tree had syntax errors; facts come from a partial tree.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
    /// Part of the file could not be read (a YAML syntax error, aliases
    /// expanding past their budget, a manifest that is not valid JSON or
    /// TOML): the facts are those of what was read (secrets are looked for
    /// in the whole text), and the file is reported as skipped with this
    /// reason, never silently.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub unread: Option<bw_files::SkipReason>,
    /// Where the analysis stopped short of the code (a limit was reached):
    /// what lies beyond was not analysed, so a flow through it may be
    /// missing. At most one note per limit and symbol, in file order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub truncated: Vec<Truncation>,
}

/// A limit of the analysis, reached: the code beyond it was not analysed
/// (its values count as of unknown origin, its statements are not read).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct Truncation {
    /// Which limit (one of [`TruncationLimit`]'s names: `nesting-depth`, …).
    pub limit: String,
    /// The first place where it was reached in this symbol.
    pub location: Location,
    /// The enclosing symbol (`create_app.upload`, `<module>`).
    pub symbol: String,
}

/// The limits an extractor may reach, each with what it means for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TruncationLimit {
    /// Statements, expressions and functions nested deeper than the
    /// extractor follows (recursion is bounded to keep the stack safe).
    NestingDepth,
    /// More unmodelled calls flow into one value than are remembered, so
    /// a later one that returns outside data could not be followed.
    UnresolvedCalls,
    /// The dataflow analysis did not settle within its bounds (visits of
    /// one block, rounds of function summaries): what it had then is kept.
    AnalysisRounds,
}

impl TruncationLimit {
    pub fn name(self) -> &'static str {
        match self {
            TruncationLimit::NestingDepth => "nesting-depth",
            TruncationLimit::UnresolvedCalls => "unresolved-calls",
            TruncationLimit::AnalysisRounds => "analysis-rounds",
        }
    }

    pub fn parse(name: &str) -> Option<TruncationLimit> {
        [
            TruncationLimit::NestingDepth,
            TruncationLimit::UnresolvedCalls,
            TruncationLimit::AnalysisRounds,
        ]
        .into_iter()
        .find(|l| l.name() == name)
    }

    /// What the limit is and what was not analysed, for a person.
    pub fn message(self) -> &'static str {
        match self {
            TruncationLimit::NestingDepth => {
                "code nested deeper than the analysis follows was not analysed; a flow through it may be missing"
            }
            TruncationLimit::UnresolvedCalls => {
                "more unmodelled calls flow into one value than the analysis remembers; a call returning outside data may be missing"
            }
            TruncationLimit::AnalysisRounds => {
                "the dataflow analysis of this code did not settle within its bounds; a flow through it may be missing"
            }
        }
    }
}

impl Truncation {
    pub fn new(limit: TruncationLimit, location: Location, symbol: &str) -> Truncation {
        Truncation {
            limit: limit.name().to_string(),
            location,
            symbol: symbol.to_string(),
        }
    }

    /// Add `t` to `notes` unless the same limit was already noted in the
    /// same symbol (the first place is kept).
    pub fn note(notes: &mut Vec<Truncation>, t: Truncation) {
        if !notes
            .iter()
            .any(|n| n.limit == t.limit && n.symbol == t.symbol)
        {
            notes.push(t);
        }
    }
}

/// An inline ignore comment. A missing reason is kept (and reported) but
/// does not silence anything.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct InlineIgnore {
    pub location: Location,
    pub rules: Vec<String>,
    pub reason: String,
}
