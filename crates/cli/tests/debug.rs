//! `breakwater debug flows` and the `BREAKWATER_CORE` switch, end to end.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const APP: &str = "const express = require('express');
const { exec } = require('child_process');
const app = express();

app.get('/a', (req, res) => {
  const cmd = req.query.cmd;
  if (!/^[a-z]+$/.test(cmd)) {
    return res.status(400).send('no');
  }
  exec(cmd);
});

app.get('/b', (request, response) => {
  exec('ls ' + request.query.dir);
});
";

fn project(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("breakwater.toml"), "").unwrap();
    std::fs::write(dir.join("app.js"), APP).unwrap();
    dir
}

fn run(dir: &Path, args: &[&str], core: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_breakwater"));
    c.args(args).current_dir(dir).env("NO_COLOR", "1");
    c.env(
        "BREAKWATER_CACHE_DIR",
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("debug-cache"),
    );
    match core {
        Some(v) => c.env("BREAKWATER_CORE", v),
        None => c.env_remove("BREAKWATER_CORE"),
    };
    c.output().expect("breakwater runs")
}

#[test]
fn debug_flows_prints_the_new_cores_sink_hits() {
    let dir = project("debug-flows");
    let o = run(&dir, &["debug", "flows", "app.js"], None);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        out.trim_end(),
        "app.js: 2 sink hit(s)
10:3 exec `child_process.exec` Safe in <lambda>
14:3 exec `child_process.exec` Confirmed in <lambda>
  source: request `request.query.dir` at 14:16
  step: built into a string at 14:8"
    );
    let o = run(&dir, &["debug", "flows", "breakwater.toml"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("reads no files of this kind"));
}

/// Sink lines and states of `breakwater facts` (JSON) for app.js.
fn sinks(o: &Output) -> Vec<(u64, String)> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let mut out = vec![];
    for file in v.as_array().unwrap() {
        for f in file["facts"].as_array().into_iter().flatten() {
            if f["subject"] == "sink" {
                out.push((
                    f["evidence"]["location"]["start_line"].as_u64().unwrap(),
                    f["flow"]["state"].as_str().unwrap_or("").to_string(),
                ));
            }
        }
    }
    out
}

#[test]
fn breakwater_core_ir_replaces_the_sinks_of_javascript() {
    let dir = project("debug-core-switch");
    let old = run(&dir, &["facts", "app.js"], Some("old"));
    let new = run(&dir, &["facts", "app.js"], Some("ir"));
    let default = run(&dir, &["facts", "app.js"], None);
    assert!(old.status.success() && new.status.success() && default.status.success());
    assert_eq!(
        sinks(&old),
        vec![(10, "tainted".to_string()), (14, "tainted".to_string())]
    );
    assert_eq!(sinks(&new), vec![(14, "tainted".to_string())]);
    // JavaScript is switched over: the default is the new core.
    assert_eq!(sinks(&default), sinks(&new));
    // A value that names no core is a mistake, not a silent default.
    let unknown = run(&dir, &["facts", "app.js"], Some("something-else"));
    assert_eq!(unknown.status.code(), Some(2));
    let err = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        err.contains("BREAKWATER_CORE=\"something-else\" names no analysis core"),
        "{err}"
    );
    assert!(unknown.stdout.is_empty());
}
