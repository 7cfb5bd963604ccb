//! Sending requests: timeouts, retries with backoff, a size cap on
//! answers, a token budget per run and a concurrency limit.
//!
//! [`Transport`] is the seam: [`UreqTransport`] speaks HTTP (ureq, rustls
//! with ring; plain http for loopback and local servers), tests may
//! substitute their own. Redirects are never followed, so a key is sent to
//! the configured host only.

use crate::config::Settings;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

/// One POST.
#[derive(Debug, Clone)]
pub struct HttpRequest {
    pub url: String,
    /// Including the key header; never logged.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// What came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub retry_after: Option<Duration>,
    pub body: String,
}

/// Why no response was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    Timeout,
    Connect(String),
    /// The body was over the limit (bytes).
    TooLarge(u64),
    Other(String),
}

/// Sends one request; implementations must be usable from several threads.
pub trait Transport: Sync {
    fn post(
        &self,
        req: &HttpRequest,
        timeout: Duration,
        max_bytes: u64,
    ) -> Result<HttpResponse, TransportError>;
}

/// HTTP through ureq. ureq (not reqwest): blocking without an async
/// runtime, and its `rustls` feature is rustls with the ring provider and
/// webpki roots, which builds in seconds (reqwest's rustls pulls aws-lc).
/// Only with the `client` feature (on by default): the MCP server uses this
/// crate's checks without an HTTP client.
#[cfg(feature = "client")]
pub struct UreqTransport;

#[cfg(feature = "client")]
impl Transport for UreqTransport {
    fn post(
        &self,
        req: &HttpRequest,
        timeout: Duration,
        max_bytes: u64,
    ) -> Result<HttpResponse, TransportError> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(format!("breakwater/{}", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        let mut rb = agent.post(&req.url);
        for (k, v) in &req.headers {
            rb = rb.header(k.as_str(), v.as_str());
        }
        let map = |e: ureq::Error| match e {
            ureq::Error::Timeout(_) => TransportError::Timeout,
            ureq::Error::BodyExceedsLimit(_) => TransportError::TooLarge(max_bytes),
            ureq::Error::ConnectionFailed | ureq::Error::HostNotFound | ureq::Error::Io(_) => {
                TransportError::Connect(e.to_string())
            }
            other => TransportError::Other(other.to_string()),
        };
        let mut resp = rb.send(&req.body[..]).map_err(map)?;
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let bytes = resp
            .body_mut()
            .with_config()
            .limit(max_bytes)
            .read_to_vec()
            .map_err(map)?;
        Ok(HttpResponse {
            status,
            retry_after,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        })
    }
}

/// The outcome of one request after its retries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The final response's status and body (2xx), when there was one.
    pub status: Option<u16>,
    pub body: Option<String>,
    /// What went wrong, with what to do.
    pub error: Option<String>,
    /// One line per attempt that did not succeed.
    pub attempts: Vec<String>,
}

/// Longest wait between two attempts.
const MAX_DELAY: Duration = Duration::from_secs(60);

/// A deterministic jitter in `[0, base)`: from the request's digest and the attempt.
fn jitter(seed: u64, attempt: u32, base: Duration) -> Duration {
    let ms = base.as_millis().max(1) as u64;
    let mut x = seed ^ (u64::from(attempt) + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    Duration::from_millis(x % ms)
}

/// The wait before attempt `attempt + 1`.
pub fn backoff(s: &Settings, attempt: u32, retry_after: Option<Duration>, seed: u64) -> Duration {
    let exp = s
        .retry_base
        .saturating_mul(2u32.saturating_pow(attempt.min(16)));
    let base = retry_after.unwrap_or(exp);
    let j = if s.retry_jitter {
        jitter(seed, attempt, s.retry_base)
    } else {
        Duration::ZERO
    };
    (base + j).min(MAX_DELAY)
}

/// Send with retries on 429, 5xx, timeouts and dropped connections.
pub fn send(
    transport: &dyn Transport,
    s: &Settings,
    req: &HttpRequest,
    seed: u64,
    sleep: &(dyn Fn(Duration) + Sync),
) -> Outcome {
    let mut out = Outcome::default();
    let tries = s.max_retries + 1;
    for attempt in 0..tries {
        let last = attempt + 1 == tries;
        let (note, retry_after) = match transport.post(req, s.timeout, s.max_response_bytes) {
            Ok(r) if r.status == 429 || (500..=599).contains(&r.status) => {
                let msg = crate::provider::error_message(&r.body)
                    .map(|m| format!(": {m}"))
                    .unwrap_or_default();
                (format!("HTTP {}{msg}", r.status), r.retry_after)
            }
            Ok(r) if (200..=299).contains(&r.status) => {
                out.status = Some(r.status);
                out.body = Some(r.body);
                return out;
            }
            Ok(r) => {
                let msg = crate::provider::error_message(&r.body).unwrap_or_default();
                out.status = Some(r.status);
                out.error = Some(match r.status {
                    401 | 403 => format!(
                        "the provider refused the request (HTTP {}{}): check the key in {} and that it may use model `{}`",
                        r.status,
                        if msg.is_empty() {
                            String::new()
                        } else {
                            format!(": {msg}")
                        },
                        s.key_help(),
                        s.model
                    ),
                    404 => format!(
                        "HTTP 404 from {}: check [ai] endpoint and the model name `{}`{}",
                        s.request_url(),
                        s.model,
                        if msg.is_empty() {
                            String::new()
                        } else {
                            format!(" ({msg})")
                        }
                    ),
                    400 | 422 => format!(
                        "the provider rejected the request (HTTP {}: {msg}); if it mentions response_format, format or json_schema, set structured_outputs = false under [ai]",
                        r.status
                    ),
                    other => format!("unexpected HTTP {other} from the provider: {msg}"),
                });
                return out;
            }
            Err(TransportError::Timeout) => {
                (format!("no answer within {} s", s.timeout.as_secs()), None)
            }
            Err(TransportError::Connect(e)) => (format!("could not connect: {e}"), None),
            Err(TransportError::TooLarge(n)) => {
                out.error = Some(format!(
                    "the answer is larger than [ai] max_response_bytes ({n} bytes) and was rejected unread"
                ));
                return out;
            }
            Err(TransportError::Other(e)) => {
                out.error = Some(format!("the request failed: {e}"));
                return out;
            }
        };
        out.attempts
            .push(format!("attempt {}: {note}", attempt + 1));
        if last {
            let hint = if note.starts_with("HTTP 429") {
                "the provider is rate limiting: try again later, or lower [ai] concurrency"
            } else if note.starts_with("no answer") {
                "raise [ai] timeout_seconds, or send less with --element/--path or a smaller max_context_bytes"
            } else if note.starts_with("could not connect") {
                "is the server running, and is [ai] endpoint (or BREAKWATER_AI_ENDPOINT) right?"
            } else {
                "the provider is failing: try again later"
            };
            out.error = Some(format!(
                "gave up after {tries} attempt(s), the last: {note}; {hint}"
            ));
            return out;
        }
        sleep(backoff(s, attempt, retry_after, seed));
    }
    out
}

/// Tokens one run may spend, shared by concurrent requests.
pub struct Budget {
    pub limit: u64,
    used: AtomicU64,
}

impl Budget {
    pub fn new(limit: u64) -> Budget {
        Budget {
            limit,
            used: AtomicU64::new(0),
        }
    }
    pub fn used(&self) -> u64 {
        self.used.load(Ordering::SeqCst)
    }
    /// Reserve an estimate; false when it would go over the limit.
    pub fn reserve(&self, n: u64) -> bool {
        self.used
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |u| {
                (u + n <= self.limit).then_some(u + n)
            })
            .is_ok()
    }
    /// Replace a reservation by what was really spent.
    pub fn settle(&self, reserved: u64, actual: u64) {
        if actual >= reserved {
            self.used.fetch_add(actual - reserved, Ordering::SeqCst);
        } else {
            self.used.fetch_sub(reserved - actual, Ordering::SeqCst);
        }
    }
}

/// Run `f` over `jobs` with at most `limit` at once; results in job order.
pub fn run_limited<T: Sync, R: Send>(
    jobs: &[T],
    limit: usize,
    f: &(dyn Fn(usize, &T) -> R + Sync),
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results: std::sync::Mutex<Vec<Option<R>>> =
        std::sync::Mutex::new((0..jobs.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..limit.max(1).min(jobs.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= jobs.len() {
                        break;
                    }
                    let r = f(i, &jobs[i]);
                    results.lock().expect("no worker panicked")[i] = Some(r);
                }
            });
        }
    });
    results
        .into_inner()
        .expect("no worker panicked")
        .into_iter()
        .map(|r| r.expect("every job ran"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    struct Scripted {
        answers: Mutex<Vec<Result<HttpResponse, TransportError>>>,
        calls: AtomicUsize,
    }

    impl Transport for Scripted {
        fn post(
            &self,
            _: &HttpRequest,
            _: Duration,
            _: u64,
        ) -> Result<HttpResponse, TransportError> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            self.answers.lock().unwrap().remove(0)
        }
    }

    fn ok(status: u16, body: &str) -> Result<HttpResponse, TransportError> {
        Ok(HttpResponse {
            status,
            retry_after: None,
            body: body.into(),
        })
    }

    fn settings() -> Settings {
        let sec = bw_model::modelfile::AiSection {
            provider: Some("ollama".into()),
            model: Some("m".into()),
            max_retries: Some(2),
            retry_base_millis: Some(100),
            retry_jitter: Some(false),
            ..Default::default()
        };
        Settings::resolve(Some(&sec), &|_| None).unwrap()
    }

    fn req() -> HttpRequest {
        HttpRequest {
            url: "http://127.0.0.1:1/api/chat".into(),
            headers: vec![],
            body: b"{}".to_vec(),
        }
    }

    #[test]
    fn retries_with_backoff_and_retry_after() {
        let t = Scripted {
            answers: Mutex::new(vec![
                Ok(HttpResponse {
                    status: 429,
                    retry_after: Some(Duration::from_secs(2)),
                    body: String::new(),
                }),
                ok(503, "{\"error\":\"busy\"}"),
                ok(200, "done"),
            ]),
            calls: AtomicUsize::new(0),
        };
        let slept = Mutex::new(vec![]);
        let out = send(&t, &settings(), &req(), 7, &|d| {
            slept.lock().unwrap().push(d)
        });
        assert_eq!(out.body.as_deref(), Some("done"));
        assert_eq!(out.attempts.len(), 2);
        assert!(
            out.attempts[1].contains("HTTP 503: busy"),
            "{:?}",
            out.attempts
        );
        // Retry-After honoured, then exponential from the base.
        assert_eq!(
            *slept.lock().unwrap(),
            vec![Duration::from_secs(2), Duration::from_millis(200)]
        );
    }

    #[test]
    fn gives_up_with_advice_and_does_not_retry_client_errors() {
        let t = Scripted {
            answers: Mutex::new(vec![ok(500, ""), ok(500, ""), ok(500, "")]),
            calls: AtomicUsize::new(0),
        };
        let out = send(&t, &settings(), &req(), 1, &|_| {});
        assert_eq!(t.calls.load(Ordering::SeqCst), 3);
        assert!(out.error.unwrap().contains("gave up after 3 attempt(s)"));
        let t = Scripted {
            answers: Mutex::new(vec![ok(401, "{\"error\":{\"message\":\"bad key\"}}")]),
            calls: AtomicUsize::new(0),
        };
        let out = send(&t, &settings(), &req(), 1, &|_| {});
        assert_eq!(t.calls.load(Ordering::SeqCst), 1);
        assert!(out.error.unwrap().contains("bad key"));
        let t = Scripted {
            answers: Mutex::new(vec![Err(TransportError::TooLarge(10))]),
            calls: AtomicUsize::new(0),
        };
        let out = send(&t, &settings(), &req(), 1, &|_| {});
        assert!(out.error.unwrap().contains("max_response_bytes"));
    }

    #[test]
    fn jitter_is_deterministic_and_bounded() {
        let mut s = settings();
        s.retry_jitter = true;
        let a = backoff(&s, 1, None, 42);
        assert_eq!(a, backoff(&s, 1, None, 42));
        assert!(a >= Duration::from_millis(200) && a < Duration::from_millis(300));
        assert!(backoff(&s, 30, None, 1) <= MAX_DELAY);
    }

    #[test]
    fn budget_and_limits() {
        let b = Budget::new(100);
        assert!(b.reserve(60));
        assert!(!b.reserve(50));
        b.settle(60, 30);
        assert!(b.reserve(50));
        assert_eq!(b.used(), 80);
        let in_flight = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let out = run_limited(&[1, 2, 3, 4, 5, 6], 2, &|i, x: &i32| {
            let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(20));
            in_flight.fetch_sub(1, Ordering::SeqCst);
            (i, *x * 10)
        });
        assert_eq!(
            out,
            vec![(0, 10), (1, 20), (2, 30), (3, 40), (4, 50), (5, 60)]
        );
        assert!(peak.load(Ordering::SeqCst) <= 2);
    }
}
