//! The committed JSON Schemas (model file, rule) are generated from the
//! types and must not go stale. Regenerate with
//! `BREAKWATER_UPDATE_SCHEMAS=1 cargo test -p bw-threats --test schemas`.

use std::path::Path;

fn check(name: &str, schema: schemars::Schema) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../schemas")
        .join(name);
    let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    if std::env::var_os("BREAKWATER_UPDATE_SCHEMAS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "schemas/{name} is stale: run `BREAKWATER_UPDATE_SCHEMAS=1 cargo test -p bw-threats --test schemas` and commit it"
    );
}

#[test]
fn model_file_schema_is_current() {
    check(
        "breakwater.schema.json",
        schemars::schema_for!(bw_model::modelfile::ModelFile),
    );
}

#[test]
fn diff_schema_is_current() {
    check(
        "diff.schema.json",
        schemars::schema_for!(bw_threats::diff::DiffReport),
    );
}

#[test]
fn rule_schema_is_current() {
    check(
        "rule.schema.json",
        schemars::schema_for!(bw_threats::rule::Rule),
    );
}

fn toml_to_json(text: &str) -> serde_json::Value {
    let v: toml::Value = toml::from_str(text).unwrap();
    serde_json::to_value(v).unwrap()
}

#[test]
fn every_builtin_rule_validates_against_the_rule_schema() {
    let schema = serde_json::to_value(schemars::schema_for!(bw_threats::rule::Rule)).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
    let mut n = 0;
    for cat in std::fs::read_dir(&root).unwrap().flatten() {
        let name = cat.file_name().to_string_lossy().into_owned();
        if !cat.path().is_dir() || name == "tests" || name == "flow" {
            continue;
        }
        for f in std::fs::read_dir(cat.path()).unwrap().flatten() {
            if f.path().extension().is_some_and(|e| e == "toml") {
                let json = toml_to_json(&std::fs::read_to_string(f.path()).unwrap());
                let errors: Vec<String> = validator
                    .iter_errors(&json)
                    .map(|e| e.to_string())
                    .collect();
                assert!(errors.is_empty(), "{}: {errors:?}", f.path().display());
                n += 1;
            }
        }
    }
    let _ = n;
}

#[test]
fn init_file_validates_against_the_model_file_schema() {
    let schema =
        serde_json::to_value(schemars::schema_for!(bw_model::modelfile::ModelFile)).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let model = bw_model::SystemModel {
        name: "shop".into(),
        ..Default::default()
    };
    let json = toml_to_json(&bw_model::modelfile::init_text(&model));
    assert!(validator.is_valid(&json));
    let bad = toml_to_json("[system]\nname = 1\n");
    assert!(!validator.is_valid(&bad));
}
