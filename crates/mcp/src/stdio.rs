//! The stdio transport as JSON-RPC asks: one message per line, and a line
//! that is not JSON answered with a `-32700` parse error (id `null`), after
//! which the server goes on with the next line.
//!
//! rmcp's own stdio transport drops a line that does not parse without a
//! word (to spare peers that echo errors back an error storm), so a client
//! with a framing bug waits forever for an answer. A small filter in front
//! of it answers such lines itself and passes every line that is JSON on
//! unchanged; rmcp still answers JSON that is not a JSON-RPC message
//! (`-32600`). Lines are bounded (as rmcp bounds them): a longer one is
//! skipped to its end and answered with an error too. Every write to
//! stdout — rmcp's answers and the filter's — goes through one task, whole
//! lines at a time, so they never interleave.

use serde_json::json;
use tokio::io::{
    AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, DuplexStream,
};
use tokio::sync::mpsc;

/// The longest line (one message) read: rmcp's own limit.
pub const MAX_LINE_BYTES: usize = 16 << 20;

/// What one line of input is.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// JSON: pass it on.
    Json(Vec<u8>),
    /// Blank: nothing to do.
    Blank,
    /// Not a message: the reply to send.
    Reject(String),
}

/// The JSON-RPC error for a line that is not a message.
fn error_reply(code: i32, message: &str) -> String {
    json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": { "code": code, "message": message },
    })
    .to_string()
}

/// Classify one line (without its `\n`).
pub fn classify(line: &[u8]) -> Line {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let body = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Line::Blank;
    }
    match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
        Ok(_) => Line::Json(line.to_vec()),
        Err(e) => Line::Reject(error_reply(
            -32700,
            &format!("Parse error: the line is not JSON ({e})"),
        )),
    }
}

/// Read lines from `input`: JSON lines go to `to_server` (one per line),
/// other lines are answered on `replies`. Returns at the end of input
/// (closing `to_server`, so the server sees the end too) or when the
/// server is gone.
pub async fn filter_input(
    input: impl AsyncRead + Unpin,
    mut to_server: impl AsyncWrite + Unpin,
    replies: mpsc::Sender<Vec<u8>>,
) -> std::io::Result<()> {
    let mut input = tokio::io::BufReader::new(input);
    let mut line = Vec::new();
    loop {
        line.clear();
        let too_long = read_line(&mut input, &mut line).await?;
        let at_end = line.is_empty() && !too_long;
        if at_end {
            break;
        }
        let outcome = if too_long {
            Line::Reject(error_reply(
                -32600,
                &format!("Invalid Request: the message is longer than {MAX_LINE_BYTES} bytes"),
            ))
        } else {
            classify(line.strip_suffix(b"\n").unwrap_or(&line))
        };
        match outcome {
            Line::Blank => {}
            Line::Json(mut bytes) => {
                bytes.push(b'\n');
                if to_server.write_all(&bytes).await.is_err() {
                    break;
                }
            }
            Line::Reject(reply) => {
                let mut bytes = reply.into_bytes();
                bytes.push(b'\n');
                if replies.send(bytes).await.is_err() {
                    break;
                }
            }
        }
    }
    to_server.shutdown().await.ok();
    Ok(())
}

/// Read one line, `\n` included, into `buf`, holding at most
/// [`MAX_LINE_BYTES`]; a longer line is consumed to its end, `buf` left
/// empty, and `true` returned. An empty `buf` and `false`: end of input.
async fn read_line(
    r: &mut (impl AsyncBufRead + Unpin),
    buf: &mut Vec<u8>,
) -> std::io::Result<bool> {
    let mut too_long = false;
    loop {
        let chunk = r.fill_buf().await?;
        if chunk.is_empty() {
            return Ok(too_long);
        }
        let (take, done) = match chunk.iter().position(|b| *b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if !too_long {
            if buf.len() + take > MAX_LINE_BYTES {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
        }
        r.consume(take);
        if done {
            return Ok(too_long);
        }
    }
}

/// Pass the server's output on as whole lines to `lines`.
pub async fn collect_output(
    from_server: impl AsyncRead + Unpin,
    lines: mpsc::Sender<Vec<u8>>,
) -> std::io::Result<()> {
    let mut from_server = tokio::io::BufReader::new(from_server);
    loop {
        let mut line = Vec::new();
        if from_server.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        if lines.send(line).await.is_err() {
            return Ok(());
        }
    }
}

/// Write every line received to `output`, each whole and flushed, until
/// every sender is gone.
pub async fn write_output(
    mut output: impl AsyncWrite + Unpin,
    mut lines: mpsc::Receiver<Vec<u8>>,
) -> std::io::Result<()> {
    while let Some(line) = lines.recv().await {
        output.write_all(&line).await?;
        output.flush().await?;
    }
    Ok(())
}

/// The server's ends of the connection: what it reads, and what it writes.
pub type ServerEnds = (DuplexStream, DuplexStream);

/// Connect `input` and `output` to a server through the filter, on the
/// current runtime. The handle ends once every line the server and the
/// filter wrote is out (after the server drops its ends).
pub fn connect(
    input: impl AsyncRead + Unpin + Send + 'static,
    output: impl AsyncWrite + Unpin + Send + 'static,
) -> (ServerEnds, tokio::task::JoinHandle<std::io::Result<()>>) {
    let (server_in, feed) = tokio::io::duplex(1 << 16);
    let (server_out, drain) = tokio::io::duplex(1 << 16);
    let (tx, rx) = mpsc::channel::<Vec<u8>>(64);
    tokio::spawn(filter_input(input, feed, tx.clone()));
    tokio::spawn(collect_output(drain, tx));
    let writer = tokio::spawn(write_output(output, rx));
    ((server_in, server_out), writer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_json_blank_or_answered() {
        assert_eq!(classify(b"  \r"), Line::Blank);
        assert_eq!(classify(b"{\"a\":1}\r"), Line::Json(b"{\"a\":1}".to_vec()));
        assert!(matches!(classify(b"\xEF\xBB\xBF[1]"), Line::Json(_)));
        for bad in [&b"not json"[..], b"{\"jsonrpc\":", b"\xff\xfe", b"{} {}"] {
            let Line::Reject(r) = classify(bad) else {
                panic!("{bad:?}")
            };
            let v: serde_json::Value = serde_json::from_str(&r).unwrap();
            assert_eq!(v["error"]["code"], -32700, "{r}");
            assert_eq!(v["id"], serde_json::Value::Null);
            assert_eq!(v["jsonrpc"], "2.0");
        }
    }

    #[tokio::test]
    async fn the_filter_answers_bad_lines_and_passes_the_rest_on() {
        let input = format!(
            "{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}}\nnot json\n\n{}\n{{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}}",
            "x".repeat(MAX_LINE_BYTES + 10)
        );
        let (server_side, mut feed_reader) = tokio::io::duplex(1 << 20);
        let (tx, mut rx) = mpsc::channel(8);
        let reading = tokio::spawn(async move {
            let mut got = Vec::new();
            tokio::io::AsyncReadExt::read_to_end(&mut feed_reader, &mut got)
                .await
                .unwrap();
            got
        });
        filter_input(input.as_bytes(), server_side, tx)
            .await
            .unwrap();
        let passed = String::from_utf8(reading.await.unwrap()).unwrap();
        assert_eq!(
            passed,
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\n"
        );
        let first: serde_json::Value = serde_json::from_slice(&rx.recv().await.unwrap()).unwrap();
        assert_eq!(first["error"]["code"], -32700);
        let second: serde_json::Value = serde_json::from_slice(&rx.recv().await.unwrap()).unwrap();
        assert_eq!(second["error"]["code"], -32600);
        assert!(rx.recv().await.is_none());
    }
}
