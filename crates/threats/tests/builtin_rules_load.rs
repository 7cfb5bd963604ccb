//! Every built-in rule file loads, and no two rules share a condition.

use bw_threats::rule::RuleSet;

#[test]
fn builtin_rules_load() {
    let set = match RuleSet::builtin() {
        Ok(set) => set,
        Err(errors) => {
            let msgs: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            panic!("rule load errors:\n{}", msgs.join("\n"));
        }
    };
    assert!(!set.rules.is_empty());
}

#[test]
fn builtin_rule_conditions_are_distinct() {
    let Ok(set) = RuleSet::builtin() else {
        return; // reported by builtin_rules_load
    };
    for (i, a) in set.rules.iter().enumerate() {
        for b in &set.rules[i + 1..] {
            let same = a.matcher.subject.subjects() == b.matcher.subject.subjects()
                && a.matcher.when == b.matcher.when;
            assert!(!same, "{} and {} have the same condition", a.id, b.id);
        }
    }
}
