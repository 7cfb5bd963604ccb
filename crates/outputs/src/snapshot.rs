//! The architecture snapshot: the discovered model as a committed text
//! file, so a pull request's own diff shows what its change did to the
//! architecture.
//!
//! Deterministic and merge-friendly by construction: one element, flow,
//! boundary membership or asset per line, sorted within fixed sections; no
//! line numbers, no hashes, no display names people edit, so an unrelated
//! edit does not churn it and two branches adding different routes touch
//! different lines.

use bw_model::{ElementKind, SystemModel};
use std::fmt::Write as _;

/// Where `scan --write-snapshot` writes it, relative to the repository root.
pub const SNAPSHOT_PATH: &str = ".breakwater/architecture.txt";

fn section(kind: ElementKind) -> &'static str {
    match kind {
        ElementKind::Component => "components",
        ElementKind::EntryPoint => "entry-points",
        ElementKind::Store => "data-stores",
        ElementKind::External => "external-services",
        ElementKind::LlmProvider => "llm-providers",
        ElementKind::Queue => "queues",
        ElementKind::Actor => "actors",
    }
}

/// Text that stays on one line and cannot fake a section header.
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The snapshot text of a model.
pub fn snapshot(model: &SystemModel) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "# Architecture of {}, as breakwater discovers it from the code.\n\
         # Written by `breakwater scan --write-snapshot`; `breakwater scan --check` fails when it is stale.\n\
         # One fact per line, sorted: review changes to it like code; do not edit it by hand.",
        flat(&model.name)
    );
    for kind in [
        ElementKind::Component,
        ElementKind::EntryPoint,
        ElementKind::Store,
        ElementKind::External,
        ElementKind::LlmProvider,
        ElementKind::Queue,
    ] {
        let mut lines: Vec<String> = model
            .elements
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| {
                let mut parts = vec![flat(&e.id)];
                if !e.technology.is_empty() {
                    parts.push(format!("tech={}", flat(&e.technology)));
                }
                if let Some(c) = &e.component {
                    parts.push(format!("in={}", flat(c)));
                }
                if let Some(x) = &e.entry {
                    let auth = serde_json::to_value(x.auth)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default();
                    if x.controls.is_empty() {
                        parts.push(format!("auth={auth}"));
                    } else {
                        let mut c = x.controls.clone();
                        c.sort();
                        parts.push(format!("auth={auth}({})", flat(&c.join(", "))));
                    }
                    if x.rate_limited {
                        parts.push("rate-limited".into());
                    }
                    if !x.handler.is_empty() {
                        parts.push(format!("handler={}", flat(&x.handler)));
                    }
                    if !x.reaches.is_empty() {
                        let mut r = x.reaches.clone();
                        r.sort();
                        parts.push(format!("reaches={}", flat(&r.join(","))));
                    }
                }
                if e.declared {
                    parts.push("declared".into());
                } else {
                    let mut at: Vec<String> = e
                        .evidence
                        .iter()
                        .map(|ev| format!("{}::{}", ev.location.path, ev.symbol))
                        .collect();
                    at.sort();
                    at.dedup();
                    if let Some(first) = at.first() {
                        parts.push(format!("at={}", flat(first)));
                    }
                }
                parts.join("  ")
            })
            .collect();
        if lines.is_empty() {
            continue;
        }
        lines.sort();
        lines.dedup();
        let _ = writeln!(o, "\n[{}]", section(kind));
        for l in lines {
            let _ = writeln!(o, "{l}");
        }
    }
    let mut flows: Vec<String> = model
        .flows
        .iter()
        .map(|f| {
            let mut l = format!(
                "{} -> {}  {}",
                flat(&f.from),
                flat(&f.to),
                flat(&f.protocol)
            );
            if f.crosses_boundary {
                l.push_str("  crosses-boundary");
            }
            if f.encrypted == Some(false) {
                l.push_str("  cleartext");
            }
            l
        })
        .collect();
    flows.sort();
    flows.dedup();
    if !flows.is_empty() {
        let _ = writeln!(o, "\n[flows]");
        for l in flows {
            let _ = writeln!(o, "{l}");
        }
    }
    let mut members: Vec<String> = model
        .boundaries
        .iter()
        .flat_map(|b| {
            b.elements
                .iter()
                .map(move |e| format!("{} ∋ {}", flat(&b.id), flat(e)))
        })
        .collect();
    members.sort();
    members.dedup();
    if !members.is_empty() {
        let _ = writeln!(o, "\n[boundaries]");
        for l in members {
            let _ = writeln!(o, "{l}");
        }
    }
    let mut assets: Vec<String> = model
        .assets
        .iter()
        .flat_map(|a| {
            let mut held = a.stored_in.clone();
            if held.is_empty() {
                held.push("-".into());
            }
            held.into_iter().map(move |s| {
                format!(
                    "{} ({}) in {}",
                    flat(&a.id),
                    flat(&a.classification),
                    flat(&s)
                )
            })
        })
        .collect();
    assets.sort();
    assets.dedup();
    if !assets.is_empty() {
        let _ = writeln!(o, "\n[assets]");
        for l in assets {
            let _ = writeln!(o, "{l}");
        }
    }
    o
}

/// Lines only in `old` (`-`) and only in `new` (`+`), in file order: what a
/// stale snapshot is missing, for `scan --check`.
pub fn changed_lines(old: &str, new: &str) -> Vec<String> {
    use std::collections::BTreeMap;
    let count = |s: &str| {
        let mut m: BTreeMap<String, usize> = BTreeMap::new();
        for l in s
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            *m.entry(l.to_string()).or_default() += 1;
        }
        m
    };
    let (a, b) = (count(old), count(new));
    let mut out = vec![];
    for l in old.lines() {
        if a.get(l).copied().unwrap_or(0) > b.get(l).copied().unwrap_or(0)
            && !out.contains(&format!("- {l}"))
        {
            out.push(format!("- {l}"));
        }
    }
    for l in new.lines() {
        if b.get(l).copied().unwrap_or(0) > a.get(l).copied().unwrap_or(0)
            && !out.contains(&format!("+ {l}"))
        {
            out.push(format!("+ {l}"));
        }
    }
    out
}
