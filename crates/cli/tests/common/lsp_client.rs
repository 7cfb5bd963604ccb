//! A Language Server Protocol client for the tests: it starts `breakwater
//! lsp` on a tree, frames JSON-RPC messages with Content-Length headers,
//! answers the server's own requests, and keeps the diagnostics published
//! for each URI. Shared by `lsp.rs` and `secrets_everywhere.rs`.
#![allow(dead_code)]

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// The date the server and `breakwater triage` see as today.
pub const TODAY: &str = "2026-11-27";

pub fn file_uri(p: &Path) -> String {
    let s = p.to_str().unwrap();
    assert!(
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-".contains(&b)),
        "the test builds URIs without encoding: {s}"
    );
    format!("file://{s}")
}

/// The environment both the server and `breakwater triage` run in.
pub fn env(cmd: &mut Command) -> &mut Command {
    cmd.env("GIT_AUTHOR_NAME", "Test User")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("BREAKWATER_TODAY", TODAY)
        .env_remove("BREAKWATER_CACHE_DIR")
}

pub struct Client {
    pub child: Child,
    pub stdin: ChildStdin,
    pub rx: Receiver<Value>,
    pub next_id: i64,
    /// The latest diagnostics published for each URI.
    pub diagnostics: BTreeMap<String, Vec<Value>>,
    /// Every notification received, in order.
    pub log: Vec<Value>,
    /// Every response received, in order.
    pub responses: Vec<Value>,
}

impl Client {
    pub fn start(root: &Path) -> Client {
        let mut child = env(&mut Command::new(env!("CARGO_BIN_EXE_breakwater")))
            .arg("lsp")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        len = v.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; len.expect("a Content-Length header")];
                r.read_exact(&mut body).unwrap();
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            rx,
            next_id: 0,
            diagnostics: BTreeMap::new(),
            log: vec![],
            responses: vec![],
        }
    }

    pub fn send(&mut self, msg: Value) {
        let body = serde_json::to_vec(&msg).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(&body).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next message from the server; requests from the server
    /// (registrations) are answered, notifications recorded.
    pub fn next(&mut self, deadline: Instant) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        let msg = match self.rx.recv_timeout(left) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => panic!(
                "no message from the server in time; diagnostics so far: {:#?}",
                self.diagnostics
            ),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        };
        if msg.get("method").is_some() && msg.get("id").is_some() {
            let id = msg["id"].clone();
            self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
        } else if msg["method"] == "textDocument/publishDiagnostics" {
            let p = &msg["params"];
            self.diagnostics.insert(
                p["uri"].as_str().unwrap().to_string(),
                p["diagnostics"].as_array().unwrap().clone(),
            );
        }
        if msg.get("method").is_some() {
            self.log.push(msg.clone());
        } else {
            self.responses.push(msg.clone());
        }
        msg
    }

    /// Write raw bytes as one framed message.
    pub fn send_raw(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(body).unwrap();
        self.stdin.flush().unwrap();
    }

    /// Send a request and wait for its response (`result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.request_within(method, params, Duration::from_secs(60))
    }

    pub fn request_within(&mut self, method: &str, params: Value, wait: Duration) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + wait;
        loop {
            let msg = self.next(deadline);
            if msg.get("method").is_none() && msg["id"] == json!(id) {
                return msg;
            }
        }
    }

    /// Wait until the diagnostics published for `uri` satisfy `pred`.
    pub fn wait_for(
        &mut self,
        uri: &str,
        what: &str,
        pred: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(d) = self.diagnostics.get(uri).filter(|d| pred(d)) {
                return d.clone();
            }
            if Instant::now() >= deadline {
                panic!(
                    "{what}: never published for {uri}; latest: {:#?}",
                    self.diagnostics.get(uri)
                );
            }
            self.next(deadline);
        }
    }

    pub fn initialize(&mut self, root: &Path, capabilities: Value) -> Value {
        let r = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": file_uri(root),
                "capabilities": capabilities,
                "workspaceFolders": [{"uri": file_uri(root), "name": "app"}],
            }),
        );
        assert!(r.get("error").is_none(), "{r}");
        self.notify("initialized", json!({}));
        r["result"].clone()
    }

    pub fn open(&mut self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
    }

    pub fn change(&mut self, uri: &str, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    pub fn shutdown(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "breakwater lsp exited with {status}");
                return;
            }
            assert!(Instant::now() < deadline, "breakwater lsp did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
