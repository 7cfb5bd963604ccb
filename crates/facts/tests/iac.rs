//! Infrastructure, manifest and secret extraction: snapshots of the sample
//! apps in `fixtures/iac/`, and focused checks of pinning, port publishing,
//! secret masking, placeholders and hostile YAML.

use bw_facts::flowspec::FlowSpec;
use bw_facts::{Fact, FileFacts, Subject, extract, secrets};
use bw_files::{Lang, detect_lang};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/iac")
}

fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            walk(&p, root, out);
        } else {
            let rel = p
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, std::fs::read_to_string(&p).unwrap()));
        }
    }
}

/// Extract every file of a fixture app, as the engine would.
fn app(name: &str) -> Vec<FileFacts> {
    let root = fixtures().join(name);
    let mut files = vec![];
    walk(&root, &root, &mut files);
    let spec = FlowSpec::builtin();
    files
        .iter()
        .filter_map(|(path, text)| {
            let lang = detect_lang(path)?;
            Some(extract(path, lang, text, &spec).unwrap())
        })
        .collect()
}

fn one(path: &str, lang: Lang, text: &str) -> FileFacts {
    extract(path, lang, text, &FlowSpec::builtin()).unwrap()
}

fn of(files: &FileFacts, subject: Subject) -> Vec<&Fact> {
    files
        .facts
        .iter()
        .filter(|f| f.subject == subject)
        .collect()
}

fn assert_vocabulary(files: &[FileFacts]) {
    for f in files {
        for fact in &f.facts {
            bw_facts::vocab::check_fact(fact).unwrap_or_else(|e| panic!("{}: {e}", f.path));
        }
    }
}

#[test]
fn compose_app_snapshot() {
    let files = app("compose-app");
    assert_vocabulary(&files);
    let json = serde_json::to_string(&files).unwrap();
    assert!(
        !json.contains("shop-dev-Pw-2291"),
        "a planted password leaked into the facts"
    );
    insta::assert_json_snapshot!("compose_app", files);
}

#[test]
fn k8s_app_snapshot() {
    let files = app("k8s-app");
    assert_vocabulary(&files);
    let json = serde_json::to_string(&files).unwrap();
    assert!(!json.contains("pk9Lw2Qz7Xv4Tn8Rb3Hm6Jc1"));
    insta::assert_json_snapshot!("k8s_app", files);
}

#[test]
fn multistage_snapshot() {
    let files = app("multistage");
    assert_vocabulary(&files);
    let json = serde_json::to_string(&files).unwrap();
    assert!(!json.contains("sntrys_9Qm2Lx7Vt4Kw8Rz3Hb6Jn1Pc5"));
    insta::assert_json_snapshot!("multistage", files);
}

#[test]
fn dockerfile_pinning() {
    let digest = "sha256:4d1b5e2f6a3c7b8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d";
    for (from, pinned) in [
        ("python:3.12.2-slim".to_string(), Some(true)),
        ("python:3.12-slim".to_string(), Some(false)),
        ("python:3".to_string(), Some(false)),
        ("python".to_string(), Some(false)),
        ("python:latest".to_string(), Some(false)),
        (format!("python:3.12@{digest}"), Some(true)),
        (format!("python@{digest}"), Some(true)),
        (
            "registry.internal:5000/base/python:3.12.2".to_string(),
            Some(true),
        ),
        (
            "registry.internal:5000/base/python".to_string(),
            Some(false),
        ),
        ("scratch".to_string(), Some(true)),
        ("${BASE_IMAGE}".to_string(), None),
    ] {
        let f = one(
            "Dockerfile",
            Lang::Dockerfile,
            &format!("ARG BASE_IMAGE\nFROM {from}\nUSER 1000\n"),
        );
        let c = of(&f, Subject::Container);
        assert_eq!(c.len(), 1);
        assert_eq!(
            c[0].props.get("image_pinned").and_then(|p| p.as_bool()),
            pinned,
            "{from}"
        );
    }
    // A final stage built on an earlier one is as pinned as this file makes it.
    let f = one(
        "Dockerfile",
        Lang::Dockerfile,
        "FROM node:20.11.1 AS build\nRUN npm ci\nFROM build\nUSER node\n",
    );
    assert!(of(&f, Subject::Container)[0].flag("image_pinned"));
}

#[test]
fn compose_and_k8s_pinning() {
    let f = one(
        "docker-compose.yml",
        Lang::Yaml,
        "services:\n  a:\n    image: nginx\n  b:\n    image: nginx:1.25.4\n  c:\n    image: ${REGISTRY}/nginx:1.25\n",
    );
    let s = of(&f, Subject::ComposeService);
    assert_eq!(
        s[0].props.get("image_pinned").and_then(|p| p.as_bool()),
        Some(false)
    );
    assert_eq!(
        s[1].props.get("image_pinned").and_then(|p| p.as_bool()),
        Some(true)
    );
    assert_eq!(
        s[2].props.get("image_pinned"),
        None,
        "an interpolated image is unknown"
    );
    let k = one(
        "pod.yaml",
        Lang::Yaml,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: app:1.0.0\n    - name: b\n      image: sidecar:2\n",
    );
    assert!(
        !of(&k, Subject::Workload)[0].flag("image_pinned"),
        "one moving image unpins the workload"
    );
}

#[test]
fn compose_port_publishing() {
    let src = "services:\n  a:\n    image: postgres:16.2\n    ports: [\"5432:5432\"]\n  b:\n    image: postgres:16.2\n    ports: [\"0.0.0.0:5432:5432\"]\n  c:\n    image: postgres:16.2\n    ports: [\"127.0.0.1:5432:5432\"]\n  d:\n    image: postgres:16.2\n    expose: [\"5432\"]\n  e:\n    image: postgres:16.2\n    ports:\n      - target: 5432\n        published: 5432\n        host_ip: 127.0.0.1\n  f:\n    image: redis:7.2.4\n    ports:\n      - 6379\n";
    let f = one("compose.yaml", Lang::Yaml, src);
    let published: Vec<bool> = of(&f, Subject::ComposeService)
        .iter()
        .map(|s| s.flag("published_all_interfaces"))
        .collect();
    assert_eq!(published, [true, true, false, false, false, true]);
}

#[test]
fn planted_secrets_never_appear_in_facts() {
    let planted = [
        "AKIAQ4ZJ7NW2XK5PLM3R",
        "ghp_9zXq2LmN7vB4cR8tY1wK5pJ3hF6dS0aG2eQ7",
        "xoxb-301928374650-420918273645-Zq8Lr2Vn5Xc1Wd7Ty3Hb9Km4",
        "sk_live_7hQz2Lm9Xv4Tn8Kw3Rb6Jc1",
        "Vx9!qL2m#Tz7Wk4p",
        "Rr8vQm2xLtN5",
    ];
    let src = format!(
        "AWS_ACCESS_KEY_ID = \"{}\"\nGH = \"{}\"\nSLACK = '{}'\nstripe.api_key = \"{}\"\nDB_PASSWORD = \"{}\"\nURL = \"postgresql://app:{}@db.internal/app\"\nAGAIN = \"{}\"\n",
        planted[0], planted[1], planted[2], planted[3], planted[4], planted[5], planted[1]
    );
    let facts = secrets::scan("app/config.py", Lang::Python, &src);
    let kinds: Vec<&str> = facts.iter().map(|f| f.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "aws-access-key",
            "github-token",
            "slack-token",
            "stripe-key",
            "generic-password",
            "connection-string",
            "github-token"
        ]
    );
    let json = serde_json::to_string(&facts).unwrap();
    for p in planted {
        assert!(!json.contains(p), "{p} leaked: {json}");
    }
    // Masks are stable and identify the value without revealing it.
    assert_eq!(facts[1].str("masked"), facts[6].str("masked"));
    assert!(
        facts[1]
            .str("masked")
            .unwrap()
            .starts_with("github-token ghp_…(40) #")
    );
    assert_eq!(facts[4].str("name"), Some("DB_PASSWORD"));

    // Deployment files list names, never values.
    let compose = one(
        "docker-compose.yml",
        Lang::Yaml,
        &format!(
            "services:\n  db:\n    image: postgres:16.2\n    environment:\n      POSTGRES_PASSWORD: \"{}\"\n",
            planted[4]
        ),
    );
    let json = serde_json::to_string(&compose).unwrap();
    assert!(!json.contains(planted[4]), "{json}");
    assert_eq!(
        of(&compose, Subject::ComposeService)[0].list("secret_env"),
        ["POSTGRES_PASSWORD"]
    );
    let docker = one(
        "Dockerfile",
        Lang::Dockerfile,
        &format!("FROM alpine:3.19.1\nENV STRIPE_KEY={}\n", planted[3]),
    );
    let json = serde_json::to_string(&docker).unwrap();
    assert!(!json.contains(planted[3]), "{json}");
}

#[test]
fn placeholders_are_skipped() {
    let src = r#"
AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
OPENAI_API_KEY = "sk-your-key-here"
DB_PASSWORD = "changeme"
DB_PASSWORD = "<db-password>"
DB_PASSWORD = "${DB_PASSWORD}"
API_TOKEN = "{{ api_token }}"
SECRET_KEY = "xxxxxxxxxxxxxxxxxxxx"
SECRET_KEY = "********************"
API_KEY = "dummy-api-key-for-tests"
PASSWORD = "redacted"
token = os.environ["API_TOKEN"]
password = os.getenv("DB_PASSWORD")
DATABASE_URL = "postgres://user:password@localhost:5432/app"
DATABASE_URL = "postgres://app:${DB_PASSWORD}@db:5432/app"
STRIPE = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"
"#;
    let facts = secrets::scan("settings.py", Lang::Python, src);
    assert!(facts.is_empty(), "{facts:#?}");
    let js = "const key = process.env.OPENAI_API_KEY;\nconst password = req.body.password;\n";
    assert!(secrets::scan("a.js", Lang::JavaScript, js).is_empty());
}

#[test]
fn helm_template_yields_nothing_and_does_not_crash() {
    let helm = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "shop.fullname" . }}
  labels:
    {{- include "shop.labels" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  template:
    spec:
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          securityContext:
            {{- toYaml .Values.securityContext | nindent 12 }}
"#;
    let f = one("charts/shop/templates/deployment.yaml", Lang::Yaml, helm);
    assert!(f.facts.is_empty(), "{:#?}", f.facts);
}

#[test]
fn hostile_yaml_never_panics() {
    for src in [
        "",
        "---\n---\n",
        ": : :\n- - -\n",
        "services: [1, 2\n",
        "services:\n  web: 3\n  db: [a, b]\n  cache:\n",
        "apiVersion: v1\nkind: Pod\nspec: nope\n",
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers: 7\n",
        "kind: [Deployment]\napiVersion: {x: 1}\n",
        "\u{feff}services:\n  web:\n    image: [x]\n    ports: {a: b}\n    environment: 5\n",
    ] {
        let _ = one("x.yaml", Lang::Yaml, src);
    }
    let deep = format!(
        "services:\n  a: {}1{}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let _ = one("deep.yaml", Lang::Yaml, &deep);
}

#[test]
fn ten_thousand_line_yaml_is_fine() {
    let mut src = String::from("services:\n");
    let mut n = 0;
    while src.lines().count() < 10_000 {
        src.push_str(&format!(
            "  svc{n}:\n    image: ghcr.io/acme/svc{n}:1.0.{n}\n    ports:\n      - \"127.0.0.1:{p}:{p}\"\n    environment:\n      LOG_LEVEL: info\n      PEER: svc{m}\n",
            p = 10_000 + n % 50_000,
            m = n + 1
        ));
        n += 1;
    }
    let started = std::time::Instant::now();
    let f = one("big/docker-compose.yml", Lang::Yaml, &src);
    let services = of(&f, Subject::ComposeService);
    assert_eq!(services.len(), n);
    assert_eq!(
        services[n - 1].evidence.location.start_line,
        2 + 7 * (n as u32 - 1)
    );
    assert!(
        started.elapsed().as_secs() < 5,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn manifests_from_fixture() {
    let files = app("compose-app");
    let req = files
        .iter()
        .find(|f| f.path == "web/requirements.txt")
        .unwrap();
    let p = of(req, Subject::Package);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].list("unpinned"), ["psycopg", "redis"]);
    assert!(
        !p[0].props.contains_key("lockfile"),
        "the engine sets lockfile"
    );
}

/// A small deterministic generator: no crate needed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

#[test]
fn random_inputs_never_panic() {
    let pieces = [
        "services:",
        "\n",
        "  ",
        "- ",
        ": ",
        "image: ",
        "ports:",
        "\"5432:5432\"",
        "---\n",
        "apiVersion: v1",
        "kind: Pod",
        "containers:",
        "{",
        "}",
        "[",
        "]",
        "${X:-",
        "{{",
        "é",
        "ü",
        "\t",
        "#",
        "'",
        "\"",
        "FROM ",
        " AS ",
        "USER ",
        "ENV ",
        "ARG ",
        "RUN ",
        "curl ",
        "| sh",
        "ADD ",
        "https://",
        "\\\n",
        "password=",
        "token: ",
        "sk-proj-",
        "AKIA",
        "ghp_",
        "eyJ",
        "-----BEGIN RSA PRIVATE KEY-----",
        "postgres://u:",
        "@h",
        "==",
        "^1.2",
        "[project]",
        "dependencies = [",
        "\"name\": ",
        "x",
        "0",
        "&a ",
        "*a",
        "<<: ",
        "!!binary ",
        "\u{0}",
        "\r\n",
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let spec = FlowSpec::builtin();
    for _ in 0..400 {
        let n = 1 + rng.next() % 80;
        let text: String = (0..n).map(|_| rng.pick(&pieces)).collect();
        for (path, lang) in [
            ("docker-compose.yml", Lang::Yaml),
            ("Dockerfile", Lang::Dockerfile),
            ("requirements.txt", Lang::Requirements),
            ("package.json", Lang::PackageJson),
            ("pyproject.toml", Lang::Pyproject),
            ("app.env", Lang::Config),
            ("app.py", Lang::Python),
        ] {
            if let Ok(f) = extract(path, lang, &text, &spec) {
                for fact in &f.facts {
                    bw_facts::vocab::check_fact(fact).unwrap();
                }
            }
        }
    }
}
