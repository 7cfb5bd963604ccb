//! The system model: elements, trust boundaries and data flows.

use bw_facts::{Evidence, Location, Props};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What an element is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ElementKind {
    /// A deployable unit: a compose service, a Kubernetes workload, a package root.
    Component,
    /// A way in: HTTP route, MCP tool/resource, agent tool.
    EntryPoint,
    /// A data store.
    Store,
    /// An external service called over the network.
    External,
    /// A large-language-model provider.
    LlmProvider,
    /// A message queue.
    Queue,
    /// A person or system outside that calls in (the internet user).
    Actor,
}

/// Whether an entry point is protected by authentication.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum AuthState {
    /// An auth control applies (listed in `controls`).
    Present,
    /// Explicitly public (AllowAny, @Public()).
    Public,
    /// No control, and siblings in the same app have one: absence is established.
    Absent,
    /// Discovery cannot tell: a question for the team, never a finding.
    Unknown,
}

/// Details of an entry point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct EntryInfo {
    /// `http`, `mcp-tool`, `mcp-resource`, `agent-tool`.
    pub kind: String,
    pub framework: String,
    /// HTTP method (or `TOOL` for tools).
    pub method: String,
    /// The full route with every mount prefix applied; tools: the tool name.
    pub route: String,
    pub handler: String,
    pub auth: AuthState,
    /// The auth controls that apply, with where they come from
    /// (`@login_required`, `mount /api: requireAuth`, `middleware: passport`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<String>,
    pub rate_limited: bool,
    /// The element ids this entry's handler reaches (stores, externals, LLMs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reaches: Vec<String>,
}

/// A node of the system model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Element {
    /// Stable id from code: `route:GET /api/users/{}`, `store:postgres`,
    /// `external:api.stripe.com`, `llm:openai`, `tool:mcp/run_report`,
    /// `component:api`. Never derived from display names.
    pub id: String,
    pub kind: ElementKind,
    /// Display name (may be overridden by the model file).
    pub name: String,
    /// The component this element belongs to (`component:api`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
    /// The trust boundary the element sits in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boundary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<EntryInfo>,
    /// Technology (`flask`, `postgres`, `openai`, `docker-compose`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub technology: String,
    /// Properties carried from the facts (merged).
    #[serde(default, skip_serializing_if = "Props::is_empty")]
    pub props: Props,
    /// Where in the code this element was found (first few sites).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// Declared in the model file rather than discovered.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub declared: bool,
}

/// A trust boundary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Boundary {
    /// `boundary:internet`, `boundary:service-network`, `boundary:cluster`, or declared.
    pub id: String,
    pub name: String,
    /// Element ids inside it.
    pub elements: Vec<String>,
}

/// An edge of the model.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct DataFlow {
    pub from: String,
    pub to: String,
    /// `HTTPS`, `HTTP`, `SQL`, `Redis`, `LLM API`, `tool call`.
    pub protocol: String,
    /// What travels: `request data`, `queries`, `prompts`.
    pub label: String,
    /// Whether the flow crosses a trust boundary.
    pub crosses_boundary: bool,
    /// `Some(false)` when the code shows a cleartext protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted: Option<bool>,
}

/// Data worth protecting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Asset {
    pub id: String,
    pub name: String,
    /// `public`, `internal`, `confidential`, `restricted`.
    pub classification: String,
    /// Element ids that hold or process it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stored_in: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// The whole model.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SystemModel {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub elements: Vec<Element>,
    pub boundaries: Vec<Boundary>,
    pub flows: Vec<DataFlow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assets: Vec<Asset>,
    /// Safe ways of doing things the project already uses (a query helper,
    /// an HTTP wrapper with an allowlist), found in the code and confirmed
    /// by how the project calls them. Sorted by kind, path, symbol.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conventions: Vec<Convention>,
}

/// What sort of convention a [`Convention`] is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ConventionKind {
    /// A function that runs SQL text it is given with the values bound as
    /// parameters, called with literal SQL holding placeholders.
    QueryHelper,
    /// A function that checks a URL's host against a constant allowlist
    /// before calling an HTTP client on it.
    HttpWrapper,
}

/// A function the project routes a dangerous operation through, safely.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Convention {
    pub kind: ConventionKind,
    /// The file that defines the function.
    pub path: String,
    /// The function's qualified symbol in that file (`fetch_all`, `Db.fetch_all`).
    pub symbol: String,
    /// What it wraps: the driver or client call (`*.execute`, `requests.get`).
    pub wraps: String,
    /// The client library it stands in front of (HTTP wrappers: `requests`, `axios`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub client: String,
    /// The collection the host is checked against (HTTP wrappers: `ALLOWED_HOSTS`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub allowlist: String,
    /// Call sites elsewhere in the repository that use it as intended
    /// (query helpers: with literal SQL holding placeholders).
    pub uses: u32,
    /// Where the function is defined.
    pub location: Location,
}

impl SystemModel {
    pub fn element(&self, id: &str) -> Option<&Element> {
        self.elements.iter().find(|e| e.id == id)
    }
}
