//! Budgets and what cannot be read (issue 10, item 5): YAML aliases are
//! budgeted by what they expand to, not by how many there are; a file
//! that is not valid YAML, JSON or TOML is reported with the line of the
//! error; nothing is dropped silently. Every input is generated here.

use bw_engine::{Library, MemorySource, ScanOptions, ScanOutput, scan};
use bw_threats::SkippedFile;

fn run(source: &MemorySource) -> ScanOutput {
    let lib = Library::builtin().expect("rules load");
    scan(source, &lib, &ScanOptions::default()).expect("scan")
}

fn skipped<'a>(out: &'a ScanOutput, path: &str) -> Option<&'a SkippedFile> {
    out.report.files.skipped.iter().find(|s| s.path == path)
}

/// A compose file whose services all merge one anchor.
fn compose_with_anchor(services: usize) -> String {
    let mut src = String::from(
        "x-common: &common\n  image: nginx:latest\n  privileged: true\n  restart: always\n  environment:\n    LOG_LEVEL: info\n  logging:\n    driver: json-file\n    options:\n      max-size: 10m\nservices:\n",
    );
    for i in 0..services {
        src.push_str(&format!(
            "  svc{i}:\n    <<: *common\n    ports:\n      - \"{}:80\"\n",
            8000 + i
        ));
    }
    src
}

#[test]
fn one_anchor_merged_into_a_hundred_services_is_fully_modelled() {
    let out = run(&MemorySource::new().with("docker-compose.yml", compose_with_anchor(100)));
    assert!(
        out.report.files.skipped.is_empty(),
        "{:?}",
        out.report.files.skipped
    );
    let components: Vec<&str> = out
        .report
        .model
        .elements
        .iter()
        .map(|e| e.id.as_str())
        .filter(|id| id.starts_with("component:svc"))
        .collect();
    assert_eq!(components.len(), 100, "{components:?}");
    // What the anchor says reaches every service: each one is privileged.
    let privileged = out
        .report
        .threats
        .iter()
        .filter(|t| t.location.path == "docker-compose.yml" && t.rule.contains("privileged"))
        .count();
    assert_eq!(privileged, 100);
    assert!(!out.incomplete);
}

/// Nine levels of nine aliases: about 387 million nodes if expanded.
fn billion_laughs() -> String {
    let mut src = String::from(
        "a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        src.push_str(&format!(
            "{}: &{} [{}]\n",
            w[1],
            w[1],
            vec![format!("*{}", w[0]); 9].join(", ")
        ));
    }
    src
}

#[test]
fn billion_laughs_is_refused_with_a_reason() {
    let out = run(&MemorySource::new()
        .with("deploy/bomb.yaml", billion_laughs())
        .with(
            "deploy/ok.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n",
        ));
    let s = skipped(&out, "deploy/bomb.yaml").expect("the bomb is reported");
    assert_eq!(s.reason, "over-budget");
    assert!(s.message.contains("YAML alias expansion"), "{}", s.message);
    assert!(s.failed && s.unverified);
    assert!(out.incomplete);
    // The other file is modelled as usual.
    assert!(skipped(&out, "deploy/ok.yaml").is_none());
    assert!(
        out.report
            .model
            .elements
            .iter()
            .any(|e| e.id.contains("web") || e.name.contains("web"))
            || out
                .report
                .threats
                .iter()
                .any(|t| t.location.path == "deploy/ok.yaml")
    );
}

#[test]
fn many_small_documents_with_alias_chains_share_one_budget() {
    // Each document is small and within any per-document limit; together
    // they expand to tens of millions of nodes. One error in the stream
    // must not buy every document a fresh budget.
    let doc = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n";
    let mut src = vec![doc; 6000].join("---\n");
    src.push_str("---\nbroken: [\n");
    let out = run(&MemorySource::new().with("chains.yaml", src));
    let s = skipped(&out, "chains.yaml").expect("refused");
    // The expansion budget stops it (`yaml::node` tests that exactly); on a
    // slow unoptimised build the time budget may come first. Either way it
    // is refused, within budget, and says so.
    assert!(
        s.reason == "over-budget" || s.reason == "timeout",
        "{}: {}",
        s.reason,
        s.message
    );
    assert!(s.failed && s.unverified);
}

#[test]
fn a_yaml_syntax_error_is_reported_with_its_line_and_the_rest_is_still_read() {
    // Line 6 is broken. The secret on line 3 is still found; the service
    // in the second document is still modelled.
    let src = "apiVersion: v1\nkind: ConfigMap\ndata:\n  api_token: ghp_R8x2mQ7vN4kL9pT3wZ6yB1cD5fH8jK0aS2uE\nmetadata:\n  name: [broken\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: edge\nspec:\n  type: LoadBalancer\n";
    let out = run(&MemorySource::new().with("k8s/app.yaml", src).with(
        "k8s/fine.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: internal\n",
    ));
    let s = skipped(&out, "k8s/app.yaml").expect("reported as skipped");
    assert_eq!(s.reason, "malformed");
    assert!(s.message.contains("not valid YAML: line "), "{}", s.message);
    let line: usize = s.message["is not valid YAML: line ".len()..]
        .split(',')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((5..=7).contains(&line), "{}", s.message);
    assert!(s.message.contains("fix the syntax"), "{}", s.message);
    // Not a failure of the scan (exit code 3), but unknown to a gate.
    assert!(!s.failed && s.unverified);
    assert!(!out.incomplete);
    // What could be read is still analysed.
    assert!(
        out.report
            .threats
            .iter()
            .any(|t| t.location.path == "k8s/app.yaml" && t.location.start_line == 4),
        "the secret is still found"
    );
    assert!(
        out.report
            .threats
            .iter()
            .any(|t| t.location.path == "k8s/app.yaml" && t.location.start_line > 7),
        "the second document is still modelled: {:#?}",
        out.report.threats
    );
    // The file counts once: skipped, not also analysed.
    assert_eq!(out.report.files.analysed, 1);
}

#[test]
fn broken_manifests_are_reported_not_dropped() {
    let deep_json = format!(
        "{{\"name\": \"x\", \"d\": {}{}}}",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let out = run(&MemorySource::new()
        .with("web/package.json", "{\n  \"name\": \"web\",\n  \"dependencies\": {\n    \"express\": \"4.19.2\",\n  }\n}\n")
        .with("api/pyproject.toml", "[project]\nname = \"api\"\ndependencies = [\"flask\"\n")
        .with("deep/package.json", deep_json));
    let web = skipped(&out, "web/package.json").expect("package.json reported");
    assert_eq!(web.reason, "malformed");
    assert!(
        web.message.contains("not valid JSON: line 5"),
        "{}",
        web.message
    );
    let api = skipped(&out, "api/pyproject.toml").expect("pyproject reported");
    assert_eq!(api.reason, "malformed");
    assert!(
        api.message.contains("not valid TOML: line "),
        "{}",
        api.message
    );
    let deep = skipped(&out, "deep/package.json").expect("deep JSON reported");
    assert_eq!(deep.reason, "over-budget", "{}", deep.message);
}

#[test]
fn deep_yaml_is_refused_with_a_reason() {
    let deep = format!("a: {}1{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let mut block = String::new();
    for i in 0..200 {
        block.push_str(&" ".repeat(i));
        block.push_str("k:\n");
    }
    let out = run(&MemorySource::new()
        .with("flow.yaml", deep)
        .with("block.yaml", block));
    for p in ["flow.yaml", "block.yaml"] {
        let s = skipped(&out, p).unwrap_or_else(|| panic!("{p} reported"));
        assert_eq!(s.reason, "over-budget", "{p}: {}", s.message);
        assert!(s.message.contains("nesting depth"), "{p}: {}", s.message);
    }
}

#[test]
fn ten_thousand_documents_are_all_read() {
    // More documents than saphyr's default cap (1,024): none is dropped.
    let docs: Vec<String> = (0..10_000)
        .map(|i| {
            format!(
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: s{i}\nspec:\n  type: NodePort\n"
            )
        })
        .collect();
    let out = run(&MemorySource::new().with("all.yaml", docs.join("---\n")));
    assert!(
        out.report.files.skipped.is_empty(),
        "{:?}",
        out.report.files.skipped
    );
    let lines: std::collections::BTreeSet<u32> = out
        .report
        .threats
        .iter()
        .filter(|t| t.location.path == "all.yaml")
        .map(|t| t.location.start_line)
        .collect();
    // One threat per exposed Service, each on its own document's `kind:` line.
    assert_eq!(lines.len(), 10_000, "{} lines", lines.len());
    assert!(lines.contains(&(9_999 * 7 + 2)));
}
