//! Linking across files with the new core's function summaries
//! (`BREAKWATER_CORE=ir`): a caller's argument and a callee's return value
//! keep the sink kinds they are clean for.

use bw_facts::budget::Budget;
use bw_facts::core::Core;
use bw_facts::flowspec::FlowSpec;
use bw_facts::{FileFacts, FlowState, extract_by};
use bw_files::Lang;

const HELPERS: &str = r#"import os


def run(cmd):
    os.system("run " + cmd)


def run_quoted(cmd):
    os.system("run " + cmd)


ALLOWED = {"/home", "/orders"}


def safe_target(url):
    if url in ALLOWED:
        return url
    return "/"


def passthrough(url):
    return url.strip()
"#;

const VIEWS: &str = r#"import html
import shlex
from flask import Flask, redirect, request
from shop.helpers import run, run_quoted, safe_target, passthrough

app = Flask(__name__)


@app.route("/a")
def a():
    run(html.escape(request.args["c"]))
    return "ok"


@app.route("/b")
def b():
    run_quoted(shlex.quote(request.args["c"]))
    return "ok"


@app.route("/c")
def c():
    return redirect(safe_target(request.args["next"]))


@app.route("/d")
def d():
    return redirect(passthrough(request.args["next"]))
"#;

fn linked(core: Core) -> Vec<FileFacts> {
    let spec = FlowSpec::builtin();
    let b = Budget::default();
    let mut files = vec![
        extract_by("shop/helpers.py", Lang::Python, HELPERS, &spec, &b, core).unwrap(),
        extract_by("shop/views.py", Lang::Python, VIEWS, &spec, &b, core).unwrap(),
    ];
    bw_model::link::link(&mut files);
    files
}

fn state(files: &[FileFacts], path: &str, line: u32) -> Option<FlowState> {
    files
        .iter()
        .find(|f| f.path == path)?
        .facts
        .iter()
        .find(|f| f.evidence.location.start_line == line && f.flow.is_some())
        .and_then(|f| f.flow.as_ref())
        .map(|f| f.state)
}

#[test]
fn an_argument_clean_for_the_callees_sink_kind_taints_nothing() {
    let files = linked(Core::Ir);
    // Escaped for HTML is not quoted for a shell: `a` passes outside data.
    assert_eq!(
        state(&files, "shop/helpers.py", 5),
        Some(FlowState::Tainted)
    );
    // Quoted for the shell, `b`'s argument passes nothing to it.
    assert_eq!(
        state(&files, "shop/helpers.py", 9),
        Some(FlowState::Unknown)
    );
    let views = files.iter().find(|f| f.path == "shop/views.py").unwrap();
    let b_arg = &views
        .functions
        .iter()
        .find(|f| f.symbol == "b")
        .unwrap()
        .calls
        .iter()
        .find(|c| c.callee == "shop.helpers.run_quoted")
        .unwrap()
        .args[0];
    assert_eq!(
        (b_arg.state, b_arg.clean.as_slice()),
        (FlowState::Tainted, &["exec".to_string()][..])
    );
}

#[test]
fn a_return_value_clean_for_the_sinks_kind_passes_nothing_on() {
    let files = linked(Core::Ir);
    // `safe_target` returns its argument only when it is allowed.
    assert_eq!(state(&files, "shop/views.py", 23), Some(FlowState::Unknown));
    // `passthrough` returns it whatever it is.
    assert_eq!(state(&files, "shop/views.py", 28), Some(FlowState::Tainted));
    let safe = files[0]
        .functions
        .iter()
        .find(|f| f.symbol == "safe_target")
        .unwrap();
    assert!(
        safe.returns_clean
            .iter()
            .any(|k| k == "redirect" || k == "*"),
        "{safe:?}"
    );
}
