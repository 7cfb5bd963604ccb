//! Evasion by size and depth: code that hides a source-to-sink flow behind
//! long chains, deep nesting or many helpers. Each case either reports the
//! flow (a confirmed command injection at the sink) or says that the
//! analysis of the file was truncated; none is silent.
//!
//! These tests scan whole applications from the outside (a `MemorySource`
//! in, a report out) and read only the report's public surface (threats,
//! and `files.truncated` in its JSON), so they hold for any analysis core
//! behind `scan`: they are part of the contract, not of today's extractors.

mod evasion_cases;

use evasion_cases::*;

#[test]
fn python_concatenation_of_300_terms_is_followed() {
    evasion_cases::python_concatenation_of_300_terms_is_followed();
}

#[test]
fn python_concatenation_of_20000_terms_is_followed() {
    evasion_cases::python_concatenation_of_20000_terms_is_followed();
}

#[test]
fn javascript_concatenation_of_300_terms_is_followed() {
    evasion_cases::javascript_concatenation_of_300_terms_is_followed();
}

#[test]
fn javascript_concatenation_of_20000_terms_is_followed() {
    evasion_cases::javascript_concatenation_of_20000_terms_is_followed();
}

#[test]
fn python_string_building_in_a_returned_html_literal_is_followed() {
    evasion_cases::python_string_building_in_a_returned_html_literal_is_followed();
}

#[test]
fn python_300_chained_strip_calls_are_followed() {
    evasion_cases::python_300_chained_strip_calls_are_followed();
}

#[test]
fn python_20000_chained_strip_calls_are_followed() {
    evasion_cases::python_20000_chained_strip_calls_are_followed();
}

#[test]
fn javascript_300_chained_trim_calls_are_followed() {
    evasion_cases::javascript_300_chained_trim_calls_are_followed();
}

#[test]
fn javascript_20000_chained_trim_calls_are_followed() {
    evasion_cases::javascript_20000_chained_trim_calls_are_followed();
}

#[test]
fn python_100_nested_closures_are_followed_or_noted() {
    evasion_cases::python_100_nested_closures_are_followed_or_noted();
}

#[test]
fn python_a_lambda_running_a_command_is_followed() {
    evasion_cases::python_a_lambda_running_a_command_is_followed();
}

#[test]
fn python_100_nested_lambdas_are_followed_or_noted() {
    evasion_cases::python_100_nested_lambdas_are_followed_or_noted();
}

#[test]
fn javascript_100_nested_callbacks_are_followed_or_noted() {
    evasion_cases::javascript_100_nested_callbacks_are_followed_or_noted();
}

#[test]
fn javascript_3000_nested_callbacks_are_followed_or_noted() {
    evasion_cases::javascript_3000_nested_callbacks_are_followed_or_noted();
}

#[test]
fn python_300_nested_blocks_are_followed_or_noted() {
    evasion_cases::python_300_nested_blocks_are_followed_or_noted();
}

#[test]
fn python_1500_nested_blocks_are_followed_or_noted() {
    evasion_cases::python_1500_nested_blocks_are_followed_or_noted();
}

#[test]
fn javascript_300_nested_blocks_are_followed_or_noted() {
    evasion_cases::javascript_300_nested_blocks_are_followed_or_noted();
}

#[test]
fn javascript_3000_nested_blocks_are_followed_or_noted() {
    evasion_cases::javascript_3000_nested_blocks_are_followed_or_noted();
}

#[test]
fn python_300_assignments_through_a_helper_are_followed() {
    evasion_cases::python_300_assignments_through_a_helper_are_followed();
}

#[test]
fn javascript_300_assignments_through_a_helper_are_followed() {
    evasion_cases::javascript_300_assignments_through_a_helper_are_followed();
}

#[test]
fn python_a_chain_of_50_helper_calls_is_followed() {
    evasion_cases::python_a_chain_of_50_helper_calls_is_followed();
}

#[test]
fn javascript_a_chain_of_50_helper_calls_is_followed() {
    evasion_cases::javascript_a_chain_of_50_helper_calls_is_followed();
}

#[test]
fn a_chain_of_helper_calls_across_files_is_followed() {
    // Each helper in its own module, importing the next.
    let n = 30;
    let mut files = vec![(
        "app/views.py".to_string(),
        format!(
            "{PY_HEAD}from app.h0 import h0\n\n\n@app.route(\"/c\")\ndef run():\n    h0(request.args[\"c\"])\n    return \"ok\"\n"
        ),
    )];
    for i in 0..n {
        let text = if i + 1 < n {
            format!(
                "from app.h{next} import h{next}\n\n\ndef h{i}(x):\n    h{next}(x)\n",
                next = i + 1
            )
        } else {
            format!("import os\n\n\ndef h{i}(x):\n    os.system(x)\n")
        };
        files.push((format!("app/h{i}.py"), text));
    }
    let files: Vec<(&str, String)> = files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
    let r = run(&files);
    let last = format!("app/h{}.py", n - 1);
    assert!(flow_reported(&r, &last, 5), "{}", summary(&r, &last));
}

#[test]
fn python_a_chain_of_returning_helpers_is_followed() {
    evasion_cases::python_a_chain_of_returning_helpers_is_followed();
}

#[test]
fn javascript_a_chain_of_returning_helpers_is_followed() {
    evasion_cases::javascript_a_chain_of_returning_helpers_is_followed();
}

#[test]
fn python_the_helper_that_matters_after_other_helpers_is_followed() {
    evasion_cases::python_the_helper_that_matters_after_other_helpers_is_followed();
}

#[test]
fn javascript_the_helper_that_matters_after_other_helpers_is_followed() {
    evasion_cases::javascript_the_helper_that_matters_after_other_helpers_is_followed();
}

#[test]
fn python_recursion_between_helpers_is_followed() {
    evasion_cases::python_recursion_between_helpers_is_followed();
}

#[test]
fn javascript_recursion_between_helpers_is_followed() {
    evasion_cases::javascript_recursion_between_helpers_is_followed();
}

#[test]
fn python_a_value_stored_deep_in_a_container_taints_it() {
    evasion_cases::python_a_value_stored_deep_in_a_container_taints_it();
}

#[test]
fn a_sink_deep_below_a_route_is_reached_from_it() {
    evasion_cases::a_sink_deep_below_a_route_is_reached_from_it();
}

#[test]
fn javascript_an_agent_tool_running_commands_through_helpers_is_seen() {
    evasion_cases::javascript_an_agent_tool_running_commands_through_helpers_is_seen();
}

#[test]
fn request_data_joined_after_configuration_is_followed() {
    // Three environment values first, then the request's: the request's
    // is the one an attacker controls, and it must not be pushed out.
    let text = py_route(
        "    cmd = os.environ[\"A\"] + os.environ[\"B\"] + os.environ[\"C\"] + os.environ[\"D\"] + request.args[\"c\"]\n    os.system(cmd)\n",
    );
    assert_flow("app.py", text, "os.system(cmd)");
    let text = js_route(
        JS_HEAD,
        "  const cmd = process.env.A + process.env.B + process.env.C + process.env.D + req.query.c;\n  exec(cmd);\n",
    );
    assert_flow("app.js", text, "exec(cmd)");
}
