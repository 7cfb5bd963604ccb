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
    assert_flow("app.js", js_concat(JS_HEAD, 300), "exec(cmd)");
    assert_flow("app.ts", js_concat(TS_HEAD, 300), "exec(cmd)");
}

#[test]
fn javascript_concatenation_of_20000_terms_is_followed() {
    assert_flow("app.js", js_concat(JS_HEAD, 20_000), "exec(cmd)");
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
    assert_flow("app.js", js_trim(JS_HEAD, 300), "exec(cmd)");
    assert_flow("app.ts", js_trim(TS_HEAD, 300), "exec(cmd)");
}

#[test]
fn javascript_20000_chained_trim_calls_are_followed() {
    assert_flow("app.js", js_trim(JS_HEAD, 20_000), "exec(cmd)");
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
    assert_flow_or_note("app.js", js_callbacks(JS_HEAD, 100), "exec(cmd)");
    assert_flow_or_note("app.ts", js_callbacks(TS_HEAD, 100), "exec(cmd)");
}

#[test]
fn javascript_3000_nested_callbacks_are_followed_or_noted() {
    assert_flow_or_note("app.js", js_callbacks(JS_HEAD, 3000), "exec(cmd)");
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
    assert_flow_or_note("app.js", js_nesting(JS_HEAD, 300), "exec(cmd)");
    assert_flow_or_note("app.ts", js_nesting(TS_HEAD, 300), "exec(cmd)");
}

#[test]
fn javascript_3000_nested_blocks_are_followed_or_noted() {
    assert_flow_or_note("app.js", js_nesting(JS_HEAD, 3000), "exec(cmd)");
}

#[test]
fn python_300_assignments_through_a_helper_are_followed() {
    evasion_cases::python_300_assignments_through_a_helper_are_followed();
}

#[test]
fn javascript_300_assignments_through_a_helper_are_followed() {
    let mut body = String::from("  const a0 = req.query.c;\n");
    for i in 0..300 {
        body += &format!("  const a{} = h(a{i});\n", i + 1);
    }
    body += "  exec(a300);\n";
    let text = js_route(
        &format!("{JS_HEAD}function h(v) {{\n  return v;\n}}\n\n"),
        &body,
    );
    assert_flow("app.js", text, "exec(a300)");
}

#[test]
fn python_a_chain_of_50_helper_calls_is_followed() {
    evasion_cases::python_a_chain_of_50_helper_calls_is_followed();
}

#[test]
fn javascript_a_chain_of_50_helper_calls_is_followed() {
    assert_flow("app.js", js_helper_calls(50), "exec(x)");
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
    for n in [2, 50] {
        assert_flow("app.js", js_helper_returns(n), "exec(h0(");
    }
}

#[test]
fn python_the_helper_that_matters_after_other_helpers_is_followed() {
    evasion_cases::python_the_helper_that_matters_after_other_helpers_is_followed();
}

#[test]
fn javascript_the_helper_that_matters_after_other_helpers_is_followed() {
    assert_flow("app.js", js_many_calls(6), "exec(cmd)");
    assert_flow_or_note("app.js", js_many_calls(40), "exec(cmd)");
}

#[test]
fn python_recursion_between_helpers_is_followed() {
    evasion_cases::python_recursion_between_helpers_is_followed();
}

#[test]
fn javascript_recursion_between_helpers_is_followed() {
    let text = format!(
        "{}\nfunction ping(x, n) {{\n  if (n) pong(x, n - 1);\n  exec(x);\n}}\n\nfunction pong(x, n) {{\n  ping(x, n);\n}}\n\nfunction pick(x, n) {{\n  if (n) return pack(x, n - 1);\n  return x;\n}}\n\nfunction pack(x, n) {{\n  return pick(x, n);\n}}\n",
        js_route(
            JS_HEAD,
            "  ping(req.query.c, 3);\n  exec(pick(req.query.d, 3));\n"
        )
    );
    assert_flow("app.js", text.clone(), "  exec(x);");
    assert_flow("app.js", text, "exec(pick(");
}

#[test]
fn python_a_value_stored_deep_in_a_container_taints_it() {
    evasion_cases::python_a_value_stored_deep_in_a_container_taints_it();
}

#[test]
fn a_sink_deep_below_a_route_is_reached_from_it() {
    // A value of unknown origin is a finding where a route reaches the
    // sink, however many calls lie between them.
    for n in [2, 30] {
        let text = js_unknown_command_below(n);
        let line = line_of(&text, "exec(COMMAND)");
        let r = run(&[("app.js", text)]);
        assert!(
            r.threats.iter().any(|t| t.rule == "command-injection"
                && t.location.start_line == line
                && t.confidence.name() == "likely"),
            "{n} calls down: {}",
            summary(&r, "app.js")
        );
    }
}

#[test]
fn javascript_an_agent_tool_running_commands_through_helpers_is_seen() {
    // The tool runs a command forty helpers down: it still can run commands.
    let mut text = String::from(
        "import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';\nimport { execSync } from 'node:child_process';\nimport { z } from 'zod';\n\nconst server = new McpServer({ name: 'ops', version: '1.0.0' });\n\n",
    );
    let n = 40;
    for i in 0..n {
        let body = if i + 1 < n {
            format!("  return h{}();", i + 1)
        } else {
            "  return execSync('uptime').toString();".into()
        };
        text += &format!("function h{i}() {{\n{body}\n}}\n\n");
    }
    text += "server.registerTool('status', { inputSchema: { verbose: z.boolean() } }, async () => {\n  return { content: [{ type: 'text', text: h0() }] };\n});\n";
    let r = run(&[("ops.ts", text)]);
    assert!(
        r.threats
            .iter()
            .any(|t| t.rule == "agent-tool-excessive-agency"),
        "{}",
        summary(&r, "ops.ts")
    );
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
