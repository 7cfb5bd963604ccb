//! Matching rules against facts in their model context, and turning
//! matches into threats: confidence, severity with reasons, stable ids.

use crate::report::{Confidence, Reason, Severity, Status, Threat};
use crate::rule::{Condition, Level, ModelPredicate, Rule, RuleSet};
use bw_facts::{Fact, FlowState, Subject};
use bw_model::{AuthState, FactCtx};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// One fact with what the model knows about it.
pub struct Candidate<'a> {
    pub fact: &'a Fact,
    /// Language of the file (`python`, `typescript`, `dockerfile`…).
    pub lang: &'a str,
    pub ctx: &'a FactCtx,
}

fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_lowercase())
}

fn lang_matches(want: &str, lang: &str) -> bool {
    want == lang
        || want == "any"
        || (want == "typescript" && lang == "tsx")
        || (want == "javascript" && matches!(lang, "typescript" | "tsx"))
}

/// Evaluate a condition for a candidate.
pub fn holds(c: &Condition, cand: &Candidate<'_>) -> bool {
    let fact = cand.fact;
    match c {
        Condition::All(v) => v.iter().all(|c| holds(c, cand)),
        Condition::Any(v) => v.iter().any(|c| holds(c, cand)),
        Condition::Not(c) => !holds(c, cand),
        Condition::Kind(k) => k.contains(&fact.kind),
        Condition::Flow(words) => fact
            .flow
            .as_ref()
            .is_some_and(|f| words.iter().any(|w| w.matches(f.state))),
        Condition::Source(kinds) => fact
            .flow
            .as_ref()
            .and_then(|f| f.source.as_ref())
            .is_some_and(|s| kinds.contains(&s.kind)),
        Condition::Is(p) => fact.flag(p),
        Condition::Off(p) => fact.props.get(p).and_then(|v| v.as_bool()) == Some(false),
        Condition::Set(p) => match fact.props.get(p) {
            Some(bw_facts::Prop::Str(s)) => !s.is_empty(),
            Some(bw_facts::Prop::List(l)) => !l.is_empty(),
            _ => false,
        },
        Condition::Equals(pv) => fact
            .str(&pv.prop)
            .is_some_and(|v| pv.values.iter().any(|x| x == v)),
        Condition::Contains(pv) => fact.list(&pv.prop).iter().any(|v| pv.values.contains(v)),
        Condition::Words(pv) => fact.str(&pv.prop).is_some_and(|v| {
            let want: Vec<String> = pv.values.iter().map(|w| w.to_ascii_lowercase()).collect();
            words(v).any(|w| want.contains(&w))
        }),
        Condition::Framework(f) => {
            let fw = fact.str("framework").or(cand.ctx.framework.as_deref());
            fw.is_some_and(|fw| f.iter().any(|x| x == fw))
        }
        Condition::Language(l) => l.iter().any(|w| lang_matches(w, cand.lang)),
        Condition::Model(p) => model_holds(*p, cand.ctx),
        Condition::Depends(pkgs) => cand
            .ctx
            .declared
            .as_ref()
            .is_none_or(|d| pkgs.iter().any(|p| d.contains(p))),
    }
}

fn model_holds(p: ModelPredicate, ctx: &FactCtx) -> bool {
    match p {
        ModelPredicate::AuthAbsent => ctx.auth == Some(AuthState::Absent),
        ModelPredicate::AuthPresent => ctx.auth == Some(AuthState::Present),
        ModelPredicate::AuthUnknown => ctx.auth == Some(AuthState::Unknown),
        ModelPredicate::AuthzPresent => ctx.authz,
        ModelPredicate::InternetExposed => ctx.internet_exposed,
        ModelPredicate::RateLimited => ctx.rate_limited,
        ModelPredicate::CallsLlm => ctx.calls_llm,
        ModelPredicate::WritesStore => ctx.writes_store,
        ModelPredicate::InEntry => ctx.in_entry,
        ModelPredicate::CsrfProtected => ctx.csrf_protected,
        ModelPredicate::SessionAuth => ctx.session_auth,
        ModelPredicate::AuditLogged => ctx.audit_logged,
        ModelPredicate::DatastoreImage => ctx.datastore_image,
    }
}

fn uses_model(c: &Condition, p: &[ModelPredicate]) -> bool {
    match c {
        Condition::All(v) | Condition::Any(v) => v.iter().any(|c| uses_model(c, p)),
        Condition::Not(c) => uses_model(c, p),
        Condition::Model(m) => p.contains(m),
        _ => false,
    }
}

fn confidence(rule: &Rule, fact: &Fact) -> Confidence {
    match rule.level {
        Level::Design => Confidence::Potential,
        Level::Config => Confidence::Confirmed,
        Level::Code => match fact.flow.as_ref().map(|f| f.state) {
            Some(FlowState::Tainted) => Confidence::Confirmed,
            _ => Confidence::Likely,
        },
    }
}

fn confidence_reason(rule: &Rule, fact: &Fact, ctx: &FactCtx) -> String {
    if rule.level != Level::Code {
        return String::new();
    }
    match fact.flow.as_ref().map(|f| f.state) {
        Some(FlowState::Tainted) => String::new(),
        Some(_) => "the argument is not a literal, and where it comes from could not be traced".into(),
        None if fact.subject == Subject::Entry && ctx.auth == Some(AuthState::Absent) => format!(
            "established by comparison: sibling routes use {} and this one has no auth control",
            if ctx.sibling_controls.is_empty() { "an auth control".to_string() } else { ctx.sibling_controls.join(", ") }
        ),
        None => "the pattern is in the code; whether it can be abused depends on context breakwater cannot see".into(),
    }
}

fn scores(rule: &Rule, cand: &Candidate<'_>) -> (u8, u8, Vec<Reason>) {
    let mut impact = rule.impact as i8;
    let mut likelihood = rule.likelihood as i8;
    let mut reasons = vec![];
    let mut push = |axis: &str,
                    delta: i8,
                    factor: &str,
                    text: String,
                    impact: &mut i8,
                    likelihood: &mut i8| {
        if axis == "impact" {
            *impact += delta;
        } else {
            *likelihood += delta;
        }
        reasons.push(Reason {
            axis: axis.into(),
            delta,
            factor: factor.into(),
            text,
        });
    };
    let ctx = cand.ctx;
    if ctx.internet_exposed && rule.level != Level::Design {
        push(
            "likelihood",
            1,
            "exposure",
            format!(
                "reachable from the internet{}",
                ctx.exposure_note
                    .as_deref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default()
            ),
            &mut impact,
            &mut likelihood,
        );
    }
    let auth_preds = [
        ModelPredicate::AuthAbsent,
        ModelPredicate::AuthPresent,
        ModelPredicate::AuthUnknown,
    ];
    if !uses_model(&rule.matcher.when, &auth_preds) && ctx.in_entry {
        match ctx.auth {
            Some(AuthState::Present) => push(
                "likelihood",
                -1,
                "authentication",
                format!(
                    "callers must authenticate ({})",
                    ctx.auth_controls.join(", ")
                ),
                &mut impact,
                &mut likelihood,
            ),
            Some(AuthState::Absent) => push(
                "likelihood",
                1,
                "authentication",
                "the entry point has no authentication while its siblings do".into(),
                &mut impact,
                &mut likelihood,
            ),
            _ => {}
        }
    }
    if let Some(class) = ctx.classification.as_deref() {
        match class {
            "restricted" => push(
                "impact",
                1,
                "data-classification",
                format!("touches restricted data ({})", ctx.assets.join(", ")),
                &mut impact,
                &mut likelihood,
            ),
            "public" => push(
                "impact",
                -1,
                "data-classification",
                format!("touches only public data ({})", ctx.assets.join(", ")),
                &mut impact,
                &mut likelihood,
            ),
            _ => {}
        }
    }
    for a in &rule.adjust {
        if holds(&a.when, cand) {
            if a.impact != 0 {
                push(
                    "impact",
                    a.impact,
                    "evidence",
                    a.reason.clone(),
                    &mut impact,
                    &mut likelihood,
                );
            }
            if a.likelihood != 0 {
                push(
                    "likelihood",
                    a.likelihood,
                    "evidence",
                    a.reason.clone(),
                    &mut impact,
                    &mut likelihood,
                );
            }
        }
    }
    (
        impact.clamp(1, 4) as u8,
        likelihood.clamp(1, 4) as u8,
        reasons,
    )
}

/// A one-line message for this match.
fn message(rule: &Rule, fact: &Fact, ctx: &FactCtx) -> String {
    match fact.subject {
        Subject::Sink => {
            let callee = fact.str("callee").unwrap_or("this call");
            match fact.flow.as_ref() {
                Some(f) if f.state == FlowState::Tainted => match &f.source {
                    Some(s) => format!(
                        "{} data from `{}` reaches `{callee}`",
                        source_noun(&s.kind),
                        s.label
                    ),
                    None => format!("outside data reaches `{callee}`"),
                },
                _ => format!("`{callee}` receives a non-literal value of unknown origin"),
            }
        }
        Subject::Entry => {
            let route = ctx
                .route
                .clone()
                .unwrap_or_else(|| fact.str("route").unwrap_or("").to_string());
            match ctx.auth {
                Some(AuthState::Absent) => format!(
                    "{route} has no authentication, while other routes of this app use {}",
                    if ctx.sibling_controls.is_empty() {
                        "an auth control".to_string()
                    } else {
                        ctx.sibling_controls.join(", ")
                    }
                ),
                _ => format!("{}: {route}", rule.title),
            }
        }
        Subject::Secret => format!(
            "{} ({})",
            rule.title,
            fact.str("masked").unwrap_or(&fact.kind)
        ),
        _ => {
            // The first line of the matched code, kept short: the excerpt shows the rest.
            let text = fact.evidence.text.lines().next().unwrap_or("");
            let short: String = text.chars().take(60).collect();
            let more = if short.len() < fact.evidence.text.len() {
                "…"
            } else {
                ""
            };
            format!("{}: `{short}{more}`", rule.title)
        }
    }
}

fn source_noun(kind: &str) -> &'static str {
    match kind {
        "request" => "request",
        "dom" => "page-URL",
        "tool-input" => "tool-input",
        "llm-output" => "LLM output",
        "retrieved" => "retrieved-content",
        "secret" => "secret",
        "env" => "environment",
        "file" => "file",
        _ => "outside",
    }
}

/// The evidence slice a decision is pinned to: the rule, the sink or
/// setting, the source and steps of its flow, and the values of the facts
/// the rule's condition read. Whitespace is dropped and names of the
/// repository's own functions are left out of step labels, so reformatting,
/// line shifts, renames and moves keep it; a change to the code under the
/// threat does not.
fn fingerprint(rule: &Rule, cand: &Candidate<'_>) -> String {
    let fact = cand.fact;
    let mut parts: Vec<String> = vec![
        rule.id.clone(),
        fact.subject.name().to_string(),
        fact.kind.clone(),
        squash(&fact.evidence.text),
    ];
    if let Some(flow) = &fact.flow {
        parts.push(format!("flow={:?}", flow.state));
        if let Some(src) = &flow.source {
            parts.push(format!("source={}:{}", src.kind, squash(&src.label)));
        }
        for step in &flow.steps {
            parts.push(format!("step={}", squash(&without_names(&step.label))));
        }
    }
    let mut read = BTreeMap::new();
    controls_read(&rule.matcher.when, cand, &mut read);
    parts.extend(read.into_iter().map(|(k, v)| format!("{k}={v}")));
    let mut h = Sha256::new();
    for p in &parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    h.finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Text with all whitespace removed.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A step label with its backticked names removed (`passed to `find()``
/// → `passed to `): a renamed helper is the same path.
fn without_names(label: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in label.chars() {
        if c == '`' {
            inside = !inside;
        } else if !inside {
            out.push(c);
        }
    }
    out
}

/// The facts a condition reads, with their current values.
fn controls_read(c: &Condition, cand: &Candidate<'_>, out: &mut BTreeMap<String, String>) {
    let fact = cand.fact;
    let mut prop = |name: &str| {
        let v = fact
            .props
            .get(name)
            .map(|v| serde_json::to_string(v).unwrap_or_default())
            .unwrap_or_default();
        out.insert(format!("prop:{name}"), v);
    };
    match c {
        Condition::All(v) | Condition::Any(v) => v.iter().for_each(|c| controls_read(c, cand, out)),
        Condition::Not(c) => controls_read(c, cand, out),
        Condition::Is(p) | Condition::Off(p) | Condition::Set(p) => prop(p),
        Condition::Equals(pv) | Condition::Contains(pv) | Condition::Words(pv) => prop(&pv.prop),
        Condition::Framework(_) => {
            let fw = fact.str("framework").or(cand.ctx.framework.as_deref());
            out.insert("framework".into(), fw.unwrap_or("").into());
        }
        Condition::Model(p) => {
            out.insert(
                format!("model:{p:?}"),
                model_holds(*p, cand.ctx).to_string(),
            );
        }
        // Kind, flow and source are hashed with the evidence; the language
        // does not change without the file changing; a threat whose
        // manifests stop declaring the package is gone, not stale.
        Condition::Kind(_)
        | Condition::Flow(_)
        | Condition::Source(_)
        | Condition::Language(_)
        | Condition::Depends(_) => {}
    }
}

/// Evaluate every rule over every candidate. Returns threats with ids,
/// sorted; excerpts and statuses are filled in by the caller.
pub fn evaluate(rules: &RuleSet, candidates: &[Candidate<'_>]) -> Vec<Threat> {
    let mut out: Vec<(Threat, String)> = vec![];
    for rule in &rules.rules {
        let subjects = rule.matcher.subject.subjects();
        for cand in candidates {
            if !subjects.contains(&cand.fact.subject) || !holds(&rule.matcher.when, cand) {
                continue;
            }
            let fact = cand.fact;
            // A non-literal of unknown origin is a finding only where an entry
            // point reaches the sink; in code nothing reaches (a library, a
            // command-line tool, dead code) it is no evidence of a threat.
            let unknown_flow = fact
                .flow
                .as_ref()
                .is_some_and(|f| f.state == FlowState::Unknown);
            if rule.level == Level::Code && unknown_flow && !cand.ctx.in_entry {
                continue;
            }
            let (impact, likelihood, reasons) = scores(rule, cand);
            let confidence = confidence(rule, fact);
            let framework = fact
                .str("framework")
                .map(str::to_string)
                .or_else(|| cand.ctx.framework.clone());
            let (fix_for, fix) = rule.fix_for(framework.as_deref());
            let base_id = match (rule.level, &cand.ctx.element) {
                (Level::Design, Some(el)) => format!("{}@{}", rule.id, el),
                _ => format!(
                    "{}@{}::{}",
                    rule.id, fact.evidence.location.path, fact.evidence.symbol
                ),
            };
            let threat = Threat {
                id: base_id,
                rule: rule.id.clone(),
                title: rule.title.clone(),
                stride: rule.stride.name().into(),
                cwe: rule.cwe.clone(),
                owasp: rule.owasp_all(),
                severity: Severity::from_scores(impact, likelihood),
                impact,
                likelihood,
                reasons,
                confidence,
                confidence_reason: confidence_reason(rule, fact, cand.ctx),
                location: fact.evidence.location.clone(),
                excerpt: None,
                symbol: fact.evidence.symbol.clone(),
                element: cand.ctx.element.clone(),
                source: fact.flow.as_ref().and_then(|f| f.source.clone()),
                steps: fact
                    .flow
                    .as_ref()
                    .map(|f| f.steps.clone())
                    .unwrap_or_default(),
                message: message(rule, fact, cand.ctx),
                attack: rule.docs.attack.trim().to_string(),
                fix_for: fix_for.to_string(),
                fix: fix.trim().to_string(),
                status: Status::Open,
                status_reason: None,
                baseline: false,
                decision: None,
                fingerprint: fingerprint(rule, cand),
                evidence: fact.evidence.text.clone(),
            };
            out.push((threat, fact.evidence.text.clone()));
        }
    }
    let out = dedupe_same_line(out);
    let out = dedupe_potential(out);
    let mut threats = number(out);
    sort(&mut threats);
    threats
}

/// One threat per rule and line: two weak-random calls in one expression
/// are one finding for a person, not two.
fn dedupe_same_line(mut items: Vec<(Threat, String)>) -> Vec<(Threat, String)> {
    items.sort_by(|a, b| {
        (
            &a.0.rule,
            &a.0.location.path,
            a.0.location.start_line,
            a.0.location.start_col,
        )
            .cmp(&(
                &b.0.rule,
                &b.0.location.path,
                b.0.location.start_line,
                b.0.location.start_col,
            ))
    });
    items.dedup_by(|b, a| {
        a.0.rule == b.0.rule
            && a.0.location.path == b.0.location.path
            && a.0.location.start_line == b.0.location.start_line
    });
    items
}

/// At most one potential threat per element and STRIDE category: the most
/// severe (then the lowest rule id) stands for the rest.
fn dedupe_potential(items: Vec<(Threat, String)>) -> Vec<(Threat, String)> {
    let mut best: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (i, (t, _)) in items.iter().enumerate() {
        if t.confidence != Confidence::Potential {
            continue;
        }
        let key = (
            t.element.clone().unwrap_or_else(|| t.id.clone()),
            t.stride.clone(),
        );
        match best.get(&key) {
            Some(&j) => {
                let o = &items[j].0;
                if (t.severity, std::cmp::Reverse(&t.rule))
                    > (o.severity, std::cmp::Reverse(&o.rule))
                {
                    best.insert(key, i);
                }
            }
            None => {
                best.insert(key, i);
            }
        }
    }
    let keep: std::collections::BTreeSet<usize> = best.values().copied().collect();
    items
        .into_iter()
        .enumerate()
        .filter(|(i, (t, _))| t.confidence != Confidence::Potential || keep.contains(i))
        .map(|(_, x)| x)
        .collect()
}

/// Give `#n` suffixes where one anchor has several matches of a rule,
/// ordered by the normalised sink text — never by line.
fn number(items: Vec<(Threat, String)>) -> Vec<Threat> {
    let mut groups: BTreeMap<String, Vec<(Threat, String)>> = BTreeMap::new();
    for (t, text) in items {
        groups.entry(t.id.clone()).or_default().push((t, text));
    }
    let mut out = vec![];
    for (_, mut group) in groups {
        if group.len() == 1 {
            out.push(group.pop().unwrap().0);
            continue;
        }
        group.sort_by(|a, b| {
            (&a.1, a.0.source.as_ref().map(|s| &s.label))
                .cmp(&(&b.1, b.0.source.as_ref().map(|s| &s.label)))
        });
        for (n, (mut t, _)) in group.into_iter().enumerate() {
            t.id = format!("{}#{}", t.id, n + 1);
            out.push(t);
        }
    }
    out
}

/// Severity (highest first), confidence, path, line, id.
pub fn sort(threats: &mut [Threat]) {
    threats.sort_by(|a, b| {
        (
            std::cmp::Reverse(a.severity),
            a.confidence,
            &a.location.path,
            a.location.start_line,
            &a.id,
        )
            .cmp(&(
                std::cmp::Reverse(b.severity),
                b.confidence,
                &b.location.path,
                b.location.start_line,
                &b.id,
            ))
    });
}
