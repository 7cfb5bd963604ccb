//! The stdio transport: `Content-Length` framing of JSON-RPC messages on
//! stdin and stdout, in two threads.
//!
//! `lsp-server`'s own stdio transport ends the connection on the first
//! message that does not parse, and sizes its buffer by whatever
//! `Content-Length` says; an editor's bug or a stray write to the server's
//! stdin would then end the session (or the process, on a huge length).
//! Here a bad message is answered as JSON-RPC asks — a `Parse error`, or an
//! `Invalid Request` with the request's id when it has one — and skipped;
//! the server goes on with the next one. A batch (LSP disallows them) is
//! refused with an `Invalid Request` for each request in it, so nothing is
//! left unanswered. Headers and bodies are bounded.

use crossbeam_channel::{Receiver, Sender, bounded};
use lsp_server::{ErrorCode, Message};
use serde_json::{Value, json};
use std::io::{self, BufRead, Read, Write};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// The largest message body read (an editor sends a whole file on open;
/// the analysis reads files up to a few MiB).
pub const MAX_BODY_BYTES: usize = 64 << 20;

/// How many messages the reader queues ahead of the server.
const QUEUE: usize = 1024;

/// The longest header line read.
const MAX_HEADER_BYTES: u64 = 8 << 10;

/// What one frame of input held.
#[derive(Debug)]
pub enum Frame {
    Message(Message),
    /// A frame that is not a JSON-RPC message: the answer to send (when
    /// there is one) and why, for the log.
    Bad {
        reply: Option<Value>,
        why: String,
    },
}

fn error_reply(id: Value, code: ErrorCode, message: &str) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code as i32, "message": message },
    })
}

/// Read one header line (without its line ending); `None` at end of input.
fn header_line(r: &mut impl BufRead) -> io::Result<Option<String>> {
    let mut buf = Vec::new();
    let n = (&mut *r)
        .take(MAX_HEADER_BYTES)
        .read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() != Some(&b'\n') && n as u64 == MAX_HEADER_BYTES {
        // Skip the rest of an overlong line, without holding it.
        loop {
            let chunk = r.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            match chunk.iter().position(|b| *b == b'\n') {
                Some(i) => {
                    r.consume(i + 1);
                    break;
                }
                None => {
                    let len = chunk.len();
                    r.consume(len);
                }
            }
        }
    }
    let line = String::from_utf8_lossy(&buf);
    Ok(Some(line.trim_end_matches(['\r', '\n']).to_string()))
}

/// Read the next frame; `None` at the end of input.
pub fn read_frame(r: &mut impl BufRead) -> io::Result<Option<Frame>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut headers = false;
    loop {
        let Some(line) = header_line(r)? else {
            return Ok(None);
        };
        if line.is_empty() {
            if headers {
                break;
            }
            // Blank lines between messages are harmless.
            continue;
        }
        headers = true;
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = Some(
                value
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| format!("Content-Length `{}` is not a number", value.trim())),
            );
        }
    }
    let length =
        match length.unwrap_or_else(|| Err("a message without a Content-Length header".into())) {
            Ok(n) => n,
            Err(why) => {
                return Ok(Some(Frame::Bad {
                    reply: Some(error_reply(Value::Null, ErrorCode::ParseError, &why)),
                    why,
                }));
            }
        };
    if length > MAX_BODY_BYTES {
        // Read past it, so the next message is read from its start.
        let skipped = io::copy(&mut (&mut *r).take(length as u64), &mut io::sink())?;
        if (skipped as usize) < length {
            return Ok(None);
        }
        let why = format!("a message of {length} bytes, over the limit of {MAX_BODY_BYTES}");
        return Ok(Some(Frame::Bad {
            reply: Some(error_reply(Value::Null, ErrorCode::InvalidRequest, &why)),
            why,
        }));
    }
    let mut body = vec![0; length];
    match r.read_exact(&mut body) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    Ok(Some(parse(&body)))
}

/// Why a batch is refused (the answer each of its requests gets).
const NO_BATCHES: &str = "batch messages are not supported: the Language Server Protocol does not allow them; send each message on its own";

/// A JSON-RPC batch (an array of messages). LSP disallows batches, so none
/// is processed; but every request in it is answered, as JSON-RPC answers
/// a batch (one array of responses), with an `Invalid Request` error under
/// its own id, so no client waits forever. Notifications in it get no
/// answer (there is none to give); an empty batch gets one error.
fn batch(items: &[Value]) -> Frame {
    if items.is_empty() {
        let why = "an empty batch".to_string();
        return Frame::Bad {
            reply: Some(error_reply(Value::Null, ErrorCode::InvalidRequest, &why)),
            why,
        };
    }
    let replies: Vec<Value> = items
        .iter()
        .filter(|m| m.get("method").is_some())
        .filter_map(|m| m.get("id").filter(|id| id.is_string() || id.is_i64()))
        .map(|id| error_reply(id.clone(), ErrorCode::InvalidRequest, NO_BATCHES))
        .collect();
    let why = format!(
        "a batch of {} message(s) ({} request(s) answered with an error)",
        items.len(),
        replies.len()
    );
    Frame::Bad {
        reply: (!replies.is_empty()).then_some(Value::Array(replies)),
        why,
    }
}

/// A message body as a JSON-RPC message, or the error to answer with.
fn parse(body: &[u8]) -> Frame {
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            let why = format!("the message is not JSON ({e})");
            return Frame::Bad {
                reply: Some(error_reply(Value::Null, ErrorCode::ParseError, &why)),
                why,
            };
        }
    };
    if let Value::Array(items) = &value {
        return batch(items);
    }
    let id = value
        .get("id")
        .filter(|id| id.is_string() || id.is_i64())
        .cloned();
    let is_response = value.get("method").is_none()
        && (value.get("result").is_some() || value.get("error").is_some());
    match serde_json::from_value::<Message>(value) {
        Ok(m) => Frame::Message(m),
        Err(e) => {
            let why =
                format!("the message is not a JSON-RPC request, notification or response ({e})");
            // A notification gets no answer; neither does a response.
            let reply = match (&id, is_response) {
                (Some(id), false) => Some(error_reply(id.clone(), ErrorCode::InvalidRequest, &why)),
                _ => None,
            };
            Frame::Bad { reply, why }
        }
    }
}

fn write_frame(w: &mut impl Write, body: &[u8]) -> io::Result<()> {
    write!(w, "Content-Length: {}\r\n\r\n", body.len())?;
    w.write_all(body)?;
    w.flush()
}

/// Read frames from `input` and pass the messages on to `to_server`; bad
/// frames are answered on `output` and reported on `log`. Stops at the end
/// of input, after an `exit` notification, or when the server is gone.
pub fn read_loop<W: Write>(
    mut input: impl BufRead,
    to_server: Sender<Message>,
    output: &Mutex<W>,
    log: &mut dyn FnMut(&str),
) -> io::Result<()> {
    while let Some(frame) = read_frame(&mut input)? {
        match frame {
            Frame::Message(m) => {
                let exit = matches!(&m, Message::Notification(n) if n.method == "exit");
                if to_server.send(m).is_err() || exit {
                    return Ok(());
                }
            }
            Frame::Bad { reply, why } => {
                log(&format!("breakwater lsp: skipped a bad message: {why}"));
                if let Some(reply) = reply {
                    let body = serde_json::to_vec(&reply).unwrap_or_default();
                    let mut out = output.lock().unwrap_or_else(|e| e.into_inner());
                    write_frame(&mut *out, &body)?;
                }
            }
        }
    }
    Ok(())
}

/// Write the server's messages to `output` until the server drops its sender.
pub fn write_loop<W: Write>(from_server: Receiver<Message>, output: &Mutex<W>) -> io::Result<()> {
    for m in from_server {
        let mut out = output.lock().unwrap_or_else(|e| e.into_inner());
        m.write(&mut *out)?;
    }
    Ok(())
}

/// The threads of a stdio connection.
pub struct Threads {
    pub reader: JoinHandle<io::Result<()>>,
    pub writer: JoinHandle<io::Result<()>>,
}

/// A connection over stdin and stdout.
pub fn stdio() -> (lsp_server::Connection, Threads) {
    // Room for a burst of messages: the server analyses once the queue is
    // empty, so a burst of edits costs one analysis. (A channel without
    // room, as `lsp-server` makes, is always empty: one analysis per message.)
    let (to_server, receiver) = bounded::<Message>(QUEUE);
    let (sender, from_server) = bounded::<Message>(0);
    let output = Arc::new(Mutex::new(io::stdout()));
    let out = output.clone();
    let writer = std::thread::spawn(move || write_loop(from_server, &out));
    let reader = std::thread::spawn(move || {
        let stdin = io::stdin();
        // A closed stderr loses the log line, never the server.
        read_loop(stdin.lock(), to_server, &output, &mut |m| {
            let _ = writeln!(io::stderr(), "{m}");
        })
    });
    (
        lsp_server::Connection { sender, receiver },
        Threads { reader, writer },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    /// Run the reader over `input`: the messages it passes on, and the
    /// replies it wrote.
    fn read_all(input: &[u8]) -> (Vec<Message>, Vec<Value>, Vec<String>) {
        let (tx, rx) = crossbeam_channel::unbounded();
        let out = Mutex::new(Vec::new());
        let mut logged = vec![];
        read_loop(Cursor::new(input.to_vec()), tx, &out, &mut |m| {
            logged.push(m.to_string())
        })
        .unwrap();
        let msgs: Vec<Message> = rx.try_iter().collect();
        let text = String::from_utf8(out.into_inner().unwrap()).unwrap();
        let mut replies = vec![];
        let mut rest = text.as_str();
        while let Some(h) = rest.strip_prefix("Content-Length: ") {
            let (n, after) = h.split_once("\r\n\r\n").unwrap();
            let n: usize = n.parse().unwrap();
            replies.push(serde_json::from_str(&after[..n]).unwrap());
            rest = &after[n..];
        }
        assert!(rest.is_empty(), "{rest:?}");
        (msgs, replies, logged)
    }

    #[test]
    fn bad_messages_are_answered_and_skipped() {
        let hover = r#"{"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":{}}"#;
        let input = [
            framed("{not json"),
            framed(r#"{"jsonrpc":"2.0","id":3,"method":5}"#),
            framed(r#"{"jsonrpc":"2.0","method":["x"]}"#),
            "Content-Length: twelve\r\n\r\n".into(),
            framed(hover),
        ]
        .concat();
        let (msgs, replies, logged) = read_all(input.as_bytes());
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(matches!(&msgs[0], Message::Request(r) if r.method == "textDocument/hover"));
        assert_eq!(replies.len(), 3, "{replies:#?}");
        assert_eq!(replies[0]["id"], Value::Null);
        assert_eq!(replies[0]["error"]["code"], -32700);
        assert_eq!(
            replies[1]["id"], 3,
            "an invalid request is answered under its id"
        );
        assert_eq!(replies[1]["error"]["code"], -32600);
        assert_eq!(replies[2]["error"]["code"], -32700);
        assert!(
            replies[2]["error"]["message"]
                .as_str()
                .unwrap()
                .contains("`twelve`")
        );
        // The notification with a bad method gets no answer, but is logged.
        assert_eq!(logged.len(), 4, "{logged:#?}");
    }

    #[test]
    fn batches_are_refused_and_each_request_in_them_answered() {
        let hover = r#"{"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":{}}"#;
        let batch = r#"[{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{}},
            {"jsonrpc":"2.0","method":"initialized","params":{}},
            {"jsonrpc":"2.0","id":"two","method":"shutdown"}]"#;
        let notes = r#"[{"jsonrpc":"2.0","method":"initialized","params":{}}]"#;
        let input = [framed(batch), framed("[]"), framed(notes), framed(hover)].concat();
        let (msgs, replies, logged) = read_all(input.as_bytes());
        // Nothing in a batch reaches the server; what follows does.
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(matches!(&msgs[0], Message::Request(r) if r.id == 7.into()));
        assert_eq!(replies.len(), 2, "{replies:#?}");
        // One array, one error per request, under each request's id.
        let answers = replies[0]
            .as_array()
            .expect("a batch is answered with an array");
        assert_eq!(answers.len(), 2);
        assert_eq!(answers[0]["id"], 1);
        assert_eq!(answers[1]["id"], "two");
        for a in answers {
            assert_eq!(a["error"]["code"], -32600);
            assert!(a["error"]["message"].as_str().unwrap().contains("batch"));
        }
        // An empty batch: one error; notifications only: none.
        assert_eq!(replies[1]["error"]["code"], -32600);
        assert_eq!(replies[1]["id"], Value::Null);
        assert_eq!(logged.len(), 3, "{logged:#?}");
    }

    #[test]
    fn an_overlong_header_line_is_skipped_and_reading_goes_on() {
        let hover = r#"{"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":{}}"#;
        // Over the limit by several chunks of the reader's buffer, then a message.
        let junk = format!(
            "X-Junk: {}\r\n\r\n",
            "y".repeat(5 * MAX_HEADER_BYTES as usize)
        );
        let input = [junk, framed(hover)].concat();
        let mut r = std::io::BufReader::with_capacity(1024, Cursor::new(input.into_bytes()));
        let first = header_line(&mut r).unwrap().unwrap();
        assert_eq!(
            first.len(),
            MAX_HEADER_BYTES as usize,
            "the line is cut at the limit"
        );
        // The rest of the overlong line was skipped: next comes the blank line.
        assert_eq!(header_line(&mut r).unwrap().unwrap(), "");
        match read_frame(&mut r).unwrap().unwrap() {
            Frame::Message(Message::Request(q)) => assert_eq!(q.method, "textDocument/hover"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_oversized_message_is_skipped_not_allocated() {
        let body = "x".repeat(MAX_BODY_BYTES + 1);
        let exit = r#"{"jsonrpc":"2.0","method":"exit"}"#;
        let after = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let input = [framed(&body), framed(exit), framed(after)].concat();
        let (msgs, replies, _) = read_all(input.as_bytes());
        assert_eq!(replies.len(), 1);
        assert!(
            replies[0]["error"]["message"]
                .as_str()
                .unwrap()
                .contains("over the limit")
        );
        // The message after it is read from its start; reading stops at exit.
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(matches!(&msgs[0], Message::Notification(n) if n.method == "exit"));
    }

    #[test]
    fn a_length_past_the_end_of_input_ends_the_connection_quietly() {
        let input = "Content-Length: 99999999999\r\n\r\n{}";
        let (msgs, replies, _) = read_all(input.as_bytes());
        assert!(msgs.is_empty() && replies.is_empty());
        let input = "Content-Length: 100\r\n\r\n{}";
        let (msgs, replies, _) = read_all(input.as_bytes());
        assert!(msgs.is_empty() && replies.is_empty());
    }
}
