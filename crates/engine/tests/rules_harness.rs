//! The per-rule harness: every rule's fixtures in `rules/tests/<rule-id>/`
//! are scanned as a small repository, and the threats of that rule must
//! sit exactly on the lines marked `ruleid: <id>` — never on `ok: <id>`
//! lines, never anywhere unmarked. Every rule needs at least one of each.
//! (`rules_harness_core.rs` runs the same fixtures on the new analysis
//! core, for the languages switched over to it.)

mod harness;

use harness::{Marks, failures, marks_in};

#[test]
fn every_rule_fires_exactly_on_its_marked_lines() {
    let (checked, failures) = failures(&|_| true, true);
    assert!(
        failures.is_empty(),
        "{} of {} rules failed:\n{}",
        failures.len(),
        checked,
        failures.join("\n")
    );
}

#[test]
fn markers_parse() {
    let mut m = Marks::default();
    let src = "x = 1\ncur.execute(q)  # ruleid: sql-injection\n# ok: sql-injection, command-injection\n\n# another comment\ncur.execute(\"select 1\")\n";
    marks_in("a.py", src, &mut m);
    assert!(m.fire[&("a.py".into(), 2)].contains("sql-injection"));
    let q = &m.quiet[&("a.py".into(), 6)];
    assert!(q.contains("sql-injection") && q.contains("command-injection"));
    let mut m = Marks::default();
    marks_in(
        "a.ts",
        "res.redirect(u); // ruleid: open-redirect\n{/* ok: cross-site-scripting */}\n<div>{x}</div>\n",
        &mut m,
    );
    assert!(m.fire[&("a.ts".into(), 1)].contains("open-redirect"));
}
