//! An AI provider served on loopback by the tests: each request is
//! recorded and answered with the next scripted reply. Shared by `ai.rs`
//! and `secrets_everywhere.rs`.
#![allow(dead_code)]

use serde_json::json;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone)]
pub enum Reply {
    /// 200 with this body.
    Ok(String),
    /// A status, a body and an optional Retry-After.
    Status(u16, String, Option<u64>),
    /// Wait, then 200 with this body.
    Slow(Duration, String),
    /// 200 with this many bytes of body.
    Huge(usize),
}

#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub headers: String,
    pub body: String,
}

pub struct Server {
    pub port: u16,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    pub peak: Arc<AtomicUsize>,
}

impl Server {
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// A provider on 127.0.0.1 that answers each request with the next reply.
pub fn serve(replies: Vec<Reply>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(vec![]));
    let peak = Arc::new(AtomicUsize::new(0));
    let queue = Arc::new(Mutex::new(VecDeque::from(replies)));
    let in_flight = Arc::new(AtomicUsize::new(0));
    let (s2, p2) = (seen.clone(), peak.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(64) {
            let Ok(stream) = stream else { continue };
            let (seen, peak, queue, in_flight) =
                (s2.clone(), p2.clone(), queue.clone(), in_flight.clone());
            std::thread::spawn(move || {
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut head = String::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        break;
                    }
                    if line == "\r\n" {
                        break;
                    }
                    head.push_str(&line);
                }
                let len = head
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse::<usize>().ok())?
                    })
                    .unwrap_or(0);
                let mut body = vec![0; len];
                let _ = reader.read_exact(&mut body);
                let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
                seen.lock().unwrap().push(Seen {
                    path,
                    headers: head.to_ascii_lowercase(),
                    body: String::from_utf8_lossy(&body).into_owned(),
                });
                let reply = queue.lock().unwrap().pop_front();
                let mut out = stream;
                let write = |out: &mut std::net::TcpStream,
                             status: u16,
                             extra: &str,
                             body: &[u8]| {
                    let _ = write!(
                        out,
                        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n{extra}\r\n",
                        body.len()
                    );
                    let _ = out.write_all(body);
                };
                match reply {
                    Some(Reply::Ok(b)) => write(&mut out, 200, "", b.as_bytes()),
                    Some(Reply::Status(s, b, ra)) => {
                        let extra = ra
                            .map(|r| format!("retry-after: {r}\r\n"))
                            .unwrap_or_default();
                        write(&mut out, s, &extra, b.as_bytes())
                    }
                    Some(Reply::Slow(d, b)) => {
                        std::thread::sleep(d);
                        write(&mut out, 200, "", b.as_bytes())
                    }
                    Some(Reply::Huge(n)) => {
                        let _ = write!(
                            out,
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {n}\r\nconnection: close\r\n\r\n"
                        );
                        let chunk = vec![b'a'; 64 * 1024];
                        let mut left = n;
                        while left > 0 {
                            let k = left.min(chunk.len());
                            if out.write_all(&chunk[..k]).is_err() {
                                break;
                            }
                            left -= k;
                        }
                    }
                    None => write(&mut out, 500, "", b"{\"error\":\"script exhausted\"}"),
                }
                in_flight.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    Server { port, seen, peak }
}

/// An OpenAI chat-completions answer carrying `content`.
pub fn openai(content: &str) -> String {
    json!({
        "id": "x", "object": "chat.completion",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 900, "completion_tokens": 100, "total_tokens": 1000}
    })
    .to_string()
}

/// The environment variables that configure a provider: a test clears
/// them so the machine's own configuration never leaks in.
pub const AI_ENV: &[&str] = &[
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_MODEL",
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_BASE_URL",
    "ANTHROPIC_MODEL",
    "OLLAMA_HOST",
    "BREAKWATER_AI_PROVIDER",
    "BREAKWATER_AI_MODEL",
    "BREAKWATER_AI_ENDPOINT",
    "BREAKWATER_AI_API_KEY",
    "BREAKWATER_AI_API_KEY_HEADER",
    "BREAKWATER_AI_TOKEN_BUDGET",
];

/// Clear [`AI_ENV`] from a command's environment.
pub fn clear_ai_env(cmd: &mut Command) -> &mut Command {
    for v in AI_ENV {
        cmd.env_remove(v);
    }
    cmd
}
