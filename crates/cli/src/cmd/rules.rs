//! `breakwater rules`: list rules with filters, or `--stats`.

use bw_engine::Library;
use std::collections::BTreeMap;

#[derive(clap::Args)]
pub struct Args {
    /// Only rules of this STRIDE category (e.g. tampering).
    #[arg(long)]
    stride: Option<String>,
    /// Only rules mapped to this OWASP id or prefix (A05:2025, API1, LLM01).
    #[arg(long)]
    owasp: Option<String>,
    /// Only rules with this CWE number.
    #[arg(long)]
    cwe: Option<u32>,
    /// Only rules for this language (python, typescript, dockerfile, kubernetes…).
    #[arg(long)]
    language: Option<String>,
    /// Print counts per category, STRIDE and language instead of the list.
    #[arg(long)]
    stats: bool,
}

pub fn run(a: Args) -> u8 {
    let lib = match Library::builtin() {
        Ok(l) => l,
        Err(e) => return super::fail(e),
    };
    let rules: Vec<_> = lib
        .rules
        .rules
        .iter()
        .filter(|r| a.stride.as_deref().is_none_or(|s| r.stride.name() == s))
        .filter(|r| {
            a.owasp
                .as_deref()
                .is_none_or(|o| r.owasp_all().iter().any(|x| x.starts_with(o)))
        })
        .filter(|r| a.cwe.is_none_or(|c| r.cwe.contains(&c)))
        .filter(|r| {
            a.language
                .as_deref()
                .is_none_or(|l| r.languages.iter().any(|x| x == l || x == "any"))
        })
        .collect();
    if a.stats {
        let mut by_cat: BTreeMap<&str, usize> = BTreeMap::new();
        let mut by_stride: BTreeMap<&str, usize> = BTreeMap::new();
        let mut by_lang: BTreeMap<&str, usize> = BTreeMap::new();
        let mut by_level: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &rules {
            *by_cat.entry(&r.category).or_default() += 1;
            *by_stride.entry(r.stride.name()).or_default() += 1;
            *by_level.entry(r.level.name()).or_default() += 1;
            for l in &r.languages {
                *by_lang.entry(l).or_default() += 1;
            }
        }
        outln!("{} rules", rules.len());
        for (title, map) in [
            ("category", &by_cat),
            ("stride", &by_stride),
            ("level", &by_level),
            ("language", &by_lang),
        ] {
            outln!("\nby {title}:");
            for (k, v) in map {
                outln!("  {k:<28} {v:>4}");
            }
        }
        return crate::exit::PASS;
    }
    for r in &rules {
        outln!(
            "{:<36} {:<6} {:<24} {:<10} {}",
            r.id,
            r.default_severity().name(),
            r.stride.name(),
            r.cwe
                .first()
                .map(|c| format!("CWE-{c}"))
                .unwrap_or_default(),
            r.title
        );
    }
    info!("{} rule(s)", rules.len());
    crate::exit::PASS
}
