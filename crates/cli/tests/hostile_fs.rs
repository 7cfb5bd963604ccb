//! Hostile repositories built in temporary directories, run through the
//! binary as CI runs it on a stranger's pull request:
//! - a committed `.gitignore` listing committed code does not hide it from
//!   the gate (`scan` and `diff`);
//! - the model file, the baseline and the architecture snapshot as links
//!   to `/dev/zero` or `/etc/passwd`, or as FIFOs, give a clear error in
//!   bounded time and memory and quote nothing from outside the tree;
//! - a linked `.breakwater` (or other linked directory) is refused by every
//!   writer, and nothing is written outside the tree;
//! - submodules, non-UTF-8 names, read-only model files and file names
//!   holding terminal escapes are handled as `docs/security.md` says.
//!
//! Each child runs with a memory limit (RLIMIT_DATA) and is killed after
//! 60 s: bounds that keep a regression from taking the machine or the CI
//! run down with it, not performance assertions.
#![cfg(unix)]

use std::io::Write;
use std::os::unix::process::CommandExt;
mod common;

use common::git;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The memory a child may allocate; a scan of these small trees needs a
/// few tens of MB, reading `/dev/zero` to the end needs all there is.
const MEMORY_LIMIT: u64 = 2 << 30;

/// Kill a child that runs longer than this (a hang, not a slow run).
const TIME_LIMIT: Duration = Duration::from_secs(60);

const APP: &str = "from flask import Flask, request\nimport os\n\napp = Flask(__name__)\n\n\n@app.route(\"/health\")\ndef health():\n    return \"ok\"\n";

const SHELL: &str = "from flask import Flask, request\nimport os\n\napi = Flask(__name__)\n\n\n@api.route(\"/run\")\ndef run():\n    return str(os.system(request.args[\"c\"]))\n";

/// Accept every command injection found (one writer of the model file).
const TRIAGE_ACCEPT: &[&str] = &[
    "triage",
    "--rule",
    "command-injection",
    "--status",
    "accepted",
    "--reason",
    "reviewed",
    "--author",
    "Dev <dev@example.com>",
    "--no-cache",
];

/// Run the binary in `dir` with the memory and time bounds; `stdin` is
/// written, then closed.
fn bw_in(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_breakwater"));
    cmd.args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env("NO_COLOR", "1")
        .env_remove("BREAKWATER_CACHE_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: setrlimit is async-signal-safe; nothing else runs between
    // fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let lim = libc::rlimit {
                rlim_cur: MEMORY_LIMIT,
                rlim_max: MEMORY_LIMIT,
            };
            if libc::setrlimit(libc::RLIMIT_DATA, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("breakwater runs");
    let mut input = child.stdin.take().unwrap();
    let _ = input.write_all(stdin);
    drop(input);
    // Drain the pipes on threads so a chatty child never blocks on them.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut v = vec![];
        let _ = std::io::Read::read_to_end(&mut out, &mut v);
        v
    });
    let err = std::thread::spawn(move || {
        let mut v = vec![];
        let _ = std::io::Read::read_to_end(&mut err, &mut v);
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("breakwater {args:?} ran past {TIME_LIMIT:?} (a hang) and was killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

fn bw(dir: &Path, args: &[&str]) -> Output {
    bw_in(dir, args, b"")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn code(o: &Output) -> i32 {
    // A child killed by a signal (abort on allocation failure) has none.
    o.status.code().unwrap_or(-1)
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// A repository with a harmless app committed on `main`.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    write(dir.path(), "app.py", APP);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "base"]);
    dir
}

#[test]
fn committed_code_that_gitignore_lists_still_fails_the_gate() {
    let dir = repo();
    let d = dir.path();
    write(d, "api.py", SHELL);
    write(d, ".gitignore", "api.py\n");
    git(d, &["add", "-f", "api.py", ".gitignore"]);
    git(d, &["commit", "-qm", "add an endpoint, hidden"]);

    let o = bw(d, &["diff", "HEAD~1", "HEAD", "--fail-on", "high"]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(text(&o).contains("command-injection"), "{}", text(&o));

    let o = bw(d, &["scan", "--fail-on", "high", "--no-cache"]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(text(&o).contains("api.py"), "{}", text(&o));
    // The working tree against HEAD: nothing changed, nothing to report.
    let o = bw(d, &["check", "--fail-on", "high", "--no-cache"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    // An untracked file the same pattern matches stays ignored.
    write(d, "scratch/api.py", SHELL);
    write(d, "scratch/.gitignore", "*\n");
    let o = bw(d, &["scan", "--format", "json", "--no-cache"]);
    assert!(!text(&o).contains("scratch/api.py"), "{}", text(&o));
}

/// What to plant at a fixed name, and what the error must say.
enum Plant {
    ZeroLink,
    PasswdLink,
    Fifo,
}

fn plant(root: &Path, rel: &str, what: &Plant) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    match what {
        Plant::ZeroLink => std::os::unix::fs::symlink("/dev/zero", &p).unwrap(),
        Plant::PasswdLink => std::os::unix::fs::symlink("/etc/passwd", &p).unwrap(),
        Plant::Fifo => mkfifo(&p),
    }
}

#[test]
fn linked_and_special_files_read_by_name_give_a_clear_error_in_bounded_time_and_memory() {
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let first_passwd_line = passwd.lines().next().unwrap_or("root:x:0:0").to_string();
    for rel in [
        "breakwater.toml",
        ".breakwater/baseline.toml",
        ".breakwater/architecture.txt",
    ] {
        for what in [Plant::ZeroLink, Plant::PasswdLink, Plant::Fifo] {
            let dir = tempfile::tempdir().unwrap();
            let d = dir.path();
            write(d, "app.py", APP);
            plant(d, rel, &what);
            let args: &[&str] = if rel.ends_with("architecture.txt") {
                &["scan", "--check", "--no-cache"]
            } else {
                &["scan", "--no-cache"]
            };
            let o = bw(d, args);
            let out = text(&o);
            assert_eq!(code(&o), 2, "{rel}: {out}");
            let says = match what {
                Plant::Fifo => "FIFO",
                _ => "symbolic link",
            };
            assert!(out.contains(says), "{rel}: {out}");
            assert!(out.contains("error:"), "{rel}: {out}");
            for leak in [
                first_passwd_line.as_str(),
                "root:",
                "/etc/passwd",
                "/dev/zero",
            ] {
                assert!(!out.contains(leak), "{rel} quotes `{leak}`: {out}");
            }
        }
    }
    // The editor's and the assistant's servers read the same way: the MCP
    // server refuses to start with a clear error.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.py", APP);
    plant(dir.path(), "breakwater.toml", &Plant::ZeroLink);
    let o = bw(dir.path(), &["mcp", "--no-cache"]);
    assert_ne!(code(&o), 0);
    assert!(text(&o).contains("symbolic link"), "{}", text(&o));
}

#[test]
fn a_linked_breakwater_directory_is_refused_by_every_writer() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    write(&root, "api.py", SHELL);
    std::os::unix::fs::symlink(&outside, root.join(".breakwater")).unwrap();
    let r = &root;
    let commands: &[&[&str]] = &[
        &["init", "--no-cache"],
        &["init", "--baseline", "--no-cache"],
        &["scan", "--write-snapshot", "--no-cache"],
        TRIAGE_ACCEPT,
    ];
    for args in commands {
        let o = bw(r, args);
        let out = text(&o);
        assert_eq!(code(&o), 2, "{args:?}: {out}");
        assert!(
            out.contains("`.breakwater` is a symbolic link"),
            "{args:?}: {out}"
        );
        assert!(
            names(&outside).is_empty(),
            "{args:?} wrote {:?}",
            names(&outside)
        );
    }
    // Nothing was written in the tree either (init writes the model file
    // only after its schema, which goes under `.breakwater`).
    assert_eq!(names(&root), [".breakwater", "api.py"]);
    // A guardrails target under a linked directory (the linked
    // `.breakwater` set aside, so the scan before the write runs).
    std::fs::remove_file(root.join(".breakwater")).unwrap();
    std::os::unix::fs::symlink(&outside, root.join(".github")).unwrap();
    let o = bw(r, &["guardrails", "--target", "copilot", "--no-cache"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(
        text(&o).contains("`.github` is a symbolic link"),
        "{}",
        text(&o)
    );
    assert!(names(&outside).is_empty());
    // Reading through a linked `.breakwater` is refused too: the scan stops
    // with the same clear error rather than run without the baseline the
    // link hides.
    std::fs::remove_file(root.join(".github")).unwrap();
    std::os::unix::fs::symlink(&outside, root.join(".breakwater")).unwrap();
    let o = bw(r, &["scan", "--fail-on", "high"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(
        text(&o).contains("`.breakwater` is a symbolic link"),
        "{}",
        text(&o)
    );
    assert!(names(&outside).is_empty());
}

#[test]
fn a_read_only_model_file_is_not_replaced_by_triage() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "api.py", SHELL);
    let model = "[system]\nname = \"api\"\n";
    write(d, "breakwater.toml", model);
    let file = d.join("breakwater.toml");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).unwrap();
    let o = bw(d, TRIAGE_ACCEPT);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(text(&o).contains("read-only"), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), model);
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o444);
}

#[test]
fn an_untouched_submodule_passes_check_and_is_skipped_with_a_reason() {
    // The other repository, with code of its own that would gate.
    let lib = repo();
    write(lib.path(), "tool.py", SHELL);
    git(lib.path(), &["add", "-A"]);
    git(lib.path(), &["commit", "-qm", "tool"]);
    let dir = repo();
    let d = dir.path();
    git(
        d,
        &[
            "submodule",
            "add",
            "-q",
            lib.path().to_str().unwrap(),
            "libs/tool",
        ],
    );
    git(d, &["commit", "-qm", "add the submodule"]);
    assert!(d.join("libs/tool/.git").is_file());
    let o = bw(d, &["check", "--fail-on", "high", "--no-cache"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let o = bw(d, &["check", "--staged", "--fail-on", "high", "--no-cache"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let o = bw(d, &["scan", "--format", "json", "--no-cache"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let skipped = v["files"]["skipped"].to_string();
    assert!(
        skipped.contains("libs/tool") && skipped.contains("submodule"),
        "{skipped}"
    );
    assert!(!text(&o).contains("tool.py"), "{}", text(&o));
}

#[test]
fn a_file_name_that_is_not_utf8_is_skipped_with_its_reason() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "app.py", APP);
    // "café.py" in Latin-1.
    std::fs::write(d.join(std::ffi::OsStr::from_bytes(b"caf\xe9.py")), SHELL).unwrap();
    let o = bw(d, &["scan", "--no-cache"]);
    let out = text(&o);
    assert!(!out.contains("No such file"), "{out}");
    assert!(out.contains("not UTF-8") && out.contains("rename"), "{out}");
    // The file was not analysed, so the scan is incomplete.
    assert_eq!(code(&o), 3, "{out}");
}

#[test]
fn terminal_escapes_in_file_names_are_spelled_out_everywhere() {
    let dir = repo();
    let d = dir.path();
    let evil = "\x1b[31mred\x1b]8;;http://x\x07.py";
    write(d, evil, SHELL);
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "evil name"]);
    let o = bw(d, &["scan", "--compact", "--no-cache"]);
    assert!(text(&o).contains("\\x1b[31mred"), "{}", text(&o));
    let runs: &[&[&str]] = &[
        &["scan", "--no-cache"],
        &["scan", "--compact", "--no-cache"],
        &["status", "--no-cache"],
        &["diff", "HEAD~1", "HEAD", "--no-cache"],
        TRIAGE_ACCEPT,
        &["triage", "command-injection@\x1b[2J.py::x", "--remove"],
    ];
    for args in runs {
        let o = bw(d, args);
        let out = text(&o);
        assert!(
            !out.contains('\x1b') && !out.contains('\x07'),
            "{args:?} printed a raw escape: {out:?}"
        );
    }
}

#[test]
fn an_mcp_check_change_on_a_fifo_answers_and_the_server_ends_with_its_client() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "app.py", APP);
    mkfifo(&d.join("pipe.py"));
    let msgs = [
        serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "test", "version": "0"}}}),
        serde_json::json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        serde_json::json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {
            "name": "check_change",
            "arguments": {"path": "pipe.py", "snippet": "import os\nos.system(input())\n"}}}),
    ];
    let mut input = String::new();
    for m in &msgs {
        input.push_str(&m.to_string());
        input.push('\n');
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_breakwater"))
        .args(["mcp", "--no-cache"])
        .current_dir(d)
        .env("HOME", d)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.as_bytes()).unwrap();
    stdin.flush().unwrap();
    // The answer to the call comes back (a read blocked on the FIFO would
    // never answer)...
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if line.contains("\"id\":2") {
                let _ = tx.send(line);
            }
        }
    });
    let answer = match rx.recv_timeout(TIME_LIMIT) {
        Ok(a) => a,
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("check_change on a FIFO got no answer in {TIME_LIMIT:?}");
        }
    };
    assert!(
        answer.contains("FIFO") || answer.contains("pipe.py"),
        "{answer}"
    );
    // ...and when the client goes away, the server ends.
    drop(stdin);
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the MCP server outlived its client");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `ai propose FILE` reads a small JSON document: a FIFO is refused at
/// once (never waited on) and a file past the bound is refused unread.
#[test]
fn ai_propose_reads_only_a_bounded_regular_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.py"), "print('hi')\n").unwrap();
    mkfifo(&dir.path().join("proposal.json"));
    let o = bw(
        dir.path(),
        &["ai", "propose", "proposal.json", "--by", "cursor"],
    );
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(text(&o).contains("not a regular file"), "{}", text(&o));
    let big = dir.path().join("big.json");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(bw_files::MAX_CONFIG_BYTES + 1).unwrap();
    let o = bw(dir.path(), &["ai", "propose", "big.json", "--by", "cursor"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(text(&o).contains("larger than"), "{}", text(&o));
}

#[test]
fn debug_commands_read_no_link_and_no_fifo() {
    let dir = repo();
    write(dir.path(), "app.py", SHELL);
    plant(dir.path(), "linked.py", &Plant::PasswdLink);
    mkfifo(&dir.path().join("pipe.py"));
    for sub in ["ir", "flows"] {
        for (file, says) in [("linked.py", "symbolic link"), ("pipe.py", "FIFO")] {
            let o = bw(dir.path(), &["debug", sub, file]);
            let out = text(&o);
            assert_eq!(code(&o), 2, "debug {sub} {file}: {out}");
            assert!(out.contains(says), "debug {sub} {file}: {out}");
            assert!(
                !out.contains("root:"),
                "debug {sub} {file} quotes /etc/passwd: {out}"
            );
        }
        let o = bw(dir.path(), &["debug", sub, "app.py"]);
        assert_eq!(code(&o), 0, "debug {sub} app.py: {}", text(&o));
    }
}
