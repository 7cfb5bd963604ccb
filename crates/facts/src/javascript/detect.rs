//! Frameworks, clients and settings recognised at calls and declarations.

use super::calls::{CallCx, host_of};
use super::*;
use bw_lang::{FieldExt, KindExt};

const AUTH_WORDS: &[&str] = &[
    "auth",
    "authn",
    "authz",
    "authenticate",
    "authenticated",
    "authentication",
    "authorize",
    "authorized",
    "authorization",
    "jwt",
    "passport",
    "login",
    "loggedin",
    "session",
    "token",
    "verify",
    "require",
    "ensure",
    "protect",
    "protected",
    "guard",
    "admin",
    "isauthenticated",
    "clerk",
    "bearer",
];

pub(super) fn auth_name(text: &str) -> bool {
    words(text).iter().any(|w| AUTH_WORDS.contains(&w.as_str()))
}

fn route_params(route: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for seg in route.split('/') {
        let name = if let Some(s) = seg.strip_prefix(':') {
            s.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
                .unwrap_or("")
        } else {
            seg.strip_prefix('{')
                .and_then(|s| s.strip_suffix('}'))
                .unwrap_or_default()
        };
        if !name.is_empty() && !out.iter().any(|o| o == name) {
            out.push(name.to_string());
        }
    }
    out.sort();
    out
}

fn next_segments(segs: &[&str]) -> String {
    let mut out = vec![];
    for s in segs {
        if s.starts_with('(') && s.ends_with(')') || s.starts_with('@') {
            continue;
        }
        if s.starts_with('[') {
            let inner = s
                .trim_start_matches('[')
                .trim_end_matches(']')
                .trim_start_matches("...");
            out.push(format!("{{{inner}}}"));
        } else {
            out.push(s.to_string());
        }
    }
    format!("/{}", out.join("/"))
}

impl<'a> Ex<'a> {
    fn file_imports(&self, prefix: &str) -> bool {
        self.imports
            .iter()
            .any(|i| i.module == prefix || i.module.starts_with(&format!("{prefix}/")))
    }

    fn router_like(&self, recv: Node) -> bool {
        let r = strip(recv);
        if let Some(p) = self.path_of(r)
            && (p.root == Root::Alias || p.root == Root::Import)
        {
            let t = p.text.as_str();
            return t.starts_with("express")
                || t.starts_with("@koa/router")
                || t.starts_with("koa-router")
                || t.starts_with("koa")
                || t.starts_with("fastify")
                || t.contains("Router");
        }
        if r.node_kind() != "identifier" && r.node_kind() != "member_expression" {
            return false;
        }
        let t = self.text(r);
        let last = t.rsplit('.').next().unwrap_or(t).to_ascii_lowercase();
        matches!(
            last.as_str(),
            "app"
                | "router"
                | "server"
                | "api"
                | "fastify"
                | "instance"
                | "r"
                | "routes"
                | "admin"
                | "v1"
                | "v2"
        ) || last.ends_with("router")
            || last.ends_with("app")
            || last.ends_with("routes")
    }

    fn framework_of(&self, recv: Node) -> &'static str {
        if let Some(p) = self.path_of(strip(recv)) {
            let t = p.text.as_str();
            if t.starts_with("fastify") {
                return "fastify";
            }
            if t.starts_with("@koa/router") || t.starts_with("koa") {
                return "koa";
            }
            if t.starts_with("express") {
                return "express";
            }
        }
        let t = self.text(recv);
        if t == "fastify" || (self.file_imports("fastify") && !self.file_imports("express")) {
            return "fastify";
        }
        if (self.file_imports("@koa/router")
            || self.file_imports("koa-router")
            || self.file_imports("koa"))
            && !self.file_imports("express")
        {
            return "koa";
        }
        "express"
    }

    /// Middleware kind of an expression used as middleware.
    fn classify_mw(&self, n: Node) -> Option<&'static str> {
        let s = strip(n);
        let p = match s.node_kind() {
            "call_expression" => s
                .field("function")
                .and_then(|f| self.path_of(f))
                .map(|p| p.text),
            _ => self.path_of(s).map(|p| p.text),
        }
        .unwrap_or_default();
        let starts = |m: &[&str]| {
            m.iter().any(|x| {
                p == *x || p.starts_with(&format!("{x}.")) || p.starts_with(&format!("{x}("))
            })
        };
        let text = self.text(s);
        let w = words(if is_function(s) { "" } else { text });
        if starts(&[
            "express-rate-limit",
            "koa-ratelimit",
            "@fastify/rate-limit",
            "express-slow-down",
            "rate-limiter-flexible",
            "express-brute",
        ]) || w.iter().any(|x| {
            matches!(
                x.as_str(),
                "limiter"
                    | "ratelimit"
                    | "ratelimiter"
                    | "throttle"
                    | "throttler"
                    | "brute"
                    | "bruteforce"
            )
        }) || (w.contains(&"rate".to_string()) && w.contains(&"limit".to_string()))
        {
            return Some("rate-limit");
        }
        if starts(&["helmet", "@fastify/helmet", "koa-helmet"]) {
            return Some("security-headers");
        }
        if starts(&["cors", "@koa/cors", "@fastify/cors"]) {
            return Some("cors");
        }
        if starts(&[
            "csurf",
            "csrf",
            "lusca.csrf",
            "csrf-csrf",
            "@fastify/csrf-protection",
            "tiny-csrf",
            "koa-csrf",
        ]) || w.iter().any(|x| x == "csrf" || x == "csurf")
        {
            return Some("csrf");
        }
        if starts(&[
            "express-session",
            "koa-session",
            "cookie-session",
            "@fastify/session",
            "@fastify/secure-session",
        ]) {
            return Some("session");
        }
        if starts(&[
            "koa-jwt",
            "express-jwt",
            "passport",
            "express-openid-connect",
            "@clerk/express",
            "express-oauth2-jwt-bearer",
        ]) {
            return Some("auth");
        }
        if is_function(s) {
            let body = self.text(s).to_ascii_lowercase();
            if [
                "authorization",
                "jwt.verify",
                "jwtverify",
                "verifytoken",
                "getsession",
                "authenticate",
                "req.user",
                "bearer",
            ]
            .iter()
            .any(|k| body.contains(k))
            {
                return Some("auth");
            }
            return None;
        }
        if auth_name(text) {
            return Some("auth");
        }
        None
    }

    /// Entries, mounts and middleware found at a call (before its arguments are walked).
    pub(super) fn plan_call(
        &mut self,
        n: Node,
        func: Node,
        fpath: Option<&PathRef>,
        method: Option<&str>,
        args: &[Node],
        is_new: bool,
    ) {
        let callee = fpath.map(|p| p.text.clone()).unwrap_or_default();
        if is_new {
            if callee.ends_with("DynamicTool") || callee.ends_with("DynamicStructuredTool") {
                self.object_tool(n, args, None, "func", "langchain");
            }
            return;
        }
        let recv = func.field("object");
        if callee == "ai.tool" {
            // Vercel AI SDK: the tool's name is the key it is stored under.
            if let Some(name) = self.tool_name_from_context(n) {
                self.object_tool(n, args, Some(name), "execute", "vercel-ai");
            }
            return;
        }
        if callee == "@openai/agents.tool" {
            self.object_tool(n, args, None, "execute", "openai");
            return;
        }
        if callee.starts_with("@langchain/core/tools.tool") || callee == "langchain/tools.tool" {
            let handler = args.first().map(|a| strip(*a)).filter(|f| is_function(*f));
            let opts = args
                .get(1)
                .map(|a| strip(*a))
                .filter(|a| a.node_kind() == "object");
            if let Some(name) = opts
                .and_then(|o| self.obj_get(o, "name"))
                .and_then(|v| self.lit(v))
            {
                let desc = opts
                    .and_then(|o| self.obj_get(o, "description"))
                    .and_then(|v| self.lit(v));
                self.tool_entry(n, "agent-tool", "langchain", &name, handler, desc);
            }
            return;
        }
        let (Some(m), Some(recv)) = (method, recv) else {
            return;
        };
        match m {
            "tool" | "registerTool" | "resource" | "registerResource" => {
                let mcp = self.file_imports("@modelcontextprotocol")
                    || self.path_of(recv).is_some_and(|p| {
                        p.text.contains("McpServer") || p.text.contains("modelcontextprotocol")
                    });
                if !mcp {
                    return;
                }
                let Some(name) = args.first().and_then(|a| self.lit(*a)) else {
                    return;
                };
                let kind = if m.contains("esource") {
                    "mcp-resource"
                } else {
                    "mcp-tool"
                };
                let handler = args.last().map(|a| strip(*a)).filter(|f| is_function(*f));
                let desc = match args
                    .get(1)
                    .map(|a| strip(*a))
                    .filter(|_| kind == "mcp-tool")
                {
                    Some(a) if a.node_kind() == "string" => self.lit(a),
                    Some(a) if a.node_kind() == "object" => {
                        self.obj_get(a, "description").and_then(|v| self.lit(v))
                    }
                    _ => None,
                };
                self.tool_entry(n, kind, "mcp", &name, handler, desc);
            }
            "use" if self.router_like(recv) => self.use_call(n, recv, args),
            "register" if self.framework_of(recv) == "fastify" => {
                self.fastify_register(n, recv, args)
            }
            "addHook" => {
                let hook = args.first().and_then(|a| self.lit(*a)).unwrap_or_default();
                if matches!(hook.as_str(), "onRequest" | "preHandler" | "preValidation")
                    && let Some(h) = args.get(1)
                    && self.classify_mw(*h) == Some("auth")
                {
                    self.middleware(n, "auth", recv, *h, None, "fastify");
                }
            }
            "setRequestHandler"
                if args
                    .first()
                    .is_some_and(|a| self.text(*a).ends_with("CallToolRequestSchema"))
                    && self.file_imports("@modelcontextprotocol") =>
            {
                // Low-level MCP server: one handler serves every tool.
                let handler = args.get(1).map(|a| strip(*a)).filter(|f| is_function(*f));
                self.tool_entry(n, "mcp-tool", "mcp", "*", handler, None);
            }
            "useGlobalGuards" => {
                for a in args {
                    self.middleware(n, "auth", recv, *a, None, "nestjs");
                }
            }
            "route" if args.len() == 1 && strip(args[0]).node_kind() == "object" => {
                let o = strip(args[0]);
                let url = self
                    .obj_get(o, "url")
                    .or_else(|| self.obj_get(o, "path"))
                    .and_then(|v| self.lit(v));
                let meth = self.obj_get(o, "method").map(|v| {
                    let v = strip(v);
                    if v.node_kind() == "array" {
                        kids(v)
                            .iter()
                            .filter_map(|k| self.lit(*k))
                            .collect::<Vec<_>>()
                            .join(",")
                    } else {
                        self.lit(v).unwrap_or_default()
                    }
                });
                if let (Some(url), Some(meth)) = (url, meth) {
                    let mut mws = vec![];
                    for k in ["preHandler", "onRequest", "preValidation"] {
                        if let Some(v) = self.obj_get(o, k) {
                            mws.push(v);
                        }
                    }
                    let handler = self.obj_get(o, "handler");
                    for verb in meth.split(',') {
                        let verb = verb.trim().to_ascii_uppercase();
                        self.route(n, recv, "fastify", &verb, &url, &mws, handler, Some(o));
                    }
                }
            }
            _ => {
                let Some(verb) = super::calls::http_verb(m) else {
                    return;
                };
                // app.route('/x').get(h)
                if let Some((router, route)) = self.route_chain(recv) {
                    let (mws, handler) = split_handlers(args);
                    let fw = self.framework_of(router);
                    self.route(n, router, fw, verb, &route, &mws, handler, None);
                    return;
                }
                if args.len() < 2 || !self.router_like(recv) {
                    return;
                }
                let Some(route) = self.lit(args[0]) else {
                    return;
                };
                if !(route.starts_with('/') || route == "*" || route.is_empty()) {
                    return;
                }
                let fw = self.framework_of(recv);
                let (mws, handler) = split_handlers(&args[1..]);
                let opts = if fw == "fastify" {
                    mws.iter()
                        .copied()
                        .find(|m| strip(*m).node_kind() == "object")
                } else {
                    None
                };
                let mut mws: Vec<Node> = mws
                    .into_iter()
                    .filter(|m| strip(*m).node_kind() != "object")
                    .collect();
                if let Some(o) = opts {
                    for k in ["preHandler", "onRequest", "preValidation"] {
                        if let Some(v) = self.obj_get(strip(o), k) {
                            mws.push(v);
                        }
                    }
                }
                self.route(n, recv, fw, verb, &route, &mws, handler, opts.map(strip));
            }
        }
    }

    fn route_chain<'t>(&self, recv: Node<'t>) -> Option<(Node<'t>, String)> {
        let mut cur = strip(recv);
        for _ in 0..10 {
            if cur.node_kind() != "call_expression" {
                return None;
            }
            let f = cur.field("function")?;
            if f.node_kind() != "member_expression" {
                return None;
            }
            let prop = self.text(f.field("property")?);
            let obj = f.field("object")?;
            if prop == "route" {
                let a = kids(cur.field("arguments")?).into_iter().next()?;
                return Some((obj, self.lit(a)?));
            }
            super::calls::http_verb(prop)?;
            cur = strip(obj);
        }
        None
    }

    #[allow(clippy::too_many_arguments)]
    fn route(
        &mut self,
        n: Node,
        recv: Node,
        fw: &'static str,
        verb: &str,
        route: &str,
        mws: &[Node],
        handler: Option<Node>,
        opts: Option<Node>,
    ) {
        let mut auth = vec![];
        let mut rate = vec![];
        let mut flat: Vec<Node> = vec![];
        for m in mws {
            let m = strip(*m);
            if m.node_kind() == "array" {
                flat.extend(kids(m));
            } else {
                flat.push(m);
            }
        }
        for m in flat {
            match self.classify_mw(m) {
                Some("rate-limit") => rate.push(normalise(self.text(m))),
                Some("auth") => auth.push(normalise(self.text(m))),
                _ => {}
            }
        }
        if let Some(o) = opts
            && let Some(c) = self.obj_get(o, "config")
            && self.obj_get(strip(c), "rateLimit").is_some()
        {
            rate.push("config.rateLimit".into());
        }
        self.anon += 1;
        let prefix = (strip(recv).node_kind() == "identifier")
            .then(|| {
                self.lookup(self.text(strip(recv)))
                    .and_then(|v| v.ctor.as_ref()?.prefix.clone())
            })
            .flatten();
        let route = match prefix {
            Some(p) if !p.is_empty() => format!(
                "{}/{}",
                p.trim_end_matches('/'),
                route.trim_start_matches('/')
            )
            .trim_end_matches('/')
            .to_string(),
            _ => route.to_string(),
        };
        let route = route.as_str();
        let (handler_name, key) = self.handler_ref(handler, fw);
        let i = self.fact(Subject::Entry, "http", n);
        let admin = words(route)
            .iter()
            .chain(words(&handler_name).iter())
            .any(|w| crate::words::ADMIN_WORDS.contains(&w.as_str()));
        let f = &mut self.facts[i];
        f.props.insert("framework".into(), Prop::Str(fw.into()));
        f.props.insert("method".into(), Prop::Str(verb.into()));
        f.props.insert("route".into(), Prop::Str(route.into()));
        f.props.insert("handler".into(), Prop::Str(handler_name));
        f.props.insert(
            "router".into(),
            Prop::Str(normalise(self.src.get(recv.byte_range()).unwrap_or(""))),
        );
        if !auth.is_empty() {
            auth.sort();
            auth.dedup();
            f.props.insert("auth".into(), Prop::List(auth));
        }
        if !rate.is_empty() {
            rate.sort();
            rate.dedup();
            f.props.insert("rate_limit".into(), Prop::List(rate));
        }
        let params = route_params(route);
        if !params.is_empty() {
            f.props.insert("path_params".into(), Prop::List(params));
        }
        if admin {
            f.props.insert("admin".into(), Prop::Bool(true));
        }
        if ["POST", "PUT", "PATCH", "DELETE"].contains(&verb) {
            f.props.insert("state_changing".into(), Prop::Bool(true));
        }
        if let Some(k) = key {
            self.pending.push(PendingEntry {
                fact: i,
                traits: k,
                method_from_checks: false,
            });
        }
    }

    /// The handler's name for the entry, and the traits key its body is collected under.
    fn handler_ref(&mut self, handler: Option<Node>, fw: &str) -> (String, Option<String>) {
        let Some(h) = handler.map(strip) else {
            return (self.symbol(), None);
        };
        if is_function(h) {
            let key = format!("#entry{}", self.anon);
            let aliases: &'static [&'static str] = match fw {
                "koa" => &["ctx"],
                "fastify" => &["request", "reply"],
                _ => &["req", "res"],
            };
            self.overrides.insert(
                h.id(),
                (
                    Role::Http {
                        aliases,
                        params_source: false,
                    },
                    Some(key.clone()),
                ),
            );
            let name = h.field("name").map(|x| self.text(x).to_string());
            let sym = self.symbol();
            let handler = match name {
                Some(nm) if sym == "<module>" => nm,
                Some(nm) => format!("{sym}.{nm}"),
                None => sym,
            };
            return (handler, Some(key));
        }
        if h.node_kind() == "identifier"
            && let Some(sym) = self.lookup(self.text(h)).and_then(|v| v.func.clone())
        {
            return (sym.clone(), Some(sym));
        }
        match self.path_of(h) {
            Some(p) if p.root == Root::Module => {
                let name = p
                    .text
                    .split_once("::")
                    .map(|(_, n)| n.to_string())
                    .unwrap_or(p.text);
                (name.clone(), Some(name))
            }
            Some(p) => (p.text.trim_end_matches("::").to_string(), None),
            None => (normalise(self.text(h)), None),
        }
    }

    fn use_call(&mut self, n: Node, recv: Node, args: &[Node]) {
        let fw = self.framework_of(recv);
        let (prefix, rest) = match args.first().and_then(|a| self.lit(*a)) {
            Some(p) => (Some(p), &args[1..]),
            None => (None, args),
        };
        let Some(last) = rest.last() else { return };
        let child = self.mount_child(*last);
        let sl = strip(*last);
        let routerish = self.require_of(sl).is_some()
            || (sl.node_kind() == "call_expression" && self.text(sl).ends_with(".routes()"))
            || self.path_of(sl).is_some_and(|p| {
                p.root == Root::Alias
                    && (p.text.contains("Router") || p.text.contains("koa-router"))
            })
            || {
                let t = self.text(sl).to_ascii_lowercase();
                t.ends_with("router") || t.ends_with("routes")
            };
        let kind = if routerish {
            None
        } else {
            self.classify_mw(*last)
        };
        // Without a prefix, only something that is clearly a router is mounted
        // (`app.use(errorHandler)` is middleware, `app.use(apiRouter)` a mount).
        let child = child.filter(|_| prefix.is_some() || routerish);
        if let (Some(child), None) = (child, kind) {
            let mut auth = vec![];
            for m in &rest[..rest.len() - 1] {
                if self.classify_mw(*m) == Some("auth") {
                    auth.push(normalise(self.text(*m)));
                }
            }
            let i = self.fact(Subject::Mount, "prefix", n);
            let f = &mut self.facts[i];
            f.props.insert(
                "parent".into(),
                Prop::Str(normalise(self.src.get(recv.byte_range()).unwrap_or(""))),
            );
            f.props.insert("child".into(), Prop::Str(child));
            f.props.insert(
                "prefix".into(),
                Prop::Str(prefix.clone().unwrap_or_default()),
            );
            f.props.insert("framework".into(), Prop::Str(fw.into()));
            if !auth.is_empty() {
                f.props.insert("auth".into(), Prop::List(auth));
            }
            return;
        }
        for m in rest {
            if let Some(kind) = self.classify_mw(*m) {
                self.middleware(n, kind, recv, *m, prefix.clone(), fw);
            }
        }
    }

    fn mount_child(&self, n: Node) -> Option<String> {
        let s = strip(n);
        if s.node_kind() == "call_expression" {
            if self.require_of(s).is_some() {
                return self
                    .path_of(s)
                    .map(|p| p.text.trim_end_matches("::").to_string());
            }
            // koa: router.routes()
            let f = s.field("function")?;
            if f.node_kind() == "member_expression"
                && f.field("property")
                    .is_some_and(|p| self.text(p) == "routes")
            {
                let obj = f.field("object")?;
                if strip(obj).node_kind() == "call_expression" {
                    return None;
                }
                return self.mount_child(obj);
            }
            return None;
        }
        if s.node_kind() != "identifier" && s.node_kind() != "member_expression" {
            return None;
        }
        let p = self.path_of(s)?;
        match p.root {
            Root::Import if p.text.contains("::") || self.imports_relative.contains(&p.text) => {
                Some(p.text.trim_end_matches("::").to_string())
            }
            Root::Alias
                if p.text.contains("Router")
                    || p.text.starts_with("@koa/router")
                    || p.text.starts_with("koa-router") =>
            {
                Some(self.text(s).to_string())
            }
            Root::Local | Root::Alias | Root::Global => {
                let t = self.text(s).to_ascii_lowercase();
                (t.ends_with("router") || t.ends_with("routes") || t.ends_with("api"))
                    .then(|| self.text(s).to_string())
            }
            Root::Module => Some(self.text(s).to_string()),
            Root::Import => None,
        }
    }

    fn middleware(
        &mut self,
        n: Node,
        kind: &str,
        recv: Node,
        m: Node,
        prefix: Option<String>,
        fw: &str,
    ) {
        let i = self.fact(Subject::Middleware, kind, n);
        let router = normalise(self.src.get(recv.byte_range()).unwrap_or(""));
        let name = normalise(self.src.get(strip(m).byte_range()).unwrap_or(""));
        let name: String = if is_function(strip(m)) {
            "<inline>".into()
        } else {
            name.chars().take(120).collect()
        };
        let f = &mut self.facts[i];
        f.props.insert("router".into(), Prop::Str(router));
        f.props.insert("name".into(), Prop::Str(name));
        f.props.insert("framework".into(), Prop::Str(fw.into()));
        if let Some(p) = prefix {
            f.props.insert("prefix".into(), Prop::Str(p));
        }
    }

    fn fastify_register(&mut self, n: Node, recv: Node, args: &[Node]) {
        let Some(plugin) = args.first() else { return };
        if let Some(k @ ("cors" | "security-headers" | "rate-limit" | "csrf" | "session")) =
            self.classify_mw(*plugin)
        {
            self.middleware(n, k, recv, *plugin, None, "fastify");
            return;
        }
        let sp = strip(*plugin);
        let child = match self.path_of(sp) {
            Some(p)
                if p.root == Root::Import
                    && (p.text.contains("::") || self.imports_relative.contains(&p.text)) =>
            {
                p.text.trim_end_matches("::").to_string()
            }
            Some(p) if p.root == Root::Module => self.text(sp).to_string(),
            _ if sp.node_kind() == "call_expression" && self.require_of(sp).is_some() => self
                .path_of(sp)
                .map(|p| p.text.trim_end_matches("::").to_string())
                .unwrap_or_default(),
            _ => return,
        };
        if child.is_empty() {
            return;
        }
        let prefix = args
            .get(1)
            .map(|a| strip(*a))
            .filter(|a| a.node_kind() == "object")
            .and_then(|o| self.obj_get(o, "prefix"))
            .and_then(|v| self.lit(v));
        let i = self.fact(Subject::Mount, "prefix", n);
        let f = &mut self.facts[i];
        f.props.insert(
            "parent".into(),
            Prop::Str(normalise(self.src.get(recv.byte_range()).unwrap_or(""))),
        );
        f.props.insert("child".into(), Prop::Str(child));
        f.props
            .insert("prefix".into(), Prop::Str(prefix.unwrap_or_default()));
        f.props
            .insert("framework".into(), Prop::Str("fastify".into()));
    }

    /// A tool defined by an object literal (`{ name, description, execute }`):
    /// its name (from the object unless given), handler key and framework.
    fn object_tool(
        &mut self,
        n: Node,
        args: &[Node],
        name: Option<String>,
        handler_key: &str,
        fw: &str,
    ) {
        let Some(o) = args
            .first()
            .map(|a| strip(*a))
            .filter(|a| a.node_kind() == "object")
        else {
            return;
        };
        let Some(name) = name.or_else(|| self.obj_get(o, "name").and_then(|v| self.lit(v))) else {
            return;
        };
        let handler = self
            .obj_get(o, handler_key)
            .map(strip)
            .filter(|f| is_function(*f));
        let desc = self.obj_get(o, "description").and_then(|v| self.lit(v));
        self.tool_entry(n, "agent-tool", fw, &name, handler, desc);
    }

    fn tool_name_from_context(&self, n: Node) -> Option<String> {
        let mut cur = n;
        for _ in 0..8 {
            let p = cur.parent()?;
            match p.node_kind() {
                "pair" => {
                    return p
                        .field("key")
                        .map(|k| self.lit(k).unwrap_or_else(|| self.text(k).to_string()));
                }
                "variable_declarator" => {
                    return p.field("name").map(|k| self.text(k).to_string());
                }
                "await_expression" | "parenthesized_expression" => cur = p,
                _ => return None,
            }
        }
        None
    }

    fn tool_entry(
        &mut self,
        n: Node,
        kind: &str,
        fw: &str,
        name: &str,
        handler: Option<Node>,
        desc: Option<String>,
    ) {
        self.anon += 1;
        let key = format!("#tool{}", self.anon);
        if let Some(h) = handler {
            self.overrides
                .insert(h.id(), (Role::Tool, Some(key.clone())));
        }
        let i = self.fact(Subject::Entry, kind, n);
        let sym = self.symbol();
        let f = &mut self.facts[i];
        f.props.insert("framework".into(), Prop::Str(fw.into()));
        f.props.insert("route".into(), Prop::Str(name.into()));
        if handler.is_some() {
            f.props.insert("handler".into(), Prop::Str(sym));
        }
        if let Some(d) = desc {
            f.props
                .insert("description".into(), Prop::Str(normalise(&d)));
        }
        if handler.is_some() {
            self.pending.push(PendingEntry {
                fact: i,
                traits: key,
                method_from_checks: false,
            });
        }
    }

    /// The value node of `key` in an object literal.
    pub(super) fn obj_get<'t>(&self, o: Node<'t>, key: &str) -> Option<Node<'t>> {
        for c in kids(o) {
            match c.node_kind() {
                "pair" => {
                    let k = c.field("key")?;
                    let kt = self.lit(k).unwrap_or_else(|| self.text(k).to_string());
                    if kt == key {
                        return c.field("value");
                    }
                }
                "shorthand_property_identifier" if self.text(c) == key => return Some(c),
                "method_definition" if c.field("name").is_some_and(|x| self.text(x) == key) => {
                    return Some(c);
                }
                _ => {}
            }
        }
        None
    }

    fn lit_true(&self, n: Option<Node>) -> bool {
        n.is_some_and(|v| self.text(strip(v)) == "true")
    }

    fn lit_false(&self, n: Option<Node>) -> bool {
        n.is_some_and(|v| self.text(strip(v)) == "false")
    }

    // ---------------------------------------------------------------- object literals

    pub(super) fn object_facts(&mut self, n: Node, keys: &[(String, Node)]) {
        let get = |k: &str| keys.iter().find(|(x, _)| x == k).map(|(_, v)| *v);
        if let Some(v) = get("rejectUnauthorized")
            && self.lit_false(Some(v))
        {
            let pair = v.parent().unwrap_or(v);
            let i = self.fact(Subject::Setting, "tls-verify-disabled", pair);
            self.facts[i]
                .props
                .insert("callee".into(), Prop::Str("rejectUnauthorized".into()));
            self.facts[i]
                .props
                .insert("value".into(), Prop::Str("false".into()));
        }
        // OpenAI / Anthropic tool definitions.
        let ty = get("type").and_then(|v| self.lit(v));
        if ty.as_deref() == Some("function") {
            let name = get("function")
                .map(strip)
                .filter(|f| f.node_kind() == "object")
                .and_then(|f| self.obj_get(f, "name"))
                .or_else(|| get("name").filter(|_| get("parameters").is_some()))
                .and_then(|v| self.lit(v));
            if let Some(name) = name {
                self.tool_entry(n, "agent-tool", "openai", &name, None, None);
            }
        } else if get("input_schema").is_some()
            && let Some(name) = get("name").and_then(|v| self.lit(v))
        {
            self.tool_entry(n, "agent-tool", "anthropic", &name, None, None);
        }
        if get("provide").is_some_and(|v| self.text(v) == "APP_GUARD")
            && let Some(c) = get("useClass").or_else(|| get("useExisting"))
        {
            let i = self.fact(Subject::Middleware, "auth", n);
            let name = normalise(self.text(c));
            let f = &mut self.facts[i];
            f.props.insert("router".into(), Prop::Str("app".into()));
            f.props.insert("name".into(), Prop::Str(name));
            f.props
                .insert("framework".into(), Prop::Str("nestjs".into()));
        }
    }

    // ---------------------------------------------------------------- bindings

    pub(super) fn store_fact(
        &mut self,
        kind: &str,
        library: &str,
        orm: bool,
        host: Option<String>,
        n: Node,
    ) {
        let key = format!("{kind}/{library}");
        if !self.stores_seen.insert(key) {
            return;
        }
        let i = self.fact(Subject::Store, kind, n);
        let f = &mut self.facts[i];
        f.props.insert("library".into(), Prop::Str(library.into()));
        if orm {
            f.props.insert("orm".into(), Prop::Bool(true));
        }
        if let Some(h) = host {
            f.props.insert("host".into(), Prop::Str(h));
        }
    }

    // ---------------------------------------------------------------- clients

    fn arg_host(&self, cx: &CallCx, keys: &[&str]) -> Option<String> {
        if let Some(a) = cx.arg_nodes.first()
            && let Some(u) = self.lit(*a)
            && u.contains("://")
        {
            return Some(host_of(&u));
        }
        for (_, p) in cx.props {
            if keys.contains(&p.key.as_str()) {
                return Some(match self.lit(p.value) {
                    Some(u) if u.contains("://") => host_of(&u),
                    Some(u) if p.key == "host" => u,
                    _ => "dynamic".into(),
                });
            }
        }
        None
    }

    pub(super) fn clients(&mut self, cx: &CallCx) {
        let c = cx.callee;
        let lits: Vec<(String, String)> = cx
            .props
            .iter()
            .filter_map(|(_, p)| self.lit(p.value).map(|v| (p.key.clone(), v)))
            .collect();
        let prop_lit = |k: &str| lits.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone());
        let sql_kind = |v: &str| -> &'static str {
            match v {
                "pg" | "postgres" | "postgresql" | "cockroachdb" => "postgres",
                "mysql" | "mysql2" | "mariadb" => "mysql",
                "sqlite" | "sqlite3" | "better-sqlite3" => "sqlite",
                "mssql" => "mssql",
                "oracle" | "oracledb" => "oracle",
                _ => "sql",
            }
        };
        let hosts = ["connectionString", "host", "url", "uri", "node"];
        let store: Option<(&str, &str, bool)> = match c {
            "pg.Pool" | "pg.Client" | "pg.default.Pool" | "postgres" => {
                Some(("postgres", "pg", false))
            }
            "mysql.createConnection"
            | "mysql.createPool"
            | "mysql2.createConnection"
            | "mysql2.createPool"
            | "mysql2/promise.createConnection"
            | "mysql2/promise.createPool" => Some(("mysql", "mysql2", false)),
            "better-sqlite3" => Some(("sqlite", "better-sqlite3", false)),
            "sqlite3.Database" | "sqlite.open" => Some(("sqlite", "sqlite3", false)),
            "@prisma/client.PrismaClient" => Some(("sql", "prisma", true)),
            "mongoose.connect" | "mongoose.createConnection" => Some(("mongodb", "mongoose", true)),
            "mongodb.MongoClient" | "mongodb.MongoClient.connect" => {
                Some(("mongodb", "mongodb", false))
            }
            "redis.createClient" | "ioredis" | "ioredis.Redis" | "ioredis.default" => Some((
                "redis",
                if c.starts_with("redis") {
                    "redis"
                } else {
                    "ioredis"
                },
                false,
            )),
            "@aws-sdk/client-s3.S3Client" | "@aws-sdk/client-s3.S3" | "aws-sdk.S3" => {
                Some(("s3", "aws-sdk", false))
            }
            "@aws-sdk/client-dynamodb.DynamoDBClient"
            | "aws-sdk.DynamoDB"
            | "aws-sdk.DynamoDB.DocumentClient" => Some(("dynamodb", "aws-sdk", false)),
            "@google-cloud/storage.Storage" => Some(("gcs", "@google-cloud/storage", false)),
            "@pinecone-database/pinecone.Pinecone" => Some(("vector-db", "pinecone", false)),
            "chromadb.ChromaClient" => Some(("vector-db", "chromadb", false)),
            "@qdrant/js-client-rest.QdrantClient" => Some(("vector-db", "qdrant", false)),
            "@elastic/elasticsearch.Client" => {
                Some(("elasticsearch", "@elastic/elasticsearch", false))
            }
            _ => None,
        };
        if let Some((kind, lib, orm)) = store {
            let host = self.arg_host(cx, &hosts);
            self.store_fact(kind, lib, orm, host, cx.node);
        }
        match c {
            "typeorm.DataSource"
            | "typeorm.createConnection"
            | "@nestjs/typeorm.TypeOrmModule.forRoot" => {
                let k = prop_lit("type").map(|t| sql_kind(&t)).unwrap_or("sql");
                let host = self.arg_host(cx, &hosts);
                self.store_fact(k, "typeorm", true, host, cx.node);
            }
            "sequelize" | "sequelize.Sequelize" => {
                let k = prop_lit("dialect")
                    .or_else(|| {
                        cx.arg_nodes
                            .first()
                            .and_then(|a| self.lit(*a))
                            .and_then(|u| u.split_once("://").map(|(s, _)| s.to_string()))
                    })
                    .map(|t| sql_kind(&t))
                    .unwrap_or("sql");
                let host = self.arg_host(cx, &hosts);
                self.store_fact(k, "sequelize", true, host, cx.node);
            }
            "knex" | "knex.knex" => {
                let k = prop_lit("client").map(|t| sql_kind(&t)).unwrap_or("sql");
                self.store_fact(k, "knex", true, None, cx.node);
            }
            _ if c.starts_with("drizzle-orm") && c.ends_with(".drizzle") => {
                self.store_fact("sql", "drizzle", true, None, cx.node)
            }
            _ => {}
        }
        let fs_write = matches!(
            c,
            "fs.writeFile"
                | "fs.writeFileSync"
                | "fs.createWriteStream"
                | "fs.appendFile"
                | "fs.appendFileSync"
                | "fs/promises.writeFile"
                | "fs/promises.appendFile"
                | "fs.promises.writeFile"
                | "fs.promises.appendFile"
        );
        if fs_write {
            self.store_fact("file", "fs", false, None, cx.node);
            self.cur_traits().writes.insert("file-write".into());
        }
        self.outbound(cx);
        self.queues(cx);
    }

    fn outbound(&mut self, cx: &CallCx) {
        let c = cx.callee;
        let lib = if cx.root == Some(Root::Global) && c == "fetch" {
            "fetch"
        } else if matches!(
            c,
            "node-fetch" | "cross-fetch" | "undici.fetch" | "undici.request"
        ) {
            if c.starts_with("undici") {
                "undici"
            } else {
                "node-fetch"
            }
        } else if c == "axios"
            || c.starts_with("axios.")
                && !c.starts_with("axios.create")
                && cx.method.is_some_and(is_http_method)
            || c.starts_with("axios.create().") && cx.method.is_some_and(is_http_method)
        {
            "axios"
        } else if c == "got" || c.starts_with("got.") && cx.method.is_some_and(is_http_method) {
            "got"
        } else if matches!(
            c,
            "http.request" | "http.get" | "https.request" | "https.get"
        ) {
            if c.starts_with("https") {
                "https"
            } else {
                "http"
            }
        } else if (c.starts_with("superagent.") || c.starts_with("ky.") || c.starts_with("needle"))
            && cx.method.is_some_and(is_http_method)
        {
            c.split('.').next().unwrap_or("http")
        } else {
            return;
        };
        let url_node = cx
            .arg_nodes
            .first()
            .copied()
            .filter(|a| strip(*a).node_kind() != "object")
            .or_else(|| {
                cx.props
                    .iter()
                    .find(|(_, p)| p.key == "url" || p.key == "hostname" || p.key == "host")
                    .map(|(_, p)| p.value)
            });
        let mut host = "dynamic".to_string();
        let mut tls = None;
        if let Some(u) = url_node {
            let s = strip(u);
            let text = match s.node_kind() {
                "string" => self.lit(s),
                "template_string" => Some(self.text(s).trim_matches('`').to_string()),
                _ => None,
            };
            if let Some(t) = text {
                if t.contains("://") {
                    let h = host_of(&t);
                    if h != "dynamic" {
                        let local = h == "localhost"
                            || h.starts_with("127.")
                            || h == "0.0.0.0"
                            || h == "[::1]"
                            || h.ends_with(".local")
                            || h.ends_with(".localhost");
                        if t.starts_with("http://") && !local {
                            tls = Some(false);
                        }
                        host = h;
                    }
                } else if lib == "axios" && c.starts_with("axios.create().") {
                    host = self.recv_ctor_host(cx).unwrap_or(host);
                }
            }
        }
        let timeout = cx
            .props
            .iter()
            .any(|(_, p)| matches!(p.key.as_str(), "timeout" | "signal" | "timeoutMs"))
            || self.recv_ctor(cx).is_some_and(|c| c.timeout);
        let i = self.fact(Subject::Outbound, "http", cx.node);
        let f = &mut self.facts[i];
        f.props.insert("library".into(), Prop::Str(lib.into()));
        f.props.insert("host".into(), Prop::Str(host));
        if let Some(t) = tls {
            f.props.insert("tls".into(), Prop::Bool(t));
        }
        f.props.insert("timeout".into(), Prop::Bool(timeout));
        let meth = cx
            .method
            .filter(|m| is_http_method(m))
            .map(|m| m.to_ascii_uppercase())
            .or_else(|| {
                cx.props
                    .iter()
                    .find(|(_, p)| p.key == "method")
                    .and_then(|(_, p)| self.lit(p.value))
                    .map(|m| m.to_ascii_uppercase())
            });
        if meth.is_some_and(|m| m != "GET" && m != "HEAD") {
            self.cur_traits().writes.insert("http".into());
        }
    }

    fn recv_ctor(&self, cx: &CallCx) -> Option<Ctor> {
        let r = strip(cx.recv_node?);
        self.lookup(self.text(r))?.ctor.clone()
    }

    fn recv_ctor_host(&self, cx: &CallCx) -> Option<String> {
        let r = strip(cx.recv_node?);
        self.lookup(self.text(r))?.ctor.as_ref()?.host.clone()
    }

    fn queues(&mut self, cx: &CallCx) {
        let c = cx.callee;
        let topic = cx.arg_nodes.first().and_then(|a| self.lit(*a));
        let q: Option<(&str, &str, &str, Option<String>)> = if c.starts_with("kafkajs")
            && c.ends_with(".producer")
        {
            Some(("kafka", "kafkajs", "producer", None))
        } else if c.starts_with("kafkajs") && c.ends_with(".consumer") {
            Some(("kafka", "kafkajs", "consumer", None))
        } else if c.starts_with("amqplib") && matches!(cx.method, Some("sendToQueue" | "publish")) {
            Some(("rabbitmq", "amqplib", "producer", topic))
        } else if c.starts_with("amqplib") && cx.method == Some("consume") {
            Some(("rabbitmq", "amqplib", "consumer", topic))
        } else if c == "bullmq.Queue" {
            Some(("bullmq", "bullmq", "producer", topic))
        } else if c == "bullmq.Worker" {
            Some(("bullmq", "bullmq", "consumer", topic))
        } else if c == "@aws-sdk/client-sqs.SendMessageCommand" {
            Some(("sqs", "@aws-sdk/client-sqs", "producer", None))
        } else if c == "@aws-sdk/client-sqs.ReceiveMessageCommand" {
            Some(("sqs", "@aws-sdk/client-sqs", "consumer", None))
        } else {
            None
        };
        if let Some((kind, lib, role, topic)) = q {
            let i = self.fact(Subject::Queue, kind, cx.node);
            let f = &mut self.facts[i];
            f.props.insert("library".into(), Prop::Str(lib.into()));
            f.props.insert("role".into(), Prop::Str(role.into()));
            if let Some(t) = topic {
                f.props.insert("topic".into(), Prop::Str(t));
            }
        }
    }

    // ---------------------------------------------------------------- LLM

    pub(super) fn llm_kind(&self, cx: &CallCx) -> Option<(&'static str, &'static str)> {
        let c = cx.callee;
        let ends = |s: &[&str]| s.iter().any(|x| c.ends_with(x));
        if ends(&[
            "chat.completions.create",
            "chat.completions.parse",
            "chat.completions.stream",
            "responses.create",
            "responses.stream",
            "beta.chat.completions.parse",
        ]) || (c.starts_with("openai") && c.ends_with("completions.create"))
        {
            let azure =
                c.starts_with("openai.AzureOpenAI") || c.contains("azure") || c.contains("Azure");
            return Some(if azure {
                ("azure-openai", "openai")
            } else {
                ("openai", "openai")
            });
        }
        if ends(&["messages.create", "messages.stream"]) {
            let w = words(c);
            if c.starts_with("@anthropic-ai/sdk")
                || w.iter().any(|x| x == "anthropic" || x == "claude")
            {
                return Some(("anthropic", "@anthropic-ai/sdk"));
            }
        }
        if matches!(
            c,
            "ai.generateText" | "ai.streamText" | "ai.generateObject" | "ai.streamObject"
        ) {
            return Some(("vercel-ai", "ai"));
        }
        if c.starts_with("ollama") && matches!(cx.method, Some("chat" | "generate")) {
            return Some(("ollama", "ollama"));
        }
        if c.starts_with("@langchain/")
            && matches!(
                cx.method,
                Some("invoke" | "stream" | "call" | "predict" | "batch")
            )
        {
            let chat = c
                .split(['.', '('])
                .any(|s| s.starts_with("Chat") || s == "OpenAI" || s == "Ollama");
            if chat {
                return Some(("langchain", "langchain"));
            }
        }
        if c.starts_with("@google/generative-ai")
            && matches!(
                cx.method,
                Some("generateContent" | "generateContentStream" | "sendMessage")
            )
        {
            return Some(("gemini", "@google/generative-ai"));
        }
        if c.starts_with("@google/genai") && c.ends_with("models.generateContent") {
            return Some(("gemini", "@google/genai"));
        }
        None
    }

    pub(super) fn is_retriever_call(&self, cx: &CallCx) -> bool {
        matches!(
            cx.method,
            Some("invoke" | "getRelevantDocuments" | "_getRelevantDocuments")
        ) && cx.callee.contains("asRetriever()")
    }

    pub(super) fn llm(&mut self, cx: &CallCx) {
        let Some((kind, lib)) = self.llm_kind(cx) else {
            return;
        };
        let ctor = cx.recv_node.and_then(|r| {
            let mut root = strip(r);
            while let Some(o) = root.field("object") {
                root = strip(o);
            }
            self.lookup(self.text(root)).and_then(|v| v.ctor.clone())
        });
        let mut model = None;
        let mut max_tokens = false;
        let mut tools = false;
        let mut streaming = cx.callee.contains("stream")
            || cx
                .method
                .is_some_and(|m| m.contains("stream") || m.contains("Stream"));
        for (_, p) in cx.props {
            match p.key.as_str() {
                "model" => {
                    let v = strip(p.value);
                    model = self.lit(v).or_else(|| {
                        // openai('gpt-4o') / anthropic('claude-…')
                        (v.node_kind() == "call_expression")
                            .then(|| {
                                v.field("arguments")
                                    .and_then(|a| kids(a).into_iter().next())
                                    .and_then(|a| self.lit(a))
                            })
                            .flatten()
                    });
                }
                "max_tokens"
                | "maxTokens"
                | "max_completion_tokens"
                | "maxOutputTokens"
                | "max_output_tokens"
                | "num_predict" => max_tokens = true,
                "tools" | "functions" | "tool_choice" | "toolChoice" => tools = true,
                "stream" if self.text(strip(p.value)) == "true" => streaming = true,
                _ => {}
            }
        }
        if model.is_none() {
            model = ctor.as_ref().and_then(|c| c.model.clone());
        }
        max_tokens |= ctor.as_ref().is_some_and(|c| c.max_tokens);
        let i = self.fact(Subject::Llm, kind, cx.node);
        let host = ctor.and_then(|c| c.host);
        let f = &mut self.facts[i];
        f.props.insert("library".into(), Prop::Str(lib.into()));
        if let Some(m) = model {
            f.props.insert("model".into(), Prop::Str(m));
        }
        f.props.insert("max_tokens".into(), Prop::Bool(max_tokens));
        f.props.insert("tools".into(), Prop::Bool(tools));
        f.props.insert("streaming".into(), Prop::Bool(streaming));
        if let Some(h) = host {
            f.props.insert("host".into(), Prop::Str(h));
        }
        // Prompt sinks: each message, or each prompt field.
        let mut sinks: Vec<(Taint, Node)> = vec![];
        for (_, p) in cx.props {
            if !matches!(
                p.key.as_str(),
                "messages"
                    | "prompt"
                    | "system"
                    | "input"
                    | "instructions"
                    | "contents"
                    | "content"
            ) {
                continue;
            }
            if !p.elems.is_empty() {
                sinks.extend(p.elems.iter().map(|(t, n)| (t.clone(), *n)));
            } else {
                sinks.push((p.taint.clone(), p.node));
            }
        }
        if matches!(kind, "langchain" | "gemini")
            && let (Some(a), Some(t)) = (cx.arg_nodes.first(), cx.args.first())
            && strip(*a).node_kind() != "object"
        {
            sinks.push((t.clone(), *a));
        }
        let callee = cx.callee.to_string();
        for (t, n) in sinks {
            if t.state_for("prompt") == crate::FlowState::Safe {
                continue;
            }
            let i = self.fact(Subject::Sink, "prompt", n);
            self.facts[i]
                .props
                .insert("callee".into(), Prop::Str(callee.clone()));
            self.facts[i].flow = Some(t.to_flow("prompt"));
        }
    }

    // ---------------------------------------------------------------- settings

    fn setting(
        &mut self,
        kind: &str,
        n: Node,
        callee: &str,
        value: Option<String>,
        context: Option<String>,
    ) {
        let i = self.fact(Subject::Setting, kind, n);
        let f = &mut self.facts[i];
        f.props.insert("callee".into(), Prop::Str(callee.into()));
        if let Some(v) = value {
            f.props.insert("value".into(), Prop::Str(v));
        }
        if let Some(c) = context {
            f.props.insert("context".into(), Prop::Str(c));
        }
    }

    pub(super) fn settings(&mut self, cx: &CallCx) {
        let c = cx.callee;
        let prop = |k: &str| {
            cx.props
                .iter()
                .find(|(_, p)| p.key == k)
                .map(|(_, p)| p.value)
        };
        // CORS
        let is_cors =
            matches!(c, "cors" | "@koa/cors" | "@fastify/cors") || cx.method == Some("enableCors");
        let fastify_cors = cx.method == Some("register")
            && cx
                .arg_nodes
                .first()
                .and_then(|a| self.path_of(*a))
                .is_some_and(|p| p.text == "@fastify/cors");
        if is_cors || fastify_cors {
            let origin = prop("origin");
            let creds = self.lit_true(prop("credentials"));
            let origin_any = origin.is_some_and(|o| {
                self.lit(o).as_deref() == Some("*") || self.text(strip(o)) == "true"
            });
            let origin_star = origin.is_some_and(|o| self.lit(o).as_deref() == Some("*"));
            let no_opts = cx.props.is_empty()
                && (cx.arg_nodes.is_empty() || fastify_cors && cx.arg_nodes.len() == 1);
            if creds && origin_any {
                self.setting(
                    "cors-credentials-wildcard",
                    cx.node,
                    c,
                    origin.map(|o| normalise(self.text(o))),
                    None,
                );
            } else if origin_star || (no_opts && (is_cors || fastify_cors)) {
                self.setting("cors-wildcard", cx.node, c, Some("*".into()), None);
            }
        }
        if matches!(cx.method, Some("setHeader" | "set" | "header")) && cx.arg_nodes.len() >= 2 {
            let h = self
                .lit(cx.arg_nodes[0])
                .unwrap_or_default()
                .to_ascii_lowercase();
            if h == "access-control-allow-origin"
                && self.lit(cx.arg_nodes[1]).as_deref() == Some("*")
            {
                self.setting("cors-wildcard", cx.node, c, Some("*".into()), None);
            }
        }
        // Cookies
        if cx.method == Some("cookie")
            && cx.arg_nodes.len() >= 3
            && (self.lit_false(prop("secure")) || self.lit_false(prop("httpOnly")))
        {
            let v = if self.lit_false(prop("secure")) {
                "secure: false"
            } else {
                "httpOnly: false"
            };
            self.setting("cookie-insecure", cx.node, c, Some(v.into()), None);
        }
        if matches!(
            c,
            "express-session" | "cookie-session" | "koa-session" | "@fastify/session"
        ) {
            if let Some(ck) = prop("cookie")
                .map(strip)
                .filter(|v| v.node_kind() == "object")
            {
                let sec = self.obj_get(ck, "secure");
                let ho = self.obj_get(ck, "httpOnly");
                if self.lit_false(sec) || self.lit_false(ho) {
                    let v = if self.lit_false(sec) {
                        "secure: false"
                    } else {
                        "httpOnly: false"
                    };
                    self.setting("session-cookie-insecure", cx.node, c, Some(v.into()), None);
                }
            }
            if c == "cookie-session"
                && (self.lit_false(prop("secure")) || self.lit_false(prop("httpOnly")))
            {
                self.setting(
                    "session-cookie-insecure",
                    cx.node,
                    c,
                    Some("secure: false".into()),
                    None,
                );
            }
            if let Some(s) = prop("secret").or_else(|| prop("keys")) {
                let s = strip(s);
                let literal = self.lit(s).is_some()
                    || (s.node_kind() == "array"
                        && !kids(s).is_empty()
                        && kids(s).iter().all(|k| self.lit(*k).is_some()));
                if literal {
                    self.setting("secret-key-weak", cx.node, c, None, Some("session".into()));
                }
            }
        }
        // JWT
        if matches!(c, "jsonwebtoken.sign" | "jsonwebtoken.verify") {
            if cx.arg_nodes.get(1).is_some_and(|a| self.lit(*a).is_some()) {
                self.setting("secret-key-weak", cx.node, c, None, Some("token".into()));
            }
            if c.ends_with("verify") {
                if let Some(al) = prop("algorithms")
                    && kids(strip(al))
                        .iter()
                        .any(|k| self.lit(*k).is_some_and(|v| v.eq_ignore_ascii_case("none")))
                {
                    self.setting("jwt-none-alg", cx.node, c, Some("none".into()), None);
                }
                if self.lit_true(prop("ignoreExpiration")) {
                    self.setting(
                        "jwt-no-expiry-check",
                        cx.node,
                        c,
                        Some("ignoreExpiration: true".into()),
                        None,
                    );
                }
            }
        }
        if c.ends_with("JwtModule.register")
            || c == "express-jwt.expressjwt"
            || c == "koa-jwt"
            || c == "@fastify/jwt"
        {
            if prop("secret").is_some_and(|s| self.lit(s).is_some()) {
                self.setting("secret-key-weak", cx.node, c, None, Some("token".into()));
            }
            if let Some(al) = prop("algorithms")
                && kids(strip(al))
                    .iter()
                    .any(|k| self.lit(*k).is_some_and(|v| v.eq_ignore_ascii_case("none")))
            {
                self.setting("jwt-none-alg", cx.node, c, Some("none".into()), None);
            }
        }
        // Crypto
        if c == "crypto.createHash"
            && let Some(alg) = cx.arg_nodes.first().and_then(|a| self.lit(*a))
        {
            let a = alg.to_ascii_lowercase();
            if matches!(a.as_str(), "md5" | "sha1" | "md4" | "sha-1" | "ripemd160")
                && let Some(ctx) = self.hash_context(cx.node)
            {
                self.setting("weak-hash", cx.node, c, Some(alg), Some(ctx));
            }
        }
        if c == "Math.random"
            && let Some(ctx) = self.random_context(cx.node)
        {
            self.setting("weak-random", cx.node, c, None, Some(ctx));
        }
        if matches!(
            c,
            "crypto.createCipheriv"
                | "crypto.createCipher"
                | "crypto.createDecipheriv"
                | "crypto.createDecipher"
        ) && let Some(alg) = cx.arg_nodes.first().and_then(|a| self.lit(*a))
        {
            let a = alg.to_ascii_lowercase();
            if a.starts_with("des")
                || a.starts_with("rc4")
                || a.starts_with("rc2")
                || a.starts_with("bf")
                || a.starts_with("blowfish")
                || a.ends_with("-ecb")
            {
                self.setting("weak-cipher", cx.node, c, Some(alg), None);
            }
        }
        // Network binding
        if cx.method == Some("listen") {
            let any = cx
                .arg_nodes
                .iter()
                .any(|a| self.lit(*a).as_deref() == Some("0.0.0.0"))
                || prop("host").is_some_and(|h| self.lit(h).as_deref() == Some("0.0.0.0"));
            if any {
                self.setting(
                    "bind-all-interfaces",
                    cx.node,
                    c,
                    Some("0.0.0.0".into()),
                    None,
                );
            }
        }
        // File modes
        let chmod = matches!(
            c,
            "fs.chmod" | "fs.chmodSync" | "fs/promises.chmod" | "fs.promises.chmod"
        );
        let mode_node = if chmod {
            cx.arg_nodes.get(1).copied()
        } else {
            prop("mode")
        };
        if let Some(m) = mode_node
            && (chmod || c.starts_with("fs"))
        {
            let t = self.text(strip(m));
            let lit = self.lit(m);
            let v = if let Some(l) = &lit {
                i64::from_str_radix(l, 8).ok()
            } else if let Some(o) = t.strip_prefix("0o").or_else(|| t.strip_prefix("0O")) {
                i64::from_str_radix(o, 8).ok()
            } else if t.len() > 1 && t.starts_with('0') {
                i64::from_str_radix(&t[1..], 8).ok()
            } else {
                t.parse::<i64>().ok()
            };
            if v.is_some_and(|v| v & 0o002 != 0) {
                self.setting(
                    "permissive-file-mode",
                    cx.node,
                    c,
                    Some(t.to_string()),
                    None,
                );
            }
        }
        // Predictable temporary files: a fixed name in a shared temp directory.
        let tmp_write = matches!(
            c,
            "fs.writeFile"
                | "fs.writeFileSync"
                | "fs.createWriteStream"
                | "fs.openSync"
                | "fs.open"
                | "fs/promises.writeFile"
                | "fs.promises.writeFile"
                | "fs/promises.open"
        );
        if tmp_write && let Some(p) = cx.arg_nodes.first().and_then(|a| self.fixed_temp_path(*a)) {
            self.setting("insecure-temp-file", cx.node, c, Some(p), None);
        }
        // XML
        if (c.starts_with("libxmljs") && (c.ends_with("parseXml") || c.ends_with("parseXmlString")))
            && self.lit_true(prop("noent"))
        {
            self.setting("xxe-enabled", cx.node, c, Some("noent: true".into()), None);
        }
    }

    /// `'/tmp/report.csv'` or `path.join(os.tmpdir(), 'report.csv')`: a fixed
    /// file name in a world-writable directory.
    fn fixed_temp_path(&self, n: Node) -> Option<String> {
        let s = strip(n);
        if let Some(l) = self.lit(s) {
            let fixed = (l.starts_with("/tmp/") || l.starts_with("/var/tmp/")) && l.len() > 5;
            return fixed.then_some(l);
        }
        if s.node_kind() != "call_expression" {
            return None;
        }
        let f = self.path_of(s.field("function")?)?;
        if !matches!(f.text.as_str(), "path.join" | "path.resolve") {
            return None;
        }
        let args = kids(s.field("arguments")?);
        let first = strip(*args.first()?);
        let tmpdir = first.node_kind() == "call_expression"
            && first
                .field("function")
                .and_then(|x| self.path_of(x))
                .is_some_and(|p| p.text == "os.tmpdir");
        let rest: Option<Vec<String>> = args[1..].iter().map(|a| self.lit(*a)).collect();
        match rest {
            Some(r) if tmpdir && !r.is_empty() => Some(format!("os.tmpdir()/{}", r.join("/"))),
            _ => None,
        }
    }

    /// Words around a call: the hashed argument, the variable or property it
    /// is assigned to, the enclosing function.
    fn context_words(&self, n: Node) -> Vec<String> {
        let mut ws = vec![];
        // The value is given a name (variable, property): that name says
        // what it is for, and the enclosing function's name is not asked —
        // `const s = Math.random()` in `scheduleTokenCleanup` is no token.
        let mut named = false;
        let mut cur = n;
        for _ in 0..12 {
            let Some(p) = cur.parent() else { break };
            match p.node_kind() {
                "member_expression"
                | "call_expression"
                | "arguments"
                | "await_expression"
                | "parenthesized_expression"
                | "binary_expression"
                | "template_substitution"
                | "template_string" => {
                    if p.node_kind() == "call_expression"
                        && let Some(f) = p.field("function")
                    {
                        if f.node_kind() == "member_expression"
                            && f.field("property")
                                .is_some_and(|x| self.text(x) == "update")
                            && let Some(a) = p.field("arguments")
                        {
                            ws.extend(words(self.text(a)));
                        }
                        let fname = self.text(f);
                        if !fname.contains("createHash") && !fname.contains("random") {
                            ws.extend(words(fname.rsplit('.').next().unwrap_or("")));
                        }
                    }
                    cur = p;
                }
                "variable_declarator" => {
                    if let Some(nm) = p.field("name") {
                        ws.extend(words(self.text(nm)));
                        named = true;
                    }
                    break;
                }
                "assignment_expression" => {
                    if let Some(l) = p.field("left") {
                        ws.extend(words(self.text(l)));
                        named = true;
                    }
                    break;
                }
                "pair" => {
                    if let Some(k) = p.field("key") {
                        ws.extend(words(self.text(k)));
                        named = true;
                    }
                    break;
                }
                _ => break,
            }
        }
        if !named {
            let sym = self.symbol();
            ws.extend(words(sym.rsplit('.').next().unwrap_or("")));
        }
        ws
    }

    fn hash_context(&self, n: Node) -> Option<String> {
        let ws = self.context_words(n);
        for w in &ws {
            let c = match w.as_str() {
                "password" | "passwd" | "pwd" | "passphrase" | "pass" => "password",
                _ => continue,
            };
            return Some(c.into());
        }
        for w in &ws {
            let c = match w.as_str() {
                "token" | "apikey" | "reset" | "session" | "jwt" | "csrf" | "otp" | "nonce" => {
                    "token"
                }
                "signature" | "sign" | "signed" | "hmac" | "integrity" | "verify" => "signature",
                "auth" | "login" | "credential" | "credentials" | "secret" => "auth",
                _ => continue,
            };
            return Some(c.into());
        }
        None
    }

    fn random_context(&self, n: Node) -> Option<String> {
        let ws = self.context_words(n);
        for w in &ws {
            let c = match w.as_str() {
                "password" | "passwd" | "pwd" => "password",
                "token" | "apikey" | "csrf" | "reset" => "token",
                "secret" | "salt" => "secret",
                "session" | "sid" => "session",
                "otp" | "pin" | "totp" => "otp",
                "nonce" | "iv" => "nonce",
                "key" => "key",
                _ => continue,
            };
            return Some(c.into());
        }
        None
    }

    // ---------------------------------------------------------------- NestJS

    pub(super) fn nest_controller(&self, decorators: &[Node]) -> Option<NestCtrl> {
        let ctrl = decorators
            .iter()
            .find(|d| self.decorator_name(**d) == "Controller")?;
        let mut c = NestCtrl {
            prefix: self.decorator_first_lit(*ctrl).unwrap_or_default(),
            ..NestCtrl::default()
        };
        for d in decorators {
            self.nest_controls(*d, &mut c);
        }
        Some(c)
    }

    fn decorator_first_lit(&self, d: Node) -> Option<String> {
        let call = kids(d)
            .into_iter()
            .next()
            .filter(|k| k.node_kind() == "call_expression")?;
        let a = kids(call.field("arguments")?).into_iter().next()?;
        if strip(a).node_kind() == "object" {
            return self.obj_get(strip(a), "path").and_then(|v| self.lit(v));
        }
        self.lit(a)
    }

    fn nest_controls(&self, d: Node, c: &mut NestCtrl) {
        match self.decorator_name(d).as_str() {
            "UseGuards" => {
                if let Some(call) = kids(d).into_iter().next()
                    && let Some(args) = call.field("arguments")
                {
                    for a in kids(args) {
                        c.auth.push(normalise(self.text(a)));
                    }
                }
            }
            "Public" | "SkipAuth" | "AllowAnonymous" | "IsPublic" | "NoAuth" | "Anonymous" => {
                c.public = true
            }
            "Throttle" => c
                .rate
                .push(normalise(self.text(d)).trim_start_matches('@').to_string()),
            "Auth" | "Authenticated" | "Roles" | "RequireAuth" => c
                .auth
                .push(normalise(self.text(d)).trim_start_matches('@').to_string()),
            _ => {}
        }
    }

    pub(super) fn nest_method(
        &mut self,
        ctrl: &NestCtrl,
        method_decorators: &[Node],
        m: Node,
        class_symbol: &str,
        mname: &str,
    ) {
        let Some(http) = method_decorators.iter().find(|d| {
            matches!(
                self.decorator_name(**d).as_str(),
                "Get" | "Post" | "Put" | "Patch" | "Delete" | "All" | "Options" | "Head"
            )
        }) else {
            return;
        };
        let verb = match self.decorator_name(*http).as_str() {
            "All" => "ANY".to_string(),
            v => v.to_ascii_uppercase(),
        };
        let sub = self.decorator_first_lit(*http).unwrap_or_default();
        let parts: Vec<&str> = [ctrl.prefix.as_str(), sub.as_str()]
            .into_iter()
            .flat_map(|p| p.split('/'))
            .filter(|s| !s.is_empty())
            .collect();
        let route = format!("/{}", parts.join("/"));
        let mut c = ctrl.clone();
        for d in method_decorators {
            self.nest_controls(*d, &mut c);
        }
        let mut body_model = None;
        let mut params = route_params(&route);
        if let Some(ps) = m.field("parameters") {
            for p in kids(ps) {
                for d in kids(p).into_iter().filter(|k| k.node_kind() == "decorator") {
                    match self.decorator_name(d).as_str() {
                        "Body" => {
                            if let Some(t) = p.field("type") {
                                let t = self.text(t).trim_start_matches(':').trim().to_string();
                                if !matches!(
                                    t.as_str(),
                                    "any" | "object" | "unknown" | "string" | "Record<string, any>"
                                ) {
                                    body_model = Some(t);
                                }
                            }
                        }
                        "Param" => {
                            if let Some(n) = self.decorator_first_lit(d)
                                && !params.contains(&n)
                            {
                                params.push(n);
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        params.sort();
        let symbol = format!("{class_symbol}.{mname}");
        self.overrides.insert(m.id(), (Role::Nest, None));
        let ev = evidence(self.path, *http, self.src, &symbol);
        let mut f = Fact::new(Subject::Entry, "http", ev);
        let admin = words(&route)
            .iter()
            .chain(words(&symbol).iter())
            .any(|w| crate::words::ADMIN_WORDS.contains(&w.as_str()));
        f.props
            .insert("framework".into(), Prop::Str("nestjs".into()));
        f.props.insert("method".into(), Prop::Str(verb.clone()));
        f.props.insert("route".into(), Prop::Str(route));
        f.props.insert("handler".into(), Prop::Str(symbol.clone()));
        f.props
            .insert("router".into(), Prop::Str(class_symbol.to_string()));
        if !c.auth.is_empty() {
            f.props.insert("auth".into(), Prop::List(c.auth.clone()));
        }
        if c.public {
            f.props.insert("public".into(), Prop::Bool(true));
        }
        if !c.rate.is_empty() {
            f.props
                .insert("rate_limit".into(), Prop::List(c.rate.clone()));
        }
        if !params.is_empty() {
            f.props.insert("path_params".into(), Prop::List(params));
        }
        if let Some(b) = body_model {
            f.props.insert("body_model".into(), Prop::Str(b));
        }
        if admin {
            f.props.insert("admin".into(), Prop::Bool(true));
        }
        if ["POST", "PUT", "PATCH", "DELETE"].contains(&verb.as_str()) {
            f.props.insert("state_changing".into(), Prop::Bool(true));
        }
        self.facts.push(f);
        self.pending.push(PendingEntry {
            fact: self.facts.len() - 1,
            traits: symbol,
            method_from_checks: false,
        });
    }

    // ---------------------------------------------------------------- Next.js

    /// Before an exported function is walked: Next.js API routes and middleware.
    pub(super) fn next_export(&mut self, func: Node, name: &str, is_default: bool) {
        if self.use_server {
            self.overrides.insert(func.id(), (Role::Action, None));
            return;
        }
        let path = self.path;
        let base = path.rsplit('/').next().unwrap_or(path);
        let stem = strip_ext(base);
        let segs: Vec<&str> = strip_ext(path).split('/').collect();
        if is_default {
            if let Some(pos) = segs.iter().position(|s| *s == "pages")
                && segs.get(pos + 1) == Some(&"api")
            {
                let mut rest: Vec<&str> = segs[pos + 1..].to_vec();
                if rest.last() == Some(&"index") {
                    rest.pop();
                }
                let route = next_segments(&rest);
                let sym = if is_default && func.field("name").is_none() {
                    "default".to_string()
                } else {
                    name.to_string()
                };
                self.overrides.insert(
                    func.id(),
                    (
                        Role::Http {
                            aliases: &["req", "res"],
                            params_source: false,
                        },
                        None,
                    ),
                );
                self.next_entry(func, "ANY", &route, &sym, true);
            }
            return;
        }
        let verbs = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
        if stem == "route" && verbs.contains(&name) {
            if let Some(pos) = segs.iter().position(|s| *s == "app") {
                let rest = &segs[pos + 1..segs.len() - 1];
                let route = next_segments(rest);
                self.overrides.insert(
                    func.id(),
                    (
                        Role::Http {
                            aliases: &["request"],
                            params_source: true,
                        },
                        None,
                    ),
                );
                self.next_entry(func, name, &route, name, false);
            }
            return;
        }
        if stem == "middleware"
            && name == "middleware"
            && (segs.len() == 1 || segs.len() == 2 && segs[0] == "src")
        {
            let body = self.text(func).to_ascii_lowercase();
            if ["auth", "session", "token", "jwt", "getToken", "cookies.get"]
                .iter()
                .any(|k| body.contains(&k.to_ascii_lowercase()))
            {
                self.next_middleware(func);
                self.overrides.insert(
                    func.id(),
                    (
                        Role::Http {
                            aliases: &["request"],
                            params_source: false,
                        },
                        None,
                    ),
                );
            }
        }
    }

    fn next_entry(&mut self, func: Node, verb: &str, route: &str, sym: &str, from_checks: bool) {
        let ev = evidence(self.path, func, self.src, sym);
        let mut f = Fact::new(Subject::Entry, "http", ev);
        let params = route_params(route);
        f.props
            .insert("framework".into(), Prop::Str("nextjs".into()));
        f.props.insert("method".into(), Prop::Str(verb.into()));
        f.props.insert("route".into(), Prop::Str(route.into()));
        f.props.insert("handler".into(), Prop::Str(sym.into()));
        f.props.insert("router".into(), Prop::Str("app".into()));
        if !params.is_empty() {
            f.props.insert("path_params".into(), Prop::List(params));
        }
        if words(route)
            .iter()
            .chain(words(sym).iter())
            .any(|w| crate::words::ADMIN_WORDS.contains(&w.as_str()))
        {
            f.props.insert("admin".into(), Prop::Bool(true));
        }
        if ["POST", "PUT", "PATCH", "DELETE"].contains(&verb) {
            f.props.insert("state_changing".into(), Prop::Bool(true));
        }
        self.facts.push(f);
        self.pending.push(PendingEntry {
            fact: self.facts.len() - 1,
            traits: sym.to_string(),
            method_from_checks: from_checks,
        });
    }

    fn next_middleware(&mut self, n: Node) {
        let i = self.fact(Subject::Middleware, "auth", n);
        let f = &mut self.facts[i];
        f.props.insert("router".into(), Prop::Str("app".into()));
        f.props
            .insert("name".into(), Prop::Str("middleware".into()));
        f.props
            .insert("framework".into(), Prop::Str("nextjs".into()));
    }

    /// `export default handler` in a pages API file.
    pub(super) fn next_default_ident(&mut self, name: &str, n: Node) {
        let segs: Vec<&str> = strip_ext(self.path).split('/').collect();
        if let Some(pos) = segs.iter().position(|s| *s == "pages")
            && segs.get(pos + 1) == Some(&"api")
            && self.top_names.contains(name)
        {
            let mut rest: Vec<&str> = segs[pos + 1..].to_vec();
            if rest.last() == Some(&"index") {
                rest.pop();
            }
            let route = next_segments(&rest);
            self.next_entry(n, "ANY", &route, name, true);
        }
    }

    /// `export default withAuth(...)` / `clerkMiddleware()` in middleware.ts.
    pub(super) fn next_middleware_default(&mut self, n: Node, call: Node) {
        let stem = strip_ext(self.path.rsplit('/').next().unwrap_or(self.path));
        if stem != "middleware" {
            return;
        }
        let f = call.field("function").map(|f| self.text(f)).unwrap_or("");
        if auth_name(f) || f.contains("clerkMiddleware") || f.contains("withAuth") {
            self.next_middleware(n);
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(super) struct NestCtrl {
    pub prefix: String,
    pub auth: Vec<String>,
    pub public: bool,
    pub rate: Vec<String>,
}

fn split_handlers<'t>(args: &[Node<'t>]) -> (Vec<Node<'t>>, Option<Node<'t>>) {
    match args.split_last() {
        Some((last, rest)) => (rest.to_vec(), Some(*last)),
        None => (vec![], None),
    }
}

fn is_http_method(m: &str) -> bool {
    matches!(
        m,
        "get" | "post" | "put" | "patch" | "delete" | "head" | "options" | "request"
    )
}
