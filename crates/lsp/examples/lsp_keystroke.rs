//! The keystroke benchmark, end to end through the editor server: how long
//! after a keystroke the server has re-analysed the repository, published
//! what changed and answered the next request.
//!
//! Runs the server in-process on a pair of in-memory channels (everything
//! but the pipe: JSON-RPC framing and a few syscalls), opens FILE of the
//! repository at PATH, types a line of code into it one character per
//! `didChange` and sends a hover after each: the hover is answered only
//! after the edit is analysed and its diagnostics are published. Prints the
//! median, 95th percentile and maximum round trip. Nothing is written to
//! PATH except the facts cache (`PATH/.breakwater/cache`), as `scan` does.
//!
//! `cargo run --release -p bw-lsp --example lsp_keystroke -- PATH FILE [LINE]`

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TYPED: &str = "next_url = request.GET.get(\"next\", \"\")\n";

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(root), Some(file)) = (args.next(), args.next()) else {
        eprintln!("usage: keystroke PATH FILE [LINE]");
        std::process::exit(2);
    };
    let line: Option<usize> = args.next().and_then(|l| l.parse().ok());
    let root = std::fs::canonicalize(root).expect("PATH exists");
    let text = std::fs::read_to_string(root.join(&file)).expect("FILE is in PATH");
    let uri = bw_lsp::uri::from_path(&root.join(&file));

    let (server, client) = Connection::memory();
    let thread = std::thread::spawn(move || bw_lsp::run(&server));
    let mut c = Client {
        conn: client,
        id: 0,
    };

    let t = Instant::now();
    c.request(
        "initialize",
        json!({"processId": null, "rootUri": bw_lsp::uri::from_path(&root), "capabilities": {}}),
    );
    c.notify("initialized", json!({}));
    let hover = |line: usize, character: usize| json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}});
    // Answered once the session is built.
    c.request("textDocument/hover", hover(0, 0));
    println!(
        "server ready in {:.0} ms (listing, extraction through the facts cache, first analysis)",
        ms(t.elapsed())
    );
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
    );
    c.request("textDocument/hover", hover(0, 0));

    let at = insertion_line(&text, line);
    let indent: String = text
        .lines()
        .nth(at)
        .unwrap_or("")
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let typed = format!("{indent}{TYPED}");
    println!(
        "typing {} characters into {file} ({} bytes) at line {}",
        typed.chars().count(),
        text.len(),
        at + 1
    );
    let mut times = vec![];
    for (i, ch) in typed.chars().enumerate() {
        let pos = json!({"line": at, "character": i});
        let t = Instant::now();
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": i + 2},
                   "contentChanges": [{"range": {"start": pos, "end": pos}, "text": ch.to_string()}]}),
        );
        c.request("textDocument/hover", hover(0, 0));
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "keystroke to answer (ms): median {:.1}  p95 {:.1}  max {:.1}",
        ms(times[times.len() / 2]),
        ms(times[(times.len() * 95).div_ceil(100) - 1]),
        ms(times[times.len() - 1])
    );
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    thread
        .join()
        .expect("the server thread")
        .expect("a clean shutdown");
}

struct Client {
    conn: Connection,
    id: i32,
}

impl Client {
    fn notify(&self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Notification::new(method.into(), params).into())
            .expect("the server is running");
    }

    /// Send a request and wait for its response, answering the server's own
    /// requests and dropping its notifications on the way.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.id += 1;
        let id = RequestId::from(self.id);
        self.conn
            .sender
            .send(Request::new(id.clone(), method.into(), params).into())
            .expect("the server is running");
        loop {
            match self.conn.receiver.recv().expect("the server is running") {
                Message::Response(r) if r.id == id => {
                    return r
                        .response_result
                        .unwrap_or_else(|e| panic!("{method}: {}", e.message));
                }
                Message::Request(r) => {
                    let resp = lsp_server::Response::new_ok(r.id, Value::Null);
                    self.conn
                        .sender
                        .send(resp.into())
                        .expect("the server is running");
                }
                _ => {}
            }
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// LINE (1-based), else the line after the first `def` line (0-based).
fn insertion_line(text: &str, line: Option<usize>) -> usize {
    if let Some(n) = line {
        return n.saturating_sub(1);
    }
    text.lines()
        .position(|l| l.trim_start().starts_with("def ") && l.trim_end().ends_with(':'))
        .map_or(0, |i| i + 1)
}
