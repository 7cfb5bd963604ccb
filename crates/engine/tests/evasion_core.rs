//! The evasion cases of the languages switched over to the new analysis
//! core (issue 11), run on it (`BREAKWATER_CORE=ir`): Python, JavaScript and
//! TypeScript. The same cases run on the default selection in `evasion.rs`.

mod evasion_cases;

use evasion_cases::*;

#[test]
fn evasion_cases_on_the_new_core() {
    // SAFETY: the only test of this binary, and its first statement: no
    // other thread reads the environment yet, and the core is chosen once
    // per process, from this variable, when the first file is extracted.
    unsafe { std::env::set_var(bw_facts::core::CORE_ENV, "ir") };
    assert_eq!(bw_facts::core::Core::selected(), bw_facts::core::Core::Ir);
    python_concatenation_of_300_terms_is_followed();
    python_concatenation_of_20000_terms_is_followed();
    python_string_building_in_a_returned_html_literal_is_followed();
    python_300_chained_strip_calls_are_followed();
    python_20000_chained_strip_calls_are_followed();
    python_100_nested_closures_are_followed_or_noted();
    python_a_lambda_running_a_command_is_followed();
    python_100_nested_lambdas_are_followed_or_noted();
    python_300_nested_blocks_are_followed_or_noted();
    python_1500_nested_blocks_are_followed_or_noted();
    python_300_assignments_through_a_helper_are_followed();
    python_a_chain_of_50_helper_calls_is_followed();
    python_a_chain_of_returning_helpers_is_followed();
    python_the_helper_that_matters_after_other_helpers_is_followed();
    python_recursion_between_helpers_is_followed();
    python_a_value_stored_deep_in_a_container_taints_it();
    // JavaScript and TypeScript too.
    javascript_concatenation_of_300_terms_is_followed();
    javascript_concatenation_of_20000_terms_is_followed();
    javascript_300_chained_trim_calls_are_followed();
    javascript_20000_chained_trim_calls_are_followed();
    javascript_100_nested_callbacks_are_followed_or_noted();
    javascript_3000_nested_callbacks_are_followed_or_noted();
    javascript_300_nested_blocks_are_followed_or_noted();
    javascript_3000_nested_blocks_are_followed_or_noted();
    javascript_300_assignments_through_a_helper_are_followed();
    javascript_a_chain_of_50_helper_calls_is_followed();
    javascript_a_chain_of_returning_helpers_is_followed();
    javascript_the_helper_that_matters_after_other_helpers_is_followed();
    javascript_recursion_between_helpers_is_followed();
    a_sink_deep_below_a_route_is_reached_from_it();
    javascript_an_agent_tool_running_commands_through_helpers_is_seen();
}
