//! The evasion cases and their checks, shared by the test binaries that
//! run them (`evasion.rs` on the default core, `evasion_core.rs` on the
//! new one for the languages switched over to it).
#![allow(dead_code)]

pub use bw_engine::{Library, MemorySource, ScanOptions, scan};
pub use bw_threats::Report;

pub fn run(files: &[(&str, String)]) -> Report {
    let mut src = MemorySource::new();
    for (p, t) in files {
        src.insert(p, t.as_bytes().to_vec());
    }
    let lib = Library::builtin().unwrap();
    scan(&src, &lib, &ScanOptions::default()).unwrap().report
}

/// The line (1-based) of the first line of `text` containing `needle`.
pub fn line_of(text: &str, needle: &str) -> u32 {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("`{needle}` is not in the source")) as u32
        + 1
}

/// A confirmed command injection at `path:line`, from request data.
pub fn flow_reported(r: &Report, path: &str, line: u32) -> bool {
    r.threats.iter().any(|t| {
        t.rule == "command-injection"
            && t.location.path == path
            && t.location.start_line == line
            && t.confidence.name() == "confirmed"
            && t.source.as_ref().is_some_and(|s| s.kind == "request")
    })
}

/// The truncation notes the report holds for `path`, as its JSON shows them.
pub fn truncation_notes(r: &Report, path: &str) -> Vec<serde_json::Value> {
    let json = serde_json::to_value(r).unwrap();
    json["files"]["truncated"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| t["path"] == path)
        .flat_map(|t| t["notes"].as_array().cloned().unwrap_or_default())
        .collect()
}

pub fn summary(r: &Report, path: &str) -> String {
    let threats: Vec<String> = r
        .threats
        .iter()
        .map(|t| {
            format!(
                "{}:{} {} ({})",
                t.location.path,
                t.location.start_line,
                t.rule,
                t.confidence.name()
            )
        })
        .collect();
    format!(
        "threats: {threats:?}\ntruncated: {:?}\nskipped: {:?}",
        truncation_notes(r, path),
        r.files.skipped
    )
}

/// The flow must be reported: linear chains are followed, whatever their length.
pub fn assert_flow(path: &str, text: String, sink: &str) {
    let line = line_of(&text, sink);
    let r = run(&[(path, text)]);
    assert!(
        flow_reported(&r, path, line),
        "{path}: the flow into line {line} is not reported\n{}",
        summary(&r, path)
    );
}

/// The flow is reported, or the file says its analysis was truncated
/// (with where: a line and the enclosing symbol); never neither.
pub fn assert_flow_or_note(path: &str, text: String, sink: &str) {
    let line = line_of(&text, sink);
    let r = run(&[(path, text)]);
    let notes = truncation_notes(&r, path);
    assert!(
        flow_reported(&r, path, line) || !notes.is_empty(),
        "{path}: silent: neither the flow into line {line} nor a truncation note\n{}",
        summary(&r, path)
    );
    for n in &notes {
        assert!(
            n["line"].as_u64().is_some_and(|l| l > 0)
                && n["symbol"].as_str().is_some_and(|s| !s.is_empty())
                && n["limit"].as_str().is_some_and(|s| !s.is_empty()),
            "a note says which limit, where and in which symbol: {n}"
        );
    }
}

pub const PY_HEAD: &str =
    "import os\n\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n";

pub const JS_HEAD: &str = "const express = require('express');\nconst { exec } = require('child_process');\n\nconst app = express();\n\n";

pub const TS_HEAD: &str = "import express from 'express';\nimport { exec } from 'child_process';\n\nconst app = express();\n\n";

pub fn py_route(body: &str) -> String {
    format!("{PY_HEAD}@app.route(\"/c\")\ndef run():\n{body}    return \"ok\"\n")
}

pub fn js_route(head: &str, body: &str) -> String {
    format!("{head}app.get('/c', (req, res) => {{\n{body}  res.send('ok');\n}});\n")
}

// ------------------------------------------------------------ concatenation

pub fn py_concat(n: usize) -> String {
    let terms = vec!["\"x\""; n - 1].join(" + ");
    py_route(&format!(
        "    cmd = request.args[\"c\"] + {terms}\n    os.system(cmd)\n"
    ))
}

pub fn js_concat(head: &str, n: usize) -> String {
    let terms = vec!["'x'"; n - 1].join(" + ");
    js_route(
        head,
        &format!("  const cmd = req.query.c + {terms};\n  exec(cmd);\n"),
    )
}

// ------------------------------------------------------------ method chains

pub fn py_strip(n: usize) -> String {
    py_route(&format!(
        "    cmd = request.args[\"c\"]{}\n    os.system(cmd)\n",
        ".strip()".repeat(n)
    ))
}

pub fn js_trim(head: &str, n: usize) -> String {
    js_route(
        head,
        &format!(
            "  const cmd = req.query.c{};\n  exec(cmd);\n",
            ".trim()".repeat(n)
        ),
    )
}

// ------------------------------------------------------------ callbacks, lambdas, closures

/// `n` nested functions, each calling the next, the innermost running the
/// command the route read (a closure over `cmd`).
pub fn py_closures(n: usize) -> String {
    let mut body = String::from(" cmd = request.args[\"c\"]\n");
    for i in 0..n {
        body += &format!("{}def f{i}():\n", " ".repeat(i + 1));
    }
    body += &format!("{}os.system(cmd)\n", " ".repeat(n + 1));
    for i in (0..n).rev() {
        body += &format!("{}f{i}()\n", " ".repeat(i + 1));
    }
    format!("{PY_HEAD}@app.route(\"/c\")\ndef run():\n{body} return \"ok\"\n")
}

pub fn py_lambdas(n: usize) -> String {
    py_route(&format!(
        "    cmd = request.args[\"c\"]\n    f = {}os.system(cmd){}\n    f{}\n",
        "lambda: (".repeat(n),
        ")".repeat(n),
        "()".repeat(n + 1)
    ))
}

pub fn js_callbacks(head: &str, n: usize) -> String {
    let mut body = String::from("  const cmd = req.query.c;\n");
    for i in 0..n {
        body += &format!("{}setImmediate(() => {{\n", " ".repeat(i + 2));
    }
    body += &format!("{}exec(cmd);\n", " ".repeat(n + 2));
    for i in (0..n).rev() {
        body += &format!("{}}});\n", " ".repeat(i + 2));
    }
    js_route(head, &body)
}

// ------------------------------------------------------------ deep nesting of statements

pub fn py_nesting(n: usize) -> String {
    let kinds = [
        "if cmd:",
        "for _ in cmd:",
        "try:",
        "while cmd:",
        "with open(cmd) as fh:",
    ];
    let mut body = String::from(" cmd = request.args[\"c\"]\n");
    for i in 0..n {
        body += &format!("{}{}\n", " ".repeat(i + 1), kinds[i % kinds.len()]);
    }
    body += &format!("{}os.system(cmd)\n", " ".repeat(n + 1));
    for i in (0..n).rev() {
        if i % kinds.len() == 2 {
            body += &format!(
                "{}except Exception:\n{}pass\n",
                " ".repeat(i + 1),
                " ".repeat(i + 2)
            );
        }
    }
    format!("{PY_HEAD}@app.route(\"/c\")\ndef run():\n{body} return \"ok\"\n")
}

pub fn js_nesting(head: &str, n: usize) -> String {
    let kinds = [
        "if (cmd) {",
        "for (const _ of cmd) {",
        "try {",
        "while (cmd) {",
    ];
    let mut body = String::from("  const cmd = req.query.c;\n");
    for i in 0..n {
        body += &format!("{}{}\n", " ".repeat(i + 2), kinds[i % kinds.len()]);
    }
    body += &format!("{}exec(cmd);\n", " ".repeat(n + 2));
    for i in (0..n).rev() {
        let close = if i % kinds.len() == 2 {
            "} catch (e) {}"
        } else {
            "}"
        };
        body += &format!("{}{close}\n", " ".repeat(i + 2));
    }
    js_route(head, &body)
}

// ------------------------------------------------------------ helpers

/// The route passes the request's value to `h0`, which passes it to `h1`,
/// …, and the last one runs it.
pub fn py_helper_calls(n: usize) -> String {
    let mut text = format!(
        "{PY_HEAD}@app.route(\"/c\")\ndef run():\n    h0(request.args[\"c\"])\n    return \"ok\"\n"
    );
    for i in 0..n {
        let next = if i + 1 < n {
            format!("h{}(x)", i + 1)
        } else {
            "os.system(x)".into()
        };
        text += &format!("\n\ndef h{i}(x):\n    {next}\n");
    }
    text
}

pub fn js_helper_calls(n: usize) -> String {
    let mut text = js_route(JS_HEAD, "  h0(req.query.c);\n");
    for i in 0..n {
        let next = if i + 1 < n {
            format!("h{}(x)", i + 1)
        } else {
            "exec(x)".into()
        };
        text += &format!("\nfunction h{i}(x) {{\n  {next};\n}}\n");
    }
    text
}

/// `os.system(h0())`, `h0` returns `h1()`, …, the last returns request data.
pub fn py_helper_returns(n: usize) -> String {
    let mut text = format!(
        "{PY_HEAD}@app.route(\"/c\")\ndef run():\n    os.system(h0())\n    return \"ok\"\n"
    );
    for i in 0..n {
        let next = if i + 1 < n {
            format!("h{}()", i + 1)
        } else {
            "request.args[\"c\"]".into()
        };
        text += &format!("\n\ndef h{i}():\n    return {next}\n");
    }
    text
}

/// `exec(h0(req.query.c))`, `h0` returns `h1(x)`, …, the last returns `x`.
pub fn js_helper_returns(n: usize) -> String {
    let mut text = js_route(JS_HEAD, "  exec(h0(req.query.c));\n");
    for i in 0..n {
        let next = if i + 1 < n {
            format!("h{}(x)", i + 1)
        } else {
            "x.trim()".into()
        };
        text += &format!("\nfunction h{i}(x) {{\n  return {next};\n}}\n");
    }
    text
}

/// `cmd = a0() + … + a{n-1}() + get_cmd()`: `n` helpers returning
/// constants, then the one returning request data — all defined after the
/// route, so none is known when the sink is met and each must be
/// remembered for the engine to follow.
pub fn py_many_calls(n: usize) -> String {
    let calls: String = (0..n).map(|i| format!("a{i}() + ")).collect();
    let mut text = format!(
        "{PY_HEAD}@app.route(\"/c\")\ndef run():\n    cmd = {calls}get_cmd()\n    os.system(cmd)\n    return \"ok\"\n\n\ndef get_cmd():\n    return request.args[\"c\"]\n"
    );
    for i in 0..n {
        text += &format!("\n\ndef a{i}():\n    return \"x\"\n");
    }
    text
}

pub fn js_many_calls(n: usize) -> String {
    let calls: String = (0..n).map(|i| format!("a{i}() + ")).collect();
    let mut text = js_route(
        JS_HEAD,
        &format!("  const cmd = {calls}getCmd(req.query.c);\n  exec(cmd);\n"),
    );
    text += "\nfunction getCmd(v) {\n  return v.trim();\n}\n";
    for i in 0..n {
        text += &format!("\nfunction a{i}() {{\n  return 'x';\n}}\n");
    }
    text
}

// ------------------------------------------------------------ recursion

// ------------------------------------------------------------ other walks with a length

/// A command of unknown origin run `n` helper calls below a public route.
pub fn js_unknown_command_below(n: usize) -> String {
    // Commands handed to a callback: of unknown origin there.
    let mut text = js_route(JS_HEAD, "  h0();\n");
    for i in 0..n {
        let next = if i + 1 < n {
            format!("h{}()", i + 1)
        } else {
            "pending().forEach((c) => exec(c))".into()
        };
        text += &format!("\nfunction h{i}() {{\n  {next};\n}}\n");
    }
    text
}

// ------------------------------------------------------------ Python cases (run on both cores)

pub fn python_concatenation_of_300_terms_is_followed() {
    assert_flow("app.py", py_concat(300), "os.system(cmd)");
}

pub fn python_concatenation_of_20000_terms_is_followed() {
    assert_flow("app.py", py_concat(20_000), "os.system(cmd)");
}

pub fn python_string_building_in_a_returned_html_literal_is_followed() {
    // `return "<b>" + a + …`: the HTML literal sits at the bottom of a long
    // concatenation; the returned value is still seen as HTML.
    let terms = vec!["\"x\""; 40].join(" + ");
    let text = format!(
        "from flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route(\"/h\")\ndef page():\n    name = request.args[\"n\"]\n    return \"<b>\" + name + {terms}\n"
    );
    let line = line_of(&text, "return \"<b>\"");
    let r = run(&[("app.py", text)]);
    assert!(
        r.threats.iter().any(|t| t.rule == "cross-site-scripting"
            && t.location.start_line == line
            && t.confidence.name() == "confirmed"),
        "{}",
        summary(&r, "app.py")
    );
}

pub fn python_300_chained_strip_calls_are_followed() {
    assert_flow("app.py", py_strip(300), "os.system(cmd)");
}

pub fn python_20000_chained_strip_calls_are_followed() {
    assert_flow("app.py", py_strip(20_000), "os.system(cmd)");
}

pub fn python_100_nested_closures_are_followed_or_noted() {
    assert_flow_or_note("app.py", py_closures(100), "os.system(cmd)");
}

pub fn python_a_lambda_running_a_command_is_followed() {
    assert_flow("app.py", py_lambdas(1), "os.system(cmd)");
}

pub fn python_100_nested_lambdas_are_followed_or_noted() {
    assert_flow_or_note("app.py", py_lambdas(100), "os.system(cmd)");
}

pub fn python_300_nested_blocks_are_followed_or_noted() {
    assert_flow_or_note("app.py", py_nesting(300), "os.system(cmd)");
}

pub fn python_1500_nested_blocks_are_followed_or_noted() {
    assert_flow_or_note("app.py", py_nesting(1500), "os.system(cmd)");
}

pub fn python_300_assignments_through_a_helper_are_followed() {
    let mut body = String::from("    a0 = request.args[\"c\"]\n");
    for i in 0..300 {
        body += &format!("    a{} = h(a{i})\n", i + 1);
    }
    body += "    os.system(a300)\n";
    let text = format!(
        "{PY_HEAD}def h(v):\n    return v\n\n\n@app.route(\"/c\")\ndef run():\n{body}    return \"ok\"\n"
    );
    assert_flow("app.py", text, "os.system(a300)");
}

pub fn python_a_chain_of_50_helper_calls_is_followed() {
    assert_flow("app.py", py_helper_calls(50), "os.system(x)");
}

pub fn python_a_chain_of_returning_helpers_is_followed() {
    for n in [2, 50] {
        assert_flow("app.py", py_helper_returns(n), "os.system(h0())");
    }
}

pub fn python_the_helper_that_matters_after_other_helpers_is_followed() {
    assert_flow("app.py", py_many_calls(6), "os.system(cmd)");
    assert_flow_or_note("app.py", py_many_calls(40), "os.system(cmd)");
}

pub fn python_recursion_between_helpers_is_followed() {
    let text = format!(
        "{PY_HEAD}@app.route(\"/c\")\ndef run():\n    ping(request.args[\"c\"], 3)\n    os.system(pick(request.args[\"d\"], 3))\n    return \"ok\"\n\n\ndef ping(x, n):\n    if n:\n        pong(x, n - 1)\n    os.system(x)\n\n\ndef pong(x, n):\n    ping(x, n)\n\n\ndef pick(x, n):\n    if n:\n        return pack(x, n - 1)\n    return x\n\n\ndef pack(x, n):\n    return pick(x, n)\n"
    );
    assert_flow("app.py", text.clone(), "    os.system(x)");
    assert_flow("app.py", text, "os.system(pick(");
}

pub fn python_a_value_stored_deep_in_a_container_taints_it() {
    let keys: String = (0..40).map(|i| format!("[\"k{i}\"]")).collect();
    let text = py_route(&format!(
        "    data = {{}}\n    data{keys} = request.args[\"c\"]\n    os.system(data)\n"
    ));
    assert_flow("app.py", text, "os.system(data)");
}

// ------------------------------------------------------------ JavaScript and TypeScript cases

pub fn javascript_concatenation_of_300_terms_is_followed() {
    assert_flow("app.js", js_concat(JS_HEAD, 300), "exec(cmd)");
    assert_flow("app.ts", js_concat(TS_HEAD, 300), "exec(cmd)");
}

pub fn javascript_concatenation_of_20000_terms_is_followed() {
    assert_flow("app.js", js_concat(JS_HEAD, 20_000), "exec(cmd)");
}

pub fn javascript_300_chained_trim_calls_are_followed() {
    assert_flow("app.js", js_trim(JS_HEAD, 300), "exec(cmd)");
    assert_flow("app.ts", js_trim(TS_HEAD, 300), "exec(cmd)");
}

pub fn javascript_20000_chained_trim_calls_are_followed() {
    assert_flow("app.js", js_trim(JS_HEAD, 20_000), "exec(cmd)");
}

pub fn javascript_100_nested_callbacks_are_followed_or_noted() {
    assert_flow_or_note("app.js", js_callbacks(JS_HEAD, 100), "exec(cmd)");
    assert_flow_or_note("app.ts", js_callbacks(TS_HEAD, 100), "exec(cmd)");
}

pub fn javascript_3000_nested_callbacks_are_followed_or_noted() {
    assert_flow_or_note("app.js", js_callbacks(JS_HEAD, 3000), "exec(cmd)");
}

pub fn javascript_300_nested_blocks_are_followed_or_noted() {
    assert_flow_or_note("app.js", js_nesting(JS_HEAD, 300), "exec(cmd)");
    assert_flow_or_note("app.ts", js_nesting(TS_HEAD, 300), "exec(cmd)");
}

pub fn javascript_3000_nested_blocks_are_followed_or_noted() {
    assert_flow_or_note("app.js", js_nesting(JS_HEAD, 3000), "exec(cmd)");
}

pub fn javascript_300_assignments_through_a_helper_are_followed() {
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

pub fn javascript_a_chain_of_50_helper_calls_is_followed() {
    assert_flow("app.js", js_helper_calls(50), "exec(x)");
}

pub fn javascript_a_chain_of_returning_helpers_is_followed() {
    for n in [2, 50] {
        assert_flow("app.js", js_helper_returns(n), "exec(h0(");
    }
}

pub fn javascript_the_helper_that_matters_after_other_helpers_is_followed() {
    assert_flow("app.js", js_many_calls(6), "exec(cmd)");
    assert_flow_or_note("app.js", js_many_calls(40), "exec(cmd)");
}

pub fn javascript_recursion_between_helpers_is_followed() {
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

pub fn a_sink_deep_below_a_route_is_reached_from_it() {
    // A value of unknown origin is a finding where a route reaches the
    // sink, however many calls lie between them.
    for n in [2, 30] {
        let text = js_unknown_command_below(n);
        let line = line_of(&text, "exec(c)");
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

pub fn javascript_an_agent_tool_running_commands_through_helpers_is_seen() {
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
