//! `breakwater explain RULE`: the rule's docs.

use bw_engine::Library;

#[derive(clap::Args)]
pub struct Args {
    /// A rule id, e.g. sql-injection (or a threat id: the part before `@` is used).
    rule: String,
}

pub fn run(a: Args) -> u8 {
    let lib = match Library::builtin() {
        Ok(l) => l,
        Err(e) => return super::fail(e),
    };
    let id = a.rule.split('@').next().unwrap_or(&a.rule);
    match lib.rules.get(id) {
        Some(r) => {
            outln!("{}", r.help_markdown().trim_end());
            crate::exit::PASS
        }
        None => {
            let near: Vec<&str> = lib
                .rules
                .rules
                .iter()
                .map(|r| r.id.as_str())
                .filter(|r| id.split('-').any(|w| w.len() > 2 && r.contains(w)))
                .take(5)
                .collect();
            let hint = if near.is_empty() {
                "run `breakwater rules` to list every rule".to_string()
            } else {
                format!("did you mean: {}?", near.join(", "))
            };
            super::fail(format!("no rule `{id}`; {hint}"))
        }
    }
}
