//! The JSON and SARIF outputs against their schemas, and the committed
//! report schema against the code.

mod common;

use bw_outputs::{Format, TerminalOptions, json, render_to_string};
use serde_json::Value;
use std::path::PathBuf;

fn committed_schema_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas/report.schema.json")
}

/// Validate `instance` against `schema` (formats checked too) and list every error.
fn validate(schema: &Value, instance: &Value) {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|e| panic!("the schema does not compile: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{} schema errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn committed_report_schema_is_up_to_date() {
    let fresh = json::report_schema_text();
    let path = committed_schema_path();
    if std::env::var_os("BREAKWATER_UPDATE_SCHEMAS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "schemas/report.schema.json is stale: the Report types changed.\n\
         Regenerate it with `BREAKWATER_UPDATE_SCHEMAS=1 cargo test -p bw-outputs --test schemas` and commit it."
    );
}

#[test]
fn json_output_is_valid_against_the_committed_schema() {
    let committed =
        std::fs::read_to_string(committed_schema_path()).expect("schemas/report.schema.json");
    let schema: Value = serde_json::from_str(&committed).unwrap();
    let out = render_to_string(
        Format::Json,
        &common::sample_report(),
        &TerminalOptions::default(),
    );
    let instance: Value = serde_json::from_str(&out).unwrap();
    validate(&schema, &instance);
}

#[test]
fn json_output_round_trips_and_is_deterministic() {
    let report = common::sample_report();
    let a = render_to_string(Format::Json, &report, &TerminalOptions::default());
    let b = render_to_string(Format::Json, &report, &TerminalOptions::default());
    assert_eq!(a, b);
    assert!(a.ends_with("}\n"));
    let back: bw_threats::Report = serde_json::from_str(&a).unwrap();
    assert_eq!(back, report);
}

fn sarif_schema() -> Value {
    let text = include_str!("schemas/sarif-2.1.0.json");
    // The published schema's `language` pattern has a stray `]`
    // (`^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`), which the meta-schema's
    // `regex` format check rejects. Use the pattern it means; the file
    // itself stays a verbatim copy.
    let broken = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert!(
        text.contains(broken),
        "the SARIF schema changed: drop this workaround"
    );
    let text = text.replace(broken, r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#);
    serde_json::from_str(&text).unwrap()
}

fn sarif_of(include_potential: bool) -> Value {
    let opts = TerminalOptions {
        include_potential,
        ..TerminalOptions::default()
    };
    let out = render_to_string(Format::Sarif, &common::sample_report(), &opts);
    serde_json::from_str(&out).unwrap()
}

#[test]
fn sarif_is_valid_against_the_sarif_schema() {
    let schema = sarif_schema();
    validate(&schema, &sarif_of(false));
    validate(&schema, &sarif_of(true));
}

#[test]
fn sarif_results_flows_and_suppressions() {
    let log = sarif_of(false);
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    let ids: Vec<&str> = results
        .iter()
        .map(|r| r["properties"]["breakwater/id"].as_str().unwrap())
        .collect();
    // The design-level threat is left out by default; suppressed ones stay, marked.
    assert!(
        !ids.iter()
            .any(|id| id.starts_with("llm-endpoint-no-rate-limit")),
        "{ids:?}"
    );
    assert_eq!(results.len(), 6);
    for r in results {
        assert_eq!(r["locations"].as_array().unwrap().len(), 1);
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(run["tool"]["driver"]["rules"][idx]["id"], r["ruleId"]);
    }
    let sql = &results[0];
    // A critical SQL injection of a rule whose default is high: its own
    // descriptor, so code scanning shows it as critical.
    assert_eq!(sql["ruleId"], "sql-injection/critical");
    assert_eq!(sql["level"], "error");
    let flow = sql["codeFlows"][0]["threadFlows"][0]["locations"]
        .as_array()
        .unwrap();
    assert_eq!(flow.len(), 3, "source, step, sink");
    assert_eq!(sql["relatedLocations"][0]["id"], 1);
    assert_eq!(
        sql["locations"][0]["physicalLocation"]["region"]["snippet"]["text"],
        "db.session.execute(text(sql))"
    );
    let kinds: Vec<&str> = results
        .iter()
        .filter_map(|r| r["suppressions"][0]["kind"].as_str())
        .collect();
    assert_eq!(kinds, vec!["inSource", "external"]);
    let rule = &run["tool"]["driver"]["rules"][4];
    assert_eq!(rule["id"], "sql-injection");
    assert_eq!(rule["name"], "SqlInjection");
    assert_eq!(rule["properties"]["tags"][1], "CWE-89");
    assert_eq!(rule["properties"]["security-severity"], "8.0");

    let with_potential = sarif_of(true);
    assert_eq!(
        with_potential["runs"][0]["results"]
            .as_array()
            .unwrap()
            .len(),
        7
    );
}

#[test]
fn the_sarif_check_does_reject_bad_logs() {
    let schema = sarif_schema();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let mut log = sarif_of(false);
    log["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&log));
    let mut log = sarif_of(false);
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    assert!(!validator.is_valid(&log));
}

/// The severity a code-scanning reader sees is the one breakwater computed:
/// GitHub reads `security-severity` from the rule a result points at, so a
/// result whose severity moved from its rule's default points at a
/// descriptor for that severity. Every result's own `level` and
/// `security-severity` agree with its descriptor's.
#[test]
fn every_result_points_at_a_rule_with_its_own_severity() {
    use bw_threats::Severity;
    let mut report = common::sample_report();
    let sql = report
        .threats
        .iter()
        .find(|t| t.rule == "sql-injection")
        .unwrap()
        .clone();
    let default = report
        .rules
        .iter()
        .find(|r| r.id == "sql-injection")
        .unwrap()
        .default_severity;
    assert_eq!(default, Severity::High);
    // The sample has it at critical (internet-facing) and medium; one more
    // at the rule's default, and one at low.
    let mut at_default = sql.clone();
    at_default.id = format!("{}#2", sql.id);
    at_default.severity = Severity::High;
    let mut moved = sql.clone();
    moved.id = format!("{}#3", sql.id);
    moved.severity = Severity::Low;
    report.threats.push(at_default.clone());
    report.threats.push(moved.clone());
    let out = render_to_string(Format::Sarif, &report, &TerminalOptions::default());
    let log: Value = serde_json::from_str(&out).unwrap();
    validate(&sarif_schema(), &log);
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let unique: std::collections::BTreeSet<&&str> = ids.iter().collect();
    assert_eq!(
        unique.len(),
        ids.len(),
        "descriptor ids are unique: {ids:?}"
    );
    for r in run["results"].as_array().unwrap() {
        let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], r["ruleId"]);
        assert_eq!(
            rule["properties"]["security-severity"], r["properties"]["security-severity"],
            "{}",
            r["properties"]["breakwater/id"]
        );
        assert_eq!(rule["defaultConfiguration"]["level"], r["level"]);
        let sev = Severity::parse(r["properties"]["severity"].as_str().unwrap()).unwrap();
        assert_eq!(
            r["properties"]["security-severity"],
            sev.security_severity()
        );
    }
    let result_of = |id: &str| {
        run["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["properties"]["breakwater/id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(result_of(&sql.id)["ruleId"], "sql-injection/critical");
    assert_eq!(result_of(&at_default.id)["ruleId"], "sql-injection");
    let m = result_of(&moved.id);
    assert_eq!(m["ruleId"], "sql-injection/low");
    assert_eq!(m["level"], "note");
    assert_eq!(m["properties"]["breakwater/rule"], "sql-injection");
    let variant = &rules[m["ruleIndex"].as_u64().unwrap() as usize];
    assert_eq!(variant["properties"]["security-severity"], "3.0");
    assert_eq!(variant["properties"]["breakwater/rule"], "sql-injection");
    // The same fingerprint scheme: an alert is still keyed by the threat id.
    assert_eq!(
        m["partialFingerprints"]["breakwater/v1"],
        bw_outputs::sarif::id_fingerprint(&moved.id)
    );
}
