//! Merging per-file facts into the system model.
//!
//! Components come from compose services, Kubernetes workloads, package
//! roots and Dockerfiles; every source file belongs to the component whose
//! directory holds it. Entry points get their full route (mount prefixes
//! applied) and an auth state; auth is *absent* only when established by
//! comparison with sibling routes, otherwise *unknown*. Handlers are
//! followed through the call graph to the stores, externals and LLMs they
//! reach. The result also carries a [`FactCtx`] for every fact: what the
//! model knows around it, which rules read through model predicates.

use crate::link::FnIndex;
use crate::types::*;
use bw_facts::{Fact, FileFacts, Prop, Subject};
use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet};

/// A component (when the file belongs to one) and a web framework: the
/// routes one app serves.
type AppKey = (Option<String>, String);

/// Child router (file, variable) -> its mounts: (parent router, prefix,
/// controls applied at the mount).
type Parents = BTreeMap<(usize, Option<String>), Vec<((usize, String), String, Vec<String>)>>;

/// What the model knows around one fact.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FactCtx {
    /// The element the fact belongs to (entry, store, component…).
    pub element: Option<String>,
    /// Auth of the entry (entries) or of the weakest entry reaching the fact.
    pub auth: Option<AuthState>,
    pub auth_controls: Vec<String>,
    /// Auth controls used by sibling routes (to explain an absence).
    pub sibling_controls: Vec<String>,
    /// Full route of the entry (entries only).
    pub route: Option<String>,
    pub internet_exposed: bool,
    pub exposure_note: Option<String>,
    pub rate_limited: bool,
    pub calls_llm: bool,
    pub writes_store: bool,
    pub in_entry: bool,
    pub csrf_protected: bool,
    pub session_auth: bool,
    pub audit_logged: bool,
    pub datastore_image: bool,
    /// The entry's full route names an admin surface (`/internal/admin/…`).
    pub admin: bool,
    /// An authorization control (permission, role, policy, ownership
    /// check) applies to the entry, beyond authentication.
    pub authz: bool,
    pub framework: Option<String>,
    /// The dependencies declared by the manifests of its ecosystem
    /// covering the fact's file (its folder's and every folder's above
    /// it); `None` when no such manifest covers it.
    pub declared: Option<std::sync::Arc<BTreeSet<String>>>,
    /// Highest classification of the declared assets the fact touches.
    pub classification: Option<String>,
    pub assets: Vec<String>,
}

/// The model plus per-fact context (`ctx[file][fact]`) and open questions.
#[derive(Debug, Clone, Default)]
pub struct Built {
    pub model: SystemModel,
    pub ctx: Vec<Vec<FactCtx>>,
    pub questions: Vec<(String, String)>,
}

const DATASTORE_IMAGES: &[&str] = &[
    "postgres",
    "mysql",
    "mariadb",
    "mongo",
    "redis",
    "memcached",
    "elasticsearch",
    "opensearch",
    "cassandra",
    "couchdb",
    "neo4j",
    "clickhouse",
    "valkey",
    "influxdb",
];

fn is_datastore_image(image: &str) -> bool {
    let base = image.rsplit('/').next().unwrap_or(image);
    let base = base.split([':', '@']).next().unwrap_or(base);
    DATASTORE_IMAGES.iter().any(|d| base.starts_with(d))
}

/// Python module or JS module id of a path.
fn module_ids(path: &str) -> Vec<String> {
    let no_ext = path.rsplit_once('.').map(|(a, _)| a).unwrap_or(path);
    let mut ids = vec![no_ext.to_string()];
    if path.ends_with(".py") {
        let dotted = no_ext.replace('/', ".");
        let dotted = dotted
            .strip_suffix(".__init__")
            .map(str::to_string)
            .unwrap_or(dotted);
        ids.push(dotted);
    }
    if let Some(dir) = no_ext.strip_suffix("/index") {
        ids.push(dir.to_string());
    }
    ids
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

fn norm_dir(d: &str) -> String {
    let d = d.trim().trim_start_matches("./").trim_end_matches('/');
    if d == "." {
        String::new()
    } else {
        d.to_string()
    }
}

/// Join route pieces into one path with a single leading slash.
pub fn join_route(parts: &[&str]) -> String {
    let mut out = String::new();
    for p in parts {
        let p = p.trim();
        if p.is_empty() || p == "/" {
            continue;
        }
        let p = p.trim_start_matches('^').trim_end_matches('$');
        if !out.ends_with('/') && !p.starts_with('/') {
            out.push('/');
        }
        if out.ends_with('/') && p.starts_with('/') {
            out.push_str(&p[1..]);
        } else {
            out.push_str(p);
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    if !out.starts_with('/') {
        out.insert(0, '/');
    }
    out
}

/// The id form of a route: parameters of every syntax become `{}`.
pub fn route_id(route: &str) -> String {
    let mut out = String::new();
    for (i, seg) in route.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        let is_param = seg.starts_with(':')
            || (seg.starts_with('{') && seg.ends_with('}'))
            || (seg.starts_with('<') && seg.ends_with('>'))
            || (seg.starts_with('[') && seg.ends_with(']'))
            || seg.starts_with("(?P<");
        out.push_str(if is_param { "{}" } else { seg });
    }
    out
}

/// Words that make a route public by purpose anywhere in its path: the
/// login flow itself, OAuth callbacks, signed webhooks.
const PUBLIC_ANYWHERE: &[&str] = &[
    "login",
    "logout",
    "signin",
    "signout",
    "signup",
    "register",
    "oauth",
    "oauth2",
    "sso",
    "saml",
    "oidc",
    "callback",
    "forgot",
    "webhook",
    "webhooks",
    "well-known",
    "auth",
    "authentication",
    "invitation",
    "invitations",
    "invite",
    "activate",
    "activation",
    "unsubscribe",
];
/// Words that make a route public by purpose as its last segment, when the
/// route has no path parameter: health probes, docs, token endpoints.
const PUBLIC_LAST: &[&str] = &[
    "token",
    "refresh",
    "health",
    "healthz",
    "healthcheck",
    "livez",
    "readyz",
    "ready",
    "readiness",
    "liveness",
    "ping",
    "status",
    "version",
    "metrics",
    "openapi.json",
    "swagger",
    "docs",
    "robots.txt",
    "favicon.ico",
    "reset",
    "reset-password",
    "verify",
    "verify-email",
    "setup",
];

/// Whether a route is meant to be reached without a login (see the lists above).
pub fn public_purpose(route: &str) -> bool {
    let segs: Vec<String> = route
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| s.to_ascii_lowercase())
        .collect();
    let is_param = |s: &str| route_id(s) == "{}";
    if segs.iter().any(|s| {
        s.split(['-', '_', '.'])
            .any(|w| PUBLIC_ANYWHERE.contains(&w))
            && !is_param(s)
    }) {
        return true;
    }
    // `password-reset`, `forgot_password`, `recover-password`: the way back in.
    if segs.iter().any(|s| {
        let words: Vec<&str> = s.split(['-', '_', '.']).collect();
        words.contains(&"password")
            && words
                .iter()
                .any(|w| matches!(*w, "reset" | "forgot" | "recover" | "recovery"))
    }) {
        return true;
    }
    !segs.iter().any(|s| is_param(s))
        && segs
            .last()
            .is_some_and(|s| PUBLIC_LAST.contains(&s.as_str()))
}

/// Words in a control's name that say it authorizes (decides what this
/// caller may do), not only authenticates (`login_required`).
const AUTHZ_WORDS: &[&str] = &[
    "permission",
    "permissions",
    "perm",
    "perms",
    "requires",
    "role",
    "roles",
    "can",
    "allow",
    "allows",
    "allowed",
    "policy",
    "policies",
    "authorize",
    "authorise",
    "authorization",
    "owner",
    "ownership",
    "admin",
    "staff",
    "superuser",
    "moderator",
    "acl",
    "scope",
    "scopes",
    "access",
    "ability",
    "abilities",
];

/// Whether an auth control authorizes (see [`AUTHZ_WORDS`]).
pub fn is_authz_control(control: &str) -> bool {
    bw_facts::words::words(control)
        .iter()
        .any(|w| AUTHZ_WORDS.contains(&w.as_str()))
}

/// Whether a full route (mount prefixes applied) names an admin surface.
pub fn admin_route(route: &str) -> bool {
    bw_facts::words::is_admin_name(route)
}

struct Comp {
    id: String,
    dir: String,
    technology: String,
    evidence: Vec<bw_facts::Evidence>,
    exposed: Option<String>,
    props: bw_facts::Props,
}

/// Build the model from linked per-file facts (owned, borrowed or
/// copy-on-write: the editor's session lends most files unchanged).
pub fn build<F: Borrow<FileFacts>>(name: &str, files: &[F]) -> Built {
    let files: Vec<&FileFacts> = files.iter().map(Borrow::borrow).collect();
    let files = files.as_slice();
    let mut comps: Vec<Comp> = vec![];
    let all: Vec<(usize, usize, &Fact)> = files
        .iter()
        .enumerate()
        .flat_map(|(fi, f)| f.facts.iter().enumerate().map(move |(ki, k)| (fi, ki, k)))
        .collect();
    let of = |s: Subject| all.iter().filter(move |(_, _, f)| f.subject == s);

    // --- exposure from infrastructure --------------------------------------
    let mut exposed_services: BTreeSet<String> = BTreeSet::new();
    for (_, _, f) in of(Subject::K8sService) {
        if matches!(f.str("type"), Some("LoadBalancer" | "NodePort")) {
            exposed_services.insert(f.str("name").unwrap_or("").to_string());
        }
    }
    let mut ingress_backends: BTreeSet<String> = BTreeSet::new();
    for (_, _, f) in of(Subject::Ingress) {
        ingress_backends.extend(f.list("backends").iter().cloned());
    }
    let service_selectors: Vec<(String, Vec<String>, bool)> = of(Subject::K8sService)
        .map(|(_, _, f)| {
            let name = f.str("name").unwrap_or("").to_string();
            let exposed = exposed_services.contains(&name) || ingress_backends.contains(&name);
            (name, f.list("selector").to_vec(), exposed)
        })
        .collect();

    // --- components -------------------------------------------------------
    for (_, _, f) in of(Subject::ComposeService) {
        let name = f
            .str("name")
            .unwrap_or(&f.evidence.symbol)
            .trim_start_matches("services.")
            .to_string();
        let dir = f.str("build").map(|b| {
            let base = dir_of(&f.evidence.location.path);
            let b = norm_dir(b);
            norm_dir(&if base.is_empty() {
                b
            } else if b.is_empty() {
                base.to_string()
            } else {
                format!("{base}/{b}")
            })
        });
        let exposed = if f.flag("published_all_interfaces") {
            Some(format!("compose publishes {}", f.list("ports").join(", ")))
        } else {
            None
        };
        comps.push(Comp {
            id: format!("component:{name}"),
            dir: dir.clone().unwrap_or_else(|| "\u{0}".into()),
            technology: f
                .str("image")
                .map(|i| i.to_string())
                .unwrap_or_else(|| "docker-compose".into()),
            evidence: vec![f.evidence.clone()],
            exposed,
            props: f.props.clone(),
        });
    }
    // Exposed services by the first label of their selector: a workload
    // matches a service only if it carries that label, so each workload
    // looks at the services of its own labels, not at every service.
    let mut exposed_by_label: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, (_, sel, exp)) in service_selectors.iter().enumerate() {
        if *exp && let Some(first) = sel.first() {
            exposed_by_label.entry(first.as_str()).or_default().push(i);
        }
    }
    let mut comp_ids: BTreeSet<String> = comps.iter().map(|c| c.id.clone()).collect();
    for (_, _, f) in of(Subject::Workload) {
        let name = f.str("name").unwrap_or(&f.evidence.symbol).to_string();
        let labels = f.list("labels");
        // The first matching service in declaration order, as before.
        let exposed = labels
            .iter()
            .filter_map(|l| exposed_by_label.get(l.as_str()))
            .flatten()
            .copied()
            .filter(|&i| service_selectors[i].1.iter().all(|s| labels.contains(s)))
            .min()
            .map(|i| format!("Kubernetes service {} is exposed", service_selectors[i].0));
        let id = format!("component:{name}");
        if !comp_ids.insert(id.clone()) {
            continue;
        }
        comps.push(Comp {
            id,
            dir: "\u{0}".into(),
            technology: format!("kubernetes {}", f.kind),
            evidence: vec![f.evidence.clone()],
            exposed,
            props: f.props.clone(),
        });
    }
    let mut comp_dirs: BTreeSet<String> = comps.iter().map(|c| c.dir.clone()).collect();
    // Components without a directory yet (workloads, image-only services),
    // by id, in order: a package of the same name gives them one.
    let mut unplaced: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, c) in comps.iter().enumerate() {
        if c.dir == "\u{0}" {
            unplaced.entry(c.id.clone()).or_default().push(i);
        }
    }
    for (_, _, f) in of(Subject::Package).chain(of(Subject::Container)) {
        let dir = dir_of(&f.evidence.location.path).to_string();
        if comp_dirs.contains(&dir) {
            continue;
        }
        let name = f.str("name").map(str::to_string).unwrap_or_else(|| {
            dir.rsplit('/')
                .next()
                .filter(|s| !s.is_empty())
                .unwrap_or(name)
                .to_string()
        });
        let id = format!("component:{name}");
        if let Some(waiting) = unplaced.get_mut(&id).filter(|w| !w.is_empty()) {
            let i = waiting.remove(0);
            comp_dirs.insert(dir.clone());
            comps[i].dir = dir;
            continue;
        }
        if !comp_ids.insert(id.clone()) {
            continue;
        }
        comp_dirs.insert(dir.clone());
        comps.push(Comp {
            id,
            dir,
            technology: if f.subject == Subject::Package {
                f.kind.clone()
            } else {
                "container".into()
            },
            evidence: vec![f.evidence.clone()],
            exposed: None,
            props: Default::default(),
        });
    }
    let has_code = files.iter().any(|f| {
        matches!(
            f.lang.as_str(),
            "python" | "javascript" | "typescript" | "tsx"
        )
    });
    let code_comps: Vec<usize> = comps
        .iter()
        .enumerate()
        .filter(|(_, c)| c.dir != "\u{0}")
        .map(|(i, _)| i)
        .collect();
    if has_code && code_comps.is_empty() {
        comps.push(Comp {
            id: format!("component:{}", if name.is_empty() { "app" } else { name }),
            dir: String::new(),
            technology: String::new(),
            evidence: vec![],
            exposed: None,
            props: Default::default(),
        });
    }
    // A single code component takes the exposure of a Kubernetes workload
    // that is not a datastore, when nothing maps them by name.
    let code_comps: Vec<usize> = comps
        .iter()
        .enumerate()
        .filter(|(_, c)| c.dir != "\u{0}")
        .map(|(i, _)| i)
        .collect();
    if code_comps.len() == 1 && comps[code_comps[0]].exposed.is_none() {
        let note = comps
            .iter()
            .filter(|c| c.dir == "\u{0}" && c.technology.starts_with("kubernetes"))
            .filter(|c| {
                !c.props
                    .get("images")
                    .and_then(Prop::as_list)
                    .unwrap_or(&[])
                    .iter()
                    .any(|i| is_datastore_image(i))
            })
            .find_map(|c| c.exposed.clone());
        comps[code_comps[0]].exposed = note;
    }
    // A file belongs to the component with the deepest directory holding
    // it (the last one declared, between two with one directory): looked
    // up by the file's own directories, deepest first.
    let mut comp_by_dir: BTreeMap<&str, &str> = BTreeMap::new();
    for c in comps.iter().filter(|c| c.dir != "\u{0}") {
        comp_by_dir.insert(c.dir.as_str(), c.id.as_str());
    }
    let component_of = |path: &str| -> Option<String> {
        let mut dir = path;
        loop {
            if let Some(id) = comp_by_dir.get(dir) {
                return Some(id.to_string());
            }
            if dir.is_empty() {
                return None;
            }
            dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
        }
    };
    let file_comp: Vec<Option<String>> = files.iter().map(|f| component_of(&f.path)).collect();
    let mut exposure: BTreeMap<&str, Option<&str>> = BTreeMap::new();
    for c in &comps {
        exposure
            .entry(c.id.as_str())
            .or_insert(c.exposed.as_deref());
    }
    let comp_exposed = |id: &Option<String>| -> Option<String> {
        id.as_deref()
            .and_then(|id| exposure.get(id).copied().flatten())
            .map(str::to_string)
    };

    // --- routers, mounts, middleware ----------------------------------------
    // Router key: (file index, variable). Mount child keys resolve through module ids.
    let mut module_to_file: BTreeMap<String, usize> = BTreeMap::new();
    for (fi, f) in files.iter().enumerate() {
        for id in module_ids(&f.path) {
            module_to_file.entry(id).or_insert(fi);
        }
    }
    let resolve_child = |fi: usize, child: &str| -> Option<(usize, Option<String>)> {
        if let Some((module, var)) = child.split_once("::") {
            return module_to_file
                .get(module)
                .map(|&f| (f, Some(var.to_string())));
        }
        if let Some(&f) = module_to_file.get(child) {
            return Some((f, None));
        }
        if let Some((module, var)) = child.rsplit_once('.')
            && let Some(&f) = module_to_file.get(module)
        {
            return Some((f, Some(var.to_string())));
        }
        Some((fi, Some(child.to_string())))
    };
    // child router -> (parent router, prefix, controls)
    let mut parents: Parents = BTreeMap::new();
    for (fi, _, f) in of(Subject::Mount) {
        let Some(child) = f.str("child") else {
            continue;
        };
        let Some(key) = resolve_child(*fi, child) else {
            continue;
        };
        let parent = (*fi, f.str("parent").unwrap_or("app").to_string());
        let controls = f
            .list("auth")
            .iter()
            .map(|a| format!("{a} (mount)"))
            .collect();
        parents.entry(key).or_default().push((
            parent,
            f.str("prefix").unwrap_or("").to_string(),
            controls,
        ));
    }
    let mut middleware: BTreeMap<(usize, String), Vec<(String, String)>> = BTreeMap::new();
    let mut comp_middleware: BTreeMap<Option<String>, BTreeSet<String>> = BTreeMap::new();
    // NestJS global guards (useGlobalGuards, APP_GUARD), Next.js
    // middleware.ts and Django/DRF settings protect every route of their
    // app, whichever file declares the route.
    let mut global_auth: BTreeMap<AppKey, Vec<(String, Option<String>)>> = BTreeMap::new();
    for (fi, _, f) in of(Subject::Middleware) {
        let fw = f.str("framework").unwrap_or("");
        // Django settings (LoginRequiredMiddleware) cover Django and DRF
        // views; DRF's DEFAULT_PERMISSION_CLASSES cover DRF views.
        let covers: &[&str] = match fw {
            "nestjs" => &["nestjs"],
            "nextjs" => &["nextjs"],
            "django" => &["django", "drf"],
            "drf" => &["drf"],
            _ => &[],
        };
        if f.kind == "auth" {
            for c in covers {
                global_auth
                    .entry((file_comp[*fi].clone(), c.to_string()))
                    .or_default()
                    .push((
                        f.str("name").unwrap_or("auth").to_string(),
                        f.str("prefix").map(str::to_string),
                    ));
            }
        }
    }
    for (fi, _, f) in of(Subject::Middleware) {
        let router = f.str("router").unwrap_or("app").to_string();
        middleware
            .entry((*fi, router))
            .or_default()
            .push((f.kind.clone(), f.str("name").unwrap_or(&f.kind).to_string()));
        comp_middleware
            .entry(file_comp[*fi].clone())
            .or_default()
            .insert(f.kind.clone());
    }
    // Walk up from a router: prefixes (outermost first) and controls.
    fn chain(
        key: (usize, String),
        parents: &Parents,
        middleware: &BTreeMap<(usize, String), Vec<(String, String)>>,
        depth: usize,
    ) -> (Vec<String>, Vec<String>, bool) {
        let mut controls = vec![];
        let mut rate = false;
        for (kind, name) in middleware.get(&key).into_iter().flatten() {
            match kind.as_str() {
                "auth" => controls.push(format!("{name} (middleware)")),
                "rate-limit" => rate = true,
                _ => {}
            }
        }
        if depth > 8 {
            return (vec![], controls, rate);
        }
        let up = parents
            .get(&(key.0, Some(key.1.clone())))
            .or_else(|| parents.get(&(key.0, None)));
        if let Some(list) = up {
            // First mount wins (deterministic: facts are in file order).
            if let Some((parent, prefix, ctl)) = list.first() {
                let (mut prefixes, pctl, prate) =
                    chain(parent.clone(), parents, middleware, depth + 1);
                prefixes.push(prefix.clone());
                controls.extend(ctl.iter().cloned());
                controls.extend(pctl);
                return (prefixes, controls, rate || prate);
            }
        }
        (vec![], controls, rate)
    }

    // --- entries -----------------------------------------------------------
    struct Ent {
        fi: usize,
        ki: usize,
        id: String,
        route: String,
        info: EntryInfo,
        comp: Option<String>,
        /// The router the route is declared on: (file, variable).
        router: (usize, String),
    }
    let mut entries: Vec<Ent> = vec![];
    for (fi, ki, f) in of(Subject::Entry) {
        let router = f.str("router").unwrap_or("app").to_string();
        // Class-based views (MethodView, Django/DRF views, controllers) are
        // their own "router": compare them with the other views of their
        // file, as a blueprint's routes are compared with each other.
        let handler_class = f
            .str("handler")
            .and_then(|h| h.split('.').next())
            .unwrap_or("");
        let router_key = if router == handler_class {
            (*fi, "<file>".to_string())
        } else {
            (*fi, router.clone())
        };
        let (prefixes, mut controls, rate) = chain((*fi, router), &parents, &middleware, 0);
        controls.splice(0..0, f.list("auth").iter().cloned());
        let mut parts: Vec<&str> = prefixes.iter().map(String::as_str).collect();
        let local = f.str("route").unwrap_or("");
        let (route, id) =
            if f.kind == "http" && local.is_empty() && parts.iter().all(|p| p.is_empty()) {
                // A view whose URL is wired up where breakwater cannot see it
                // (a registration helper, a URL map built at run time): its id
                // comes from the handler, which is unique, instead of `/`.
                let method = f.str("method").unwrap_or("ANY").to_ascii_uppercase();
                let handler = f.str("handler").unwrap_or(&f.evidence.symbol);
                let path = &f.evidence.location.path;
                (
                    format!("(unmounted) {handler}"),
                    format!("route:{method} {path}::{handler}"),
                )
            } else if f.kind == "http" {
                parts.push(local);
                let route = join_route(&parts);
                let method = f.str("method").unwrap_or("ANY").to_ascii_uppercase();
                let id = format!("route:{method} {}", route_id(&route));
                (route, id)
            } else {
                let fw = f.str("framework").unwrap_or("tool");
                (local.to_string(), format!("tool:{fw}/{local}"))
            };
        let fw = f.str("framework").unwrap_or("").to_string();
        for (name, prefix) in global_auth
            .get(&(file_comp[*fi].clone(), fw))
            .into_iter()
            .flatten()
        {
            if f.kind == "http" && prefix.as_deref().is_none_or(|p| route.starts_with(p)) {
                controls.push(format!("{name} (global)"));
            }
        }
        let public_by_purpose = f.kind == "http" && public_purpose(&route);
        let info = EntryInfo {
            kind: f.kind.clone(),
            framework: f.str("framework").unwrap_or("").to_string(),
            method: if f.kind == "http" {
                f.str("method").unwrap_or("ANY").to_ascii_uppercase()
            } else {
                "TOOL".into()
            },
            route: route.clone(),
            handler: f.str("handler").unwrap_or(&f.evidence.symbol).to_string(),
            auth: if f.flag("public") {
                AuthState::Public
            } else if controls.is_empty() && public_by_purpose {
                // Login, health checks, webhooks: public by what they are for.
                AuthState::Public
            } else if controls.is_empty() {
                AuthState::Unknown
            } else {
                AuthState::Present
            },
            controls,
            rate_limited: rate || !f.list("rate_limit").is_empty(),
            reaches: vec![],
        };
        entries.push(Ent {
            fi: *fi,
            ki: *ki,
            id,
            route,
            info,
            comp: file_comp[*fi].clone(),
            router: router_key,
        });
    }
    // Absence is established by comparison, never assumed:
    // - in its own router (blueprint, APIRouter, express.Router, controller),
    //   at least two other routes and 90% of them carry an auth control; or
    // - its router has no auth at all while 90% of the app's other routers
    //   (same component and framework) do — an admin router mounted without
    //   the guard every other router has; or
    // - it is an admin surface (`/admin`, `/internal`) and any route of the
    //   app carries an auth control.
    // Routes public by purpose or explicitly public take no part.
    let counted = |e: &Ent| e.info.kind == "http" && e.info.auth != AuthState::Public;
    let mut per_router: BTreeMap<(usize, String), (usize, usize)> = BTreeMap::new();
    for e in entries.iter().filter(|e| counted(e)) {
        let c = per_router.entry(e.router.clone()).or_default();
        c.0 += 1;
        c.1 += usize::from(e.info.auth == AuthState::Present);
    }
    let mut routers_of_app: BTreeMap<AppKey, BTreeSet<(usize, String)>> = BTreeMap::new();
    for e in entries.iter().filter(|e| counted(e)) {
        routers_of_app
            .entry((e.comp.clone(), e.info.framework.clone()))
            .or_default()
            .insert(e.router.clone());
    }
    // A router is guarded when at least half its counted routes carry auth.
    let guarded = |r: &(usize, String)| {
        per_router
            .get(r)
            .is_some_and(|(t, a)| a * 2 >= *t && *a > 0)
    };
    // Per app: how many routers, and how many of them guarded.
    let app_routers: BTreeMap<&AppKey, (usize, usize)> = routers_of_app
        .iter()
        .map(|(app, routers)| {
            (
                app,
                (routers.len(), routers.iter().filter(|r| guarded(r)).count()),
            )
        })
        .collect();
    let mut sibling: BTreeMap<AppKey, BTreeSet<String>> = BTreeMap::new();
    for e in &entries {
        if e.info.kind == "http" && e.info.auth == AuthState::Present {
            sibling
                .entry((e.comp.clone(), e.info.framework.clone()))
                .or_default()
                .extend(
                    e.info
                        .controls
                        .iter()
                        .map(|c| c.split(" (").next().unwrap_or(c).to_string()),
                );
        }
    }
    let mostly = |authed: usize, total: usize| total > 0 && authed * 10 >= total * 9;
    let absent: Vec<bool> = entries
        .iter()
        .map(|e| {
            if !(counted(e) && e.info.auth == AuthState::Unknown) {
                return false;
            }
            // An admin surface is held to the app's own standard: any route
            // of the app carrying auth establishes that this one lacks it.
            if e.info.kind == "http"
                && admin_route(&e.route)
                && sibling.contains_key(&(e.comp.clone(), e.info.framework.clone()))
            {
                return true;
            }
            let (total, authed) = per_router.get(&e.router).copied().unwrap_or_default();
            // Others in the same router (this one is counted, unauthenticated).
            if total > 2 && mostly(authed, total - 1) {
                return true;
            }
            if authed > 0 {
                return false;
            }
            // The app's other routers (this route's own router is one of
            // the app's, since the route is counted).
            let (routers, guarded_routers) = app_routers
                .get(&(e.comp.clone(), e.info.framework.clone()))
                .copied()
                .unwrap_or_default();
            let others = routers.saturating_sub(1);
            let guarded_others = guarded_routers - usize::from(guarded(&e.router));
            others > 0 && mostly(guarded_others, others)
        })
        .collect();
    for (e, absent) in entries.iter_mut().zip(absent) {
        if absent {
            e.info.auth = AuthState::Absent;
        }
    }

    // --- reachability: handler -> functions it calls --------------------------
    let index = FnIndex::new(files);
    let handler_fn = |fi: usize, handler: &str, symbol: &str| -> Option<(usize, usize)> {
        if let Some(g) = index.enclosing(fi, handler)
            && files[fi].functions[g].symbol == handler
        {
            return Some((fi, g));
        }
        if let Some(r) = index.resolve(handler) {
            return Some(r);
        }
        // `views.detail` written in a urls.py: resolve through the import table.
        if let Some((head, tail)) = handler.split_once('.')
            && let Some(imp) = files[fi].imports.iter().find(|i| i.local == head)
        {
            let full = match &imp.name {
                Some(n) => format!("{}.{}.{tail}", imp.module, n),
                None => format!("{}.{tail}", imp.module),
            };
            if let Some(r) = index.resolve(&full) {
                return Some(r);
            }
        }
        index.enclosing(fi, symbol).map(|g| (fi, g))
    };
    // Every function a handler reaches, however deep the calls go (each
    // visited once).
    let reach = |start: (usize, usize)| -> BTreeSet<(usize, String)> {
        let mut seen: BTreeSet<(usize, usize)> = BTreeSet::new();
        let mut stack = vec![start];
        while let Some((fi, gi)) = stack.pop() {
            if !seen.insert((fi, gi)) {
                continue;
            }
            for call in &files[fi].functions[gi].calls {
                if let Some(t) = index.resolve(&call.callee) {
                    stack.push(t);
                }
            }
        }
        seen.into_iter()
            .map(|(fi, gi)| (fi, files[fi].functions[gi].symbol.clone()))
            .collect()
    };
    // Each file's facts by symbol, so the facts inside a function are a
    // range (its symbol and the symbols nested in it share its prefix).
    let fact_symbols: Vec<Vec<(&str, usize)>> = files
        .iter()
        .map(|f| {
            let mut v: Vec<(&str, usize)> = f
                .facts
                .iter()
                .enumerate()
                .map(|(ki, k)| (k.evidence.symbol.as_str(), ki))
                .collect();
            v.sort();
            v
        })
        .collect();
    // The facts (file, index) inside any of `fns`, in file and fact order.
    let facts_in = |fns: &BTreeSet<(usize, String)>| -> BTreeSet<(usize, usize)> {
        let mut out = BTreeSet::new();
        for (fi, s) in fns {
            let syms = &fact_symbols[*fi];
            let from = syms.partition_point(|(sym, _)| *sym < s.as_str());
            out.extend(
                syms[from..]
                    .iter()
                    .take_while(|(sym, _)| sym.starts_with(s.as_str()))
                    .filter(|(sym, _)| crate::link::within(sym, s))
                    .map(|&(_, ki)| (*fi, ki)),
            );
        }
        out
    };

    // --- elements for stores, externals, LLMs, queues ------------------------------
    let element_id = |f: &Fact| -> Option<String> {
        Some(match f.subject {
            Subject::Store => format!("store:{}", f.kind),
            Subject::Outbound => format!("external:{}", f.str("host").unwrap_or("dynamic")),
            Subject::Llm => format!("llm:{}", f.kind),
            Subject::Queue => format!("queue:{}", f.kind),
            _ => return None,
        })
    };
    let mut elements: BTreeMap<String, Element> = BTreeMap::new();
    for (fi, _, f) in &all {
        let Some(id) = element_id(f) else { continue };
        let (kind, tech) = match f.subject {
            Subject::Store => (ElementKind::Store, f.kind.clone()),
            Subject::Outbound => (
                ElementKind::External,
                f.str("library").unwrap_or("http").to_string(),
            ),
            Subject::Llm => (ElementKind::LlmProvider, f.kind.clone()),
            _ => (ElementKind::Queue, f.kind.clone()),
        };
        let el = elements.entry(id.clone()).or_insert_with(|| Element {
            id: id.clone(),
            kind,
            name: id
                .split_once(':')
                .map(|(_, n)| n.to_string())
                .unwrap_or(id.clone()),
            component: file_comp[*fi].clone(),
            boundary: None,
            entry: None,
            technology: tech,
            props: Default::default(),
            evidence: vec![],
            declared: false,
        });
        if el.evidence.len() < 3 {
            el.evidence.push(f.evidence.clone());
        }
        for (k, v) in &f.props {
            el.props.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }

    // --- per-entry reach and per-fact context ------------------------------------
    let mut ctx: Vec<Vec<FactCtx>> = files
        .iter()
        .map(|f| vec![FactCtx::default(); f.facts.len()])
        .collect();
    // What each file's manifests of its own ecosystem declare (a package's
    // dependencies serve the code below its folder, a monorepo's root ones
    // too; a `package.json` says nothing of the Python beside it). One
    // set per distinct group of manifests, shared by the files under it.
    let manifests: Vec<(&str, &str, &[String])> = of(Subject::Package)
        .map(|(_, _, f)| {
            (
                f.kind.as_str(),
                dir_of(&f.evidence.location.path),
                f.list("dependencies"),
            )
        })
        .collect();
    if !manifests.is_empty() {
        let mut sets: BTreeMap<Vec<usize>, std::sync::Arc<BTreeSet<String>>> = BTreeMap::new();
        for (fi, f) in files.iter().enumerate() {
            let ecosystem = match f.lang.as_str() {
                "python" => "python",
                "javascript" | "typescript" | "tsx" => "npm",
                _ => continue,
            };
            let covering: Vec<usize> = manifests
                .iter()
                .enumerate()
                .filter(|(_, (kind, d, _))| {
                    *kind == ecosystem
                        && (d.is_empty()
                            || f.path
                                .strip_prefix(d)
                                .is_some_and(|rest| rest.starts_with('/')))
                })
                .map(|(i, _)| i)
                .collect();
            if covering.is_empty() {
                continue;
            }
            let declared = sets
                .entry(covering)
                .or_insert_with_key(|c| {
                    std::sync::Arc::new(
                        c.iter()
                            .flat_map(|&i| manifests[i].2.iter().cloned())
                            .collect(),
                    )
                })
                .clone();
            for c in &mut ctx[fi] {
                c.declared = Some(declared.clone());
            }
        }
    }
    // Entries whose handler is the same function reach the same facts, so
    // what a handler function reaches is computed once, and a fact records
    // the handlers (groups of entries) reaching it, not every entry: a file
    // of anonymous handlers, all attributed to its module code, would
    // otherwise cost entries × facts in time and memory.
    struct Group {
        entries: Vec<usize>,
        reaches: Vec<String>,
    }
    let mut groups: Vec<Group> = vec![];
    let mut group_of: BTreeMap<Option<(usize, usize)>, usize> = BTreeMap::new();
    let mut fact_groups: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (ei, e) in entries.iter_mut().enumerate() {
        let fact = &files[e.fi].facts[e.ki];
        let start = handler_fn(e.fi, &e.info.handler, &fact.evidence.symbol);
        let g = *group_of.entry(start).or_insert_with(|| {
            let g = groups.len();
            let fns = start.map(reach).unwrap_or_default();
            let mut reaches = BTreeSet::new();
            for (fi, ki) in facts_in(&fns) {
                fact_groups.entry((fi, ki)).or_default().push(g);
                if let Some(id) = element_id(&files[fi].facts[ki]) {
                    reaches.insert(id);
                }
            }
            groups.push(Group {
                entries: vec![],
                reaches: reaches.into_iter().collect(),
            });
            g
        });
        groups[g].entries.push(ei);
        e.info.reaches = groups[g].reaches.clone();
    }
    // What the entries of a group share, for the facts they reach: the
    // weakest auth (by rank, then the later entry, as a scan of the entries
    // in order finds it), whether they call an LLM, are all rate limited,
    // and whether one serves HTTP.
    let auth_rank = |a: AuthState| match a {
        AuthState::Present => 0u8,
        AuthState::Unknown => 1,
        AuthState::Public => 2,
        AuthState::Absent => 3,
    };
    struct Reached {
        weakest: (u8, usize),
        calls_llm: bool,
        rate_limited: bool,
        http: bool,
    }
    let reached: Vec<Reached> = groups
        .iter()
        .map(|g| Reached {
            weakest: g
                .entries
                .iter()
                .map(|&i| (auth_rank(entries[i].info.auth), i))
                .max()
                .unwrap_or_default(),
            calls_llm: g.reaches.iter().any(|r| r.starts_with("llm:")),
            rate_limited: g.entries.iter().all(|&i| entries[i].info.rate_limited),
            http: g.entries.iter().any(|&i| entries[i].info.kind == "http"),
        })
        .collect();
    // A component's framework is its web framework; tool frameworks
    // (langchain, mcp) only when it has no HTTP routes.
    let mut comp_frameworks: BTreeMap<Option<String>, String> = BTreeMap::new();
    for e in entries
        .iter()
        .filter(|e| e.info.kind != "http")
        .chain(entries.iter().filter(|e| e.info.kind == "http"))
    {
        if !e.info.framework.is_empty() {
            comp_frameworks.insert(e.comp.clone(), e.info.framework.clone());
        }
    }
    let settings: BTreeSet<(&Option<String>, &str)> = of(Subject::Setting)
        .map(|(fi, _, f)| (&file_comp[*fi], f.kind.as_str()))
        .collect();
    let settings_in = |comp: &Option<String>, kind: &str| settings.contains(&(comp, kind));
    // Components with a route behind a login or session control.
    let session_comps: BTreeSet<&Option<String>> = entries
        .iter()
        .filter(|e| {
            e.info
                .controls
                .iter()
                .any(|x| x.contains("login_required") || x.contains("session"))
        })
        .map(|e| &e.comp)
        .collect();
    for (fi, ki, f) in &all {
        let comp = file_comp[*fi].clone();
        let c = &mut ctx[*fi][*ki];
        let mw = comp_middleware.get(&comp);
        let framework = f
            .str("framework")
            .map(str::to_string)
            .or_else(|| comp_frameworks.get(&comp).cloned());
        c.csrf_protected = (mw.is_some_and(|m| m.contains("csrf"))
            || matches!(framework.as_deref(), Some("django" | "drf")))
            && !settings_in(&comp, "csrf-disabled");
        c.session_auth = mw.is_some_and(|m| m.contains("session")) || session_comps.contains(&comp);
        c.framework = framework;
        c.element = element_id(f).or_else(|| comp.clone());
        let exposure = comp_exposed(&comp);
        if let Some(gs) = fact_groups.get(&(*fi, *ki)) {
            c.in_entry = true;
            // The weakest auth among the entries that reach this fact.
            if let Some((_, i)) = gs.iter().map(|&g| reached[g].weakest).max() {
                let e = &entries[i];
                c.auth = Some(e.info.auth);
                c.auth_controls = e.info.controls.clone();
            }
            c.calls_llm = gs.iter().any(|&g| reached[g].calls_llm);
            c.rate_limited = gs.iter().all(|&g| reached[g].rate_limited);
            if exposure.is_some() && gs.iter().any(|&g| reached[g].http) {
                c.internet_exposed = true;
                c.exposure_note = exposure.clone();
            }
        }
        match f.subject {
            Subject::ComposeService | Subject::Workload => {
                let images: Vec<String> = f
                    .str("image")
                    .map(|i| vec![i.to_string()])
                    .unwrap_or_else(|| f.list("images").to_vec());
                c.datastore_image = images.iter().any(|i| is_datastore_image(i));
                c.element = Some(format!(
                    "component:{}",
                    f.str("name")
                        .unwrap_or(&f.evidence.symbol)
                        .trim_start_matches("services.")
                ));
            }
            Subject::Container | Subject::Package => {
                c.element = comp.clone();
            }
            _ => {}
        }
    }
    for e in &entries {
        let fact = &files[e.fi].facts[e.ki];
        let c = &mut ctx[e.fi][e.ki];
        c.element = Some(e.id.clone());
        c.auth = Some(e.info.auth);
        c.auth_controls = e.info.controls.clone();
        c.route = Some(format!("{} {}", e.info.method, e.route));
        c.authz = e.info.controls.iter().any(|c| is_authz_control(c));
        c.admin = e.info.kind == "http" && admin_route(&e.route);
        c.rate_limited = e.info.rate_limited;
        c.in_entry = true;
        c.calls_llm = e.info.reaches.iter().any(|r| r.starts_with("llm:"));
        c.writes_store =
            fact.flag("state_changing") && e.info.reaches.iter().any(|r| r.starts_with("store:"));
        c.audit_logged = fact.flag("audit_log");
        if e.info.auth == AuthState::Absent {
            c.sibling_controls = sibling
                .get(&(e.comp.clone(), e.info.framework.clone()))
                .map(|s| s.iter().take(3).cloned().collect())
                .unwrap_or_default();
        }
        if e.info.kind == "http"
            && let Some(note) = comp_exposed(&e.comp)
        {
            c.internet_exposed = true;
            c.exposure_note = Some(note);
        }
    }

    // --- assemble -------------------------------------------------------------------
    let mut model = SystemModel {
        name: name.to_string(),
        ..Default::default()
    };
    // The files a component owns: every analysed file under its directory
    // and under no deeper component's.
    let mut owned_by: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (f, fc) in files.iter().zip(&file_comp) {
        if let Some(id) = fc {
            owned_by
                .entry(id.as_str())
                .or_default()
                .push(f.path.clone());
        }
    }
    for c in &comps {
        let owned = owned_by.get(c.id.as_str()).cloned().unwrap_or_default();
        let mut props = bw_facts::Props::new();
        if !owned.is_empty() {
            props.insert("files".into(), Prop::List(owned));
        }
        model.elements.push(Element {
            id: c.id.clone(),
            kind: ElementKind::Component,
            name: c.id.trim_start_matches("component:").to_string(),
            component: None,
            boundary: None,
            entry: None,
            technology: c.technology.clone(),
            props,
            evidence: c.evidence.clone(),
            declared: false,
        });
    }
    let mut seen_entries = BTreeSet::new();
    for e in &entries {
        if !seen_entries.insert(e.id.clone()) {
            continue;
        }
        let fact = &files[e.fi].facts[e.ki];
        model.elements.push(Element {
            id: e.id.clone(),
            kind: ElementKind::EntryPoint,
            name: if e.info.kind == "http" {
                format!("{} {}", e.info.method, e.route)
            } else {
                e.route.clone()
            },
            component: e.comp.clone(),
            boundary: None,
            entry: Some(e.info.clone()),
            technology: e.info.framework.clone(),
            props: Default::default(),
            evidence: vec![fact.evidence.clone()],
            declared: false,
        });
    }
    model.elements.extend(elements.into_values());
    let any_exposed = entries.iter().any(|e| comp_exposed(&e.comp).is_some());
    if !entries.is_empty() {
        model.elements.push(Element {
            id: "actor:internet".into(),
            kind: ElementKind::Actor,
            name: "Internet users".into(),
            component: None,
            boundary: None,
            entry: None,
            technology: String::new(),
            props: Default::default(),
            evidence: vec![],
            declared: false,
        });
    }
    // Boundaries.
    let k8s = all.iter().any(|(_, _, f)| f.subject == Subject::Workload);
    let inner = if k8s {
        ("boundary:cluster", "Kubernetes cluster")
    } else {
        ("boundary:service-network", "Service network")
    };
    let mut internet = vec![];
    let mut inside = vec![];
    for el in model.elements.iter_mut() {
        let outside = match el.kind {
            ElementKind::Actor => true,
            ElementKind::External => !el.id.contains("localhost") && !el.id.contains("127.0.0.1"),
            ElementKind::LlmProvider => el.id != "llm:ollama",
            _ => false,
        };
        if outside {
            el.boundary = Some("boundary:internet".into());
            internet.push(el.id.clone());
        } else {
            el.boundary = Some(inner.0.into());
            inside.push(el.id.clone());
        }
    }
    if !internet.is_empty() {
        model.boundaries.push(Boundary {
            id: "boundary:internet".into(),
            name: "Internet".into(),
            elements: internet,
        });
    }
    if !inside.is_empty() {
        model.boundaries.push(Boundary {
            id: inner.0.into(),
            name: inner.1.into(),
            elements: inside,
        });
    }
    // Flows.
    let boundary_of: BTreeMap<String, Option<String>> = model
        .elements
        .iter()
        .map(|e| (e.id.clone(), e.boundary.clone()))
        .collect();
    let mut by_id: BTreeMap<&str, &Element> = BTreeMap::new();
    for el in &model.elements {
        by_id.entry(el.id.as_str()).or_insert(el);
    }
    let none_exposed = comps.iter().all(|c| c.exposed.is_none());
    let mut flows = BTreeSet::new();
    for e in &entries {
        if e.info.kind == "http" && (any_exposed || comp_exposed(&e.comp).is_some() || none_exposed)
        {
            flows.insert(DataFlow {
                from: "actor:internet".into(),
                to: e.id.clone(),
                protocol: "HTTP".into(),
                label: "requests".into(),
                crosses_boundary: true,
                encrypted: None,
            });
        }
        for r in &e.info.reaches {
            let (protocol, label) = match r.split(':').next().unwrap_or("") {
                "store" => ("SQL/driver", "queries"),
                "llm" => ("LLM API", "prompts"),
                "queue" => ("queue", "messages"),
                _ => ("HTTP", "requests"),
            };
            let el = by_id.get(r.as_str()).copied();
            let encrypted = el
                .and_then(|el| el.props.get("tls"))
                .and_then(Prop::as_bool)
                .filter(|t| !t)
                .map(|_| false);
            flows.insert(DataFlow {
                from: e.id.clone(),
                to: r.clone(),
                protocol: protocol.into(),
                label: label.into(),
                crosses_boundary: boundary_of.get(&e.id) != boundary_of.get(r),
                encrypted,
            });
        }
    }
    model.flows = flows.into_iter().collect();
    model
        .elements
        .sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
    model.conventions = crate::conventions::conventions(files);

    // Questions: unknown auth, grouped per component.
    let mut questions = vec![];
    let mut unknown: BTreeMap<Option<String>, Vec<&Ent>> = BTreeMap::new();
    for e in &entries {
        if e.info.kind == "http" && e.info.auth == AuthState::Unknown {
            unknown.entry(e.comp.clone()).or_default().push(e);
        }
    }
    for (comp, list) in unknown {
        let sample: Vec<String> = list
            .iter()
            .take(3)
            .map(|e| format!("{} {}", e.info.method, e.route))
            .collect();
        questions.push((
            comp.clone().unwrap_or_else(|| "component:app".into()),
            format!(
                "{} HTTP route(s) show no authentication control (e.g. {}). Is authentication done elsewhere (gateway, proxy, middleware breakwater cannot see), or are they public? Record it in breakwater.toml.",
                list.len(),
                sample.join(", ")
            ),
        ));
    }
    Built {
        model,
        ctx,
        questions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_join_and_normalise() {
        assert_eq!(
            join_route(&["/api", "users/", "/<int:id>"]),
            "/api/users/<int:id>"
        );
        assert_eq!(join_route(&["", "/"]), "/");
        assert_eq!(join_route(&["api/", "^users/$"]), "/api/users/");
        assert_eq!(route_id("/api/users/<int:id>"), "/api/users/{}");
        assert_eq!(
            route_id("/api/users/:id/orders/{order_id}"),
            "/api/users/{}/orders/{}"
        );
        assert_eq!(route_id("/app/[slug]"), "/app/{}");
    }

    #[test]
    fn public_by_purpose() {
        for r in [
            "/healthz",
            "/api/auth/login",
            "/api/password/reset",
            "/api/auth/password-reset/confirm",
            "/oauth/callback",
            "/api/status",
            "/hooks/stripe-webhook",
        ] {
            assert!(public_purpose(r), "{r}");
        }
        for r in [
            "/api/orders/{id}/status",
            "/api/users/<int:id>/password",
            "/api/orders",
            "/api/tokens/{id}",
            "/api/registry",
        ] {
            assert!(!public_purpose(r), "{r}");
        }
        assert!(admin_route("/internal/admin/orders"));
        assert!(is_authz_control("allows.requires(CanEditPost)"));
        assert!(is_authz_control("IsAdminUser"));
        assert!(is_authz_control("permission_required('shop.change_order')"));
        assert!(!is_authz_control("login_required"));
        assert!(!is_authz_control("AuthGuard('jwt')"));
        assert!(!admin_route("/api/administrative-area"));
    }
}
