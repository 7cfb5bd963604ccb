//! The vocabulary: which kinds and properties each [`Subject`] has.
//!
//! This table is the contract between extractors and rules. Extractors may
//! only emit what is listed here (a test checks every fixture's facts), and
//! the rule loader rejects a rule that names a kind or property not listed,
//! so a typo in a rule fails at load time instead of silently never firing.

use crate::types::Subject;

/// The type of a property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropType {
    Bool,
    Int,
    Str,
    List,
}

/// One property of a subject.
#[derive(Debug, Clone, Copy)]
pub struct PropDef {
    pub name: &'static str,
    pub ty: PropType,
    pub doc: &'static str,
}

/// A subject's kinds and properties.
#[derive(Debug, Clone, Copy)]
pub struct SubjectDef {
    pub subject: Subject,
    pub kinds: &'static [&'static str],
    pub props: &'static [PropDef],
    pub doc: &'static str,
}

const fn p(name: &'static str, ty: PropType, doc: &'static str) -> PropDef {
    PropDef { name, ty, doc }
}
use PropType::*;

/// Frameworks an entry can come from.
pub const FRAMEWORKS: &[&str] = &[
    "flask",
    "fastapi",
    "django",
    "drf",
    "starlette",
    "express",
    "koa",
    "fastify",
    "nestjs",
    "nextjs",
    "mcp",
    "langchain",
    "llamaindex",
    "openai",
    "anthropic",
    "vercel-ai",
];

pub const VOCABULARY: &[SubjectDef] = &[
    SubjectDef {
        subject: Subject::Entry,
        doc: "A way in: an HTTP route, an MCP tool or resource, an LLM agent tool.",
        kinds: &["http", "mcp-tool", "mcp-resource", "agent-tool"],
        props: &[
            p(
                "framework",
                Str,
                "flask, fastapi, django, drf, starlette, express, koa, fastify, nestjs, nextjs, mcp, langchain, llamaindex, openai, anthropic, vercel-ai",
            ),
            p("method", Str, "HTTP method in upper case, or ANY"),
            p(
                "route",
                Str,
                "path as declared in this file, before mount prefixes; tools: the tool name",
            ),
            p("handler", Str, "qualified symbol of the handler function"),
            p(
                "router",
                Str,
                "the local router/app/blueprint variable the route is declared on",
            ),
            p(
                "auth",
                List,
                "auth controls applied directly (decorator, dependency, guard, middleware argument)",
            ),
            p(
                "public",
                Bool,
                "explicitly marked public (AllowAny, @Public(), auth exempt)",
            ),
            p(
                "csrf_exempt",
                Bool,
                "CSRF protection explicitly disabled for this route",
            ),
            p("rate_limit", List, "rate-limit controls applied directly"),
            p("path_params", List, "names of path parameters"),
            p("body_model", Str, "the declared request model/DTO, if any"),
            p(
                "mass_assign",
                Bool,
                "request body passed whole into a model constructor/update",
            ),
            p(
                "admin",
                Bool,
                "route path or handler names an admin/internal/debug surface",
            ),
            p(
                "state_changing",
                Bool,
                "method is POST/PUT/PATCH/DELETE or the handler writes a store",
            ),
            p(
                "writes",
                List,
                "capabilities the handler reaches: exec, file-write, sql-write, http, eval (tools)",
            ),
            p(
                "confirmation",
                Bool,
                "the tool asks a person before acting (human-in-the-loop marker)",
            ),
            p(
                "description",
                Str,
                "tool description (agent tools); never shown to an AI as instructions",
            ),
            p("audit_log", Bool, "the handler writes an audit/log record"),
            p(
                "id_param_lookup",
                Bool,
                "a path parameter is used directly to fetch a record without an ownership check",
            ),
        ],
    },
    SubjectDef {
        subject: Subject::Mount,
        doc: "A router, blueprint, sub-app or URLconf mounted under a prefix.",
        kinds: &["prefix"],
        props: &[
            p(
                "parent",
                Str,
                "the router/app variable mounted onto (or the URLconf module)",
            ),
            p(
                "child",
                Str,
                "the mounted router: a local name, or module-qualified (`app.api.router`, `src/routes/users::router`)",
            ),
            p("prefix", Str, "the path prefix"),
            p(
                "auth",
                List,
                "auth controls applied at the mount (dependencies=, middleware before the router)",
            ),
            p("framework", Str, "framework"),
        ],
    },
    SubjectDef {
        subject: Subject::Middleware,
        doc: "Middleware or a framework setting applied to a whole app or router.",
        kinds: &[
            "auth",
            "rate-limit",
            "cors",
            "csrf",
            "security-headers",
            "session",
            "body-limit",
        ],
        props: &[
            p("router", Str, "the app/router variable it is applied to"),
            p("name", Str, "the middleware as written"),
            p("prefix", Str, "path prefix it is limited to, if any"),
            p("framework", Str, "framework"),
        ],
    },
    SubjectDef {
        subject: Subject::Sink,
        doc: "A dangerous operation; `flow` says whether outside data reaches it.",
        kinds: bw_flow::catalogue::SINK_KINDS,
        props: &[
            p(
                "callee",
                Str,
                "the resolved callee (`subprocess.run`, `child_process.exec`, `*.execute`)",
            ),
            p("shell", Bool, "a process is started through a shell"),
            p("write", Bool, "file sinks: opened for writing"),
            p("framework", Str, "framework context, when known"),
        ],
    },
    SubjectDef {
        subject: Subject::Setting,
        doc: "A security-relevant setting or call that needs no data flow.",
        kinds: &[
            "debug-enabled",
            "tls-verify-disabled",
            "cors-wildcard",
            "cors-credentials-wildcard",
            "cookie-insecure",
            "csrf-disabled",
            "jwt-verify-disabled",
            "jwt-none-alg",
            "jwt-no-expiry-check",
            "weak-hash",
            "weak-random",
            "weak-cipher",
            "bind-all-interfaces",
            "secret-key-weak",
            "session-cookie-insecure",
            "mass-assignment",
            "insecure-temp-file",
            "permissive-file-mode",
            "xxe-enabled",
        ],
        props: &[
            p("callee", Str, "the call or setting as written"),
            p("value", Str, "the offending value"),
            p(
                "context",
                Str,
                "why it matters here: password, token, session, auth, crypto, production",
            ),
            p(
                "development",
                Bool,
                "made only where a development check holds (`if in_debug_mode():`, `if settings.DEBUG:`): not in production",
            ),
            p("framework", Str, "framework context, when known"),
        ],
    },
    SubjectDef {
        subject: Subject::Store,
        doc: "A data store the code talks to.",
        kinds: &[
            "postgres",
            "mysql",
            "sqlite",
            "sql",
            "mssql",
            "oracle",
            "redis",
            "mongodb",
            "dynamodb",
            "s3",
            "gcs",
            "azure-blob",
            "elasticsearch",
            "vector-db",
            "file",
            "memcached",
            "cassandra",
        ],
        props: &[
            p(
                "library",
                Str,
                "client or ORM (psycopg, sqlalchemy, prisma, mongoose, boto3…)",
            ),
            p("orm", Bool, "accessed through an ORM"),
            p("host", Str, "literal host, or `dynamic`"),
            p("tls", Bool, "false when a literal URL disables TLS"),
        ],
    },
    SubjectDef {
        subject: Subject::Outbound,
        doc: "An outbound network call.",
        kinds: &["http", "grpc", "smtp", "websocket"],
        props: &[
            p("library", Str, "requests, httpx, axios, fetch…"),
            p("host", Str, "literal host, or `dynamic`"),
            p("tls", Bool, "false for a literal http:// URL"),
            p("timeout", Bool, "a timeout is set"),
        ],
    },
    SubjectDef {
        subject: Subject::Llm,
        doc: "A call to a large language model.",
        kinds: &[
            "openai",
            "anthropic",
            "azure-openai",
            "ollama",
            "langchain",
            "llamaindex",
            "vercel-ai",
            "bedrock",
            "gemini",
            "litellm",
        ],
        props: &[
            p("library", Str, "client library"),
            p("model", Str, "model name if literal"),
            p("max_tokens", Bool, "an output token limit is set"),
            p(
                "tools",
                Bool,
                "the call offers tools/functions to the model",
            ),
            p("streaming", Bool, "streams the answer"),
            p("host", Str, "endpoint host if literal, `dynamic` otherwise"),
        ],
    },
    SubjectDef {
        subject: Subject::Queue,
        doc: "A message queue producer or consumer.",
        kinds: &[
            "kafka",
            "rabbitmq",
            "sqs",
            "sns",
            "nats",
            "celery",
            "redis-queue",
            "pubsub",
            "bullmq",
        ],
        props: &[
            p("library", Str, "client library"),
            p("role", Str, "producer or consumer"),
            p("topic", Str, "topic/queue name if literal"),
        ],
    },
    SubjectDef {
        subject: Subject::Secret,
        doc: "A hard-coded secret. The evidence text is masked; the value is never stored.",
        kinds: &[
            "aws-access-key",
            "aws-secret-key",
            "github-token",
            "gitlab-token",
            "slack-token",
            "stripe-key",
            "openai-key",
            "anthropic-key",
            "google-api-key",
            "private-key",
            "jwt",
            "generic-password",
            "generic-secret",
            "connection-string",
        ],
        props: &[
            p(
                "masked",
                Str,
                "kind, prefix, length and short hash: `openai-key sk-p…(51) #3fa2`",
            ),
            p("name", Str, "the variable or key it is assigned to"),
            p("entropy", Int, "Shannon entropy x100"),
        ],
    },
    SubjectDef {
        subject: Subject::Container,
        doc: "A Dockerfile's final image.",
        kinds: &["dockerfile"],
        props: &[
            p("base_image", Str, "the final stage's FROM image"),
            p(
                "image_pinned",
                Bool,
                "the base image is pinned by digest or an exact version tag",
            ),
            p("latest_tag", Bool, "the base image uses :latest or no tag"),
            p("user", Str, "the last USER, empty if none"),
            p("runs_as_root", Bool, "no USER, or USER root/0"),
            p("exposed_ports", List, "EXPOSE ports"),
            p(
                "secret_env",
                List,
                "ENV/ARG names whose literal values look like secrets",
            ),
            p("add_remote", Bool, "ADD from a URL"),
            p("curl_pipe_shell", Bool, "RUN pipes a download into a shell"),
            p("healthcheck", Bool, "a HEALTHCHECK is declared"),
            p("sudo", Bool, "RUN uses sudo"),
        ],
    },
    SubjectDef {
        subject: Subject::ComposeService,
        doc: "A docker-compose service.",
        kinds: &["compose"],
        props: &[
            p("name", Str, "service name"),
            p("image", Str, "image"),
            p("build", Str, "build context directory"),
            p(
                "image_pinned",
                Bool,
                "image pinned by digest or exact version",
            ),
            p("ports", List, "published ports as written"),
            p(
                "published_all_interfaces",
                Bool,
                "a port is published on all interfaces",
            ),
            p("privileged", Bool, "privileged: true"),
            p("network_host", Bool, "network_mode: host"),
            p("cap_add", List, "added capabilities"),
            p("docker_socket", Bool, "mounts the Docker socket"),
            p(
                "secret_env",
                List,
                "environment names with literal secret-like values",
            ),
            p("depends_on", List, "services it depends on"),
            p("read_only", Bool, "read_only: true"),
        ],
    },
    SubjectDef {
        subject: Subject::Workload,
        doc: "A Kubernetes workload.",
        kinds: &[
            "deployment",
            "statefulset",
            "daemonset",
            "pod",
            "job",
            "cronjob",
            "replicaset",
        ],
        props: &[
            p("name", Str, "metadata.name"),
            p("namespace", Str, "metadata.namespace"),
            p("images", List, "container images"),
            p(
                "image_pinned",
                Bool,
                "every image pinned by digest or exact version",
            ),
            p("privileged", Bool, "a container is privileged"),
            p(
                "run_as_non_root",
                Bool,
                "runAsNonRoot: true is set (pod or every container)",
            ),
            p("run_as_root", Bool, "runAsUser: 0 is set"),
            p(
                "allow_privilege_escalation",
                Bool,
                "allowPrivilegeEscalation is not set to false on some container",
            ),
            p(
                "read_only_root_fs",
                Bool,
                "every container has readOnlyRootFilesystem: true",
            ),
            p("capabilities_add", List, "added capabilities"),
            p(
                "drops_all_capabilities",
                Bool,
                "every container drops ALL capabilities",
            ),
            p("host_path", List, "hostPath volume paths"),
            p("host_network", Bool, "hostNetwork: true"),
            p("host_pid", Bool, "hostPID or hostIPC: true"),
            p(
                "resources_limits",
                Bool,
                "every container sets CPU and memory limits",
            ),
            p(
                "secret_env",
                List,
                "env names with literal secret-like values",
            ),
            p("labels", List, "pod template labels as key=value"),
            p(
                "automount_token",
                Bool,
                "service account token is mounted (not disabled)",
            ),
        ],
    },
    SubjectDef {
        subject: Subject::K8sService,
        doc: "A Kubernetes Service.",
        kinds: &["service"],
        props: &[
            p("name", Str, "metadata.name"),
            p(
                "type",
                Str,
                "ClusterIP, NodePort, LoadBalancer, ExternalName",
            ),
            p("ports", List, "ports"),
            p("selector", List, "selector as key=value"),
        ],
    },
    SubjectDef {
        subject: Subject::Ingress,
        doc: "A Kubernetes Ingress.",
        kinds: &["ingress"],
        props: &[
            p("name", Str, "metadata.name"),
            p("tls", Bool, "a tls section is present"),
            p("hosts", List, "hosts"),
            p("backends", List, "backend service names"),
        ],
    },
    SubjectDef {
        subject: Subject::Package,
        doc: "A package root and its dependency manifest.",
        kinds: &["npm", "python"],
        props: &[
            p("name", Str, "package name"),
            p("root", Str, "directory of the manifest"),
            p("lockfile", Bool, "a lockfile sits beside the manifest"),
            p("unpinned", List, "dependencies without an exact version"),
            p("dependencies", List, "dependency names"),
            p(
                "install_scripts",
                List,
                "npm lifecycle scripts that run on install",
            ),
        ],
    },
];

/// The definition of a subject.
pub fn subject_def(subject: Subject) -> &'static SubjectDef {
    VOCABULARY
        .iter()
        .find(|d| d.subject == subject)
        .expect("every subject is in the vocabulary")
}

/// Check one fact against the vocabulary; `Err` says what is wrong.
pub fn check_fact(fact: &crate::Fact) -> Result<(), String> {
    let def = subject_def(fact.subject);
    if !def.kinds.contains(&fact.kind.as_str()) {
        return Err(format!(
            "{}: unknown kind `{}`",
            fact.subject.name(),
            fact.kind
        ));
    }
    for (k, v) in &fact.props {
        let Some(pd) = def.props.iter().find(|pd| pd.name == k) else {
            return Err(format!("{}: unknown property `{k}`", fact.subject.name()));
        };
        let ok = matches!(
            (pd.ty, v),
            (Bool, crate::Prop::Bool(_))
                | (Int, crate::Prop::Int(_))
                | (Str, crate::Prop::Str(_))
                | (List, crate::Prop::List(_))
        );
        if !ok {
            return Err(format!(
                "{}: property `{k}` has the wrong type",
                fact.subject.name()
            ));
        }
    }
    Ok(())
}

/// Whether every `[[component]]` entry of `spec` names a kind the
/// vocabulary has for its subject (its `kind` and every `kind_by`
/// value's kind): the message names the entry's library and the kinds
/// allowed.
pub fn check_components(spec: &crate::flowspec::FlowSpec) -> Result<(), String> {
    for file in [&spec.python, &spec.javascript] {
        for c in &file.components {
            let Some(def) = VOCABULARY.iter().find(|d| d.subject.name() == c.subject) else {
                return Err(format!("component subject `{}` is unknown", c.subject));
            };
            let kinds = c
                .kind
                .iter()
                .chain(c.kind_by.iter().flat_map(|k| k.values.keys()));
            for k in kinds {
                if !def.kinds.contains(&k.as_str()) {
                    let who = if c.subject == "setting" {
                        "a [[setting]]".to_string()
                    } else {
                        format!("component `{}`", c.library)
                    };
                    return Err(format!(
                        "{who} names {} kind `{k}`, which is not one of: {}",
                        c.subject,
                        def.kinds.join(", ")
                    ));
                }
            }
        }
    }
    Ok(())
}
