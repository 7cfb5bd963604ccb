//! Every kind of file has a time budget (issue 10, item 5): code, a
//! Dockerfile, YAML, each manifest, a config file for the secrets scan.
//! Past it, extraction fails with `Timeout` and returns nothing it found
//! so far (the engine reports the file as skipped, `timeout`).

use bw_facts::budget::Budget;
use bw_facts::extract_within;
use bw_facts::flowspec::FlowSpec;
use bw_files::Lang;
use bw_lang::ParseError;
use std::time::Duration;

/// One sample of every kind of file breakwater extracts.
fn samples() -> Vec<(&'static str, Lang, String)> {
    vec![
        (
            "app.py",
            Lang::Python,
            "import os\nfrom flask import request\n\ndef run():\n    os.system(request.args['c'])\n".into(),
        ),
        (
            "app.js",
            Lang::JavaScript,
            "const { exec } = require('child_process');\napp.get('/x', (req, res) => exec(req.query.c));\n".into(),
        ),
        (
            "app.ts",
            Lang::TypeScript,
            "import { exec } from 'child_process';\nexport function run(c: string) { exec(c); }\n".into(),
        ),
        (
            "view.tsx",
            Lang::Tsx,
            "export const A = (p: { html: string }) => <div dangerouslySetInnerHTML={{ __html: p.html }} />;\n".into(),
        ),
        ("Dockerfile", Lang::Dockerfile, "FROM python:3.12\nUSER root\nRUN pip install flask\n".into()),
        (
            "deploy.yaml",
            Lang::Yaml,
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: busybox\n      securityContext:\n        privileged: true\n".into(),
        ),
        ("requirements.txt", Lang::Requirements, "flask==3.0.0\nrequests\n".into()),
        (
            "package.json",
            Lang::PackageJson,
            "{\"name\": \"web\", \"dependencies\": {\"express\": \"^4.19.2\"}}\n".into(),
        ),
        (
            "pyproject.toml",
            Lang::Pyproject,
            "[project]\nname = \"api\"\ndependencies = [\"flask\"]\n".into(),
        ),
        (".env", Lang::Config, "API_TOKEN=ghp_R8x2mQ7vN4kL9pT3wZ6yB1cD5fH8jK0aS2uE\n".into()),
    ]
}

#[test]
fn every_kind_of_file_yields_facts_within_the_default_budget() {
    let spec = FlowSpec::builtin();
    for (path, lang, text) in samples() {
        let f = extract_within(path, lang, &text, &spec, &Budget::default())
            .unwrap_or_else(|e| panic!("{path}: {e:?}"));
        assert!(!f.facts.is_empty(), "{path} yields facts");
    }
}

#[test]
fn every_kind_of_file_is_abandoned_past_its_time_budget() {
    let spec = FlowSpec::builtin();
    let spent = Budget {
        time: Duration::ZERO,
        ..Budget::default()
    };
    for (path, lang, text) in samples() {
        assert_eq!(
            extract_within(path, lang, &text, &spec, &spent),
            Err(ParseError::Timeout { millis: 0 }),
            "{path}"
        );
    }
}

#[test]
fn a_budget_ends_with_its_file() {
    // The next file on the same thread starts with a budget of its own.
    let spec = FlowSpec::builtin();
    let spent = Budget {
        time: Duration::ZERO,
        ..Budget::default()
    };
    let (path, lang, text) = samples().remove(0);
    assert!(extract_within(path, lang, &text, &spec, &spent).is_err());
    assert!(extract_within(path, lang, &text, &spec, &Budget::default()).is_ok());
    assert!(bw_facts::extract(path, lang, &text, &spec).is_ok());
}

/// tree-sitter-python's scanner is quadratic on a run of comment lines
/// (20,000 of them took longer than the 10 s budget, in release builds
/// too): long runs are blanked before the parse, so a file padded with
/// comments is analysed within the default budget, with its facts on the
/// file's own lines and its inline ignores still read.
#[test]
fn a_run_of_comment_lines_is_no_denial_of_service() {
    let spec = FlowSpec::builtin();
    let mut text = String::from("import os\nfrom flask import request\n\n");
    text.push_str(&"# padding to hide what follows\n".repeat(20_000));
    text.push_str("def run():\n    os.system(request.args['c'])  # breakwater: ignore[command-injection] fixed set\n");
    let f = extract_within("app.py", Lang::Python, &text, &spec, &Budget::default())
        .unwrap_or_else(|e| panic!("{e:?}"));
    let sink = f
        .facts
        .iter()
        .find(|x| x.evidence.text.starts_with("os.system"))
        .expect("the sink after the comments is found");
    assert_eq!(sink.evidence.location.start_line, 20_005);
    assert_eq!(f.ignores.len(), 1, "{:?}", f.ignores);
    assert_eq!(f.ignores[0].location.start_line, 20_005);
}
