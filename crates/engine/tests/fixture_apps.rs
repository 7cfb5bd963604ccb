//! Model and threat snapshots of every fixture app under `fixtures/`
//! (facts snapshots live with the extractors in `crates/facts/tests/`).
//!
//! The snapshot is a readable digest: each element with its auth state and
//! controls, each flow, each threat with its confidence and severity — so a
//! change to discovery or to a rule shows up in review as a diff a person
//! can judge.

use bw_engine::{FsSource, Library, ScanOptions, WalkOptions, scan};
use std::fmt::Write;
use std::path::Path;

fn digest(dir: &Path) -> String {
    let source = FsSource::new(
        dir,
        WalkOptions {
            respect_gitignore: false,
            ..Default::default()
        },
    )
    .unwrap();
    let lib = Library::builtin().unwrap();
    let r = scan(&source, &lib, &ScanOptions::default()).unwrap().report;
    let mut s = String::new();
    writeln!(s, "elements:").unwrap();
    for e in &r.model.elements {
        let comp = e.component.as_deref().unwrap_or("-");
        match &e.entry {
            Some(en) => {
                let controls = if en.controls.is_empty() {
                    String::new()
                } else {
                    format!(" {:?}", en.controls)
                };
                writeln!(
                    s,
                    "  {} [{comp}] auth={:?}{controls} handler={}",
                    e.id, en.auth, en.handler
                )
                .unwrap();
                if !en.reaches.is_empty() {
                    writeln!(s, "    reaches {}", en.reaches.join(", ")).unwrap();
                }
            }
            None => writeln!(s, "  {} [{comp}] {}", e.id, e.technology).unwrap(),
        }
    }
    writeln!(s, "boundaries:").unwrap();
    for b in &r.model.boundaries {
        writeln!(s, "  {}: {}", b.id, b.elements.len()).unwrap();
    }
    writeln!(s, "flows:").unwrap();
    for f in &r.model.flows {
        writeln!(
            s,
            "  {} -> {} ({}, crosses={})",
            f.from, f.to, f.protocol, f.crosses_boundary
        )
        .unwrap();
    }
    writeln!(s, "threats:").unwrap();
    for t in &r.threats {
        writeln!(
            s,
            "  {} {} {} {}:{}",
            t.severity.name(),
            t.confidence.name(),
            t.id,
            t.location.path,
            t.location.start_line
        )
        .unwrap();
    }
    for q in &r.questions {
        writeln!(s, "question [{}]: {}", q.element, q.question).unwrap();
    }
    s
}

#[test]
fn fixture_apps_model_and_threats() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let mut n = 0;
    for group in ["python", "js", "iac"] {
        let mut apps: Vec<_> = std::fs::read_dir(root.join(group))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        apps.sort();
        for app in apps.into_iter().filter(|p| p.is_dir()) {
            let name = format!("{group}__{}", app.file_name().unwrap().to_string_lossy());
            insta::assert_snapshot!(name, digest(&app));
            n += 1;
        }
    }
    assert!(n >= 9, "expected the nine fixture apps, found {n}");
}
