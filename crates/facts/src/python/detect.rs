//! Stores, outbound calls, LLM calls, queues, settings, middleware, mounts
//! and named-handler entries, recognised at call sites and assignments.

use super::names::*;
use super::routes::EntryDraft;
use super::{Call, Ctx, Deferred, Scope};
use crate::types::*;
use bw_lang::{FieldExt, KindExt};
use tree_sitter::Node;

/// `scheme://user@host:port/...` -> (scheme, host): the new core's reading
/// ([`crate::core::components`]), the text taken whole as this extractor
/// always did.
fn url_parts(url: &str) -> Option<(String, String)> {
    crate::core::components::url_parts(url, true)
}

use crate::core::components::is_local_host;

const PASSWORD_WORDS: &[&str] = &["password", "passwd", "pwd", "passphrase"];

impl<'s> Ctx<'s> {
    pub(crate) fn setting(
        &mut self,
        n: Node<'_>,
        sc: &Scope,
        kind: &str,
        callee: &str,
        value: Option<&str>,
        context: Option<&str>,
    ) {
        let mut f = Fact::new(Subject::Setting, kind, self.ev(n, &sc.symbol))
            .with("callee", Prop::Str(callee.to_string()));
        if let Some(v) = value {
            f = f.with("value", Prop::Str(v.to_string()));
        }
        if let Some(c) = context {
            f = f.with("context", Prop::Str(c.to_string()));
        }
        if let Some(fw) = &sc.framework {
            f = f.with("framework", Prop::Str(fw.clone()));
        }
        self.push(f);
    }

    pub(crate) fn middleware(
        &mut self,
        n: Node<'_>,
        sc: &Scope,
        kind: &str,
        name: &str,
        router: Option<&str>,
        framework: &str,
    ) {
        let mut f = Fact::new(Subject::Middleware, kind, self.ev(n, &sc.symbol))
            .with("name", Prop::Str(name.to_string()));
        if let Some(r) = router.filter(|r| !r.is_empty()) {
            f = f.with("router", Prop::Str(r.to_string()));
        }
        if !framework.is_empty() {
            f = f.with("framework", Prop::Str(framework.to_string()));
        }
        self.push(f);
    }

    #[allow(clippy::too_many_arguments)]
    fn mount(
        &mut self,
        n: Node<'_>,
        sc: &Scope,
        parent: Option<&str>,
        child: &str,
        prefix: Option<&str>,
        auth: &[String],
        framework: &str,
    ) {
        let mut f = Fact::new(Subject::Mount, "prefix", self.ev(n, &sc.symbol))
            .with("child", Prop::Str(child.to_string()))
            .with("prefix", Prop::Str(prefix.unwrap_or("").to_string()))
            .with("framework", Prop::Str(framework.to_string()));
        if let Some(p) = parent.filter(|p| !p.is_empty()) {
            f = f.with("parent", Prop::Str(p.to_string()));
        }
        if !auth.is_empty() {
            let mut a = auth.to_vec();
            a.sort();
            a.dedup();
            f = f.with("auth", Prop::List(a));
        }
        self.push(f);
    }

    /// The variable an expression is (eventually) assigned to.
    fn enclosing_target(&self, n: Node<'_>) -> Option<String> {
        let mut cur = n.parent();
        for _ in 0..12 {
            let p = cur?;
            if p.node_kind() == "assignment" {
                return p.field("left").map(|l| self.text(l).to_string());
            }
            if matches!(
                p.node_kind(),
                "function_definition" | "class_definition" | "module"
            ) {
                return None;
            }
            cur = p.parent();
        }
        None
    }

    /// The resolved name of a router/view/module argument.
    fn resolved_child(&self, n: Node<'_>, _sc: &Scope) -> String {
        if let Some(s) = lit_str(n, self.src) {
            return s;
        }
        // `View.as_view()` -> the view class.
        if n.node_kind() == "call"
            && let Some(f) = n.field("function")
            && f.node_kind() == "attribute"
            && f.field("attribute")
                .is_some_and(|a| self.text(a) == "as_view")
            && let Some(o) = f.field("object")
        {
            return self.resolved_child(o, _sc);
        }
        if n.node_kind() == "identifier" {
            let name = self.text(n);
            if let Some(m) = self.imports.map.get(name) {
                return m.clone();
            }
            if self.defs.contains(name) && !self.module.is_empty() {
                return format!("{}.{name}", self.module);
            }
            return name.to_string();
        }
        if n.node_kind() == "attribute"
            && let Some(o) = n.field("object")
            && let Some(a) = n.field("attribute")
        {
            let base =
                if o.node_kind() == "identifier" && !self.imports.map.contains_key(self.text(o)) {
                    self.text(o).to_string()
                } else {
                    self.resolved_child(o, _sc)
                };
            return format!("{base}.{}", self.text(a));
        }
        self.text(n).to_string()
    }

    pub(crate) fn detect(&mut self, call: &Call<'_>, sc: &mut Scope, target: Option<&str>) {
        self.body_markers(call, sc);
        self.detect_store(call, sc);
        self.detect_outbound(call, sc);
        self.detect_llm(call, sc);
        self.detect_queue(call, sc);
        self.detect_settings(call, sc, target);
        self.detect_framework(call, sc, target);
    }

    // ------------------------------------------------------------ body markers

    fn body_markers(&mut self, call: &Call<'_>, sc: &mut Scope) {
        let p = &call.path;
        let last = call.last().to_string();
        let lower = p.to_ascii_lowercase();
        let root = lower.split(['.', '(']).next().unwrap_or("");
        if lower.starts_with("logging.")
            || lower.contains(".logger.")
            || (call.method.is_some()
                && words(root).iter().any(|w| {
                    matches!(
                        w.as_str(),
                        "log" | "logger" | "logging" | "audit" | "auditlog"
                    )
                }))
            || last.starts_with("audit")
            || last.starts_with("log_")
        {
            sc.info.audit_log = true;
        }
        if (p == "input" && call.method.is_none())
            || [
                "confirm",
                "approve",
                "ask_human",
                "request_approval",
                "human_approval",
                "ask_user",
            ]
            .iter()
            .any(|w| last.to_ascii_lowercase().starts_with(w))
        {
            sc.info.confirmation = true;
        }
        // Store writes through an ORM.
        if (p.contains(".objects.")
            && matches!(
                last.as_str(),
                "create"
                    | "update"
                    | "delete"
                    | "bulk_create"
                    | "update_or_create"
                    | "get_or_create"
            ))
            || (lower.contains("session")
                && matches!(
                    last.as_str(),
                    "add" | "add_all" | "delete" | "merge" | "commit"
                ))
            || (p.contains("()")
                && matches!(
                    last.as_str(),
                    "insert_one"
                        | "insert_many"
                        | "update_one"
                        | "update_many"
                        | "delete_one"
                        | "delete_many"
                        | "replace_one"
                ))
        {
            sc.info.caps.insert("sql-write".into());
        }
        // A path parameter used directly to fetch a record.
        if !sc.path_params.is_empty()
            && !lower.starts_with("flask.request")
            && !lower.contains("request.")
        {
            let fetch = matches!(
                last.as_str(),
                "get"
                    | "get_or_404"
                    | "first_or_404"
                    | "filter"
                    | "filter_by"
                    | "get_object_or_404"
                    | "find_one"
                    | "execute"
                    | "fetchrow"
                    | "fetchval"
                    | "fetch_one"
                    | "scalar"
                    | "scalars"
                    | "one"
            );
            let store_ish = [
                "objects",
                "query",
                "session",
                "db",
                "cursor",
                "conn",
                "collection",
                "get_object_or_404",
                "select",
                "repo",
            ]
            .iter()
            .any(|w| lower.contains(w));
            if fetch && store_ish {
                let pp = sc.path_params.clone();
                if call.args.iter().any(|a| self.mentions(a.node, &pp, 0)) {
                    sc.info.id_lookup = true;
                }
            }
        }
        // Mass assignment: the request body spread into a model.
        let from_body = |t: &crate::taint::Taint| {
            t.sources.iter().any(|s| {
                s.kind == "request"
                    && !s.label.starts_with("parameter")
                    && !s.label.starts_with("path parameter")
            })
        };
        let mut mass = false;
        for a in &call.args {
            if a.splat == 2 && from_body(&a.taint) {
                let ctor = last.chars().next().is_some_and(|c| c.is_uppercase());
                if ctor
                    || matches!(
                        last.as_str(),
                        "create" | "update" | "get_or_create" | "update_or_create" | "bulk_create"
                    )
                {
                    mass = true;
                }
            }
        }
        if p.ends_with("__dict__.update") && call.pos(0).is_some_and(|a| from_body(&a.taint)) {
            mass = true;
        }
        if p == "setattr"
            && call.method.is_none()
            && call.pos(1).is_some_and(|a| from_body(&a.taint))
        {
            mass = true;
        }
        if mass {
            sc.info.mass_assign = true;
            let callee = if p.is_empty() {
                last.clone()
            } else {
                p.clone()
            };
            self.setting(call.node, sc, "mass-assignment", &callee, None, None);
        }
    }

    fn mentions(&self, n: Node<'_>, names: &[String], depth: usize) -> bool {
        if depth > 4 {
            return false;
        }
        match n.node_kind() {
            "identifier" => names.iter().any(|x| x == self.text(n)),
            "tuple"
            | "list"
            | "comparison_operator"
            | "dictionary"
            | "pair"
            | "call"
            | "argument_list"
            | "parenthesized_expression" => named_kids(n)
                .into_iter()
                .any(|c| self.mentions(c, names, depth + 1)),
            "keyword_argument" => n
                .field("value")
                .is_some_and(|v| self.mentions(v, names, depth + 1)),
            _ => false,
        }
    }

    // ------------------------------------------------------------ stores

    fn detect_store(&mut self, call: &Call<'_>, sc: &mut Scope) {
        let p = call.path.as_str();
        let ctor: Option<(&str, &str)> = match p {
            "psycopg2.connect"
            | "psycopg2.pool.SimpleConnectionPool"
            | "psycopg2.pool.ThreadedConnectionPool" => Some(("postgres", "psycopg2")),
            "psycopg.connect"
            | "psycopg.AsyncConnection.connect"
            | "psycopg_pool.ConnectionPool"
            | "psycopg_pool.AsyncConnectionPool" => Some(("postgres", "psycopg")),
            "asyncpg.connect" | "asyncpg.create_pool" => Some(("postgres", "asyncpg")),
            "pymysql.connect" | "pymysql.connections.Connection" => Some(("mysql", "pymysql")),
            "mysql.connector.connect" => Some(("mysql", "mysql-connector")),
            "MySQLdb.connect" => Some(("mysql", "mysqlclient")),
            "aiomysql.connect" | "aiomysql.create_pool" => Some(("mysql", "aiomysql")),
            "sqlite3.connect" => Some(("sqlite", "sqlite3")),
            "aiosqlite.connect" => Some(("sqlite", "aiosqlite")),
            "redis.Redis"
            | "redis.StrictRedis"
            | "redis.from_url"
            | "redis.Redis.from_url"
            | "redis.asyncio.Redis"
            | "redis.asyncio.from_url"
            | "redis.asyncio.Redis.from_url" => Some(("redis", "redis")),
            "pymongo.MongoClient" => Some(("mongodb", "pymongo")),
            "motor.motor_asyncio.AsyncIOMotorClient" => Some(("mongodb", "motor")),
            "google.cloud.storage.Client" => Some(("gcs", "google-cloud-storage")),
            "chromadb.Client" | "chromadb.PersistentClient" | "chromadb.HttpClient" => {
                Some(("vector-db", "chromadb"))
            }
            "pinecone.Pinecone" => Some(("vector-db", "pinecone")),
            "qdrant_client.QdrantClient" => Some(("vector-db", "qdrant")),
            "weaviate.Client"
            | "weaviate.connect_to_local"
            | "weaviate.connect_to_weaviate_cloud"
            | "weaviate.connect_to_custom" => Some(("vector-db", "weaviate")),
            "elasticsearch.Elasticsearch" | "elasticsearch.AsyncElasticsearch" => {
                Some(("elasticsearch", "elasticsearch"))
            }
            "pymemcache.client.base.Client" | "pymemcache.Client" => {
                Some(("memcached", "pymemcache"))
            }
            "cassandra.cluster.Cluster" => Some(("cassandra", "cassandra-driver")),
            "flask_sqlalchemy.SQLAlchemy" => Some(("sql", "flask-sqlalchemy")),
            _ => None,
        };
        if let Some((kind, lib)) = ctor {
            let url = call
                .arg(0, "url")
                .or_else(|| call.kw("host"))
                .or_else(|| call.kw("dsn"))
                .or_else(|| call.kw("hosts"));
            let mut f = Fact::new(Subject::Store, kind, self.ev(call.node, &sc.symbol))
                .with("library", Prop::Str(lib.into()));
            if lib == "flask-sqlalchemy" {
                f = f.with("orm", Prop::Bool(true));
            } else if let Some(a) = url {
                f = self.store_host(f, a.node);
            }
            self.push(f);
            return;
        }
        if matches!(
            p,
            "sqlalchemy.create_engine"
                | "sqlalchemy.ext.asyncio.create_async_engine"
                | "sqlmodel.create_engine"
        ) {
            let url = call.arg(0, "url");
            let lit = url.and_then(|a| lit_str(a.node, self.src));
            let scheme = lit.as_deref().map(|u| {
                u.split([':', '+'])
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase()
            });
            let kind = match scheme.as_deref() {
                Some(s) if s.starts_with("postgres") => "postgres",
                Some(s) if s.starts_with("mysql") || s.starts_with("mariadb") => "mysql",
                Some("sqlite") => "sqlite",
                Some("mssql") => "mssql",
                Some("oracle") => "oracle",
                _ => "sql",
            };
            let mut f = Fact::new(Subject::Store, kind, self.ev(call.node, &sc.symbol))
                .with("library", Prop::Str("sqlalchemy".into()));
            if let Some(a) = url {
                f = self.store_host(f, a.node);
            }
            self.push(f);
            return;
        }
        if matches!(
            p,
            "boto3.client"
                | "boto3.resource"
                | "boto3.session.Session().client"
                | "boto3.Session().client"
                | "boto3.Session().resource"
        ) {
            let svc = call
                .arg(0, "service_name")
                .and_then(|a| lit_str(a.node, self.src))
                .unwrap_or_default();
            let kind = match svc.as_str() {
                "s3" => "s3",
                "dynamodb" => "dynamodb",
                _ => return,
            };
            let f = Fact::new(Subject::Store, kind, self.ev(call.node, &sc.symbol))
                .with("library", Prop::Str("boto3".into()));
            self.push(f);
            return;
        }
        // First use: Django ORM managers, open().
        if p.contains(".objects.")
            && (self.imports_root("django") || self.imports_root("rest_framework"))
        {
            if self.seen_store.insert("django-orm".into()) {
                let f = Fact::new(Subject::Store, "sql", self.ev(call.node, &sc.symbol))
                    .with("library", Prop::Str("django".into()))
                    .with("orm", Prop::Bool(true));
                self.push(f);
            }
            return;
        }
        if (p == "open" || p == "io.open")
            && call.method.is_none()
            && self.seen_store.insert("file".into())
        {
            let f = Fact::new(Subject::Store, "file", self.ev(call.node, &sc.symbol))
                .with("library", Prop::Str("builtins".into()));
            self.push(f);
        }
    }

    fn store_host(&self, mut f: Fact, n: Node<'_>) -> Fact {
        match lit_str(n, self.src) {
            Some(u) => {
                if let Some((scheme, host)) = url_parts(&u) {
                    f = f.with("host", Prop::Str(host.clone()));
                    let local = is_local_host(&host);
                    if !local && (u.contains("sslmode=disable") || scheme == "http") {
                        f = f.with("tls", Prop::Bool(false));
                    } else if scheme == "rediss"
                        || scheme == "https"
                        || u.contains("sslmode=require")
                        || u.contains("sslmode=verify")
                    {
                        f = f.with("tls", Prop::Bool(true));
                    }
                } else if !u.contains("://")
                    && !u.is_empty()
                    && !u.contains('=')
                    && !u.contains('/')
                    && !u.contains(' ')
                {
                    f = f.with("host", Prop::Str(u));
                }
            }
            None => {
                f = f.with("host", Prop::Str("dynamic".into()));
            }
        }
        f
    }

    // ------------------------------------------------------------ outbound

    fn detect_outbound(&mut self, call: &Call<'_>, sc: &mut Scope) {
        let p = call.path.as_str();
        let last = call.last();
        let verbs = matches!(
            last,
            "get" | "post" | "put" | "patch" | "delete" | "head" | "options" | "request" | "stream"
        );
        let (lib, url_idx) = if verbs
            && (p.starts_with("requests.")
                && (p.matches('.').count() == 1
                    || p.starts_with("requests.Session().")
                    || p.starts_with("requests.session().")
                    || p.starts_with("requests.sessions.Session().")))
        {
            ("requests", if last == "request" { 1 } else { 0 })
        } else if verbs
            && (p.starts_with("httpx.")
                && (p.matches('.').count() == 1
                    || p.starts_with("httpx.Client().")
                    || p.starts_with("httpx.AsyncClient().")))
        {
            (
                "httpx",
                if last == "request" || last == "stream" {
                    1
                } else {
                    0
                },
            )
        } else if verbs && p.starts_with("aiohttp.ClientSession().") {
            ("aiohttp", if last == "request" { 1 } else { 0 })
        } else if p == "urllib.request.urlopen" {
            ("urllib", 0)
        } else if p == "urllib3.PoolManager().request" || p == "urllib3.request" {
            ("urllib3", 1)
        } else {
            return;
        };
        sc.info.caps.insert("http".into());
        let mut f = Fact::new(Subject::Outbound, "http", self.ev(call.node, &sc.symbol))
            .with("library", Prop::Str(lib.into()));
        let url = call.arg(url_idx, "url");
        let prefix = url.and_then(|a| lit_prefix(a.node, self.src));
        match prefix.as_deref().and_then(url_parts) {
            Some((scheme, host)) => {
                let local = is_local_host(&host);
                f = f.with("host", Prop::Str(host));
                if scheme == "http" && !local {
                    f = f.with("tls", Prop::Bool(false));
                } else if scheme == "https" {
                    f = f.with("tls", Prop::Bool(true));
                }
            }
            None => {
                f = f.with("host", Prop::Str("dynamic".into()));
            }
        }
        let timeout = match call.kw("timeout") {
            Some(a) => a.node.node_kind() != "none",
            None => {
                call.recv_ctor.as_ref().is_some_and(|c| c.timeout)
                    || matches!(lib, "httpx" | "aiohttp")
            }
        };
        f = f.with("timeout", Prop::Bool(timeout));
        self.push(f);
    }

    // ------------------------------------------------------------ LLM

    fn detect_llm(&mut self, call: &Call<'_>, sc: &mut Scope) {
        let p = call.path.as_str();
        let last = call.last();
        let openai_like = [
            "*.chat.completions.create",
            "*.chat.completions.parse",
            "*.responses.create",
            "*.completions.create",
            "*.chat.completions.stream",
        ]
        .iter()
        .any(|pat| name_matches(pat, p))
            || matches!(
                p,
                "openai.ChatCompletion.create" | "openai.Completion.create"
            );
        let (kind, lib) = if openai_like {
            if p.contains("AzureOpenAI") {
                ("azure-openai", "openai")
            } else {
                ("openai", "openai")
            }
        } else if (name_matches("*.messages.create", p) || name_matches("*.messages.stream", p))
            && (p.contains("anthropic")
                || p.contains("Anthropic")
                || (self.imports_root("anthropic") && !p.contains("twilio")))
        {
            ("anthropic", "anthropic")
        } else if p.starts_with("ollama.") && matches!(last, "chat" | "generate") {
            ("ollama", "ollama")
        } else if p.starts_with("langchain")
            && matches!(
                last,
                "invoke" | "ainvoke" | "stream" | "astream" | "batch" | "abatch" | "predict"
            )
            && (p.contains("Chat")
                || p.contains("OllamaLLM")
                || p.contains(".llms.")
                || p.contains("OpenAI()"))
        {
            ("langchain", "langchain")
        } else if p.starts_with("llama_index")
            && ((p.contains(".llms.")
                && matches!(
                    last,
                    "complete" | "acomplete" | "chat" | "achat" | "stream_complete" | "stream_chat"
                ))
                || (p.contains("as_query_engine()") && matches!(last, "query" | "aquery"))
                || (p.contains("as_chat_engine()")
                    && matches!(last, "chat" | "achat" | "stream_chat")))
        {
            ("llamaindex", "llama-index")
        } else if p.starts_with("google.generativeai.GenerativeModel()")
            && last == "generate_content"
        {
            ("gemini", "google-generativeai")
        } else {
            return;
        };
        let ctor = call.recv_ctor.as_deref().cloned().unwrap_or_default();
        let model = call
            .kw("model")
            .and_then(|a| lit_str(a.node, self.src))
            .or(ctor.model);
        let max_tokens = call.args.iter().any(|a| {
            matches!(
                a.kw.as_deref(),
                Some("max_tokens" | "max_completion_tokens" | "max_output_tokens")
            ) && a.node.node_kind() != "none"
        }) || ctor.max_tokens
            || call
                .kw("options")
                .is_some_and(|a| self.text(a.node).contains("num_predict"));
        let tools = call.kw("tools").is_some() || call.kw("functions").is_some() || ctor.tools;
        let mut f = Fact::new(Subject::Llm, kind, self.ev(call.node, &sc.symbol))
            .with("library", Prop::Str(lib.into()));
        if let Some(m) = model {
            f = f.with("model", Prop::Str(m));
        }
        f = f
            .with("max_tokens", Prop::Bool(max_tokens))
            .with("tools", Prop::Bool(tools));
        if call
            .kw("stream")
            .is_some_and(|a| lit_bool(a.node) == Some(true))
            || matches!(
                last,
                "stream" | "astream" | "stream_complete" | "stream_chat"
            )
        {
            f = f.with("streaming", Prop::Bool(true));
        }
        self.push(f);
    }

    // ------------------------------------------------------------ queues

    fn detect_queue(&mut self, call: &Call<'_>, sc: &mut Scope) {
        let p = call.path.as_str();
        let last = call.last();
        let (kind, lib, role, topic): (&str, &str, Option<&str>, Option<String>) = match p {
            "celery.Celery" => ("celery", "celery", None, None),
            "kafka.KafkaProducer" | "aiokafka.AIOKafkaProducer" | "confluent_kafka.Producer" => (
                "kafka",
                p.split('.').next().unwrap_or("kafka"),
                Some("producer"),
                None,
            ),
            "kafka.KafkaConsumer" | "aiokafka.AIOKafkaConsumer" | "confluent_kafka.Consumer" => (
                "kafka",
                p.split('.').next().unwrap_or("kafka"),
                Some("consumer"),
                call.pos(0).and_then(|a| lit_str(a.node, self.src)),
            ),
            "pika.BlockingConnection"
            | "pika.SelectConnection"
            | "aio_pika.connect_robust"
            | "aio_pika.connect" => ("rabbitmq", "pika", None, None),
            "google.cloud.pubsub_v1.PublisherClient" => {
                ("pubsub", "google-cloud-pubsub", Some("producer"), None)
            }
            "google.cloud.pubsub_v1.SubscriberClient" => {
                ("pubsub", "google-cloud-pubsub", Some("consumer"), None)
            }
            "rq.Queue" => (
                "redis-queue",
                "rq",
                None,
                call.arg(0, "name").and_then(|a| lit_str(a.node, self.src)),
            ),
            "boto3.client" | "boto3.resource" => match call
                .arg(0, "service_name")
                .and_then(|a| lit_str(a.node, self.src))
                .as_deref()
            {
                Some("sqs") => ("sqs", "boto3", None, None),
                Some("sns") => ("sns", "boto3", None, None),
                _ => return,
            },
            _ => {
                if matches!(last, "basic_publish") && self.imports_root("pika") {
                    (
                        "rabbitmq",
                        "pika",
                        Some("producer"),
                        call.kw("routing_key")
                            .and_then(|a| lit_str(a.node, self.src)),
                    )
                } else if matches!(last, "basic_consume") && self.imports_root("pika") {
                    (
                        "rabbitmq",
                        "pika",
                        Some("consumer"),
                        call.kw("queue").and_then(|a| lit_str(a.node, self.src)),
                    )
                } else if matches!(last, "delay" | "apply_async") && call.method.is_some() {
                    let recv = call
                        .recv
                        .map(|r| self.text(r).to_string())
                        .unwrap_or_default();
                    let recv_path = p.rsplit_once('.').map(|(a, _)| a).unwrap_or("");
                    let known = self.defs.contains(&recv)
                        || self
                            .imports
                            .map
                            .contains_key(recv.split('.').next().unwrap_or(""));
                    if !known || recv_path.contains("()") {
                        return;
                    }
                    (
                        "celery",
                        "celery",
                        Some("producer"),
                        Some(recv.rsplit('.').next().unwrap_or(&recv).to_string()),
                    )
                } else {
                    return;
                }
            }
        };
        let mut f = Fact::new(Subject::Queue, kind, self.ev(call.node, &sc.symbol))
            .with("library", Prop::Str(lib.into()));
        if let Some(r) = role {
            f = f.with("role", Prop::Str(r.into()));
        }
        if let Some(t) = topic {
            f = f.with("topic", Prop::Str(t));
        }
        self.push(f);
    }

    // ------------------------------------------------------------ settings

    fn context_of(
        &self,
        words_src: &[&str],
        vocab: &[(&[&str], &'static str)],
    ) -> Option<&'static str> {
        let ws: Vec<String> = words_src.iter().flat_map(|s| words(s)).collect();
        for (keys, ctx) in vocab {
            if ws.iter().any(|w| {
                keys.iter()
                    .any(|k| w == k || (k.len() > 3 && w.contains(k)))
            }) {
                return Some(ctx);
            }
        }
        None
    }

    /// `app.run(host="0.0.0.0")`, `uvicorn.run(..., host="0.0.0.0")`.
    fn bind_all_interfaces(&mut self, call: &Call<'_>, sc: &mut Scope, p: &str) {
        if call
            .kw("host")
            .and_then(|a| lit_str(a.node, self.src))
            .as_deref()
            == Some("0.0.0.0")
        {
            self.setting(
                call.node,
                sc,
                "bind-all-interfaces",
                p,
                Some("0.0.0.0"),
                None,
            );
        }
    }

    fn detect_settings(&mut self, call: &Call<'_>, sc: &mut Scope, target: Option<&str>) {
        let p = call.path.as_str();
        let last = call.last();
        let lit_true =
            |a: Option<&super::Arg<'_>>| a.is_some_and(|a| lit_bool(a.node) == Some(true));
        let lit_false =
            |a: Option<&super::Arg<'_>>| a.is_some_and(|a| lit_bool(a.node) == Some(false));
        // app.run(debug=True, host="0.0.0.0"), uvicorn.run(host="0.0.0.0")
        if last == "run"
            && call.method.is_some()
            && (p.contains("Flask()") || self.imports_root("flask"))
        {
            if lit_true(call.kw("debug")) {
                self.setting(call.node, sc, "debug-enabled", p, Some("debug=True"), None);
            }
            self.bind_all_interfaces(call, sc, p);
        }
        if p == "uvicorn.run" || p == "hypercorn.run" {
            self.bind_all_interfaces(call, sc, p);
            if lit_true(call.kw("debug")) {
                self.setting(call.node, sc, "debug-enabled", p, Some("debug=True"), None);
            }
        }
        if matches!(p, "fastapi.FastAPI" | "starlette.applications.Starlette")
            && lit_true(call.kw("debug"))
        {
            self.setting(call.node, sc, "debug-enabled", p, Some("debug=True"), None);
        }
        // app.config.update(DEBUG=True, ...)
        if (p.ends_with(".config.update") || p.ends_with(".config.from_mapping"))
            && call.method.is_some()
        {
            let kws: Vec<(String, Node<'_>)> = call
                .args
                .iter()
                .filter_map(|a| a.kw.clone().map(|k| (k, a.node)))
                .collect();
            for (k, v) in kws {
                self.config_key(&k, v, call.node, sc);
            }
        }
        // TLS verification.
        if !p.starts_with("jwt.") && !p.starts_with("jose.") {
            if lit_false(call.kw("verify")) {
                self.setting(
                    call.node,
                    sc,
                    "tls-verify-disabled",
                    p,
                    Some("verify=False"),
                    None,
                );
            } else if lit_false(call.kw("ssl")) && p.starts_with("aiohttp") {
                self.setting(
                    call.node,
                    sc,
                    "tls-verify-disabled",
                    p,
                    Some("ssl=False"),
                    None,
                );
            } else if call
                .kw("cert_reqs")
                .is_some_and(|a| self.text(a.node).contains("CERT_NONE"))
                && !self
                    .text(call.kw("cert_reqs").map(|a| a.node).unwrap_or(call.node))
                    .starts_with("ssl.")
            {
                self.setting(
                    call.node,
                    sc,
                    "tls-verify-disabled",
                    p,
                    Some("CERT_NONE"),
                    None,
                );
            }
        }
        if p == "ssl._create_unverified_context" {
            self.setting(call.node, sc, "tls-verify-disabled", p, None, None);
        }
        // Cookies.
        if last == "set_cookie" && call.method.is_some() {
            if lit_false(call.kw("secure")) {
                self.setting(
                    call.node,
                    sc,
                    "cookie-insecure",
                    "set_cookie",
                    Some("secure=False"),
                    None,
                );
            } else if lit_false(call.kw("httponly")) {
                self.setting(
                    call.node,
                    sc,
                    "cookie-insecure",
                    "set_cookie",
                    Some("httponly=False"),
                    None,
                );
            }
        }
        // JWT.
        if matches!(p, "jwt.decode" | "jose.jwt.decode" | "jwt.api_jwt.decode") {
            let opts = call
                .kw("options")
                .map(|a| self.text(a.node).replace(' ', ""))
                .unwrap_or_default();
            if opts.contains("\"verify_signature\":False")
                || opts.contains("'verify_signature':False")
                || lit_false(call.kw("verify"))
            {
                self.setting(
                    call.node,
                    sc,
                    "jwt-verify-disabled",
                    p,
                    Some("verify_signature=False"),
                    None,
                );
            }
            if opts.contains("\"verify_exp\":False") || opts.contains("'verify_exp':False") {
                self.setting(
                    call.node,
                    sc,
                    "jwt-no-expiry-check",
                    p,
                    Some("verify_exp=False"),
                    None,
                );
            }
            let algs = call
                .kw("algorithms")
                .map(|a| lit_list(a.node, self.src))
                .unwrap_or_default();
            if algs.iter().any(|a| a.eq_ignore_ascii_case("none")) {
                self.setting(call.node, sc, "jwt-none-alg", p, Some("none"), None);
            }
        }
        if matches!(p, "jwt.encode" | "jose.jwt.encode") {
            if call
                .arg(1, "key")
                .is_some_and(|a| lit_str(a.node, self.src).is_some_and(|s| !s.is_empty()))
            {
                self.setting(
                    call.node,
                    sc,
                    "secret-key-weak",
                    p,
                    Some("string literal"),
                    Some("token"),
                );
            }
            if call
                .kw("algorithm")
                .and_then(|a| lit_str(a.node, self.src))
                .is_some_and(|s| s.eq_ignore_ascii_case("none"))
            {
                self.setting(call.node, sc, "jwt-none-alg", p, Some("none"), None);
            }
        }
        // Weak hashes, in a security context only.
        let weak_hash = match p {
            "hashlib.md5"
            | "hashlib.sha1"
            | "Crypto.Hash.MD5.new"
            | "Crypto.Hash.SHA1.new"
            | "Cryptodome.Hash.MD5.new" => Some((
                p.trim_start_matches("hashlib.")
                    .trim_end_matches(".new")
                    .rsplit('.')
                    .next()
                    .unwrap_or(p)
                    .to_ascii_lowercase(),
                call.pos(0),
            )),
            "hashlib.new" => call
                .arg(0, "name")
                .and_then(|a| lit_str(a.node, self.src))
                .map(|s| s.to_ascii_lowercase())
                .filter(|s| matches!(s.as_str(), "md5" | "sha1" | "md4"))
                .map(|s| (s, call.pos(1))),
            _ => None,
        };
        if let Some((algo, data)) = weak_hash
            && !lit_false(call.kw("usedforsecurity"))
        {
            let data_text = data.map(|a| self.text(a.node)).unwrap_or("");
            let sym = sc.symbol.clone();
            let t = target.unwrap_or("");
            let vocab: &[(&[&str], &str)] = &[
                (PASSWORD_WORDS, "password"),
                (&["token"], "token"),
                (&["signature", "sign", "hmac"], "signature"),
                (&["auth", "session", "apikey", "credential"], "auth"),
            ];
            if let Some(ctx) = self.context_of(&[data_text, t, &sym], vocab) {
                self.setting(call.node, sc, "weak-hash", p, Some(&algo), Some(ctx));
            }
        }
        if p.starts_with("random.")
            && !p.starts_with("random.SystemRandom")
            && matches!(
                last,
                "random"
                    | "randint"
                    | "choice"
                    | "choices"
                    | "getrandbits"
                    | "randrange"
                    | "sample"
                    | "uniform"
                    | "randbytes"
            )
        {
            let sym = sc.symbol.clone();
            let t = target.unwrap_or("");
            let vocab: &[(&[&str], &str)] = &[
                (PASSWORD_WORDS, "password"),
                (&["token"], "token"),
                (&["secret"], "secret"),
                (&["session"], "session"),
                (&["otp"], "otp"),
                (&["nonce"], "nonce"),
                (&["key", "apikey"], "key"),
                (&["salt"], "salt"),
            ];
            if let Some(ctx) = self.context_of(&[t, &sym], vocab) {
                self.setting(call.node, sc, "weak-random", p, Some(last), Some(ctx));
            }
        }
        // Weak ciphers.
        let cipher_mod = p
            .strip_prefix("Crypto.Cipher.")
            .or_else(|| p.strip_prefix("Cryptodome.Cipher."));
        if let Some(rest) = cipher_mod {
            let algo = rest.split('.').next().unwrap_or("");
            if matches!(algo, "DES" | "DES3" | "ARC4" | "ARC2" | "Blowfish" | "CAST")
                && last == "new"
            {
                self.setting(call.node, sc, "weak-cipher", p, Some(algo), None);
            } else if last == "new"
                && call
                    .arg(1, "mode")
                    .is_some_and(|a| self.text(a.node).contains("MODE_ECB"))
            {
                self.setting(call.node, sc, "weak-cipher", p, Some("ECB"), None);
            }
        }
        if let Some(rest) = p.strip_prefix("cryptography.hazmat.primitives.ciphers.") {
            let last_seg = rest.rsplit('.').next().unwrap_or("");
            if matches!(
                last_seg,
                "TripleDES" | "ARC4" | "Blowfish" | "IDEA" | "CAST5" | "SEED"
            ) || (rest.starts_with("modes.") && last_seg == "ECB")
            {
                self.setting(call.node, sc, "weak-cipher", p, Some(last_seg), None);
            }
        }
        if p == "tempfile.mktemp" {
            self.setting(call.node, sc, "insecure-temp-file", p, None, None);
        }
        if matches!(p, "os.chmod" | "os.fchmod" | "os.lchmod")
            || (last == "chmod" && p.starts_with("pathlib.Path("))
        {
            let idx = if last == "chmod" && p.starts_with("pathlib") {
                0
            } else {
                1
            };
            if let Some(mode) = call
                .arg(idx, "mode")
                .and_then(|a| lit_int(a.node, self.src))
                && mode & 0o002 != 0
            {
                self.setting(
                    call.node,
                    sc,
                    "permissive-file-mode",
                    p,
                    Some(&format!("0o{mode:o}")),
                    None,
                );
            }
        }
        if p == "lxml.etree.XMLParser"
            && (lit_true(call.kw("resolve_entities")) || lit_false(call.kw("no_network")))
        {
            let v = if lit_true(call.kw("resolve_entities")) {
                "resolve_entities=True"
            } else {
                "no_network=False"
            };
            self.setting(call.node, sc, "xxe-enabled", p, Some(v), None);
        }
        if last == "setFeature"
            && call.pos(0).is_some_and(|a| {
                self.text(a.node).contains("external_ges")
                    || self.text(a.node).contains("external_pes")
            })
            && call
                .pos(1)
                .is_some_and(|a| lit_bool(a.node) == Some(true) || self.text(a.node) == "1")
        {
            self.setting(
                call.node,
                sc,
                "xxe-enabled",
                "setFeature",
                Some("external entities"),
                None,
            );
        }
    }

    /// `app.config[KEY] = value` and `app.config.update(KEY=value)`.
    pub(crate) fn config_key(&mut self, key: &str, v: Node<'_>, at: Node<'_>, sc: &Scope) {
        match key {
            "DEBUG" | "TESTING" if key == "DEBUG" && lit_bool(v) == Some(true) => self.setting(
                at,
                sc,
                "debug-enabled",
                &format!("config[{key}]"),
                Some("True"),
                None,
            ),
            "SECRET_KEY" | "JWT_SECRET_KEY" | "JWT_SECRET" | "SECURITY_PASSWORD_SALT"
                if lit_str(v, self.src).is_some_and(|s| !s.is_empty()) =>
            {
                self.setting(
                    at,
                    sc,
                    "secret-key-weak",
                    &format!("config[{key}]"),
                    Some("string literal"),
                    None,
                );
            }
            "SESSION_COOKIE_SECURE"
            | "SESSION_COOKIE_HTTPONLY"
            | "CSRF_COOKIE_SECURE"
            | "REMEMBER_COOKIE_SECURE"
            | "REMEMBER_COOKIE_HTTPONLY"
            | "CSRF_COOKIE_HTTPONLY"
                if key != "CSRF_COOKIE_HTTPONLY" && lit_bool(v) == Some(false) =>
            {
                self.setting(at, sc, "session-cookie-insecure", key, Some("False"), None)
            }
            "WTF_CSRF_ENABLED" if lit_bool(v) == Some(false) => {
                self.setting(at, sc, "csrf-disabled", key, Some("False"), None)
            }
            _ => {}
        }
    }

    /// Settings written by assignment.
    pub(crate) fn assign_settings(&mut self, left: Node<'_>, right: Node<'_>, sc: &mut Scope) {
        let lt = self.text(left).to_string();
        match left.node_kind() {
            "attribute" => {
                let attr = left.field("attribute").map(|a| self.text(a)).unwrap_or("");
                let obj_path = left
                    .field("object")
                    .and_then(|o| self.path_of(o, sc))
                    .unwrap_or_default();
                let flaskish = obj_path.contains("Flask()") || self.imports_root("flask");
                match attr {
                    "debug" if flaskish && lit_bool(right) == Some(true) => self.setting(
                        left.parent().unwrap_or(left),
                        sc,
                        "debug-enabled",
                        &lt,
                        Some("True"),
                        None,
                    ),
                    "secret_key"
                        if flaskish && lit_str(right, self.src).is_some_and(|s| !s.is_empty()) =>
                    {
                        self.setting(
                            left.parent().unwrap_or(left),
                            sc,
                            "secret-key-weak",
                            &lt,
                            Some("string literal"),
                            None,
                        )
                    }
                    "check_hostname" if lit_bool(right) == Some(false) => self.setting(
                        left.parent().unwrap_or(left),
                        sc,
                        "tls-verify-disabled",
                        &lt,
                        Some("False"),
                        None,
                    ),
                    _ => {}
                }
            }
            "subscript" => {
                let Some(v) = left.field("value") else {
                    return;
                };
                let vt = self.text(v);
                if vt.ends_with(".config") || vt == "config" {
                    let mut cur = left.walk();
                    let key = left
                        .children_by_field_name("subscript", &mut cur)
                        .next()
                        .and_then(|k| lit_str(k, self.src));
                    if let Some(k) = key {
                        self.config_key(&k, right, left.parent().unwrap_or(left), sc);
                    }
                }
            }
            "identifier" => {
                let class_level = sc.class.as_deref().is_some_and(|c| c == sc.symbol);
                if !(sc.is_module || class_level) {
                    return;
                }
                let class_ok = !class_level
                    || !words(&sc.symbol).iter().any(|w| {
                        matches!(
                            w.as_str(),
                            "dev" | "development" | "test" | "testing" | "local"
                        )
                    });
                let at = left.parent().unwrap_or(left);
                match lt.as_str() {
                    "DEBUG"
                        if lit_bool(right) == Some(true)
                            && (self.is_config || class_level)
                            && class_ok =>
                    {
                        self.setting(at, sc, "debug-enabled", "DEBUG", Some("True"), None)
                    }
                    "SECRET_KEY" | "JWT_SECRET_KEY" | "JWT_SECRET" | "SIGNING_KEY"
                        if class_ok && lit_str(right, self.src).is_some_and(|s| !s.is_empty()) =>
                    {
                        self.setting(at, sc, "secret-key-weak", &lt, Some("string literal"), None);
                    }
                    "SESSION_COOKIE_SECURE"
                    | "SESSION_COOKIE_HTTPONLY"
                    | "CSRF_COOKIE_SECURE"
                    | "REMEMBER_COOKIE_SECURE"
                        if lit_bool(right) == Some(false)
                            && (self.is_config || class_level)
                            && class_ok =>
                    {
                        self.setting(at, sc, "session-cookie-insecure", &lt, Some("False"), None)
                    }
                    "WTF_CSRF_ENABLED" if lit_bool(right) == Some(false) && class_ok => {
                        self.setting(at, sc, "csrf-disabled", &lt, Some("False"), None)
                    }
                    "CORS_ALLOW_ALL_ORIGINS"
                    | "CORS_ORIGIN_ALLOW_ALL"
                    | "CORS_ALLOW_CREDENTIALS"
                        if self.is_settings =>
                    {
                        if let Some(b) = lit_bool(right) {
                            let ev = self.ev(at, &sc.symbol);
                            self.module_settings.insert(lt.clone(), (b, ev));
                        }
                    }
                    "MIDDLEWARE" | "MIDDLEWARE_CLASSES"
                        if self.is_settings && matches!(right.node_kind(), "list" | "tuple") =>
                    {
                        let items = lit_list(right, self.src);
                        if items.iter().any(|m| m.ends_with("CsrfViewMiddleware")) {
                            self.middleware(
                                at,
                                sc,
                                "csrf",
                                "CsrfViewMiddleware",
                                Some("django"),
                                "django",
                            );
                        } else {
                            self.setting(
                                at,
                                sc,
                                "csrf-disabled",
                                "MIDDLEWARE",
                                Some("no CsrfViewMiddleware"),
                                None,
                            );
                        }
                        if items.iter().any(|m| m.ends_with("SessionMiddleware")) {
                            self.middleware(
                                at,
                                sc,
                                "session",
                                "SessionMiddleware",
                                Some("django"),
                                "django",
                            );
                        }
                        // Django 5.1+ `LoginRequiredMiddleware` (and look-alikes) guard every view.
                        if let Some(m) = items.iter().find(|m| {
                            let last = m.rsplit('.').next().unwrap_or(m);
                            last.contains("Middleware")
                                && (last.contains("Login")
                                    || last.contains("Required")
                                    || last.contains("Permission"))
                        }) {
                            let last = m.rsplit('.').next().unwrap_or(m).to_string();
                            self.middleware(at, sc, "auth", &last, Some("django"), "django");
                        }
                        if items.iter().any(|m| m.ends_with("CorsMiddleware")) {
                            self.middleware(
                                at,
                                sc,
                                "cors",
                                "CorsMiddleware",
                                Some("django"),
                                "django",
                            );
                        }
                    }
                    "REST_FRAMEWORK" if self.is_settings && right.node_kind() == "dictionary" => {
                        for pair in named_kids(right) {
                            let k = pair.field("key").and_then(|k| lit_str(k, self.src));
                            if k.as_deref() == Some("DEFAULT_PERMISSION_CLASSES")
                                && let Some(v) = pair.field("value")
                            {
                                for c in lit_list(v, self.src) {
                                    let last = c.rsplit('.').next().unwrap_or(&c).to_string();
                                    if last != "AllowAny"
                                        && (last.starts_with("Is") || authish(&last))
                                    {
                                        self.middleware(
                                            at,
                                            sc,
                                            "auth",
                                            &last,
                                            Some("rest_framework"),
                                            "drf",
                                        );
                                    }
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }

    /// `response.headers["X"] = value`: a header sink.
    pub(crate) fn subscript_store(
        &mut self,
        left: Node<'_>,
        right: Node<'_>,
        t: &crate::taint::Taint,
        sc: &mut Scope,
        _depth: usize,
    ) {
        let Some(v) = left.field("value") else {
            return;
        };
        let path = self.path_of(v, sc).unwrap_or_default();
        let is_request = path.starts_with("flask.request")
            || path.starts_with("django.request")
            || path.starts_with("starlette.request");
        // A response's headers: in a handler, or on an object a response class made.
        let responseish =
            path.contains("Response") || path.contains("make_response") || path.contains("jsonify");
        let headerish = (self.text(v).ends_with(".headers")
            && (sc.framework.is_some() || responseish))
            || path.contains("HttpResponse")
            || path.contains("Response()");
        if !headerish || is_request {
            return;
        }
        let flow = t.to_flow("header");
        if flow.state == FlowState::Safe {
            return;
        }
        let at = left.parent().unwrap_or(right);
        let mut f = Fact::new(Subject::Sink, "header", self.ev(at, &sc.symbol))
            .with("callee", Prop::Str(format!("{}[]", self.text(v))));
        if let Some(fw) = &sc.framework {
            f = f.with("framework", Prop::Str(fw.clone()));
        }
        f.flow = Some(flow);
        self.push(f);
    }

    pub(crate) fn finish_settings(&mut self) {
        let all = ["CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL"]
            .iter()
            .find_map(|k| self.module_settings.get(*k).filter(|(b, _)| *b).cloned());
        let creds = self
            .module_settings
            .get("CORS_ALLOW_CREDENTIALS")
            .is_some_and(|(b, _)| *b);
        if let Some((_, ev)) = all {
            let kind = if creds {
                "cors-credentials-wildcard"
            } else {
                "cors-wildcard"
            };
            let f = Fact::new(Subject::Setting, kind, ev)
                .with("callee", Prop::Str("CORS_ALLOW_ALL_ORIGINS".into()))
                .with("value", Prop::Str("True".into()))
                .with("framework", Prop::Str("django".into()));
            self.push(f);
        }
    }

    // ------------------------------------------------------------ frameworks

    fn cors_settings(
        &mut self,
        call: &Call<'_>,
        sc: &Scope,
        origins_kw: &str,
        creds_kw: &str,
        default_wild: bool,
    ) {
        let origins = call.kw(origins_kw);
        let mut wild = match origins {
            Some(a) => lit_list(a.node, self.src).iter().any(|o| o == "*"),
            None => default_wild && call.kw("resources").is_none(),
        };
        if let Some(r) = call.kw("resources")
            && (self.text(r.node).contains("\"*\"") || self.text(r.node).contains("'*'"))
        {
            wild = true;
        }
        if call
            .kw("allow_origin_regex")
            .and_then(|a| lit_str(a.node, self.src))
            .is_some_and(|s| s == ".*")
        {
            wild = true;
        }
        if !wild {
            return;
        }
        let creds = call
            .kw(creds_kw)
            .is_some_and(|a| lit_bool(a.node) == Some(true));
        let kind = if creds {
            "cors-credentials-wildcard"
        } else {
            "cors-wildcard"
        };
        self.setting(call.node, sc, kind, &call.path, Some("*"), None);
    }

    fn middleware_class(
        &mut self,
        call: &Call<'_>,
        cls: Node<'_>,
        sc: &Scope,
        router: Option<&str>,
        fw: &str,
    ) {
        let path = self.path_of(cls, sc).unwrap_or_default();
        let name = path.rsplit('.').next().unwrap_or(&path).to_string();
        let kind = if name == "CORSMiddleware" {
            self.cors_settings(call, sc, "allow_origins", "allow_credentials", false);
            "cors"
        } else if name.contains("Session") {
            "session"
        } else if name.contains("SlowAPI") || name.to_ascii_lowercase().contains("ratelimit") {
            "rate-limit"
        } else if name.to_ascii_lowercase().contains("csrf") {
            "csrf"
        } else if name == "AuthenticationMiddleware" || authish(&name) {
            "auth"
        } else if name.contains("HTTPSRedirect")
            || name.contains("SecurityHeaders")
            || name.contains("TrustedHost")
        {
            "security-headers"
        } else {
            return;
        };
        self.middleware(call.node, sc, kind, &name, router, fw);
    }

    fn detect_framework(&mut self, call: &Call<'_>, sc: &mut Scope, target: Option<&str>) {
        let p = call.path.as_str();
        let last = call.last();
        let recv_text = call.recv.map(|r| self.text(r).to_string());
        match p {
            "flask_cors.CORS" | "flask_cors.cross_origin" => {
                let router = call.pos(0).map(|a| self.text(a.node).to_string());
                self.middleware(
                    call.node,
                    sc,
                    "cors",
                    "CORS",
                    router.as_deref().or(target),
                    "flask",
                );
                self.cors_settings(call, sc, "origins", "supports_credentials", true);
                return;
            }
            "flask_wtf.csrf.CSRFProtect" | "flask_wtf.CSRFProtect" => {
                let router = call.pos(0).map(|a| self.text(a.node).to_string());
                self.middleware(
                    call.node,
                    sc,
                    "csrf",
                    "CSRFProtect",
                    router.as_deref(),
                    "flask",
                );
                return;
            }
            "flask_limiter.Limiter" | "slowapi.Limiter" => {
                let app = call.kw("app").or_else(|| {
                    call.args.iter().filter(|a| a.kw.is_none()).find(|a| {
                        a.node.node_kind() == "identifier" && !self.text(a.node).contains("remote")
                    })
                });
                if app.is_some() || call.kw("default_limits").is_some() {
                    let router = app.map(|a| self.text(a.node).to_string());
                    let fw = if p.starts_with("slowapi") {
                        "fastapi"
                    } else {
                        "flask"
                    };
                    self.middleware(
                        call.node,
                        sc,
                        "rate-limit",
                        "Limiter",
                        router.as_deref(),
                        fw,
                    );
                }
                return;
            }
            "flask_login.LoginManager" => {
                // `LoginManager()` alone does nothing until `init_app(app)`.
                if let Some(app) = call.pos(0).or_else(|| call.kw("app")) {
                    let router = self.text(app.node).to_string();
                    self.middleware(
                        call.node,
                        sc,
                        "session",
                        "LoginManager",
                        Some(&router),
                        "flask",
                    );
                }
                return;
            }
            "flask.Blueprint" => {
                // The blueprint's own prefix is part of its routes' paths.
                if let (Some(prefix), Some(t)) = (
                    call.kw("url_prefix")
                        .and_then(|a| lit_str(a.node, self.src)),
                    target,
                ) {
                    self.router_prefix.insert(t.to_string(), prefix);
                }
                return;
            }
            "fastapi.APIRouter" | "fastapi.routing.APIRouter" => {
                let Some(t) = target else { return };
                if let Some(prefix) = call.kw("prefix").and_then(|a| lit_str(a.node, self.src)) {
                    self.router_prefix.insert(t.to_string(), prefix);
                }
                // Router-wide dependencies guard every route of the router.
                let auth = call
                    .kw("dependencies")
                    .map(|a| self.auth_list_pub(a.node))
                    .unwrap_or_default();
                for a in auth {
                    self.middleware(call.node, sc, "auth", &a, Some(t), "fastapi");
                }
                return;
            }
            "fastapi.FastAPI" => {
                let auth = call
                    .kw("dependencies")
                    .map(|a| self.auth_list_pub(a.node))
                    .unwrap_or_default();
                for a in auth {
                    self.middleware(call.node, sc, "auth", &a, target, "fastapi");
                }
                return;
            }
            "flask_restful.Api" | "flask_restx.Api" => {
                // `api = Api(app)`: resources hang off the app.
                if let (Some(t), Some(app)) = (target, call.pos(0).or_else(|| call.kw("app"))) {
                    let parent = self.text(app.node).to_string();
                    let prefix = call.kw("prefix").and_then(|a| lit_str(a.node, self.src));
                    self.mount(
                        call.node,
                        sc,
                        Some(&parent),
                        t,
                        Some(prefix.as_deref().unwrap_or("")),
                        &[],
                        "flask",
                    );
                }
                return;
            }
            "starlette.applications.Starlette" => {
                // `Starlette(routes=routes)`: the route list is mounted on the app.
                if let (Some(t), Some(r)) = (target, call.kw("routes"))
                    && r.node.node_kind() == "identifier"
                {
                    let child = self.resolved_child(r.node, sc);
                    self.mount(call.node, sc, Some(t), &child, Some(""), &[], "starlette");
                }
                return;
            }
            "starlette.middleware.Middleware" => {
                if let Some(cls) = call.pos(0).map(|a| a.node) {
                    let router = self.enclosing_target(call.node);
                    let fw = if self.imports_root("fastapi") {
                        "fastapi"
                    } else {
                        "starlette"
                    };
                    self.middleware_class(call, cls, sc, router.as_deref(), fw);
                }
                return;
            }
            "starlette.routing.Mount" => {
                let prefix = call.arg(0, "path").and_then(|a| lit_str(a.node, self.src));
                let child = call
                    .kw("app")
                    .or_else(|| call.kw("routes").filter(|a| a.node.node_kind() != "list"))
                    .or_else(|| call.pos(1).filter(|a| a.node.node_kind() != "list"));
                if let Some(c) = child {
                    let child = self.resolved_child(c.node, sc);
                    let parent = self.enclosing_target(call.node);
                    self.mount(
                        call.node,
                        sc,
                        parent.as_deref(),
                        &child,
                        prefix.as_deref(),
                        &[],
                        "starlette",
                    );
                }
                return;
            }
            "starlette.routing.Route" => {
                let route = call
                    .arg(0, "path")
                    .and_then(|a| lit_str(a.node, self.src))
                    .unwrap_or_default();
                let Some(ep) = call.arg(1, "endpoint") else {
                    return;
                };
                let func = self.text(ep.node).to_string();
                let mut prefix = String::new();
                let mut cur = call.node.parent();
                let mut router = None;
                for _ in 0..24 {
                    let Some(n) = cur else { break };
                    if n.node_kind() == "call"
                        && let Some(f) = n.field("function")
                        && self.path_of(f, sc).as_deref() == Some("starlette.routing.Mount")
                        && let Some(al) = n.field("arguments")
                        && let Some(first) = al.named_child(0)
                        && let Some(s) = lit_str(first, self.src)
                    {
                        prefix = format!("{s}{prefix}");
                    }
                    if n.node_kind() == "assignment" {
                        router = n.field("left").map(|l| self.text(l).to_string());
                        break;
                    }
                    cur = n.parent();
                }
                let methods = self.methods_kw(call.kw("methods").map(|a| a.node));
                for m in methods {
                    self.deferred.push(Deferred {
                        draft: EntryDraft {
                            kind: "http",
                            framework: "starlette".into(),
                            method: Some(m.to_uppercase()),
                            route: Some(format!("{prefix}{route}")),
                            router: router.clone(),
                            ev: Some(self.ev(call.node, &sc.symbol)),
                            ..Default::default()
                        },
                        func: func.clone(),
                    });
                }
                return;
            }
            "django.urls.path" | "django.urls.re_path" | "django.conf.urls.url" => {
                let route = call.arg(0, "route").and_then(|a| lit_str(a.node, self.src));
                let Some(view) = call.arg(1, "view") else {
                    return;
                };
                let mut view_node = view.node;
                let mut auth = Vec::new();
                // login_required(views.x) / include("app.urls")
                if view_node.node_kind() == "call"
                    && let Some(f) = view_node.field("function")
                {
                    let fp = self.path_of(f, sc).unwrap_or_default();
                    let fl = fp.rsplit('.').next().unwrap_or("").to_string();
                    if fl == "include" {
                        let inner = view_node
                            .field("arguments")
                            .and_then(|al| al.named_child(0));
                        if let Some(i) = inner {
                            let i = if i.node_kind() == "tuple" {
                                i.named_child(0).unwrap_or(i)
                            } else {
                                i
                            };
                            let mut child = self.resolved_child(i, sc);
                            if let Some(s) = child.strip_suffix(".urls")
                                && i.node_kind() == "attribute"
                            {
                                child = s.to_string();
                            }
                            let module = self.module.clone();
                            self.mount(
                                call.node,
                                sc,
                                Some(&module),
                                &child,
                                route.as_deref(),
                                &[],
                                "django",
                            );
                        }
                        return;
                    }
                    if fl != "as_view" && (authish(&fl) || fl == "csrf_exempt") {
                        if authish(&fl) {
                            auth.push(fl.clone());
                        }
                        if let Some(inner) = view_node
                            .field("arguments")
                            .and_then(|al| al.named_child(0))
                        {
                            view_node = inner;
                        }
                    }
                }
                let child = self.resolved_child(view_node, sc);
                let module = self.module.clone();
                self.mount(
                    call.node,
                    sc,
                    Some(&module),
                    &child,
                    route.as_deref(),
                    &auth,
                    "django",
                );
                return;
            }
            _ => {}
        }
        if call.method.is_none() {
            // Named-handler tools.
            let root = p.split('.').next().unwrap_or("");
            if last == "Tool" && root.starts_with("langchain") {
                self.defer_tool(call, sc, "func", "langchain");
            }
            return;
        }
        let recv = recv_text.unwrap_or_default();
        match last {
            "register_blueprint" => {
                if let Some(bp) = call.arg(0, "blueprint") {
                    let child = self.resolved_child(bp.node, sc);
                    let prefix = call
                        .kw("url_prefix")
                        .and_then(|a| lit_str(a.node, self.src));
                    self.mount(
                        call.node,
                        sc,
                        Some(&recv),
                        &child,
                        prefix.as_deref(),
                        &[],
                        "flask",
                    );
                }
            }
            "include_router" => {
                if let Some(r) = call.arg(0, "router") {
                    let child = self.resolved_child(r.node, sc);
                    let prefix = call.kw("prefix").and_then(|a| lit_str(a.node, self.src));
                    let auth = call
                        .kw("dependencies")
                        .map(|a| self.auth_list_pub(a.node))
                        .unwrap_or_default();
                    self.mount(
                        call.node,
                        sc,
                        Some(&recv),
                        &child,
                        prefix.as_deref(),
                        &auth,
                        "fastapi",
                    );
                }
            }
            "mount" if self.imports_root("fastapi") || self.imports_root("starlette") => {
                if let (Some(pre), Some(app)) = (call.arg(0, "path"), call.arg(1, "app")) {
                    let child = self.resolved_child(app.node, sc);
                    let prefix = lit_str(pre.node, self.src);
                    let fw = if self.imports_root("fastapi") {
                        "fastapi"
                    } else {
                        "starlette"
                    };
                    self.mount(
                        call.node,
                        sc,
                        Some(&recv),
                        &child,
                        prefix.as_deref(),
                        &[],
                        fw,
                    );
                }
            }
            "add_middleware" => {
                if let Some(cls) = call.pos(0).map(|a| a.node) {
                    let fw = if self.imports_root("fastapi") {
                        "fastapi"
                    } else {
                        "starlette"
                    };
                    self.middleware_class(call, cls, sc, Some(&recv), fw);
                }
            }
            "init_app" => {
                let ty = p.rsplit_once('.').map(|(a, _)| a).unwrap_or("");
                let router = call.pos(0).map(|a| self.text(a.node).to_string());
                if ty.contains("CSRFProtect") {
                    self.middleware(
                        call.node,
                        sc,
                        "csrf",
                        "CSRFProtect",
                        router.as_deref(),
                        "flask",
                    );
                } else if ty.contains("LoginManager") {
                    self.middleware(
                        call.node,
                        sc,
                        "session",
                        "LoginManager",
                        router.as_deref(),
                        "flask",
                    );
                } else if ty.contains("Limiter") {
                    self.middleware(
                        call.node,
                        sc,
                        "rate-limit",
                        "Limiter",
                        router.as_deref(),
                        "flask",
                    );
                }
            }
            "register" if p.contains("routers.") || recv.contains("router") => {
                if let (Some(pre), Some(vs)) = (call.arg(0, "prefix"), call.arg(1, "viewset")) {
                    let prefix = lit_str(pre.node, self.src);
                    let child = self.resolved_child(vs.node, sc);
                    self.mount(
                        call.node,
                        sc,
                        Some(&recv),
                        &child,
                        prefix.as_deref(),
                        &[],
                        "drf",
                    );
                }
            }
            "add_url_rule" => {
                let rule = call.arg(0, "rule").and_then(|a| lit_str(a.node, self.src));
                if let Some(vf) = call.arg(2, "view_func") {
                    // `UserAPI.as_view("users")`: the class's methods are the handlers.
                    if vf.node.node_kind() == "call" && self.text(vf.node).contains(".as_view(") {
                        let child = self.resolved_child(vf.node, sc);
                        self.mount(
                            call.node,
                            sc,
                            Some(&recv),
                            &child,
                            rule.as_deref(),
                            &[],
                            "flask",
                        );
                        return;
                    }
                    let func = self.text(vf.node).to_string();
                    // A registration helper (`register_view(bp, routes,
                    // view_func)`) forwards its parameters: neither the rule
                    // nor the view is known here, so it declares no route.
                    if rule.is_none() && !self.defs.contains(&func) {
                        return;
                    }
                    let methods = self.methods_kw(call.kw("methods").map(|a| a.node));
                    for m in methods {
                        self.deferred.push(Deferred {
                            draft: EntryDraft {
                                kind: "http",
                                framework: "flask".into(),
                                method: Some(m.to_uppercase()),
                                route: rule.clone(),
                                router: Some(recv.clone()),
                                ev: Some(self.ev(call.node, &sc.symbol)),
                                ..Default::default()
                            },
                            func: func.clone(),
                        });
                    }
                }
            }
            // Flask-RESTful / Flask-RESTX: `api.add_resource(UserResource, "/users/<int:id>")`
            "add_resource" => {
                if let (Some(res), Some(url)) = (call.pos(0), call.pos(1)) {
                    let child = self.resolved_child(res.node, sc);
                    let prefix = lit_str(url.node, self.src);
                    self.mount(
                        call.node,
                        sc,
                        Some(&recv),
                        &child,
                        prefix.as_deref(),
                        &[],
                        "flask",
                    );
                }
            }
            "from_function" if p.starts_with("langchain") => {
                self.defer_tool(call, sc, "func", "langchain")
            }
            "from_defaults" if p.starts_with("llama_index") => {
                self.defer_tool(call, sc, "fn", "llamaindex")
            }
            _ => {}
        }
    }

    fn defer_tool(&mut self, call: &Call<'_>, sc: &Scope, kw: &str, fw: &str) {
        let Some(f) = call
            .kw(kw)
            .or_else(|| if kw == "fn" { call.pos(0) } else { None })
        else {
            return;
        };
        if f.node.node_kind() != "identifier" {
            return;
        }
        let func = self.text(f.node).to_string();
        let name = call.kw("name").and_then(|a| lit_str(a.node, self.src));
        let description = call
            .kw("description")
            .and_then(|a| lit_str(a.node, self.src));
        self.deferred.push(Deferred {
            draft: EntryDraft {
                kind: "agent-tool",
                framework: fw.into(),
                route: name,
                description,
                ev: Some(self.ev(call.node, &sc.symbol)),
                ..Default::default()
            },
            func,
        });
    }

    /// Auth names in a `dependencies=[Depends(x), ...]` list.
    fn auth_list_pub(&self, n: Node<'_>) -> Vec<String> {
        let mut out = Vec::new();
        let items = if matches!(n.node_kind(), "list" | "tuple") {
            named_kids(n)
        } else {
            vec![n]
        };
        for it in items {
            let t = self.text(it);
            for key in ["Depends(", "Security("] {
                if let Some(i) = t.find(key) {
                    let name: String = t[i + key.len()..]
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
                        .collect();
                    if authish(&name) {
                        out.push(name);
                    }
                }
            }
        }
        out
    }

    pub(crate) fn urlpatterns_extend(&mut self, right: Node<'_>, sc: &Scope) {
        if right.node_kind() == "attribute"
            && right
                .field("attribute")
                .is_some_and(|a| self.text(a) == "urls")
            && let Some(o) = right.field("object")
        {
            let child = self.resolved_child(o, sc);
            let module = self.module.clone();
            self.mount(right, sc, Some(&module), &child, Some(""), &[], "drf");
        }
    }
}
