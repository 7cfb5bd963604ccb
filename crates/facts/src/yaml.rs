//! docker-compose and Kubernetes extractor.
//!
//! YAML is read with serde-saphyr into a small tree that keeps the line of
//! every key ([`node::Node`]). A document with a top-level `services:`
//! mapping is a compose file: one `compose-service` fact per service. Any
//! document with `apiVersion` and `kind` is a Kubernetes object: workloads,
//! Services and Ingresses become facts. Helm templates (`{{ … }}`) are not
//! YAML until rendered and yield no facts. Other YAML (CI files, configs)
//! yields nothing here; the secrets scanner still reads it.
//!
//! What cannot be read is said, never dropped: a syntax error (with its
//! line) makes the file `malformed`, aliases expanding past their budget or
//! nesting past the reader's depth make it `over-budget`; the documents
//! that were read are still modelled and the secrets scanner still reads
//! the whole text.

mod node;

use crate::docker::image_pinned;
use crate::evidence::{LineIndex, line_evidence};
use crate::secrets::is_literal_secret_env;
use crate::types::{Fact, FileFacts, Prop, Subject};
use bw_files::SkipReason;
use node::{Node, Problem, Value};

pub fn extract(path: &str, text: &str) -> FileFacts {
    let mut out = FileFacts {
        path: path.into(),
        ..Default::default()
    };
    if is_template(text) {
        return out;
    }
    let read = node::documents(text);
    out.unread = read.problem.and_then(unread);
    let lines = LineIndex::new(text);
    for doc in read.docs {
        if crate::budget::spent() {
            break;
        }
        if !doc.is_map() {
            continue;
        }
        let api = doc.get("apiVersion").and_then(Node::str);
        let kind = doc.get("kind").and_then(Node::str);
        match (api, kind) {
            // `kubectl get -o yaml` output: a List of objects.
            (Some(_), Some("List")) => {
                for item in doc.get("items").map(Node::items).unwrap_or(&[]) {
                    let api = item.get("apiVersion").and_then(Node::str);
                    if let (Some(_), Some(kind)) = (api, item.get("kind").and_then(Node::str)) {
                        kubernetes(path, &lines, item, kind, &mut out.facts);
                    }
                }
            }
            (Some(_), Some(kind)) => kubernetes(path, &lines, &doc, kind, &mut out.facts),
            _ => {
                if let Some(services) = doc.get("services").filter(|s| s.is_map()) {
                    compose(path, &lines, services, &mut out.facts);
                }
            }
        }
    }
    out
}

/// How a problem reading the stream is reported (`None`: the file's own
/// budget ran out, which fails the whole file).
fn unread(p: Problem) -> Option<SkipReason> {
    Some(match p {
        Problem::Syntax {
            line,
            column,
            message,
        } => SkipReason::Malformed {
            error: format!("is not valid YAML: line {line}, column {column}: {message}"),
        },
        Problem::Expansion { budget } => SkipReason::OverBudget {
            budget: format!(
                "YAML alias expansion ({} MiB for a file this size: its aliases expand past it)",
                budget >> 20
            ),
        },
        Problem::Depth => SkipReason::OverBudget {
            budget: "YAML nesting depth (it nests deeper than 64 levels)".into(),
        },
        Problem::Budget => return None,
    })
}

/// A Helm (or other Go-template) file: `{{` that is not GitHub Actions' `${{`.
fn is_template(text: &str) -> bool {
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(p) = text[from..].find("{{") {
        let at = from + p;
        if at == 0 || b[at - 1] != b'$' {
            return true;
        }
        from = at + 2;
    }
    false
}

fn list(mut v: Vec<String>) -> Prop {
    v.sort();
    v.dedup();
    Prop::List(v)
}

// ---------------------------------------------------------------- compose

fn compose(path: &str, lines: &LineIndex<'_>, services: &Node, out: &mut Vec<Fact>) {
    for (key, svc) in services.entries() {
        let Some(name) = key.scalar() else { continue };
        let symbol = format!("services.{name}");
        let mut fact = Fact::new(
            Subject::ComposeService,
            "compose",
            line_evidence(path, lines, key.line, &symbol),
        )
        .with("name", Prop::Str(name.clone()));
        let image = svc.get("image").and_then(Node::scalar);
        if let Some(image) = &image {
            fact = fact.with("image", Prop::Str(image.clone()));
            if let Some(p) = image_pinned(image) {
                fact = fact.with("image_pinned", Prop::Bool(p));
            }
        }
        if let Some(build) = svc.get("build") {
            let ctx = build
                .scalar()
                .or_else(|| build.get("context").and_then(Node::scalar))
                .unwrap_or_else(|| ".".into());
            fact = fact.with("build", Prop::Str(ctx));
        }
        let mut ports = Vec::new();
        let mut all_interfaces = false;
        for p in svc.get("ports").map(Node::items).unwrap_or(&[]) {
            let (written, public) = compose_port(p);
            all_interfaces |= public;
            if let Some(w) = written {
                ports.push(w);
            }
        }
        fact = fact
            .with("ports", Prop::List(ports))
            .with("published_all_interfaces", Prop::Bool(all_interfaces))
            .with(
                "privileged",
                Prop::Bool(svc.get("privileged").and_then(Node::bool).unwrap_or(false)),
            )
            .with(
                "network_host",
                Prop::Bool(
                    svc.get("network_mode")
                        .and_then(Node::str)
                        .is_some_and(|m| m == "host"),
                ),
            )
            .with(
                "cap_add",
                list(
                    svc.get("cap_add")
                        .map(Node::names)
                        .unwrap_or_default()
                        .iter()
                        .map(|c| cap(c))
                        .collect(),
                ),
            )
            .with("docker_socket", Prop::Bool(mounts_docker_socket(svc)))
            .with(
                "secret_env",
                list(compose_secret_env(svc.get("environment"))),
            )
            .with(
                "depends_on",
                list(svc.get("depends_on").map(Node::names).unwrap_or_default()),
            )
            .with(
                "read_only",
                Prop::Bool(svc.get("read_only").and_then(Node::bool).unwrap_or(false)),
            );
        out.push(fact);
    }
}

/// Normalise a capability name: `cap_sys_admin` -> `SYS_ADMIN`.
fn cap(c: &str) -> String {
    let u = c.trim().to_ascii_uppercase();
    u.strip_prefix("CAP_").map(str::to_string).unwrap_or(u)
}

/// A port entry as written, and whether it is published on every
/// interface (no host IP, or 0.0.0.0 / ::).
fn compose_port(p: &Node) -> (Option<String>, bool) {
    match &p.value {
        Value::Int(n) => (Some(n.to_string()), true),
        Value::Str(s) => (Some(s.clone()), short_port_public(s)),
        Value::Map(_) => {
            let target = p.get("target").and_then(Node::scalar).unwrap_or_default();
            let published = p.get("published").and_then(Node::scalar);
            let host_ip = p.get("host_ip").and_then(Node::scalar);
            let mode_host = p.get("mode").and_then(Node::str) == Some("host");
            let written = match (&host_ip, &published) {
                (Some(ip), Some(pb)) => format!("{ip}:{pb}:{target}"),
                (None, Some(pb)) => format!("{pb}:{target}"),
                (Some(ip), None) => format!("{ip}::{target}"),
                (None, None) => target.clone(),
            };
            let public = match &host_ip {
                Some(ip) => is_any_address(ip),
                None => true,
            };
            let _ = mode_host;
            (Some(written), public)
        }
        _ => (None, false),
    }
}

fn is_any_address(ip: &str) -> bool {
    let ip = ip.trim().trim_start_matches('[').trim_end_matches(']');
    matches!(ip, "0.0.0.0" | "::" | "")
}

/// Short syntax: `80`, `8080:80`, `127.0.0.1:8080:80`, `[::1]:80:80`,
/// `3000-3005`, `8080:80/udp`, `${PORT}:80`. A host IP given by a variable
/// is unknown and not counted.
fn short_port_public(s: &str) -> bool {
    let s = s.split('/').next().unwrap_or(s).trim();
    // Replace `${…}` interpolations by a marker so their `:-` does not split.
    let mut t = String::new();
    let mut rest = s;
    while let Some(p) = rest.find("${") {
        t.push_str(&rest[..p]);
        match rest[p..].find('}') {
            Some(e) => {
                t.push_str("VAR");
                rest = &rest[p + e + 1..];
            }
            None => {
                rest = "";
            }
        }
    }
    t.push_str(rest);
    if let Some(v6) = t.strip_prefix('[') {
        let ip = v6.split(']').next().unwrap_or("");
        return is_any_address(ip);
    }
    let parts: Vec<&str> = t.split(':').collect();
    match parts.len() {
        0..=2 => true,
        _ => {
            let ip = parts[..parts.len() - 2].join(":");
            ip != "VAR" && !ip.contains('$') && is_any_address(&ip)
        }
    }
}

fn mounts_docker_socket(svc: &Node) -> bool {
    svc.get("volumes")
        .map(Node::items)
        .unwrap_or(&[])
        .iter()
        .any(|v| {
            let source = match &v.value {
                Value::Str(s) => s.split(':').next().unwrap_or("").to_string(),
                Value::Map(_) => v.get("source").and_then(Node::scalar).unwrap_or_default(),
                _ => String::new(),
            };
            let source = source.trim_end_matches('/');
            source.ends_with("/docker.sock") || source.ends_with("/podman.sock")
        })
}

fn compose_secret_env(env: Option<&Node>) -> Vec<String> {
    let mut out = Vec::new();
    let Some(env) = env else { return out };
    match &env.value {
        Value::Map(m) => {
            for (k, v) in m {
                let (Some(name), Some(value)) = (k.scalar(), v.scalar()) else {
                    continue;
                };
                if is_literal_secret_env(&name, &value) {
                    out.push(name);
                }
            }
        }
        Value::Seq(items) => {
            for item in items {
                let Some(s) = item.str() else { continue };
                let Some((name, value)) = s.split_once('=') else {
                    continue;
                };
                if is_literal_secret_env(name.trim(), value) {
                    out.push(name.trim().to_string());
                }
            }
        }
        _ => {}
    }
    out
}

// ------------------------------------------------------------- kubernetes

const WORKLOADS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "Pod",
    "Job",
    "CronJob",
    "ReplicaSet",
];

fn kubernetes(path: &str, lines: &LineIndex<'_>, doc: &Node, kind: &str, out: &mut Vec<Fact>) {
    let name = doc
        .path(&["metadata", "name"])
        .and_then(Node::scalar)
        .unwrap_or_default();
    let line = doc.entry("kind").map(|(k, _)| k.line).unwrap_or(1);
    let symbol = format!("{kind}/{name}");
    let ev = line_evidence(path, lines, line, &symbol);
    if WORKLOADS.contains(&kind) {
        let (pod, template_meta) = match kind {
            "Pod" => (doc.get("spec"), doc.get("metadata")),
            "CronJob" => (
                doc.path(&["spec", "jobTemplate", "spec", "template", "spec"]),
                doc.path(&["spec", "jobTemplate", "spec", "template", "metadata"]),
            ),
            _ => (
                doc.path(&["spec", "template", "spec"]),
                doc.path(&["spec", "template", "metadata"]),
            ),
        };
        let Some(pod) = pod else { return };
        let mut fact = workload(pod, template_meta).into_iter().fold(
            Fact::new(Subject::Workload, kind.to_ascii_lowercase(), ev),
            |f, (k, v)| f.with(k, v),
        );
        fact = fact.with("name", Prop::Str(name));
        if let Some(ns) = doc.path(&["metadata", "namespace"]).and_then(Node::scalar) {
            fact = fact.with("namespace", Prop::Str(ns));
        }
        out.push(fact);
    } else if kind == "Service" {
        let spec = doc.get("spec");
        let ty = spec
            .and_then(|s| s.get("type"))
            .and_then(Node::scalar)
            .unwrap_or_else(|| "ClusterIP".into());
        let ports = spec
            .and_then(|s| s.get("ports"))
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .filter_map(|p| {
                let port = p.get("port").and_then(Node::scalar)?;
                Some(match p.get("targetPort").and_then(Node::scalar) {
                    Some(t) if t != port => format!("{port}:{t}"),
                    _ => port,
                })
            })
            .collect();
        let selector = key_values(spec.and_then(|s| s.get("selector")));
        out.push(
            Fact::new(Subject::K8sService, "service", ev)
                .with("name", Prop::Str(name))
                .with("type", Prop::Str(ty))
                .with("ports", list(ports))
                .with("selector", list(selector)),
        );
    } else if kind == "Ingress" {
        let spec = doc.get("spec");
        let tls = spec
            .and_then(|s| s.get("tls"))
            .map(Node::items)
            .unwrap_or(&[]);
        let mut hosts = Vec::new();
        let mut backends = Vec::new();
        for t in tls {
            hosts.extend(t.get("hosts").map(Node::names).unwrap_or_default());
        }
        for rule in spec
            .and_then(|s| s.get("rules"))
            .map(Node::items)
            .unwrap_or(&[])
        {
            if let Some(h) = rule.get("host").and_then(Node::scalar) {
                hosts.push(h);
            }
            for p in rule
                .path(&["http", "paths"])
                .map(Node::items)
                .unwrap_or(&[])
            {
                backends.extend(backend_name(p.get("backend")));
            }
        }
        if let Some(s) = spec {
            backends.extend(backend_name(
                s.get("defaultBackend").or_else(|| s.get("backend")),
            ));
        }
        out.push(
            Fact::new(Subject::Ingress, "ingress", ev)
                .with("name", Prop::Str(name))
                .with("tls", Prop::Bool(!tls.is_empty()))
                .with("hosts", list(hosts))
                .with("backends", list(backends)),
        );
    }
}

fn backend_name(b: Option<&Node>) -> Option<String> {
    let b = b?;
    b.path(&["service", "name"])
        .or_else(|| b.get("serviceName"))
        .and_then(Node::scalar)
}

fn key_values(map: Option<&Node>) -> Vec<String> {
    map.map(Node::entries)
        .unwrap_or(&[])
        .iter()
        .filter_map(|(k, v)| {
            Some(format!(
                "{}={}",
                k.scalar()?,
                v.scalar().unwrap_or_default()
            ))
        })
        .collect()
}

/// The security-relevant properties of a pod spec.
fn workload(pod: &Node, meta: Option<&Node>) -> Vec<(&'static str, Prop)> {
    let containers: Vec<&Node> = ["initContainers", "containers"]
        .iter()
        .flat_map(|k| pod.get(k).map(Node::items).unwrap_or(&[]))
        .filter(|c| c.is_map())
        .collect();
    let psc = pod.get("securityContext");
    let pod_non_root = psc.and_then(|s| s.get("runAsNonRoot")).and_then(Node::bool);
    let pod_user = psc.and_then(|s| s.get("runAsUser")).and_then(Node::int);

    let mut images = Vec::new();
    let mut pinned = Some(true);
    let mut privileged = false;
    let mut non_root = !containers.is_empty();
    let mut root = pod_user == Some(0);
    let mut no_escalation = !containers.is_empty();
    let mut read_only = !containers.is_empty();
    let mut caps = Vec::new();
    let mut drops_all = !containers.is_empty();
    let mut limits = !containers.is_empty();
    let mut secret_env = Vec::new();
    for c in &containers {
        if let Some(img) = c.get("image").and_then(Node::scalar) {
            pinned = match (pinned, image_pinned(&img)) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            };
            images.push(img);
        }
        let sc = c.get("securityContext");
        let get = |k: &str| sc.and_then(|s| s.get(k));
        privileged |= get("privileged").and_then(Node::bool).unwrap_or(false);
        let user = get("runAsUser").and_then(Node::int).or(pod_user);
        let nr = get("runAsNonRoot").and_then(Node::bool).or(pod_non_root);
        // Non-root in effect: runAsNonRoot, or a non-zero user id, and not contradicted.
        let c_non_root = nr != Some(false)
            && (nr == Some(true) || user.is_some_and(|u| u > 0))
            && user != Some(0);
        non_root &= c_non_root;
        root |= user == Some(0);
        no_escalation &= get("allowPrivilegeEscalation").and_then(Node::bool) == Some(false);
        read_only &= get("readOnlyRootFilesystem").and_then(Node::bool) == Some(true);
        let capabilities = get("capabilities");
        caps.extend(
            capabilities
                .and_then(|c| c.get("add"))
                .map(Node::names)
                .unwrap_or_default()
                .iter()
                .map(|c| cap(c)),
        );
        drops_all &= capabilities
            .and_then(|c| c.get("drop"))
            .map(Node::names)
            .unwrap_or_default()
            .iter()
            .any(|d| cap(d) == "ALL");
        let lim = c.path(&["resources", "limits"]);
        limits &=
            lim.and_then(|l| l.get("cpu")).is_some() && lim.and_then(|l| l.get("memory")).is_some();
        for e in c.get("env").map(Node::items).unwrap_or(&[]) {
            let (Some(n), Some(v)) = (
                e.get("name").and_then(Node::scalar),
                e.get("value").and_then(Node::scalar),
            ) else {
                continue;
            };
            if is_literal_secret_env(&n, &v) {
                secret_env.push(n);
            }
        }
    }
    let host_path: Vec<String> = pod
        .get("volumes")
        .map(Node::items)
        .unwrap_or(&[])
        .iter()
        .filter_map(|v| v.path(&["hostPath", "path"]).and_then(Node::scalar))
        .collect();
    let flag = |k: &str| pod.get(k).and_then(Node::bool).unwrap_or(false);
    let mut props = vec![
        ("images", list(images)),
        ("privileged", Prop::Bool(privileged)),
        ("run_as_non_root", Prop::Bool(non_root)),
        ("run_as_root", Prop::Bool(root)),
        (
            "allow_privilege_escalation",
            Prop::Bool(!no_escalation || privileged),
        ),
        ("read_only_root_fs", Prop::Bool(read_only)),
        ("capabilities_add", list(caps)),
        ("drops_all_capabilities", Prop::Bool(drops_all)),
        ("host_path", list(host_path)),
        ("host_network", Prop::Bool(flag("hostNetwork"))),
        ("host_pid", Prop::Bool(flag("hostPID") || flag("hostIPC"))),
        ("resources_limits", Prop::Bool(limits)),
        ("secret_env", list(secret_env)),
        (
            "labels",
            list(key_values(meta.and_then(|m| m.get("labels")))),
        ),
        (
            "automount_token",
            Prop::Bool(pod.get("automountServiceAccountToken").and_then(Node::bool) != Some(false)),
        ),
    ];
    if let Some(p) = pinned.filter(|_| !containers.is_empty()) {
        props.push(("image_pinned", Prop::Bool(p)));
    }
    props
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(src: &str) -> Vec<Fact> {
        extract("deploy/x.yaml", src).facts
    }

    #[test]
    fn port_publishing() {
        assert!(short_port_public("5432:5432"));
        assert!(short_port_public("0.0.0.0:80:80"));
        assert!(short_port_public("8080"));
        assert!(short_port_public("${WEB_PORT:-8080}:8080"));
        assert!(short_port_public("[::]:80:80"));
        assert!(!short_port_public("127.0.0.1:5432:5432"));
        assert!(!short_port_public("[::1]:5432:5432"));
        assert!(!short_port_public("${BIND_ADDR:-127.0.0.1}:5432:5432"));
        assert!(short_port_public("3000-3005:3000-3005/tcp"));
    }

    #[test]
    fn compose_service() {
        let src = "services:\n  db:\n    image: postgres:16\n    ports:\n      - \"127.0.0.1:5432:5432\"\n    environment:\n      POSTGRES_PASSWORD: postgres\n      POSTGRES_USER: app\n  cache:\n    image: redis:7.2.4\n    ports:\n      - 6379:6379\n    environment:\n      - REDIS_PASSWORD=${REDIS_PASSWORD}\n      - API_TOKEN=Vq8mZ2rLx7TkW4nH9cJ3\n    cap_add: [sys_admin]\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n    depends_on:\n      db:\n        condition: service_healthy\n";
        let f = facts(src);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].evidence.symbol, "services.db");
        assert_eq!(f[0].evidence.location.start_line, 2);
        assert!(!f[0].flag("published_all_interfaces"));
        assert!(!f[0].flag("image_pinned"));
        assert_eq!(f[0].list("secret_env"), ["POSTGRES_PASSWORD"]);
        assert!(f[1].flag("published_all_interfaces"));
        assert!(f[1].flag("image_pinned"));
        assert_eq!(f[1].list("secret_env"), ["API_TOKEN"]);
        assert_eq!(f[1].list("cap_add"), ["SYS_ADMIN"]);
        assert!(f[1].flag("docker_socket"));
        assert_eq!(f[1].list("depends_on"), ["db"]);
        let json = serde_json::to_string(&f).unwrap();
        assert!(!json.contains("Vq8mZ2rLx7TkW4nH9cJ3"));
    }

    #[test]
    fn build_only_service_has_no_pinning() {
        let f = facts(
            "services:\n  api:\n    build:\n      context: ./api\n    network_mode: host\n    privileged: true\n",
        );
        assert_eq!(f[0].str("build"), Some("./api"));
        assert!(!f[0].props.contains_key("image_pinned"));
        assert!(f[0].flag("network_host"));
        assert!(f[0].flag("privileged"));
    }

    #[test]
    fn workload_security() {
        let src = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  template:\n    metadata:\n      labels:\n        app: api\n    spec:\n      automountServiceAccountToken: false\n      securityContext:\n        runAsNonRoot: true\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.4.2\n          securityContext:\n            allowPrivilegeEscalation: false\n            readOnlyRootFilesystem: true\n            capabilities:\n              drop: [\"ALL\"]\n          resources:\n            limits: {cpu: 500m, memory: 256Mi}\n          env:\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef: {name: db, key: password}\n";
        let f = facts(src);
        assert_eq!(f.len(), 1);
        let w = &f[0];
        assert_eq!(w.kind, "deployment");
        assert_eq!(w.evidence.symbol, "Deployment/api");
        assert_eq!(w.evidence.location.start_line, 2);
        for p in [
            "run_as_non_root",
            "read_only_root_fs",
            "drops_all_capabilities",
            "resources_limits",
            "image_pinned",
        ] {
            assert!(w.flag(p), "{p}");
        }
        for p in [
            "privileged",
            "run_as_root",
            "allow_privilege_escalation",
            "automount_token",
            "host_network",
        ] {
            assert!(!w.flag(p), "{p}");
        }
        assert!(w.list("secret_env").is_empty());
        assert_eq!(w.list("labels"), ["app=api"]);
        assert_eq!(w.str("namespace"), Some("shop"));
    }

    #[test]
    fn risky_pod() {
        let src = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n  hostNetwork: true\n  hostPID: true\n  containers:\n    - name: c\n      image: busybox\n      securityContext:\n        privileged: true\n        runAsUser: 0\n        capabilities:\n          add: [NET_ADMIN]\n      env:\n        - name: API_KEY\n          value: Vq8mZ2rLx7TkW4nH9cJ3\n  volumes:\n    - name: root\n      hostPath:\n        path: /\n";
        let w = &facts(src)[0];
        for p in [
            "privileged",
            "run_as_root",
            "allow_privilege_escalation",
            "host_network",
            "host_pid",
            "automount_token",
        ] {
            assert!(w.flag(p), "{p}");
        }
        assert!(!w.flag("run_as_non_root"));
        assert!(!w.flag("image_pinned"));
        assert_eq!(w.list("capabilities_add"), ["NET_ADMIN"]);
        assert_eq!(w.list("host_path"), ["/"]);
        assert_eq!(w.list("secret_env"), ["API_KEY"]);
    }

    #[test]
    fn service_and_ingress() {
        let src = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n  selector:\n    app: web\n  ports:\n    - port: 80\n      targetPort: 8080\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: internal\nspec:\n  ports:\n    - port: 5432\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n    - host: shop.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: web\n                port:\n                  number: 80\n";
        let f = facts(src);
        assert_eq!(f.len(), 3);
        assert_eq!(f[0].str("type"), Some("LoadBalancer"));
        assert_eq!(f[0].list("ports"), ["80:8080"]);
        assert_eq!(f[0].list("selector"), ["app=web"]);
        assert_eq!(f[1].str("type"), Some("ClusterIP"));
        assert_eq!(f[1].evidence.location.start_line, 14);
        assert!(!f[2].flag("tls"));
        assert_eq!(f[2].list("hosts"), ["shop.example.com"]);
        assert_eq!(f[2].list("backends"), ["web"]);
        assert_eq!(f[2].evidence.symbol, "Ingress/web");
    }

    #[test]
    fn kubectl_list() {
        let src = "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Service\n    metadata:\n      name: a\n    spec:\n      type: NodePort\n  - apiVersion: v1\n    kind: Service\n    metadata:\n      name: b\n";
        let f = facts(src);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].evidence.location.start_line, 5);
        assert_eq!(f[1].evidence.symbol, "Service/b");
    }

    #[test]
    fn helm_and_other_yaml() {
        let helm = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"app.fullname\" . }}\nspec:\n  template:\n    spec:\n      containers:\n        - image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"\n";
        assert!(facts(helm).is_empty());
        let gha = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    services:\n      db:\n        image: postgres\n    steps:\n      - run: echo ${{ secrets.X }}\n";
        assert!(facts(gha).is_empty());
        let gitlab = "services:\n  - postgres:16\ntest:\n  script: [pytest]\n";
        assert!(facts(gitlab).is_empty());
    }
}
