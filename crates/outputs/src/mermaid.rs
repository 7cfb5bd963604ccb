//! The system model as a Mermaid `flowchart LR`.
//!
//! Trust boundaries are subgraphs; elements are nodes shaped by kind
//! (stores are cylinders, external services hexagons, LLM providers
//! subroutines, entry points stadiums). A component's entry points are
//! drawn inside a subgraph for that component, and collapsed to one
//! `N routes` node when there are more than [`MAX_ENTRIES`], so a large
//! app stays readable. An `Internet` actor calls the components that have
//! HTTP entry points when the model has no actor of its own.
//!
//! Ids are sanitised to `[A-Za-z0-9_]` (and made unique); labels are
//! quoted with quotes, brackets and other syntax characters written as
//! Mermaid entities, so a route or name cannot break the diagram. The
//! output follows the model's order, so it is deterministic.

use crate::Renderer;
use crate::text::one_line;
use bw_model::{AuthState, Element, ElementKind, SystemModel};
use bw_threats::Report;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

/// More entry points than this in one component collapse to one node.
pub const MAX_ENTRIES: usize = 12;

/// The Mermaid renderer (the bare diagram, no Markdown fence).
pub struct Mermaid;

impl Renderer for Mermaid {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(flowchart(&report.model).as_bytes())?;
        // Nothing skipped silently, even in the bare diagram (a comment).
        let skipped: Vec<String> = crate::text::skipped_by_reason(report)
            .into_iter()
            .map(|(r, n)| format!("{n} {r}"))
            .collect();
        let mut note = format!("%% breakwater: {} files analysed", report.files.analysed);
        if !skipped.is_empty() {
            note.push_str(&format!(
                ", {} skipped ({})",
                report.files.skipped.len(),
                skipped.join(", ")
            ));
        }
        writeln!(out, "{}", one_line(&note))?;
        // Each file not fully analysed, by name, with why and its state.
        for u in &report.unanalysed {
            let line = format!(
                "%% breakwater: not fully analysed: {}:{} ({}, {}): {}",
                u.path,
                crate::text::unanalysed_line(report, u),
                u.reason,
                u.status.name(),
                u.message
            );
            writeln!(out, "{}", one_line(&line))?;
        }
        Ok(())
    }
}

/// `route:GET /api/{id}` -> `route_GET__api__id_`.
pub fn sanitize_id(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A label safe inside `"…"`: syntax characters become Mermaid entities.
pub fn escape_label(s: &str) -> String {
    let mut out = String::new();
    for c in one_line(s).chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '[' => out.push_str("#91;"),
            ']' => out.push_str("#93;"),
            '{' => out.push_str("#123;"),
            '}' => out.push_str("#125;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            c => out.push(c),
        }
    }
    out
}

/// Unique Mermaid ids for model ids.
#[derive(Default)]
struct Ids {
    used: BTreeSet<String>,
    map: BTreeMap<String, String>,
}

impl Ids {
    fn get(&mut self, prefix: &str, key: &str) -> String {
        let full_key = format!("{prefix}\u{0}{key}");
        if let Some(id) = self.map.get(&full_key) {
            return id.clone();
        }
        let base = format!("{prefix}_{}", sanitize_id(key));
        let mut id = base.clone();
        let mut n = 2;
        while self.used.contains(&id) {
            id = format!("{base}_{n}");
            n += 1;
        }
        self.used.insert(id.clone());
        self.map.insert(full_key, id.clone());
        id
    }
}

/// What a top-level item of the diagram is.
enum Item<'a> {
    Node(&'a Element),
    /// A component with its entry points.
    Group(&'a Element, Vec<&'a Element>),
}

/// The flowchart text.
pub fn flowchart(model: &SystemModel) -> String {
    let mut ids = Ids::default();
    let mut out = String::from("flowchart LR\n");

    // Entry points per component (only components the model has).
    let components: BTreeSet<&str> = model
        .elements
        .iter()
        .filter(|e| e.kind == ElementKind::Component)
        .map(|e| e.id.as_str())
        .collect();
    let mut entries_of: BTreeMap<&str, Vec<&Element>> = BTreeMap::new();
    for e in &model.elements {
        if e.kind == ElementKind::EntryPoint
            && let Some(c) = e.component.as_deref().filter(|c| components.contains(c))
        {
            entries_of.entry(c).or_default().push(e);
        }
    }

    // Where each element sits: the first boundary listing it, else the
    // boundary it names.
    let mut boundary_of: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, b) in model.boundaries.iter().enumerate() {
        for el in &b.elements {
            boundary_of.entry(el.as_str()).or_insert(i);
        }
    }
    for e in &model.elements {
        if let Some(b) = e.boundary.as_deref()
            && let Some(i) = model.boundaries.iter().position(|x| x.id == b)
        {
            boundary_of.entry(e.id.as_str()).or_insert(i);
        }
    }

    // Top-level items, in model order, with their boundary.
    let mut items: Vec<(Option<usize>, Item<'_>)> = Vec::new();
    for e in &model.elements {
        match e.kind {
            ElementKind::EntryPoint
                if e.component
                    .as_deref()
                    .is_some_and(|c| entries_of.contains_key(c)) =>
            {
                continue;
            }
            ElementKind::Component if entries_of.contains_key(e.id.as_str()) => {
                let entries = entries_of.get(e.id.as_str()).cloned().unwrap_or_default();
                let b = boundary_of.get(e.id.as_str()).copied().or_else(|| {
                    entries
                        .iter()
                        .find_map(|x| boundary_of.get(x.id.as_str()).copied())
                });
                items.push((b, Item::Group(e, entries)));
            }
            _ => items.push((boundary_of.get(e.id.as_str()).copied(), Item::Node(e))),
        }
    }

    // Node ids, and where collapsed entry points point to.
    let mut node_of: BTreeMap<&str, String> = BTreeMap::new();
    for e in &model.elements {
        node_of.insert(e.id.as_str(), ids.get("n", &e.id));
    }
    for (comp, entries) in &entries_of {
        if entries.len() > MAX_ENTRIES {
            let collapsed = ids.get("n", &format!("{comp}/routes"));
            for x in entries {
                node_of.insert(x.id.as_str(), collapsed.clone());
            }
        }
    }

    let has_actor = model.elements.iter().any(|e| e.kind == ElementKind::Actor);
    let internet = ids.get("actor", "internet");
    if !has_actor {
        out.push_str(&format!("    {internet}((\"Internet\"))\n"));
    }

    // Boundaries, then what sits in none.
    for (i, b) in model.boundaries.iter().enumerate() {
        let inside: Vec<&Item<'_>> = items
            .iter()
            .filter(|(bi, _)| *bi == Some(i))
            .map(|(_, it)| it)
            .collect();
        if inside.is_empty() {
            continue;
        }
        let name = if b.name.trim().is_empty() {
            &b.id
        } else {
            &b.name
        };
        out.push_str(&format!(
            "    subgraph {}[\"{}\"]\n",
            ids.get("b", &b.id),
            escape_label(name)
        ));
        for it in inside {
            write_item(&mut out, it, &node_of, &mut ids, 2);
        }
        out.push_str("    end\n");
    }
    for (_, it) in items.iter().filter(|(b, _)| b.is_none()) {
        write_item(&mut out, it, &node_of, &mut ids, 1);
    }

    // Edges, after collapsing, without duplicates or self-loops.
    let mut seen: BTreeSet<(String, String, String)> = BTreeSet::new();
    let mut edges: Vec<(String, String, String)> = Vec::new();
    let mut internet_used = false;
    let mut resolve = |id: &str| -> Option<String> {
        match node_of.get(id) {
            Some(n) => Some(n.clone()),
            None if !has_actor && id.to_ascii_lowercase().contains("internet") => {
                internet_used = true;
                Some(internet.clone())
            }
            None => None,
        }
    };
    for f in &model.flows {
        let (Some(from), Some(to)) = (resolve(&f.from), resolve(&f.to)) else {
            continue;
        };
        if from == to {
            continue;
        }
        let mut label = one_line(&f.protocol);
        if f.encrypted == Some(false) {
            label.push_str(" (cleartext)");
        }
        let key = (from, to, label);
        if seen.insert(key.clone()) {
            edges.push(key);
        }
    }
    if !has_actor && !internet_used {
        // Who calls the HTTP entry points: the internet, by default.
        for (_, it) in &items {
            let target = match it {
                Item::Group(c, entries) if entries.iter().any(|x| is_http(x)) => {
                    node_of.get(c.id.as_str())
                }
                Item::Node(e) if e.kind == ElementKind::EntryPoint && is_http(e) => {
                    node_of.get(e.id.as_str())
                }
                _ => None,
            };
            if let Some(t) = target {
                let key = (internet.clone(), t.clone(), "HTTP".to_string());
                if seen.insert(key.clone()) {
                    edges.push(key);
                }
            }
        }
    }
    for (from, to, label) in edges {
        if label.is_empty() {
            out.push_str(&format!("    {from} --> {to}\n"));
        } else {
            out.push_str(&format!(
                "    {from} -->|\"{}\"| {to}\n",
                escape_label(&label)
            ));
        }
    }
    out
}

fn is_http(e: &Element) -> bool {
    e.entry.as_ref().is_none_or(|i| i.kind == "http")
}

fn write_item(
    out: &mut String,
    it: &Item<'_>,
    node_of: &BTreeMap<&str, String>,
    ids: &mut Ids,
    depth: usize,
) {
    let pad = "    ".repeat(depth);
    match it {
        Item::Node(e) => {
            let id = node_of
                .get(e.id.as_str())
                .cloned()
                .unwrap_or_else(|| ids.get("n", &e.id));
            out.push_str(&format!("{pad}{}\n", node(&id, e)));
        }
        Item::Group(c, entries) => {
            let id = node_of
                .get(c.id.as_str())
                .cloned()
                .unwrap_or_else(|| ids.get("n", &c.id));
            out.push_str(&format!(
                "{pad}subgraph {id}[\"{}\"]\n",
                escape_label(&element_label(c))
            ));
            if entries.len() > MAX_ENTRIES {
                let collapsed = node_of
                    .get(entries[0].id.as_str())
                    .cloned()
                    .unwrap_or_default();
                let noun = if entries.iter().all(|x| is_http(x)) {
                    "routes"
                } else {
                    "entry points"
                };
                out.push_str(&format!(
                    "{pad}    {collapsed}([\"{} {noun}\"])\n",
                    entries.len()
                ));
            } else {
                for x in entries {
                    let id = node_of
                        .get(x.id.as_str())
                        .cloned()
                        .unwrap_or_else(|| ids.get("n", &x.id));
                    out.push_str(&format!("{pad}    {}\n", node(&id, x)));
                }
            }
            out.push_str(&format!("{pad}end\n"));
        }
    }
}

fn element_label(e: &Element) -> String {
    let name = if e.name.trim().is_empty() {
        e.id.as_str()
    } else {
        e.name.as_str()
    };
    match e.kind {
        ElementKind::EntryPoint => match &e.entry {
            Some(info) => {
                let mut l = if info.method.is_empty() || info.method == "TOOL" {
                    format!(
                        "{} {}",
                        if info.kind.is_empty() {
                            "tool"
                        } else {
                            &info.kind
                        },
                        info.route
                    )
                } else {
                    format!("{} {}", info.method, info.route)
                };
                match info.auth {
                    AuthState::Absent => l.push_str(" (no auth)"),
                    AuthState::Public => l.push_str(" (public)"),
                    AuthState::Present | AuthState::Unknown => {}
                }
                l
            }
            None => name.to_string(),
        },
        ElementKind::Component if !e.technology.is_empty() && e.technology != e.name => {
            format!("{name} ({})", e.technology)
        }
        _ => name.to_string(),
    }
}

fn node(id: &str, e: &Element) -> String {
    let l = escape_label(&element_label(e));
    match e.kind {
        ElementKind::Component => format!("{id}[\"{l}\"]"),
        ElementKind::EntryPoint => format!("{id}([\"{l}\"])"),
        ElementKind::Store => format!("{id}[(\"{l}\")]"),
        ElementKind::External => format!("{id}{{{{\"{l}\"}}}}"),
        ElementKind::LlmProvider => format!("{id}[[\"{l}\"]]"),
        ElementKind::Queue => format!("{id}>\"{l}\"]"),
        ElementKind::Actor => format!("{id}((\"{l}\"))"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bw_model::{Boundary, DataFlow, EntryInfo};

    fn el(id: &str, kind: ElementKind, name: &str) -> Element {
        Element {
            id: id.into(),
            kind,
            name: name.into(),
            component: None,
            boundary: None,
            entry: None,
            technology: String::new(),
            props: Default::default(),
            evidence: Vec::new(),
            declared: false,
        }
    }

    fn route(i: usize) -> Element {
        let mut e = el(
            &format!("route:GET /r{i}"),
            ElementKind::EntryPoint,
            &format!("GET /r{i}"),
        );
        e.component = Some("component:web".into());
        e.entry = Some(EntryInfo {
            kind: "http".into(),
            framework: "express".into(),
            method: "GET".into(),
            route: format!("/r{i}"),
            handler: "h".into(),
            auth: AuthState::Unknown,
            controls: Vec::new(),
            rate_limited: false,
            reaches: Vec::new(),
        });
        e
    }

    #[test]
    fn ids_and_labels_are_safe() {
        assert_eq!(sanitize_id("route:GET /a/{id}"), "route_GET__a__id_");
        assert_eq!(
            escape_label("say \"hi\" [x] <b> #1 {y}"),
            "say #quot;hi#quot; #91;x#93; #lt;b#gt; #35;1 #123;y#125;"
        );
        let mut ids = Ids::default();
        let a = ids.get("n", "a:b");
        let b = ids.get("n", "a_b");
        assert_ne!(a, b);
        assert_eq!(ids.get("n", "a:b"), a);
    }

    #[test]
    fn many_routes_collapse_and_actor_is_used() {
        let mut model = SystemModel {
            name: "web".into(),
            ..Default::default()
        };
        model
            .elements
            .push(el("actor:internet", ElementKind::Actor, "Internet"));
        let mut comp = el("component:web", ElementKind::Component, "web");
        comp.technology = "express".into();
        model.elements.push(comp);
        for i in 0..15 {
            model.elements.push(route(i));
        }
        model
            .elements
            .push(el("store:redis", ElementKind::Store, "redis"));
        model.boundaries.push(Boundary {
            id: "boundary:cluster".into(),
            name: "Cluster".into(),
            elements: vec!["component:web".into(), "store:redis".into()],
        });
        for i in 0..15 {
            let flow = |from: String, to: &str, p: &str| DataFlow {
                from,
                to: to.into(),
                protocol: p.into(),
                label: String::new(),
                crosses_boundary: false,
                encrypted: None,
            };
            model.flows.push(flow(
                "actor:internet".into(),
                &format!("route:GET /r{i}"),
                "HTTPS",
            ));
            model
                .flows
                .push(flow(format!("route:GET /r{i}"), "store:redis", "Redis"));
        }
        let text = flowchart(&model);
        assert!(text.contains("([\"15 routes\"])"), "{text}");
        assert!(!text.contains("/r3"), "{text}");
        // One edge each way after collapsing.
        assert_eq!(text.matches("-->").count(), 2, "{text}");
        assert!(text.contains("n_actor_internet((\"Internet\"))"));
        assert_eq!(flowchart(&model), text);
    }
}
