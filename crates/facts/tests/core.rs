//! The new analysis core beside the old: its sink facts in the old
//! extractor's shape, the framework recognisers that seed handler
//! parameters, and the switch that picks the core.

use bw_facts::budget::Budget;
use bw_facts::core::{Core, sink_facts};
use bw_facts::flowspec::FlowSpec;
use bw_facts::{Fact, FlowState, Subject, extract_by};
use bw_files::Lang;

fn fixture(name: &str) -> String {
    let p = format!("{}/tests/fixtures/core/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// The new core's sink facts of a fixture, read as the file at `path`.
fn new_sinks(name: &str, path: &str, lang: Lang) -> Vec<Fact> {
    sink_facts(path, lang, &fixture(name), &FlowSpec::builtin()).expect("lowers")
}

fn at(facts: &[Fact], line: u32) -> Option<&Fact> {
    facts
        .iter()
        .find(|f| f.subject == Subject::Sink && f.evidence.location.start_line == line)
}

/// The lines of the sinks of `kind` outside data reaches.
fn tainted_lines(facts: &[Fact], kind: &str) -> Vec<u32> {
    facts
        .iter()
        .filter(|f| f.kind == kind)
        .filter(|f| {
            f.flow
                .as_ref()
                .is_some_and(|x| x.state == FlowState::Tainted)
        })
        .map(|f| f.evidence.location.start_line)
        .collect()
}

fn state(facts: &[Fact], line: u32) -> Option<FlowState> {
    at(facts, line)
        .and_then(|f| f.flow.as_ref())
        .map(|f| f.state)
}

#[test]
fn a_confirmed_flow_is_a_sink_fact_of_the_old_shape() {
    let text = fixture("express_handlers.js");
    let facts = new_sinks("express_handlers.js", "src/app.js", Lang::JavaScript);
    let f = at(&facts, 9).expect("exec at line 9");
    assert_eq!(f.kind, "exec");
    assert_eq!(f.str("callee"), Some("child_process.exec"));
    assert_eq!(
        f.evidence.symbol, "<module>",
        "an inline handler takes the module's symbol"
    );
    assert_eq!(f.evidence.text, "exec('ls ' + request.query.dir)");
    assert_eq!(f.evidence.location.path, "src/app.js");
    assert_eq!(
        (f.evidence.location.start_col, f.evidence.location.end_col),
        (3, 34)
    );
    let flow = f.flow.as_ref().unwrap();
    assert_eq!(flow.state, FlowState::Tainted);
    let src = flow.source.as_ref().expect("a source");
    assert_eq!(src.kind, "request");
    assert_eq!(src.location.start_line, 9);
    assert!(!flow.steps.is_empty());
    // The old extractor agrees on the verdict and the evidence.
    let old = bw_facts::extract("src/app.js", Lang::JavaScript, &text, &FlowSpec::builtin())
        .unwrap()
        .facts;
    let o = at(&old, 9).expect("old exec at line 9");
    assert_eq!(o.evidence, f.evidence);
    assert_eq!(o.flow.as_ref().unwrap().state, FlowState::Tainted);
}

#[test]
fn express_handlers_are_recognised_by_position_factory_destructuring_and_name() {
    let facts = new_sinks("express_handlers.js", "src/app.js", Lang::JavaScript);
    // `(request, response) => …`: positional aliasing.
    assert_eq!(state(&facts, 9), Some(FlowState::Tainted));
    // `router.get('/orders', listOrders())`: the factory's handler.
    assert_eq!(state(&facts, 14), Some(FlowState::Tainted));
    assert_eq!(at(&facts, 14).unwrap().evidence.symbol, "listOrders");
    // `({ query }, res) => …`
    assert_eq!(state(&facts, 20), Some(FlowState::Tainted));
    // `app.post('/named', named)`
    assert_eq!(state(&facts, 24), Some(FlowState::Tainted));
    assert_eq!(at(&facts, 24).unwrap().evidence.symbol, "named");
    // Not registered anywhere: its callers decide.
    let f = at(&facts, 29).unwrap();
    assert_eq!(f.flow.as_ref().unwrap().state, FlowState::FromParams);
    assert_eq!(f.flow.as_ref().unwrap().params, vec![0]);
}

#[test]
fn a_guard_that_returns_clears_the_sink_the_old_core_reports() {
    let text = fixture("guarded.js");
    let facts = new_sinks("guarded.js", "src/guarded.js", Lang::JavaScript);
    assert_eq!(
        state(&facts, 12),
        None,
        "the full-match regex guard dominates: {facts:#?}"
    );
    assert_eq!(state(&facts, 17), Some(FlowState::Tainted));
    let old = bw_facts::extract_by(
        "src/guarded.js",
        Lang::JavaScript,
        &text,
        &FlowSpec::builtin(),
        &bw_facts::budget::Budget::default(),
        Core::Old,
    )
    .unwrap()
    .facts;
    assert_eq!(
        state(&old, 12),
        Some(FlowState::Tainted),
        "the old core does not see the guard"
    );
    // By default JavaScript's sinks come from the new core.
    let def = bw_facts::extract(
        "src/guarded.js",
        Lang::JavaScript,
        &text,
        &FlowSpec::builtin(),
    )
    .unwrap()
    .facts;
    assert_eq!(state(&def, 12), None);
}

#[test]
fn next_route_handlers_and_server_actions_take_request_data() {
    // An App Router route handler: its first parameter is the request.
    let facts = new_sinks("next_route.ts", "app/api/run/route.ts", Lang::TypeScript);
    let f = at(&facts, 5).unwrap();
    assert_eq!(f.flow.as_ref().unwrap().state, FlowState::Tainted);
    // A server action: every parameter comes from the client.
    let facts = new_sinks("next_actions.ts", "app/actions.ts", Lang::TypeScript);
    let f = at(&facts, 6).unwrap();
    let flow = f.flow.as_ref().unwrap();
    assert_eq!(flow.state, FlowState::Tainted);
    assert_eq!(flow.source.as_ref().unwrap().label, "parameter `formData`");
    // The same functions outside a 'use server' module are plain.
    let plain = fixture("next_actions.ts").replacen("'use server';", "", 1);
    let facts = sink_facts(
        "lib/actions.ts",
        Lang::TypeScript,
        &plain,
        &FlowSpec::builtin(),
    )
    .unwrap();
    assert_eq!(state(&facts, 6), Some(FlowState::FromParams));
}

#[test]
fn nest_parameter_decorators_are_request_data() {
    let facts = new_sinks(
        "nest_controller.ts",
        "src/ops.controller.ts",
        Lang::TypeScript,
    );
    assert_eq!(state(&facts, 8), Some(FlowState::Tainted), "@Query('cmd')");
    assert_eq!(at(&facts, 8).unwrap().evidence.symbol, "OpsController.run");
    assert_eq!(
        state(&facts, 13),
        Some(FlowState::Tainted),
        "@Req() request"
    );
    assert_eq!(
        state(&facts, 17),
        Some(FlowState::FromParams),
        "undecorated"
    );
}

#[test]
fn agent_and_mcp_tools_take_tool_input() {
    let facts = new_sinks("mcp_tools.ts", "src/tools.ts", Lang::TypeScript);
    let kind = |line| {
        at(&facts, line)
            .and_then(|f| f.flow.as_ref()?.source.as_ref())
            .map(|s| s.kind.clone())
    };
    assert_eq!(
        kind(9).as_deref(),
        Some("tool-input"),
        "server.tool on an McpServer"
    );
    assert_eq!(
        kind(16).as_deref(),
        Some("tool-input"),
        "tool({{ execute }}) from ai"
    );
    assert_eq!(at(&facts, 16).unwrap().evidence.symbol, "<module>");
    // A `tool` method of an object no tool package made: no source.
    assert_eq!(state(&facts, 20), Some(FlowState::Unknown));
}

#[test]
fn the_switch_leaves_languages_the_new_core_does_not_cover_alone() {
    let text = fixture("Dockerfile");
    let spec = FlowSpec::builtin();
    let b = Budget::default();
    let old = extract_by("Dockerfile", Lang::Dockerfile, &text, &spec, &b, Core::Old).unwrap();
    let new = extract_by("Dockerfile", Lang::Dockerfile, &text, &spec, &b, Core::Ir).unwrap();
    assert!(!old.facts.is_empty());
    assert_eq!(old, new);
    assert!(!bw_facts::core::covers(Lang::Dockerfile));
}

#[test]
fn the_switch_replaces_only_the_sinks_of_covered_languages() {
    let text = fixture("guarded.js");
    let spec = FlowSpec::builtin();
    let b = Budget::default();
    let old = extract_by("src/g.js", Lang::JavaScript, &text, &spec, &b, Core::Old).unwrap();
    let new = extract_by(
        "src/g.js",
        Lang::JavaScript,
        &text,
        &spec,
        &b,
        Core::Default,
    )
    .unwrap();
    let others = |f: &bw_facts::FileFacts| -> Vec<Fact> {
        f.facts
            .iter()
            .filter(|x| x.subject != Subject::Sink)
            .cloned()
            .collect()
    };
    assert_eq!(others(&old), others(&new));
    assert_eq!(
        (old.imports.clone(), old.functions.clone()),
        (new.imports.clone(), new.functions.clone())
    );
    assert_eq!(state(&old.facts, 12), Some(FlowState::Tainted));
    assert_eq!(state(&new.facts, 12), None);
    assert_eq!(Core::parse(Some("ir")), Ok(Core::Ir));
    assert_eq!(Core::parse(Some("old")), Ok(Core::Old));
    assert_eq!(Core::parse(None), Ok(Core::Default));
    assert_eq!(Core::parse(Some("default")), Ok(Core::Default));
    // By default Python and JavaScript/TypeScript are switched over;
    // languages without a lowering are not.
    assert!(Core::Default.runs_ir(Lang::Python));
    assert!(Core::Default.runs_ir(Lang::JavaScript) && Core::Default.runs_ir(Lang::Tsx));
    assert!(!Core::Default.runs_ir(Lang::Dockerfile));
    assert!(Core::Ir.runs_ir(Lang::Tsx) && !Core::Old.runs_ir(Lang::Python));
    // `ir` makes the same facts as the default while every lowered
    // language is switched; its function summaries are the new core's.
    let ir = extract_by("src/g.js", Lang::JavaScript, &text, &spec, &b, Core::Ir).unwrap();
    assert_eq!((&ir.facts, &ir.imports), (&new.facts, &new.imports));
    assert!(Core::Ir.runs_summaries(Lang::Python) && !Core::Default.runs_summaries(Lang::Python));
    // Each selection caches apart.
    assert_eq!(Core::Old.key(), None);
    assert_eq!(
        Core::Default.key().as_deref(),
        Some("ir:python,javascript,typescript,tsx")
    );
    assert_eq!(
        Core::Ir.key().as_deref(),
        Some("ir:python,javascript,typescript,tsx+summaries")
    );
    assert!(
        Core::parse(Some("IR "))
            .unwrap_err()
            .contains("names no analysis core")
    );
}

#[test]
fn parameters_of_an_anonymous_function_are_of_unknown_origin() {
    let text = "const { exec } = require('child_process');\nfunction outer(a) {\n  [1].forEach(function () { exec(arguments[0]); });\n  const run = (cmd) => exec(cmd);\n  setImmediate((x) => { exec(x); });\n}\n";
    let facts = sink_facts("src/a.js", Lang::JavaScript, text, &FlowSpec::builtin()).unwrap();
    // A function bound to a name keeps it: its callers are linked.
    assert_eq!(at(&facts, 4).unwrap().evidence.symbol, "outer.run");
    assert_eq!(state(&facts, 4), Some(FlowState::FromParams));
    // An anonymous callback takes `outer`'s symbol, not its parameters.
    let f = at(&facts, 5).unwrap();
    assert_eq!(f.evidence.symbol, "outer");
    assert_eq!(f.flow.as_ref().unwrap().state, FlowState::Unknown);
    assert!(f.flow.as_ref().unwrap().params.is_empty());
}

#[test]
fn python_a_confirmed_flow_and_a_guard_the_new_core_clears() {
    let facts = new_sinks("flask_views.py", "app/views.py", Lang::Python);
    let f = at(&facts, 12).unwrap();
    assert_eq!(f.str("callee"), Some("os.system"));
    assert_eq!(f.evidence.symbol, "run");
    assert_eq!(f.evidence.text, "os.system(\"ls \" + name)");
    let flow = f.flow.as_ref().unwrap();
    assert_eq!(flow.state, FlowState::Tainted);
    assert_eq!(flow.source.as_ref().unwrap().label, "parameter `name`");
    // `if not re.fullmatch(...): return` dominates the sink.
    assert_eq!(state(&facts, 26), None);
    // `if fmt not in {...}: abort(400)`, then a string built from `fmt`
    // and a numeric route variable: nothing dangerous is left.
    assert_eq!(state(&facts, 38), None);
}

#[test]
fn flask_route_variables_are_request_data_unless_numeric() {
    let facts = new_sinks("flask_views.py", "app/views.py", Lang::Python);
    assert_eq!(state(&facts, 12), Some(FlowState::Tainted), "<name>");
    assert_eq!(state(&facts, 17), None, "<int:num> is clean");
    assert_eq!(
        state(&facts, 18),
        Some(FlowState::Tainted),
        "<tag> on a Blueprint"
    );
    assert_eq!(state(&facts, 30), Some(FlowState::FromParams), "not a view");
}

#[test]
fn fastapi_parameters_are_request_data_except_dependencies_and_numbers() {
    let facts = new_sinks("fastapi_app.py", "app/main.py", Lang::Python);
    assert_eq!(state(&facts, 15), Some(FlowState::Tainted), "name: str");
    assert_eq!(state(&facts, 16), None, "count: int is clean");
    // A dependency is what it returns (here a session's user: no request
    // data), and no caller decides it.
    assert_eq!(state(&facts, 17), None, "Depends(current_user)");
    assert_eq!(
        state(&facts, 22),
        Some(FlowState::Tainted),
        "request: Request"
    );
    // A dependency's parameter holds what the dependency returns: a header
    // read by it is request data, a number read by it is clean.
    let tainted = at(&facts, 35).and_then(|f| f.flow.as_ref()).unwrap();
    assert_eq!(tainted.state, FlowState::Tainted, "Depends(tenant)");
    assert_eq!(
        tainted.source.as_ref().unwrap().label,
        "parameter `x_tenant`"
    );
    assert_eq!(state(&facts, 36), None, "Depends(page_size): an int");
    // Any function reading a request marker is filled by FastAPI.
    assert_eq!(state(&facts, 40), Some(FlowState::Tainted), "= Header()");
    assert_eq!(state(&facts, 44), Some(FlowState::FromParams), "no marker");
    // A helper an endpoint calls, with the endpoint's header markers: its
    // other parameters are its callers' values, for the linker.
    assert_eq!(
        state(&facts, 48),
        Some(FlowState::FromParams),
        "a helper copying an endpoint's signature"
    );
}

#[test]
fn django_views_take_the_request_and_url_parameters() {
    let facts = new_sinks("django_views.py", "shop/views.py", Lang::Python);
    assert_eq!(state(&facts, 7), Some(FlowState::Tainted), "request.GET");
    assert_eq!(state(&facts, 8), Some(FlowState::Tainted), "slug");
    assert_eq!(state(&facts, 13), Some(FlowState::FromParams), "not a view");
    // Without Django imported, `request` is just a parameter's name.
    let plain = fixture("django_views.py").replace("from django.http import HttpResponse", "");
    let facts = sink_facts("shop/views.py", Lang::Python, &plain, &FlowSpec::builtin()).unwrap();
    assert_eq!(state(&facts, 7), Some(FlowState::FromParams));
}

#[test]
fn django_class_based_views_read_self_request_and_helpers_take_their_callers_values() {
    let facts = new_sinks("django_cbv.py", "shop/utils.py", Lang::Python);
    assert_eq!(
        state(&facts, 10),
        Some(FlowState::Tainted),
        "self.request.GET"
    );
    assert_eq!(
        state(&facts, 11),
        Some(FlowState::Tainted),
        "a handler's URL value"
    );
    assert_eq!(
        state(&facts, 14),
        Some(FlowState::FromParams),
        "a method that is no handler: its callers' value"
    );
    assert_eq!(
        state(&facts, 19),
        Some(FlowState::Tainted),
        "self.request.data"
    );
    assert_eq!(
        state(&facts, 23),
        Some(FlowState::FromParams),
        "a helper handed the request: its other parameters are its callers'"
    );
    assert_eq!(
        state(&facts, 24),
        Some(FlowState::Tainted),
        "request.GET in a helper"
    );
    // A mixin's method a view calls on itself: the call resolves to it
    // (through the view's base class), so the mixin's sink stays one fact
    // that depends on its parameter, for the model to link; the caller's
    // request data does not confirm it (what happens on the way in, the
    // engine's summary of the helper does not keep).
    let mixin = facts
        .iter()
        .filter(|f| f.subject == Subject::Sink && f.evidence.location.start_line == 29)
        .count();
    assert_eq!(
        state(&facts, 29),
        Some(FlowState::FromParams),
        "the mixin's own sink"
    );
    assert_eq!(mixin, 1);
    let a = bw_facts::core::analyse(
        "shop/utils.py",
        Lang::Python,
        &fixture("django_cbv.py"),
        &FlowSpec::builtin(),
    )
    .unwrap();
    assert!(
        a.result.hits.iter().any(|h| h.span.line == 34
            && h.via
                .as_ref()
                .is_some_and(|v| v.function == "FileMixin.serve")),
        "the view's call reaches the mixin's sink"
    );
    // The same function in a views module, or registered by a decorator,
    // is a view: its other parameters are the URL's.
    let facts = new_sinks("django_cbv.py", "shop/views.py", Lang::Python);
    assert_eq!(state(&facts, 23), Some(FlowState::Tainted));
    let decorated = fixture("django_cbv.py").replace(
        "def send_file(request, filename):",
        "@login_required\ndef send_file(request, filename):",
    );
    let facts = sink_facts(
        "shop/utils.py",
        Lang::Python,
        &decorated,
        &FlowSpec::builtin(),
    )
    .unwrap();
    assert_eq!(state(&facts, 24), Some(FlowState::Tainted));
    // Without Django or DRF imported, `self.request` is just a field.
    let plain = fixture("django_cbv.py")
        .replace("from django.views import View", "")
        .replace("from rest_framework.views import APIView", "");
    let facts = sink_facts("shop/views.py", Lang::Python, &plain, &FlowSpec::builtin()).unwrap();
    assert_ne!(state(&facts, 10), Some(FlowState::Tainted));
    assert_ne!(state(&facts, 19), Some(FlowState::Tainted));
}

#[test]
fn python_mcp_and_langchain_tools_take_tool_input() {
    let facts = new_sinks("mcp_tools.py", "ops/tools.py", Lang::Python);
    let kind = |line| {
        at(&facts, line)
            .and_then(|f| f.flow.as_ref()?.source.as_ref())
            .map(|s| s.kind.clone())
    };
    assert_eq!(kind(11).as_deref(), Some("tool-input"), "@mcp.tool()");
    assert_eq!(kind(16).as_deref(), Some("tool-input"), "@tool");
    assert!(at(&facts, 16).unwrap().flag("shell"));
    assert_eq!(state(&facts, 20), Some(FlowState::FromParams));
}

#[test]
fn the_switch_lowers_the_tree_the_old_extractor_parsed() {
    // The scan lowers the tree the old extractor parsed (one parse per
    // file); its sinks are those of lowering the text on its own, Python's
    // long comment runs (blanked for the grammar) included.
    let spec = FlowSpec::builtin();
    let b = Budget::default();
    let comments = "# a note\n".repeat(bw_lang::PYTHON_COMMENT_RUN + 10);
    let flask = format!("{comments}{}", fixture("flask_views.py"));
    for (path, lang, text) in [
        ("app/views.py", Lang::Python, flask),
        (
            "src/handlers.js",
            Lang::JavaScript,
            fixture("express_handlers.js"),
        ),
        ("src/tools.ts", Lang::TypeScript, fixture("mcp_tools.ts")),
    ] {
        let scanned = extract_by(path, lang, &text, &spec, &b, Core::Ir).unwrap();
        let mut scanned: Vec<Fact> = scanned
            .facts
            .into_iter()
            .filter(|f| f.subject == Subject::Sink)
            .collect();
        let mut alone = sink_facts(path, lang, &text, &spec).expect("lowers");
        assert!(!alone.is_empty(), "{path}");
        let key = |f: &Fact| (f.evidence.location.start_line, f.kind.clone());
        scanned.sort_by_key(key);
        alone.sort_by_key(key);
        assert_eq!(scanned, alone, "{path}");
    }
}

#[test]
fn numbers_and_digests_made_from_input_are_clean_in_both_languages() {
    // The same idioms in Python and JavaScript, in the same order: a size
    // divided into megabytes (a number) and a hash digest as a file name
    // are clean; the input's own text repeated, and its file name, are not.
    let py = new_sinks("derived.py", "app/upload.py", Lang::Python);
    let js = new_sinks("derived.js", "src/upload.js", Lang::JavaScript);
    let verdicts = |facts: &[Fact]| -> Vec<(String, Option<FlowState>)> {
        let mut v: Vec<&Fact> = facts
            .iter()
            .filter(|f| f.subject == Subject::Sink)
            .collect();
        v.sort_by_key(|f| f.evidence.location.start_line);
        v.iter()
            .map(|f| (f.kind.clone(), f.flow.as_ref().map(|x| x.state)))
            .collect()
    };
    // Safe sinks make no fact: what is left is the two unsafe ones.
    let expected = vec![
        ("log".to_string(), Some(FlowState::Tainted)),
        ("path".to_string(), Some(FlowState::Tainted)),
    ];
    assert_eq!(verdicts(&py), expected, "python");
    assert_eq!(verdicts(&js), expected, "javascript");
    assert_eq!(at(&py, 22).map(|f| f.kind.as_str()), Some("log"));
    assert_eq!(at(&js, 19).map(|f| f.kind.as_str()), Some("log"));
}

#[test]
fn starlette_routes_flask_class_views_and_agent_function_tools() {
    let facts = new_sinks("python_views.py", "app/views.py", Lang::Python);
    assert_eq!(
        state(&facts, 13),
        Some(FlowState::Tainted),
        "a Route's endpoint"
    );
    assert_ne!(
        state(&facts, 17),
        Some(FlowState::Tainted),
        "a function no Route names is no endpoint"
    );
    assert_eq!(
        state(&facts, 25),
        Some(FlowState::Tainted),
        "a MethodView handler's route variable"
    );
    assert_eq!(
        state(&facts, 26),
        None,
        "converted to a number by the registered route"
    );
    assert_ne!(
        state(&facts, 29),
        Some(FlowState::Tainted),
        "a view's helper method takes its callers' values"
    );
    let tool = at(&facts, 37).and_then(|f| f.flow.as_ref()?.source.as_ref());
    assert_eq!(
        tool.map(|s| s.kind.as_str()),
        Some("tool-input"),
        "@function_tool"
    );
}

#[test]
fn a_field_made_from_itself_settles() {
    // `self.qs = self.qs.filter(…)`: each round read the field's path back
    // one call longer, and the module's analysis never settled (a
    // truncation note on a file of 10 lines).
    let src = "class Listing:\n    def __init__(self, ids):\n        self.qs = self.qs.filter(id__in=ids)\n\n    def narrow(self, q):\n        self.qs = self.qs.exclude(q)\n        return self.qs\n";
    let a = settles("app/listing.py", src);
    assert!(a.result.analysed <= 8, "{} analyses", a.result.analysed);
}

#[test]
fn a_field_guarding_its_own_write_settles() {
    // `if not self.done: … self.done = True`: the field's constant from the
    // last round turned its own write off, and the next round on again.
    let src = "class Server:\n    def stop(self):\n        if not self.done:\n            self.done = True\n\n    def run(self):\n        if self.done:\n            return 1\n        return 2\n";
    settles("app/server.py", src);
}

#[test]
fn a_field_named_after_the_method_returning_it_settles() {
    // `self.panel = self.get_panel()` and `return self.panel`: the field
    // was named after the method's result, then the method's result after
    // the field, flipping every round (a truncation note on real class-based
    // views).
    let src = "class PanelMixin:\n    panel = None\n\n    def setup(self, request):\n        self.panel = self.get_panel()\n\n    def get_panel(self):\n        return self.panel\n";
    settles("app/panels.py", src);
}

#[test]
fn fields_written_from_methods_reading_other_fields_settle() {
    // A view's setup fills fields from methods that read the fields set
    // before them, a check rewrites one in a loop and tests it, and the
    // handlers read them all back: what the methods knew of each other went
    // back and forth until the rounds ran out.
    let src = r#"from django.shortcuts import get_object_or_404, render


class ReviewStepView:
    def setup(self, request, step_id, verb):
        self.verb = verb
        self.step_id = step_id
        self.back_url = self.find_back_url()
        self.step = self.load_step()
        self.stage = self.load_stage()
        self.form_class = self.pick_form()

    def find_back_url(self):
        nxt = self.request.GET.get("next")
        if nxt:
            return nxt
        return "/"

    def load_step(self):
        return get_object_or_404(Step, id=self.step_id).concrete

    def load_stage(self):
        return self.step.stage.concrete

    def pick_form(self):
        return self.stage.form_for(self.verb)

    def templates(self):
        if chosen := self.stage.template_for(self.verb):
            return [chosen]
        return ["review.html"]

    def check_verb(self):
        verbs = self.stage.verbs(self.request.user)
        self.verb_label = ""
        found = False
        for name, label in verbs:
            if name == self.verb:
                found = True
                self.verb_label = label
        if not found:
            raise PermissionError

    def get(self, request):
        return self.show(request, self.form_class())

    def context(self, **kwargs):
        return {"verb": self.verb, "label": self.verb_label, "step": self.step, **kwargs}

    def show(self, request, form):
        return render(request, self.templates(), self.context(form=form))
"#;
    settles("app/review.py", src);
}

#[test]
fn a_recursive_descent_parser_settles() {
    // Functions calling each other in a cycle, each summary changing the
    // next one up: a round moved the change one link, and the rounds ran
    // out before the chain's top (a truncation note on a migration's
    // small parser). Callers now run again within the round.
    let src = r#"class Reader:
    def __init__(self, tokens):
        self.tokens = tokens
        self.at = 0

    def take(self, kind):
        if self.at < len(self.tokens) and self.tokens[self.at][0] == kind:
            self.at += 1
            return self.tokens[self.at - 1]
        return None

    def need(self, kind):
        tok = self.take(kind)
        if tok is None:
            raise ValueError(kind)
        return tok

    def expr(self):
        parts = [self.term()]
        while self.take("or"):
            parts.append(self.term())
        return ("or", parts)

    def term(self):
        parts = [self.factor()]
        while self.take("and"):
            parts.append(self.factor())
        return parts[0] if len(parts) == 1 else ("and", parts)

    def factor(self):
        if self.take("("):
            inner = self.expr()
            self.need(")")
            return inner
        return self.atom()

    def atom(self):
        name = self.need("name")
        if self.take("in"):
            return ("in", name, self.values())
        return ("is", name, self.need("value"))

    def values(self):
        self.need("[")
        items = [self.need("value")]
        while self.take(","):
            items.append(self.need("value"))
        self.need("]")
        return tuple(items)
"#;
    let a = settles("app/reader.py", src);
    assert!(a.result.analysed <= 40, "{} analyses", a.result.analysed);
}

#[test]
fn a_runnable_is_a_prompt_on_a_model_and_not_on_a_tool() {
    let facts = new_sinks("runnables.py", "app/ask.py", Lang::Python);
    let prompts: Vec<u32> = facts
        .iter()
        .filter(|f| f.subject == Subject::Sink && f.kind == "prompt")
        .map(|f| f.evidence.location.start_line)
        .collect();
    assert_eq!(prompts, vec![22], "llm.invoke, not the tool's invoke");
    // Without an LLM framework imported, `invoke` is no prompt anywhere.
    let plain = fixture("runnables.py")
        .replace("from langchain_core.tools import tool\n", "")
        .replace("from langchain_openai import ChatOpenAI\n", "")
        .replace("@tool\n", "");
    let facts = sink_facts("app/ask.py", Lang::Python, &plain, &FlowSpec::builtin()).unwrap();
    assert!(!facts.iter().any(|f| f.kind == "prompt"), "{facts:?}");
}

#[test]
fn a_host_checked_through_a_variable_guards_the_url_in_both_languages() {
    let py = new_sinks("host_guards.py", "app/net.py", Lang::Python);
    assert_eq!(
        state(&py, 12),
        None,
        "host = urlparse(url).hostname; checked"
    );
    assert_eq!(
        state(&py, 20),
        Some(FlowState::FromParams),
        "the variable replaced before the check guards nothing"
    );
    // `**kwargs` beside a URL given by position cannot hold the URL.
    assert_eq!(state(&py, 24), None, "options passed on");
    assert_eq!(state(&py, 28), Some(FlowState::FromParams), "get(**kwargs)");
    let js = new_sinks("host_guards.js", "src/net.js", Lang::JavaScript);
    assert_eq!(
        state(&js, 8),
        None,
        "const host = new URL(url).hostname; checked"
    );
    assert_eq!(state(&js, 17), Some(FlowState::FromParams));
}

#[test]
fn placeholders_numbered_by_a_range_over_input_are_clean() {
    // A query with one numbered placeholder per word: the numbers come from
    // `range(len(words))`, the words go in as parameters. Formatting the
    // words themselves in is still an injection.
    let text = r#"from flask import request
from sqlalchemy import text

from app.db import db


def search():
    words = request.args["q"].split()
    clauses = " OR ".join(f"subject ILIKE :w{i}" for i in range(len(words)))
    params = {f"w{i}": f"%{w}%" for i, w in enumerate(words)}
    db.session.execute(text(f"SELECT * FROM tickets WHERE {clauses}"), params)
    inline = " OR ".join(f"subject ILIKE '%{w}%'" for w in words)
    db.session.execute(text(f"SELECT * FROM tickets WHERE {inline}"))
"#;
    let facts = sink_facts("app/search.py", Lang::Python, text, &FlowSpec::builtin()).unwrap();
    let sql: Vec<(u32, Option<FlowState>)> = facts
        .iter()
        .filter(|f| f.kind == "sql")
        .map(|f| {
            (
                f.evidence.location.start_line,
                f.flow.as_ref().map(|x| x.state),
            )
        })
        .collect();
    assert!(
        !sql.iter().any(|(l, _)| *l == 11),
        "numbered placeholders: {sql:?}"
    );
    assert!(
        sql.iter()
            .any(|(l, s)| *l == 13 && *s == Some(FlowState::Tainted)),
        "{sql:?}"
    );
}

#[test]
fn a_url_whose_host_is_fixed_is_no_ssrf_in_both_languages() {
    // The same five URLs in each: a setting then a path, a literal base
    // with its host, then input as the host, glued to a host with no
    // slash, and leading the URL.
    let py = new_sinks("pinned_hosts.py", "app/fetch.py", Lang::Python);
    let js = new_sinks("pinned_hosts.js", "src/fetch.js", Lang::JavaScript);
    assert_eq!(tainted_lines(&py, "ssrf"), [13, 14, 15]);
    assert_eq!(tainted_lines(&js, "ssrf"), [10, 11, 12]);
}

#[test]
fn a_value_tested_false_is_empty_in_both_languages() {
    // `if not name: log(name)`: where the test fails the value is empty,
    // zero or none; the other branch still logs the input.
    let py = new_sinks("falsy.py", "app/views.py", Lang::Python);
    assert_eq!(state(&py, 11), None, "python: the false branch");
    assert_eq!(state(&py, 13), Some(FlowState::Tainted));
    let js = new_sinks("falsy.js", "src/app.js", Lang::JavaScript);
    assert_eq!(state(&js, 9), None, "javascript: the false branch");
    assert_eq!(state(&js, 11), Some(FlowState::Tainted));
}

#[test]
fn a_response_declared_another_type_before_it_is_sent_is_no_html() {
    // `res.type('json')`, a fluent `type('text/plain')`, `writeHead` with a
    // JSON type: no HTML. An HTML type, no type, or another header: HTML.
    let js = new_sinks("response_types.js", "src/app.js", Lang::JavaScript);
    assert_eq!(tainted_lines(&js, "html"), [22, 26, 31]);
}

#[test]
fn a_command_run_through_a_shell_is_marked_so_on_the_new_core() {
    let spec = FlowSpec::builtin();
    let b = Budget::default();
    let shells = |path: &str, lang: Lang, text: &str| -> Vec<(u32, bool)> {
        extract_by(path, lang, text, &spec, &b, Core::Ir)
            .unwrap()
            .facts
            .iter()
            .filter(|f| f.subject == Subject::Sink && f.kind == "exec")
            .map(|f| (f.evidence.location.start_line, f.flag("shell")))
            .collect()
    };
    let py = "import os, subprocess\nfrom flask import request\ndef run():\n    c = request.args['c']\n    os.system(c)\n    subprocess.run(c, shell=True)\n    subprocess.run([c])\n";
    assert_eq!(
        shells("app.py", Lang::Python, py),
        [(5, true), (6, true), (7, false)]
    );
    let js = "const cp = require('child_process');\nfunction run(c) {\n  cp.exec(c);\n  cp.spawn(c, [], { shell: true });\n  cp.spawn(c, []);\n}\nmodule.exports = run;\n";
    assert_eq!(
        shells("run.js", Lang::JavaScript, js),
        [(3, true), (4, true), (5, false)]
    );
}

#[test]
fn a_loop_formatting_into_a_list_settles() {
    // A formatted string (clean for NoSQL) added to a list in a loop: the
    // loop's head joins the list from before it with the body's until
    // nothing changes, which it must reach within the engine's bounds.
    let text = "def construct(history):\n    for chat in history:\n        content = [chat.message]\n        for file in chat.files:\n            content += [f'{file[\"name\"]}']\n        use(content)\n";
    let ff = extract_by(
        "app/history.py",
        Lang::Python,
        text,
        &FlowSpec::builtin(),
        &Budget::default(),
        Core::Ir,
    )
    .unwrap();
    assert!(ff.truncated.is_empty(), "{:?}", ff.truncated);
}

#[test]
fn a_sink_reached_by_more_unmodelled_calls_than_kept_is_noted() {
    // Each `h.partN()` is a call into another module whose result the
    // linker decides; a value remembers the first few. Past them a note
    // says so, from the core that made the sink; the old extractor's notes
    // on its own (replaced) sinks are not kept.
    let notes = |n: usize, core: Core| {
        let calls: Vec<String> = (0..n).map(|i| format!("h.part{i}()")).collect();
        let text = format!(
            "import os\nimport app.helpers as h\n\n\ndef run():\n    os.system({})\n",
            calls.join(" + ")
        );
        let ff = extract_by(
            "app/run.py",
            Lang::Python,
            &text,
            &FlowSpec::builtin(),
            &Budget::default(),
            core,
        )
        .unwrap();
        ff.truncated
            .iter()
            .map(|t| (t.limit.clone(), t.location.start_line))
            .collect::<Vec<_>>()
    };
    assert_eq!(notes(4, Core::Default), vec![]);
    assert_eq!(
        notes(5, Core::Default),
        vec![("unresolved-calls".to_string(), 6)]
    );
    // The old extractor keeps more of them: on its own, 5 make no note.
    assert_eq!(notes(5, Core::Old), vec![]);
}

/// The new core's analysis of a Python source, which must settle within
/// the engine's bounds (no truncation note).
fn settles(path: &str, src: &str) -> bw_facts::core::Analysis {
    let a = bw_facts::core::analyse(path, Lang::Python, src, &FlowSpec::builtin()).unwrap();
    assert!(a.result.truncated.is_empty(), "{:?}", a.result.truncated);
    a
}

/// The call sites of `symbol`'s summary: (callee, each argument's state).
fn calls_of(f: &bw_facts::FileFacts, symbol: &str) -> Vec<(String, Vec<FlowState>)> {
    f.functions
        .iter()
        .find(|s| s.symbol == symbol)
        .unwrap_or_else(|| panic!("no summary of {symbol}: {:#?}", f.functions))
        .calls
        .iter()
        .map(|c| (c.callee.clone(), c.args.iter().map(|a| a.state).collect()))
        .collect()
}

#[test]
fn under_ir_function_summaries_and_call_sites_come_from_the_new_core_in_both_languages() {
    use FlowState::{FromParams, Safe, Tainted};
    let spec = FlowSpec::builtin();
    let b = Budget::default();
    let py = extract_by(
        "shop/views.py",
        Lang::Python,
        &fixture("callsites.py"),
        &spec,
        &b,
        Core::Ir,
    )
    .unwrap();
    let cancel = py
        .functions
        .iter()
        .find(|f| f.symbol == "Orders.cancel")
        .expect("a method's summary");
    // A method counts its receiver, as the linker's call sites do.
    assert_eq!(cancel.export_name, "shop.views.Orders.cancel");
    assert_eq!(cancel.params, ["self", "order_id", "reason"]);
    assert_eq!(cancel.returns_params, [2]);
    let sink = at(&py.facts, 11).expect("the method's own sink");
    assert_eq!(sink.flow.as_ref().unwrap().params, [1]);
    assert_eq!(
        calls_of(&py, "orders"),
        [
            ("shop.views.Orders".to_string(), vec![]),
            // `Orders().cancel(term)`: a method of an object made in the call.
            ("shop.views.Orders.cancel".to_string(), vec![Safe, Tainted]),
            ("shop.views.Orders".to_string(), vec![]),
            // A keyword argument lands at its parameter's position.
            (
                "shop.views.Orders.cancel".to_string(),
                vec![Safe, Safe, Tainted]
            ),
            // A number made of input is clean; a constant query with a
            // placeholder is parameterised SQL.
            ("shop.reports.export_csv".to_string(), vec![Safe, Safe]),
            ("shop.views.lookup".to_string(), vec![Tainted]),
        ]
    );
    let export = &py
        .functions
        .iter()
        .find(|f| f.symbol == "orders")
        .unwrap()
        .calls[4];
    assert!(!export.args[0].parameterised_sql && export.args[1].parameterised_sql);
    // `from shop import store; store.find(term)`: a module's function.
    assert_eq!(
        calls_of(&py, "lookup"),
        [("shop.store.find".to_string(), vec![FromParams])]
    );

    let js = extract_by(
        "src/orders.js",
        Lang::JavaScript,
        &fixture("callsites.js"),
        &spec,
        &b,
        Core::Ir,
    )
    .unwrap();
    let lookup = js.functions.iter().find(|f| f.symbol == "lookup").unwrap();
    // Known to other modules by the name it is exported as; a method of
    // the same name is not.
    assert_eq!(lookup.export_name, "src/orders::search");
    let method = js
        .functions
        .iter()
        .find(|f| f.symbol == "Archive.lookup")
        .unwrap();
    assert_eq!(method.export_name, "src/orders::Archive.lookup");
    assert_eq!(lookup.returns_params, [0]);
    assert_eq!(lookup.returns_calls, ["src/store::find"]);
    // The handler is anonymous: its calls count for the module's code.
    assert_eq!(
        calls_of(&js, "<module>"),
        [
            ("src/orders::Orders".to_string(), vec![]),
            ("src/orders::Orders.cancel".to_string(), vec![Tainted]),
            ("src/reports::exportCsv".to_string(), vec![Safe, Safe]),
            ("src/orders::search".to_string(), vec![Tainted]),
        ]
    );
    // The method's sink is reached from the handler within the file.
    for (name, path, lang, line) in [
        ("callsites.js", "src/orders.js", Lang::JavaScript, 18),
        ("callsites.py", "shop/views.py", Lang::Python, 22),
    ] {
        let analysis = bw_facts::core::analyse(path, lang, &fixture(name), &spec).unwrap();
        assert!(
            analysis.result.hits.iter().any(|h| h.span.line == line
                && h.kind == "exec"
                && h.verdict == bw_flow::Verdict::Confirmed
                && h.via.is_some()),
            "{name}"
        );
    }
}

#[test]
fn parameters_do_not_pass_through_unmodelled_calls_in_both_languages() {
    // A row the server's own query returned, or what an unmodelled call
    // returns, is not the caller's data: at most of unknown origin, as the
    // caller's own data would be there. A propagator still passes it. A
    // function imported from a package the catalogue names is a library's;
    // one imported from elsewhere may be the repository's, and passes them
    // for the linker to decide.
    let expect = [
        (FlowState::Unknown, "a row"),
        (FlowState::Unknown, "unmodelled"),
        (FlowState::Tainted, "propagated"),
        (FlowState::Unknown, "a library's"),
        (FlowState::Tainted, "imported"),
    ];
    for (name, path, lang, lines) in [
        (
            "server_rows.py",
            "app.py",
            Lang::Python,
            [24, 25, 26, 40, 41],
        ),
        (
            "server_rows.js",
            "src/app.js",
            Lang::JavaScript,
            [22, 23, 24, 37, 38],
        ),
    ] {
        let facts = new_sinks(name, path, lang);
        for (line, (st, what)) in lines.iter().zip(expect) {
            assert_eq!(state(&facts, *line), Some(st), "{name}: {what}");
        }
    }
}
