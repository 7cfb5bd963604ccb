//! The per-rule harness on the new analysis core (`BREAKWATER_CORE=ir`,
//! issue 11), for the fixtures of the languages it is to take over first:
//! every Python fixture line marked `ruleid:` must get its threat and no
//! `ok:` or unmarked Python line may, exactly as on the old core
//! (`rules_harness.rs`). JavaScript and TypeScript fixtures must pass on
//! it too.

mod harness;

#[test]
fn every_fixture_fires_exactly_on_its_marked_lines_on_the_new_core() {
    // SAFETY: the only test of this binary, and its first statement: no
    // other thread reads the environment yet, and the core is chosen once
    // per process, from this variable, when the first file is extracted.
    unsafe { std::env::set_var(bw_facts::core::CORE_ENV, "ir") };
    assert_eq!(bw_facts::core::Core::selected(), bw_facts::core::Core::Ir);
    let (checked, failures) = harness::failures(&|p| p.ends_with(".py"), false);
    assert!(checked > 30, "only {checked} rules have Python fixtures");
    assert!(
        failures.is_empty(),
        "{} failures among the Python fixtures of {} rules on the new core:\n{}",
        failures.len(),
        checked,
        failures.join("\n")
    );
    // JavaScript and TypeScript fixtures pass on the new core too.
    let is_js = |p: &str| {
        [".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts"]
            .iter()
            .any(|e| p.ends_with(e))
    };
    let (js_checked, js) = harness::failures(&is_js, false);
    assert!(
        js_checked > 30,
        "only {js_checked} rules have JavaScript fixtures"
    );
    assert!(
        js.is_empty(),
        "{} failures among the JavaScript and TypeScript fixtures on the new core:\n{}",
        js.len(),
        js.join("\n")
    );
}
