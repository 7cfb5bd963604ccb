//! Entries: routes, views, MCP and agent tools; their handler parameters.

use super::names::*;
use super::{Ctx, Deferred, FnInfo, Scope};
use crate::evidence;
use crate::types::*;
use bw_lang::{FieldExt, KindExt};
use foldhash::HashMap;
use tree_sitter::Node;

#[derive(Debug, Clone, Default)]
pub(crate) struct EntryDraft {
    pub kind: &'static str,
    pub framework: String,
    pub method: Option<String>,
    pub route: Option<String>,
    pub router: Option<String>,
    pub auth: Vec<String>,
    pub public: bool,
    pub csrf_exempt: bool,
    pub rate_limit: Vec<String>,
    pub body_model: Option<String>,
    pub description: Option<String>,
    pub handler: Option<String>,
    pub ev: Option<Evidence>,
    pub path_params: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) enum ParamRole {
    Request(String),
    ToolInput,
    Inert,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Role {
    pub entries: Vec<EntryDraft>,
    pub params: HashMap<String, ParamRole>,
    pub path_params: Vec<String>,
    pub framework: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum ViewKind {
    #[default]
    None,
    Django,
    Drf,
    DrfViewSet,
    /// `flask.views.MethodView` / `View`.
    Flask,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct ClassCtx {
    pub symbol: String,
    pub view: ViewKind,
    pub auth: Vec<String>,
    pub public: bool,
    pub csrf_exempt: bool,
    pub rate_limit: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Param {
    pub name: String,
    pub ann: Option<String>,
    pub default: Option<String>,
    pub loc: Location,
    pub star: bool,
}

/// The parameters of a function definition.
pub(crate) fn params_of(def: Node<'_>, src: &str, path: &str) -> Vec<Param> {
    let mut out = Vec::new();
    let Some(ps) = def.field("parameters") else {
        return out;
    };
    for p in named_kids(ps) {
        let (name_node, ann, default, star) = match p.node_kind() {
            "identifier" => (Some(p), None, None, false),
            "typed_parameter" => {
                let id = named_kids(p).into_iter().find(|c| {
                    matches!(
                        c.node_kind(),
                        "identifier" | "list_splat_pattern" | "dictionary_splat_pattern"
                    )
                });
                let star = id.is_some_and(|i| i.node_kind() != "identifier");
                let id = id.map(|i| {
                    if i.node_kind() == "identifier" {
                        i
                    } else {
                        i.named_child(0).unwrap_or(i)
                    }
                });
                (id, p.field("type"), None, star)
            }
            "default_parameter" => (p.field("name"), None, p.field("value"), false),
            "typed_default_parameter" => {
                (p.field("name"), p.field("type"), p.field("value"), false)
            }
            "list_splat_pattern" | "dictionary_splat_pattern" => {
                (p.named_child(0), None, None, true)
            }
            _ => (None, None, None, false),
        };
        let Some(nn) = name_node else { continue };
        out.push(Param {
            name: text(nn, src).to_string(),
            ann: ann.map(|a| text(a, src).to_string()),
            default: default.map(|d| text(d, src).to_string()),
            loc: crate::evidence::location(path, nn, src),
            star,
        });
    }
    out
}

/// The dependency named in `Depends(x)` / `Security(x)` / `Annotated[T, Depends(x)]`.
fn depends_name(s: &str) -> Option<String> {
    for key in ["Depends(", "Security("] {
        if let Some(i) = s.find(key) {
            let rest = &s[i + key.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
                .collect();
            return Some(if name.is_empty() {
                key.trim_end_matches('(').to_string()
            } else {
                name
            });
        }
    }
    None
}

const INERT_TYPES: &[&str] = &[
    "Request",
    "Response",
    "Session",
    "AsyncSession",
    "BackgroundTasks",
    "WebSocket",
    "SecurityScopes",
    "HTTPConnection",
    "Context",
    "RunContextWrapper",
];

fn http_method_of_action(name: &str) -> Option<&'static str> {
    Some(match name {
        "get" | "list" | "retrieve" => "GET",
        "post" | "create" => "POST",
        "put" | "update" => "PUT",
        "patch" | "partial_update" => "PATCH",
        "delete" | "destroy" => "DELETE",
        "head" => "HEAD",
        "options" => "OPTIONS",
        _ => return None,
    })
}

struct Dec<'t> {
    node: Node<'t>,
    path: String,
    written: String,
    call: Option<Node<'t>>,
}

impl<'s> Ctx<'s> {
    /// The `methods=[...]` of a route registration, GET when absent.
    pub(super) fn methods_kw(&self, node: Option<Node<'_>>) -> Vec<String> {
        let methods = node.map(|n| lit_list(n, self.src)).unwrap_or_default();
        if methods.is_empty() {
            vec!["GET".to_string()]
        } else {
            methods
        }
    }

    fn dec_args<'t>(&self, call: Node<'t>) -> (Vec<Node<'t>>, Vec<(String, Node<'t>)>) {
        let mut pos = Vec::new();
        let mut kw = Vec::new();
        if let Some(al) = call.field("arguments") {
            for a in named_kids(al) {
                if a.node_kind() == "keyword_argument" {
                    if let (Some(k), Some(v)) = (a.field("name"), a.field("value")) {
                        kw.push((self.text(k).to_string(), v));
                    }
                } else if a.node_kind() != "comment" {
                    pos.push(a);
                }
            }
        }
        (pos, kw)
    }

    fn is_router_ty(&self, ty: &str, fw: &str) -> bool {
        match fw {
            "flask" => {
                ty.starts_with("flask.Flask()")
                    || ty.starts_with("flask.Blueprint()")
                    || ty.contains("Flask()")
            }
            "fastapi" => {
                ty.starts_with("fastapi.FastAPI()")
                    || ty.starts_with("fastapi.APIRouter()")
                    || ty.starts_with("fastapi.routing.APIRouter()")
            }
            _ => false,
        }
    }

    /// Auth names in a list of permission/dependency expressions.
    fn auth_in_list(&self, n: Node<'_>) -> (Vec<String>, bool) {
        let mut auth = Vec::new();
        let mut public = false;
        let items = if matches!(n.node_kind(), "list" | "tuple") {
            named_kids(n)
        } else {
            vec![n]
        };
        for it in items {
            let t = self.text(it);
            if let Some(d) = depends_name(t) {
                if authish(&d) {
                    auth.push(d);
                }
                continue;
            }
            let last = t.rsplit('.').next().unwrap_or(t).trim_end_matches("()");
            if last == "AllowAny" {
                public = true;
            } else if !last.is_empty()
                && (last.starts_with("Is") || authish(last) || last.contains("Permission"))
            {
                auth.push(last.to_string());
            }
        }
        (auth, public)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn role_of(
        &mut self,
        def: Node<'_>,
        decs: &[Node<'_>],
        name: &str,
        symbol: &str,
        params: &[Param],
        class: Option<&ClassCtx>,
        parent: &Scope,
    ) -> Role {
        let mut role = Role::default();
        let mut auth: Vec<String> = Vec::new();
        let mut public = false;
        let mut csrf_exempt = false;
        let mut rate_limit: Vec<String> = Vec::new();
        let mut django_methods: Vec<String> = Vec::new();
        let mut api_view = false;
        let mut tool = false;
        let mut drafts: Vec<EntryDraft> = Vec::new();
        let decs: Vec<Dec<'_>> = decs
            .iter()
            .filter_map(|d| {
                let e = d.named_child(0)?;
                let (f, call) = if e.node_kind() == "call" {
                    (e.field("function")?, Some(e))
                } else {
                    (e, None)
                };
                Some(Dec {
                    node: *d,
                    path: self.path_of(f, parent).unwrap_or_default(),
                    written: self.text(f).to_string(),
                    call,
                })
            })
            .collect();
        let fastapi_file = self.imports_root("fastapi");
        let flask_file = self.imports_root("flask");
        for d in &decs {
            let last = d.path.rsplit('.').next().unwrap_or("").to_string();
            let recv_ty = d
                .path
                .rsplit_once('.')
                .map(|(a, _)| a.to_string())
                .unwrap_or_default();
            let recv_written = d
                .written
                .rsplit_once('.')
                .map(|(a, _)| a.to_string())
                .unwrap_or_default();
            let (pos, kw) = d.call.map(|c| self.dec_args(c)).unwrap_or_default();
            let kwv = |k: &str| kw.iter().find(|(n, _)| n == k).map(|(_, v)| *v);
            let ev = self.ev(d.node, symbol);
            let is_route_method = matches!(
                last.as_str(),
                "get"
                    | "post"
                    | "put"
                    | "patch"
                    | "delete"
                    | "head"
                    | "options"
                    | "api_route"
                    | "websocket"
                    | "route"
            );
            if is_route_method && d.call.is_some() && !recv_written.is_empty() {
                let fw = if self.is_router_ty(&recv_ty, "fastapi") {
                    "fastapi"
                } else if self.is_router_ty(&recv_ty, "flask") {
                    "flask"
                } else if fastapi_file {
                    "fastapi"
                } else if flask_file {
                    "flask"
                } else {
                    ""
                };
                // FastAPI has no `.route` decorator of its own on a plain object.
                let fastapi_route_on_unknown =
                    last == "route" && fw == "fastapi" && !self.is_router_ty(&recv_ty, "fastapi");
                if !fw.is_empty() && !fastapi_route_on_unknown {
                    let route = pos
                        .first()
                        .and_then(|p| lit_str(*p, self.src))
                        .or_else(|| kwv("path").and_then(|v| lit_str(v, self.src)));
                    let route = match (self.router_prefix.get(&recv_written), route) {
                        (Some(pre), Some(r)) => Some(format!("{}{r}", pre.trim_end_matches('/'))),
                        (_, r) => r,
                    };
                    let methods: Vec<String> = if last == "route" || last == "api_route" {
                        let m: Vec<String> = kwv("methods")
                            .map(|v| lit_list(v, self.src))
                            .unwrap_or_default()
                            .iter()
                            .map(|s| s.to_uppercase())
                            .collect();
                        if m.is_empty() { vec!["GET".into()] } else { m }
                    } else if last == "websocket" {
                        vec!["GET".into()]
                    } else {
                        vec![last.to_uppercase()]
                    };
                    let mut dauth = Vec::new();
                    let mut drate = Vec::new();
                    if let Some(v) = kwv("dependencies") {
                        dauth = self.auth_in_list(v).0;
                        // fastapi-limiter: `dependencies=[Depends(RateLimiter(times=5, seconds=60))]`
                        if self.text(v).contains("RateLimiter") {
                            drate.push("RateLimiter".to_string());
                        }
                    }
                    for m in methods {
                        drafts.push(EntryDraft {
                            kind: "http",
                            framework: fw.into(),
                            method: Some(m),
                            route: route.clone(),
                            router: Some(recv_written.clone()),
                            auth: dauth.clone(),
                            rate_limit: drate.clone(),
                            ev: Some(ev.clone()),
                            path_params: route.as_deref().map(path_params).unwrap_or_default(),
                            ..Default::default()
                        });
                    }
                    role.framework = Some(fw.into());
                    continue;
                }
            }
            // MCP
            if (last == "tool" || last == "resource" || last == "call_tool")
                && (recv_ty.contains("FastMCP")
                    || recv_ty.starts_with("mcp.")
                    || recv_ty.starts_with("fastmcp."))
            {
                let kind = if last == "resource" {
                    "mcp-resource"
                } else {
                    "mcp-tool"
                };
                let route = if last == "resource" {
                    pos.first()
                        .and_then(|p| lit_str(*p, self.src))
                        .or_else(|| kwv("uri").and_then(|v| lit_str(v, self.src)))
                } else {
                    kwv("name")
                        .and_then(|v| lit_str(v, self.src))
                        .or_else(|| Some(name.to_string()))
                };
                drafts.push(EntryDraft {
                    kind,
                    framework: "mcp".into(),
                    route,
                    router: Some(recv_written.clone()),
                    description: kwv("description").and_then(|v| lit_str(v, self.src)),
                    ev: Some(ev.clone()),
                    ..Default::default()
                });
                tool = true;
                role.framework = Some("mcp".into());
                continue;
            }
            // OpenAI Agents SDK @function_tool
            if d.path == "agents.function_tool" || d.path == "agents.tool.function_tool" {
                let route = kwv("name_override")
                    .and_then(|v| lit_str(v, self.src))
                    .unwrap_or_else(|| name.to_string());
                drafts.push(EntryDraft {
                    kind: "agent-tool",
                    framework: "openai".into(),
                    route: Some(route),
                    ev: Some(ev.clone()),
                    ..Default::default()
                });
                tool = true;
                role.framework = Some("openai".into());
                continue;
            }
            // LangChain @tool
            if last == "tool"
                && (d.path.starts_with("langchain") || d.path.starts_with("langchain_core"))
            {
                let route = pos
                    .first()
                    .and_then(|p| lit_str(*p, self.src))
                    .unwrap_or_else(|| name.to_string());
                drafts.push(EntryDraft {
                    kind: "agent-tool",
                    framework: "langchain".into(),
                    route: Some(route),
                    ev: Some(ev.clone()),
                    ..Default::default()
                });
                tool = true;
                role.framework = Some("langchain".into());
                continue;
            }
            // Celery tasks
            if (last == "task" && (recv_ty.contains("Celery()") || self.imports_root("celery")))
                || d.path == "celery.shared_task"
            {
                self.push(
                    Fact::new(Subject::Queue, "celery", ev.clone())
                        .with("library", Prop::Str("celery".into()))
                        .with("role", Prop::Str("consumer".into()))
                        .with("topic", Prop::Str(name.to_string())),
                );
                continue;
            }
            match last.as_str() {
                "csrf_exempt" | "exempt"
                    if last == "csrf_exempt" || recv_written.contains("csrf") =>
                {
                    csrf_exempt = true;
                    continue;
                }
                "limit" | "shared_limit"
                    if recv_written.to_ascii_lowercase().contains("limit")
                        || recv_ty.contains("Limiter") =>
                {
                    rate_limit.push(d.written.clone());
                    continue;
                }
                // django-ratelimit, ratelimit-style decorators
                "ratelimit" | "rate_limit" | "throttle" | "rate_limited" | "throttle_classes" => {
                    rate_limit.push(d.written.clone());
                    continue;
                }
                // `@app.before_request` hook that checks the user: app-wide auth.
                "before_request" | "before_app_request" if !recv_written.is_empty() => {
                    let body = def.field("body").map(|b| self.text(b)).unwrap_or("");
                    if authish(name)
                        || body.contains("is_authenticated")
                        || body.contains("abort(401")
                        || body.contains("abort(403")
                        || body.contains("Unauthorized")
                    {
                        let parent_sym = parent.symbol.clone();
                        let mut sc = Scope {
                            symbol: parent_sym,
                            ..Default::default()
                        };
                        sc.is_module = parent.is_module;
                        self.middleware(d.node, &sc, "auth", name, Some(&recv_written), "flask");
                    }
                    continue;
                }
                "api_view" => {
                    api_view = true;
                    django_methods = pos
                        .first()
                        .map(|p| lit_list(*p, self.src))
                        .unwrap_or_default();
                    if django_methods.is_empty() {
                        django_methods.push("GET".into());
                    }
                    continue;
                }
                "permission_classes" => {
                    if let Some(p) = pos.first() {
                        let (a, pb) = self.auth_in_list(*p);
                        auth.extend(a);
                        public |= pb;
                    }
                    continue;
                }
                "require_http_methods" => {
                    django_methods = pos
                        .first()
                        .map(|p| lit_list(*p, self.src))
                        .unwrap_or_default();
                    continue;
                }
                "require_POST" => {
                    django_methods = vec!["POST".into()];
                    continue;
                }
                "require_GET" | "require_safe" => {
                    django_methods = vec!["GET".into()];
                    continue;
                }
                "action" if class.is_some_and(|c| c.view == ViewKind::DrfViewSet) => {
                    let ms = self.methods_kw(kwv("methods"));
                    let route = kwv("url_path")
                        .and_then(|v| lit_str(v, self.src))
                        .unwrap_or_else(|| name.to_string());
                    if let Some(pc) = kwv("permission_classes") {
                        let (a, pb) = self.auth_in_list(pc);
                        auth.extend(a);
                        public |= pb;
                    }
                    for m in ms {
                        drafts.push(EntryDraft {
                            kind: "http",
                            framework: "drf".into(),
                            method: Some(m.to_uppercase()),
                            route: Some(route.clone()),
                            ev: Some(self.def_ev(def, symbol)),
                            ..Default::default()
                        });
                    }
                    continue;
                }
                "method_decorator" => {
                    if let Some(p) = pos.first() {
                        let t = self.text(*p);
                        if t.contains("csrf_exempt") {
                            csrf_exempt = true;
                        } else if authish(t) {
                            auth.push(t.to_string());
                        }
                    }
                    continue;
                }
                _ => {}
            }
            if authish(&d.written) || authish(&last) {
                auth.push(d.written.clone());
            }
        }
        if let Some(c) = class {
            rate_limit.extend(c.rate_limit.iter().cloned());
            auth.extend(c.auth.iter().cloned());
            public |= c.public;
            csrf_exempt |= c.csrf_exempt;
        }

        let django = self.imports_root("django") || self.imports_root("rest_framework");
        // Django function views and class-based view methods.
        if drafts.is_empty() && django {
            // A function view: `request` first, in a views module or carrying a view decorator
            // (a `get_client_ip(request)` helper in utils.py is not a view).
            let file = self.path.rsplit('/').next().unwrap_or(self.path);
            let views_module = file.starts_with("views")
                || self.path.contains("/views/")
                || matches!(file, "api.py" | "endpoints.py" | "handlers.py");
            let view_decorated = !auth.is_empty()
                || csrf_exempt
                || !django_methods.is_empty()
                || !rate_limit.is_empty();
            let fbv = class.is_none()
                && parent.is_module
                && !name.starts_with('_')
                && (views_module || view_decorated)
                && params.first().is_some_and(|p| p.name == "request");
            let cbv = class.is_some_and(|c| c.view != ViewKind::None)
                && params.get(1).is_some_and(|p| p.name == "request")
                && http_method_of_action(name).is_some()
                && !(class.is_some_and(|c| c.view != ViewKind::DrfViewSet)
                    && matches!(
                        name,
                        "list" | "create" | "retrieve" | "update" | "partial_update" | "destroy"
                    ));
            if fbv || cbv || api_view {
                let fw = if api_view
                    || class.is_some_and(|c| matches!(c.view, ViewKind::Drf | ViewKind::DrfViewSet))
                {
                    "drf"
                } else {
                    "django"
                };
                let methods: Vec<String> = if cbv {
                    vec![http_method_of_action(name).unwrap_or("ANY").to_string()]
                } else if django_methods.is_empty() {
                    vec!["ANY".into()]
                } else {
                    django_methods.iter().map(|m| m.to_uppercase()).collect()
                };
                let router = class
                    .map(|c| c.symbol.clone())
                    .unwrap_or_else(|| name.to_string());
                for m in methods {
                    drafts.push(EntryDraft {
                        kind: "http",
                        framework: fw.into(),
                        method: Some(m),
                        router: Some(router.clone()),
                        ev: Some(self.def_ev(def, symbol)),
                        ..Default::default()
                    });
                }
            }
        }
        // Flask class-based views: `get(self, user_id)` on a MethodView.
        if drafts.is_empty()
            && let Some(c) = class.filter(|c| c.view == ViewKind::Flask)
            && matches!(
                name,
                "get" | "post" | "put" | "patch" | "delete" | "head" | "options"
            )
        {
            drafts.push(EntryDraft {
                kind: "http",
                framework: "flask".into(),
                method: Some(name.to_uppercase()),
                router: Some(c.symbol.clone()),
                ev: Some(self.def_ev(def, symbol)),
                ..Default::default()
            });
        }
        // DRF @action drafts get the class as router.
        for d in drafts.iter_mut() {
            if d.framework == "drf" && d.router.is_none() {
                d.router = class.map(|c| c.symbol.clone());
            }
        }
        if self.tool_funcs.contains(name) && parent.is_module {
            tool = true;
        }

        // Parameters.
        let skip_first = class.is_some();
        let is_http = drafts.iter().any(|d| d.kind == "http");
        let fw = drafts
            .first()
            .map(|d| d.framework.clone())
            .unwrap_or_default();
        let route_params: Vec<String> = drafts.iter().flat_map(|d| d.path_params.clone()).collect();
        let mut body_model = None;
        for (i, p) in params.iter().enumerate() {
            if skip_first && i == 0 {
                continue;
            }
            let ann = p.ann.clone().unwrap_or_default();
            let ann_last = ann.rsplit('.').next().unwrap_or(&ann).to_string();
            if tool {
                let inert = INERT_TYPES
                    .iter()
                    .any(|t| ann_last == *t || ann.starts_with(&format!("{t}[")))
                    || p.name == "ctx" && ann.is_empty();
                role.params.insert(
                    p.name.clone(),
                    if inert {
                        ParamRole::Inert
                    } else {
                        ParamRole::ToolInput
                    },
                );
                continue;
            }
            if !is_http {
                // FastAPI dependencies read the request through their defaults:
                // `authorization: str = Header(...)`.
                if fastapi_file {
                    let marker = |s: &str| {
                        [
                            "Header(", "Query(", "Cookie(", "Body(", "Form(", "File(", "Path(",
                        ]
                        .iter()
                        .any(|m| {
                            s.starts_with(m)
                                || s.contains(&format!("[{m}"))
                                || s.contains(&format!(", {m}"))
                        })
                    };
                    if p.default.as_deref().is_some_and(marker) || marker(&ann) {
                        role.params.insert(
                            p.name.clone(),
                            ParamRole::Request(format!("parameter `{}`", p.name)),
                        );
                    }
                }
                continue;
            }
            match fw.as_str() {
                "flask" => {
                    role.params.insert(
                        p.name.clone(),
                        ParamRole::Request(format!("path parameter `{}`", p.name)),
                    );
                    // Class views get their path parameters from the mount's rule.
                    if class.is_some() && !p.star && !role.path_params.contains(&p.name) {
                        role.path_params.push(p.name.clone());
                    }
                }
                "fastapi" => {
                    let dep = p
                        .default
                        .as_deref()
                        .and_then(depends_name)
                        .or_else(|| depends_name(&ann));
                    if let Some(d) = dep {
                        if authish(&d) {
                            auth.push(d);
                        }
                        role.params.insert(p.name.clone(), ParamRole::Inert);
                        continue;
                    }
                    if INERT_TYPES.iter().any(|t| ann_last == *t) {
                        role.params.insert(p.name.clone(), ParamRole::Inert);
                        continue;
                    }
                    let in_path = route_params.contains(&p.name);
                    let label = if in_path {
                        format!("path parameter `{}`", p.name)
                    } else {
                        format!("parameter `{}`", p.name)
                    };
                    role.params
                        .insert(p.name.clone(), ParamRole::Request(label));
                    let scalar = [
                        "str",
                        "int",
                        "float",
                        "bool",
                        "bytes",
                        "UUID",
                        "Optional",
                        "list",
                        "List",
                        "dict",
                        "Dict",
                        "Union",
                        "Annotated",
                        "UploadFile",
                        "datetime",
                        "date",
                    ];
                    if !in_path
                        && !ann.is_empty()
                        && ann.chars().next().is_some_and(|c| c.is_uppercase())
                        && !scalar.iter().any(|s| ann.starts_with(s))
                        && body_model.is_none()
                    {
                        body_model = Some(ann.clone());
                    }
                }
                "django" | "drf" => {
                    // DRF's `format=None` suffix argument is not a path parameter.
                    if p.name == "request"
                        || p.star
                        || (p.name == "format" && p.default.as_deref() == Some("None"))
                    {
                        continue;
                    }
                    role.params.insert(
                        p.name.clone(),
                        ParamRole::Request(format!("path parameter `{}`", p.name)),
                    );
                    if !role.path_params.contains(&p.name) {
                        role.path_params.push(p.name.clone());
                    }
                }
                _ => {}
            }
        }
        for p in &route_params {
            if !role.path_params.contains(p) {
                role.path_params.push(p.clone());
            }
        }
        let pp = role.path_params.clone();
        for d in drafts.iter_mut() {
            d.auth.extend(auth.iter().cloned());
            d.public |= public;
            d.csrf_exempt |= csrf_exempt;
            d.rate_limit.extend(rate_limit.iter().cloned());
            if d.kind == "http" {
                if d.body_model.is_none() {
                    d.body_model = body_model.clone();
                }
                d.path_params = pp.clone();
            }
        }
        if role.framework.is_none() && !fw.is_empty() {
            role.framework = Some(fw);
        }
        role.entries = drafts;
        role
    }

    /// Evidence of a definition's header line (`def get(self, request, pk):`).
    pub(crate) fn def_ev(&self, def: Node<'_>, symbol: &str) -> Evidence {
        let end = def
            .field("parameters")
            .or_else(|| def.field("name"))
            .unwrap_or(def);
        self.ev_span(def, end, symbol)
    }

    pub(crate) fn emit_entries(&mut self, role: &Role, info: &FnInfo, symbol: &str, def: Node<'_>) {
        for d in &role.entries {
            self.emit_entry(d, info, symbol, Some(def));
        }
    }

    pub(crate) fn emit_entry(
        &mut self,
        d: &EntryDraft,
        info: &FnInfo,
        symbol: &str,
        def: Option<Node<'_>>,
    ) {
        let Some(ev) = d.ev.clone().or_else(|| def.map(|n| self.def_ev(n, symbol))) else {
            return;
        };
        let handler = d.handler.clone().unwrap_or_else(|| symbol.to_string());
        let mut f = Fact::new(Subject::Entry, d.kind, ev)
            .with("framework", Prop::Str(d.framework.clone()))
            .with("handler", Prop::Str(handler.clone()));
        if let Some(m) = &d.method {
            f = f.with("method", Prop::Str(m.clone()));
        }
        if let Some(r) = &d.route {
            f = f.with("route", Prop::Str(r.clone()));
        }
        if let Some(r) = &d.router {
            f = f.with("router", Prop::Str(r.clone()));
        }
        let list = |v: &[String]| {
            let mut v = v.to_vec();
            v.sort();
            v.dedup();
            Prop::List(v)
        };
        if !d.auth.is_empty() {
            f = f.with("auth", list(&d.auth));
        }
        if d.public {
            f = f.with("public", Prop::Bool(true));
        }
        if d.csrf_exempt {
            f = f.with("csrf_exempt", Prop::Bool(true));
        }
        if !d.rate_limit.is_empty() {
            f = f.with("rate_limit", list(&d.rate_limit));
        }
        if let Some(desc) = &d.description {
            f = f.with("description", Prop::Str(evidence::normalise(desc)));
        }
        if d.kind == "http" {
            let pp = if d.path_params.is_empty() {
                d.route.as_deref().map(path_params).unwrap_or_default()
            } else {
                d.path_params.clone()
            };
            if !pp.is_empty() {
                f = f.with("path_params", list(&pp));
            }
            if let Some(b) = &d.body_model {
                f = f.with("body_model", Prop::Str(b.clone()));
            }
            let short = handler.rsplit('.').next().unwrap_or(&handler);
            let admin = d.route.as_deref().is_some_and(adminish) || adminish(short);
            f = f.with("admin", Prop::Bool(admin));
            let sc = d
                .method
                .as_deref()
                .is_some_and(|m| matches!(m, "POST" | "PUT" | "PATCH" | "DELETE"))
                || info.method_write;
            f = f.with("state_changing", Prop::Bool(sc));
            f = f.with("audit_log", Prop::Bool(info.audit_log));
            // Admin-only handlers reach every record by design.
            let privileged = admin
                || d.auth.iter().any(|a| {
                    words(a).iter().any(|w| {
                        matches!(
                            w.as_str(),
                            "admin" | "staff" | "superuser" | "role" | "roles" | "isadminuser"
                        )
                    })
                });
            if info.id_lookup && !info.user_check && !privileged {
                f = f.with("id_param_lookup", Prop::Bool(true));
            }
            if info.mass_assign {
                f = f.with("mass_assign", Prop::Bool(true));
            }
        } else {
            if !info.caps.is_empty() {
                f = f.with("writes", Prop::List(info.caps.iter().cloned().collect()));
            }
            f = f.with("confirmation", Prop::Bool(info.confirmation));
        }
        self.push(f);
    }

    pub(crate) fn def_class(
        &mut self,
        n: Node<'_>,
        decs: &[Node<'_>],
        parent: &mut Scope,
        depth: usize,
    ) {
        self.def_class_in(n, decs, parent, None, depth)
    }

    fn def_class_in(
        &mut self,
        n: Node<'_>,
        decs: &[Node<'_>],
        parent: &mut Scope,
        outer: Option<&str>,
        depth: usize,
    ) {
        if depth > super::MAX_DEPTH {
            self.truncate(n, &parent.symbol);
            return;
        }
        let Some(name) = n.field("name").map(|x| self.text(x).to_string()) else {
            return;
        };
        let symbol = match outer {
            Some(o) => format!("{o}.{name}"),
            None if parent.is_module => name.clone(),
            None => format!("{}.{name}", parent.symbol),
        };
        let mut cx = ClassCtx {
            symbol: symbol.clone(),
            ..Default::default()
        };
        let django = self.imports_root("django") || self.imports_root("rest_framework");
        if let Some(sup) = n.field("superclasses") {
            for b in named_kids(sup) {
                if b.node_kind() == "keyword_argument" {
                    continue;
                }
                let p = self.path_of(b, parent).unwrap_or_default();
                let last = p.rsplit('.').next().unwrap_or("").to_string();
                if p.starts_with("rest_framework.viewsets") || last.ends_with("ViewSet") {
                    cx.view = ViewKind::DrfViewSet;
                } else if (p.starts_with("rest_framework") || last.ends_with("APIView"))
                    && cx.view != ViewKind::DrfViewSet
                {
                    cx.view = ViewKind::Drf;
                } else if (p.starts_with("flask.views")
                    || p.starts_with("flask_restful.")
                    || p.starts_with("flask_restx."))
                    && cx.view == ViewKind::None
                {
                    cx.view = ViewKind::Flask;
                } else if (p.starts_with("django.views") || (django && last.ends_with("View")))
                    && cx.view == ViewKind::None
                {
                    cx.view = ViewKind::Django;
                }
                if matches!(
                    last.as_str(),
                    "LoginRequiredMixin" | "PermissionRequiredMixin" | "UserPassesTestMixin"
                ) || (last.ends_with("Mixin") && authish(&last))
                {
                    cx.auth.push(last.clone());
                }
            }
        }
        for d in decs {
            let t = self.text(*d);
            if t.contains("method_decorator") {
                if t.contains("csrf_exempt") {
                    cx.csrf_exempt = true;
                } else if authish(t.trim_start_matches("@method_decorator")) {
                    let inner = t
                        .trim_start_matches("@method_decorator(")
                        .split([',', ')'])
                        .next()
                        .unwrap_or("")
                        .trim();
                    cx.auth.push(inner.to_string());
                }
            } else if t.contains("csrf_exempt") {
                cx.csrf_exempt = true;
            }
        }
        let Some(body) = n.field("body") else {
            return;
        };
        // Class attributes first: permission classes apply to every method.
        for st in named_kids(body) {
            if st.node_kind() != "expression_statement" {
                continue;
            }
            for a in named_kids(st) {
                if a.node_kind() != "assignment" {
                    continue;
                }
                let (Some(l), Some(r)) = (a.field("left"), a.field("right")) else {
                    continue;
                };
                // Flask class views: `decorators = [login_required]`, Flask-RESTful `method_decorators`.
                if matches!(self.text(l), "decorators" | "method_decorators") {
                    for d in named_kids(r) {
                        let t = self.text(d);
                        if authish(t) {
                            cx.auth.push(t.to_string());
                        }
                    }
                }
                if self.text(l) == "throttle_classes" && !named_kids(r).is_empty() {
                    cx.rate_limit.push("throttle_classes".into());
                }
                if self.text(l) == "permission_classes" {
                    let (au, pb) = self.auth_in_list(r);
                    cx.auth.extend(au);
                    cx.public |= pb;
                }
            }
        }
        let mut csc = Scope {
            symbol: symbol.clone(),
            class: Some(symbol.clone()),
            ..Default::default()
        };
        for st in named_kids(body) {
            match st.node_kind() {
                "function_definition" => self.def_function(st, &[], parent, Some(&cx), depth + 1),
                "decorated_definition" => {
                    let ds: Vec<Node<'_>> = named_kids(st)
                        .into_iter()
                        .filter(|c| c.node_kind() == "decorator")
                        .collect();
                    if let Some(d) = st.field("definition") {
                        if d.node_kind() == "function_definition" {
                            self.def_function(d, &ds, parent, Some(&cx), depth + 1);
                        } else if d.node_kind() == "class_definition" {
                            self.def_class_in(d, &ds, parent, Some(&symbol), depth + 1);
                        }
                    }
                }
                "class_definition" => self.def_class_in(st, &[], parent, Some(&symbol), depth + 1),
                _ => self.stmt(st, &mut csc, depth + 1),
            }
        }
    }

    /// Entries whose handler is named: resolve against analysed functions.
    pub(crate) fn finish_deferred(&mut self) {
        let deferred = std::mem::take(&mut self.deferred);
        for Deferred { mut draft, func } in deferred {
            let short = func.rsplit('.').next().unwrap_or(&func).to_string();
            let (symbol, info) = match self
                .fn_infos
                .get(&func)
                .or_else(|| self.fn_infos.get(&short))
            {
                Some((s, i)) => {
                    // The entry belongs to its handler, like a decorated route.
                    if let Some(ev) = draft.ev.as_mut() {
                        ev.symbol = s.clone();
                    }
                    (s.clone(), i.clone())
                }
                None => (func.clone(), FnInfo::default()),
            };
            if draft.route.is_none() && draft.kind != "http" {
                draft.route = Some(short.clone());
            }
            draft.handler = Some(symbol.clone());
            self.emit_entry(&draft, &info, &symbol, None);
        }
    }
}
