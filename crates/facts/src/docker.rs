//! Dockerfile extractor: one `container` fact for the final stage.
//!
//! The tree comes from tree-sitter-containerfile. Instructions are
//! children of the root, so one pass over the root's children (no
//! recursion) collects every stage; the fact describes the image that is
//! shipped, i.e. the last stage, with the build-time risks (`curl | sh`,
//! remote `ADD`, secrets in `ENV`/`ARG`) collected over every stage, since
//! they all run (or are kept in history) when the image is built.

use crate::evidence::evidence;
use crate::secrets::is_literal_secret_env;
use crate::types::{Evidence, Fact, FileFacts, Prop, Subject};
use bw_files::Lang;
use bw_lang::{FieldExt, KindExt};
use tree_sitter::Node;

/// The parts of an image reference: name (with registry), tag, digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImageRef<'a> {
    pub name: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

/// Split `registry:5000/org/app:1.2.3@sha256:…` into its parts.
pub(crate) fn split_image(image: &str) -> ImageRef<'_> {
    let image = image.trim();
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (image, None),
    };
    let last_slash = rest.rfind('/').map(|p| p + 1).unwrap_or(0);
    match rest[last_slash..].rfind(':') {
        Some(c) => {
            let c = last_slash + c;
            ImageRef {
                name: &rest[..c],
                tag: Some(&rest[c + 1..]),
                digest,
            }
        }
        None => ImageRef {
            name: rest,
            tag: None,
            digest,
        },
    }
}

/// Whether a tag names one exact build: `3.12.1`, `3.12.1-slim`,
/// `v2.4.0-alpine3.19`, `20240115`, a git sha. `latest`, `3`, `3.12`,
/// `bookworm`, `15-alpine` are moving tags.
pub(crate) fn exact_tag(tag: &str) -> bool {
    let t = tag.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("latest") {
        return false;
    }
    let version = t.strip_prefix('v').unwrap_or(t);
    let version = version.split(['-', '_', '+']).next().unwrap_or(version);
    let parts: Vec<&str> = version.split('.').collect();
    if parts.len() >= 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return true;
    }
    // Date builds: 20240115, 2024-01-15 style single numbers of 8+ digits.
    if parts.len() == 1 && version.len() >= 8 && version.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    // Commit tags: `sha-3f2a1c9`, `3f2a1c9d`.
    let hex = t.strip_prefix("sha-").unwrap_or(t);
    hex.len() >= 7
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
        && hex.bytes().any(|b| b.is_ascii_digit())
        && hex.bytes().any(|b| b.is_ascii_alphabetic())
}

/// `Some(pinned)` for a literal image, `None` when the reference is built
/// from variables (`${BASE_IMAGE}`, `{{ .Values.image }}`): unknown.
pub(crate) fn image_pinned(image: &str) -> Option<bool> {
    if image.contains('$') || image.contains("{{") {
        return None;
    }
    let r = split_image(image);
    if r.digest
        .is_some_and(|d| d.starts_with("sha256:") && d.len() > 7)
    {
        return Some(true);
    }
    if r.name == "scratch" {
        return Some(true);
    }
    // PostgreSQL (10 and later) releases are MAJOR.MINOR: `postgres:16.4`
    // names one release, unlike `python:3.12`.
    let base = r.name.rsplit('/').next().unwrap_or(r.name);
    if base == "postgres"
        && let Some(tag) = r.tag
    {
        let v = tag.split('-').next().unwrap_or(tag);
        let parts: Vec<&str> = v.split('.').collect();
        if parts.len() == 2
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        {
            return Some(true);
        }
    }
    Some(r.tag.is_some_and(exact_tag))
}

/// `:latest` or no tag at all (and no digest).
pub(crate) fn latest_tag(image: &str) -> bool {
    let r = split_image(image);
    r.digest.is_none()
        && r.name != "scratch"
        && r.tag.is_none_or(|t| t.eq_ignore_ascii_case("latest"))
}

#[derive(Default)]
struct Stage<'t> {
    from: Option<Node<'t>>,
    alias: Option<String>,
    image: String,
    /// The image is an earlier stage (`FROM build`).
    parent_stage: Option<usize>,
    user: Option<String>,
    exposed: Vec<String>,
    healthcheck: bool,
}

pub fn extract(path: &str, text: &str) -> Result<FileFacts, bw_lang::ParseError> {
    let tree = crate::budget::parse(Lang::Dockerfile, text)?;
    let root = tree.root_node();
    let mut out = FileFacts {
        path: path.into(),
        partial: root.has_error(),
        unread: None,
        ..Default::default()
    };

    let mut global_args: Vec<(String, String)> = Vec::new();
    let mut stages: Vec<Stage> = Vec::new();
    let mut secret_env: Vec<String> = Vec::new();
    let mut add_remote = false;
    let mut curl_pipe_shell = false;
    let mut sudo = false;

    let mut cursor = root.walk();
    for inst in root.named_children(&mut cursor) {
        if crate::budget::spent() {
            break;
        }
        match inst.node_kind() {
            "from_instruction" => {
                let spec = child_of_kind(inst, "image_spec");
                let raw = spec
                    .map(|s| bw_lang::text(s, text).trim().to_string())
                    .unwrap_or_default();
                let image = substitute(&raw, &global_args);
                let alias = inst
                    .field("as")
                    .map(|a| bw_lang::text(a, text).trim().to_string());
                let parent_stage = stages.iter().position(|s| {
                    s.alias
                        .as_deref()
                        .is_some_and(|a| a.eq_ignore_ascii_case(&image))
                });
                stages.push(Stage {
                    from: Some(inst),
                    alias,
                    image,
                    parent_stage,
                    ..Default::default()
                });
            }
            "arg_instruction" => {
                for pair in named_children_of(inst, "arg_pair") {
                    let name = field_text(pair, "name", text);
                    let value = pair
                        .field("default")
                        .map(|v| unquote(bw_lang::text(v, text)));
                    if let Some(v) = &value {
                        if stages.is_empty() {
                            global_args.push((name.clone(), v.clone()));
                        }
                        if is_literal_secret_env(&name, v) {
                            secret_env.push(name);
                        }
                    }
                }
            }
            "env_instruction" => {
                for pair in named_children_of(inst, "env_pair") {
                    let name = field_text(pair, "name", text);
                    let Some(v) = pair.field("value") else {
                        continue;
                    };
                    if is_literal_secret_env(&name, &unquote(bw_lang::text(v, text))) {
                        secret_env.push(name);
                    }
                }
            }
            "run_instruction" => {
                let cmd = run_command(inst, text);
                curl_pipe_shell |= pipes_download_to_shell(&cmd);
                sudo |= has_word(&cmd, "sudo");
            }
            "add_instruction" => {
                let has_checksum = named_children_of(inst, "param").iter().any(|p| {
                    bw_lang::text(*p, text)
                        .trim_start_matches('-')
                        .starts_with("checksum")
                });
                let paths = named_children_of(inst, "path");
                let sources = &paths[..paths.len().saturating_sub(1)];
                let remote = sources.iter().any(|p| {
                    let t = bw_lang::text(*p, text)
                        .trim()
                        .trim_matches('"')
                        .to_ascii_lowercase();
                    t.starts_with("http://") || t.starts_with("https://") || t.starts_with("git@")
                });
                add_remote |= remote && !has_checksum;
            }
            "user_instruction" => {
                if let Some(st) = stages.last_mut() {
                    st.user = Some(unquote(&field_text(inst, "user", text)));
                }
            }
            "expose_instruction" => {
                if let Some(st) = stages.last_mut() {
                    for p in named_children_of(inst, "expose_port") {
                        st.exposed.push(bw_lang::text(p, text).trim().to_string());
                    }
                }
            }
            "healthcheck_instruction" => {
                if let Some(st) = stages.last_mut() {
                    let t = bw_lang::text(inst, text);
                    st.healthcheck = !t
                        .split_whitespace()
                        .nth(1)
                        .is_some_and(|w| w.eq_ignore_ascii_case("none"));
                }
            }
            _ => {}
        }
    }

    let Some(last) = stages.last() else {
        return Ok(out);
    };
    let Some(from) = last.from else {
        return Ok(out);
    };
    // USER, EXPOSE and HEALTHCHECK are inherited from a parent stage.
    let mut user = None;
    let mut exposed = Vec::new();
    let mut healthcheck = false;
    let mut at = Some(stages.len() - 1);
    let mut hops = 0;
    while let Some(i) = at {
        let st = &stages[i];
        if user.is_none() {
            user = st.user.clone();
        }
        exposed.extend(st.exposed.iter().cloned());
        healthcheck |= st.healthcheck;
        hops += 1;
        at = st.parent_stage.filter(|&p| p < i && hops < 64);
    }
    let user = user.unwrap_or_default();
    let user_name = user.split(':').next().unwrap_or("").trim();
    let runs_as_root = user_name.is_empty() || user_name == "root" || user_name == "0";
    exposed.sort();
    exposed.dedup();
    secret_env.sort();
    secret_env.dedup();

    let symbol = match &last.alias {
        Some(a) => format!("stage:{a}"),
        None => "<module>".to_string(),
    };
    let ev: Evidence = evidence(path, from, text, &symbol);
    let mut fact = Fact::new(Subject::Container, "dockerfile", ev)
        .with("base_image", Prop::Str(last.image.clone()))
        .with("user", Prop::Str(user.clone()))
        .with("runs_as_root", Prop::Bool(runs_as_root))
        .with("exposed_ports", Prop::List(exposed))
        .with("secret_env", Prop::List(secret_env))
        .with("add_remote", Prop::Bool(add_remote))
        .with("curl_pipe_shell", Prop::Bool(curl_pipe_shell))
        .with("healthcheck", Prop::Bool(healthcheck))
        .with("sudo", Prop::Bool(sudo));
    // An earlier stage of this file is as pinned as this file makes it;
    // an image built from variables is unknown, so the property is left out.
    let pinned = if last.parent_stage.is_some() {
        Some(true)
    } else {
        image_pinned(&last.image)
    };
    if let Some(p) = pinned {
        fact = fact.with("image_pinned", Prop::Bool(p));
    }
    if last.parent_stage.is_none() && !last.image.contains('$') {
        fact = fact.with("latest_tag", Prop::Bool(latest_tag(&last.image)));
    }
    out.facts.push(fact);
    Ok(out)
}

fn child_of_kind<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut c = node.walk();
    node.named_children(&mut c).find(|n| n.node_kind() == kind)
}

fn named_children_of<'t>(node: Node<'t>, kind: &str) -> Vec<Node<'t>> {
    let mut c = node.walk();
    node.named_children(&mut c)
        .filter(|n| n.node_kind() == kind)
        .collect()
}

fn field_text(node: Node<'_>, field: &'static str, text: &str) -> String {
    node.field(field)
        .map(|n| bw_lang::text(n, text).trim().to_string())
        .unwrap_or_default()
}

fn unquote(s: &str) -> String {
    let t = s.trim();
    for q in ['"', '\''] {
        if t.len() >= 2 && t.starts_with(q) && t.ends_with(q) {
            return t[1..t.len() - 1].to_string();
        }
    }
    t.to_string()
}

/// Replace `${NAME}` / `$NAME` with the default of a global `ARG`.
fn substitute(image: &str, args: &[(String, String)]) -> String {
    if !image.contains('$') {
        return image.to_string();
    }
    let mut out = image.to_string();
    for (name, value) in args {
        out = out.replace(&format!("${{{name}}}"), value);
        out = out.replace(&format!("${name}"), value);
    }
    out
}

/// The command of a RUN instruction without `RUN` and its `--mount` flags.
fn run_command(inst: Node<'_>, text: &str) -> String {
    let mut c = inst.walk();
    let mut parts = Vec::new();
    for ch in inst.named_children(&mut c) {
        match ch.node_kind() {
            "shell_command" | "heredoc_block" => parts.push(bw_lang::text(ch, text).to_string()),
            "json_string_array" => {
                let mut c2 = ch.walk();
                let words: Vec<String> = ch
                    .named_children(&mut c2)
                    .map(|s| unquote(bw_lang::text(s, text)))
                    .collect();
                parts.push(words.join(" "));
            }
            _ => {}
        }
    }
    parts.join("\n")
}

fn has_word(s: &str, word: &str) -> bool {
    s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '/'))
        .any(|w| w == word || w.ends_with(&format!("/{word}")))
}

const SHELLS: &[&str] = &["sh", "bash", "zsh", "ash", "dash", "ksh"];

fn is_shell(word: &str) -> bool {
    let base = word.rsplit('/').next().unwrap_or(word);
    SHELLS.contains(&base)
}

/// `curl … | sh`, `wget -qO- … | sudo bash`, `bash <(curl …)`, `sh -c "$(curl …)"`.
fn pipes_download_to_shell(cmd: &str) -> bool {
    let cmd = cmd.replace("\\\n", " ");
    for line in cmd.split(['\n', ';']).flat_map(|l| l.split("&&")) {
        let downloads = has_word(line, "curl") || has_word(line, "wget");
        if !downloads {
            continue;
        }
        // process substitution / command substitution fed to a shell
        if (line.contains("<(curl")
            || line.contains("<(wget")
            || line.contains("$(curl")
            || line.contains("$(wget"))
            && line.split_whitespace().any(is_shell)
        {
            return true;
        }
        let segments: Vec<&str> = line.split('|').collect();
        let mut seen_download = false;
        let mut prev_empty = false;
        for (i, seg) in segments.iter().enumerate() {
            if seg.trim().is_empty() {
                prev_empty = true; // `||` leaves an empty segment: not a pipe
                continue;
            }
            if i > 0 && seen_download && !prev_empty {
                let mut words = seg.split_whitespace().filter(|w| !w.starts_with('-'));
                let mut first = words.next().unwrap_or("");
                if first == "sudo" || first == "env" {
                    first = words.next().unwrap_or("");
                }
                if is_shell(first) {
                    return true;
                }
            }
            prev_empty = false;
            seen_download |= has_word(seg, "curl") || has_word(seg, "wget");
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinning() {
        for (img, want) in [
            ("python:3.12.1-slim", Some(true)),
            ("python:3.12-slim", Some(false)),
            ("python:3", Some(false)),
            ("python", Some(false)),
            ("python:latest", Some(false)),
            ("node:20.11.0-bookworm-slim", Some(true)),
            ("postgres:16-alpine", Some(false)),
            ("postgres:16.4", Some(true)),
            ("postgres:16.4-alpine3.20", Some(true)),
            ("ubuntu:22.04", Some(false)),
            ("redis:7.2.4", Some(true)),
            (
                "python@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                Some(true),
            ),
            (
                "python:3.12@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                Some(true),
            ),
            ("localhost:5000/team/api", Some(false)),
            ("localhost:5000/team/api:1.4.2", Some(true)),
            ("ghcr.io/acme/api:sha-3f2a1c9", Some(true)),
            ("scratch", Some(true)),
            ("${BASE_IMAGE}", None),
            ("nginx:stable", Some(false)),
        ] {
            assert_eq!(image_pinned(img), want, "{img}");
        }
        assert!(latest_tag("python"));
        assert!(latest_tag("python:latest"));
        assert!(!latest_tag("python:3.12"));
    }

    #[test]
    fn pipe_to_shell() {
        assert!(pipes_download_to_shell(
            "curl -fsSL https://get.example.sh | sh"
        ));
        assert!(pipes_download_to_shell(
            "apt-get update && wget -qO- https://x.example/i.sh | sudo -E bash -"
        ));
        assert!(pipes_download_to_shell(
            "bash <(curl -s https://x.example/i.sh)"
        ));
        assert!(!pipes_download_to_shell(
            "curl -fsSL https://x.example/a.tgz -o /tmp/a.tgz && tar xzf /tmp/a.tgz"
        ));
        assert!(!pipes_download_to_shell(
            "curl -f http://localhost/ || exit 1"
        ));
        assert!(!pipes_download_to_shell(
            "curl -s https://x.example/k.asc | gpg --dearmor -o /usr/share/keyrings/k.gpg"
        ));
    }

    fn fact(src: &str) -> Fact {
        let out = extract("Dockerfile", src).unwrap();
        assert_eq!(out.facts.len(), 1, "{src}");
        out.facts.into_iter().next().unwrap()
    }

    #[test]
    fn final_stage() {
        let f = fact(
            "FROM node:20.11.0 AS build\nRUN npm ci\nUSER node\n\nFROM nginx:1.25.3-alpine AS runtime\nCOPY --from=build /app /usr/share/nginx/html\nEXPOSE 8080\n",
        );
        assert_eq!(f.evidence.location.start_line, 5);
        assert_eq!(f.evidence.symbol, "stage:runtime");
        assert_eq!(f.str("base_image"), Some("nginx:1.25.3-alpine"));
        assert!(f.flag("runs_as_root"));
        assert!(f.flag("image_pinned"));
        assert_eq!(f.list("exposed_ports"), ["8080"]);
    }

    #[test]
    fn stage_reference_and_user() {
        let f = fact(
            "FROM python:3.12.1-slim AS base\nUSER 10001:10001\nFROM base\nHEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1\n",
        );
        assert!(f.flag("image_pinned"));
        assert!(!f.flag("runs_as_root"));
        assert_eq!(f.str("user"), Some("10001"));
        assert!(f.flag("healthcheck"));
        assert!(!f.flag("curl_pipe_shell"));
        assert_eq!(f.evidence.symbol, "<module>");
    }

    #[test]
    fn risks() {
        let f = fact(
            "ARG PY_VERSION=3.12\nFROM python:${PY_VERSION}\nENV API_TOKEN=q8Zr2Lm7Xv4Tn9Kw3Hb6 DB_HOST=db\nENV DB_PASSWORD=\"changeme\"\nENV EMPTY_SECRET=\nARG GITHUB_TOKEN\nENV REDIS_PASSWORD=${REDIS_PASSWORD}\nADD https://example.com/tool.tgz /opt/\nRUN curl -sSL https://install.example.sh | sh && sudo apt-get install -y jq\nUSER root\n",
        );
        assert_eq!(f.str("base_image"), Some("python:3.12"));
        assert!(!f.flag("image_pinned"));
        assert!(f.flag("runs_as_root"));
        assert_eq!(f.list("secret_env"), ["API_TOKEN", "DB_PASSWORD"]);
        assert!(f.flag("add_remote"));
        assert!(f.flag("curl_pipe_shell"));
        assert!(f.flag("sudo"));
        let json = serde_json::to_string(&f).unwrap();
        assert!(!json.contains("q8Zr2Lm7Xv4Tn9Kw3Hb6"));
    }

    #[test]
    fn variable_base_is_unknown() {
        let f = fact("ARG BASE\nFROM ${BASE}\nUSER app\n");
        assert!(!f.props.contains_key("image_pinned"));
        let f = fact("FROM scratch\nCOPY app /app\n");
        assert!(f.flag("image_pinned"));
        assert!(!f.flag("latest_tag"));
    }

    #[test]
    fn add_with_checksum_is_verified() {
        let f = fact(
            "FROM alpine:3.19.1\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/t.tgz /t.tgz\n",
        );
        assert!(!f.flag("add_remote"));
    }

    #[test]
    fn empty_and_garbage() {
        assert!(extract("Dockerfile", "").unwrap().facts.is_empty());
        assert!(
            extract("Dockerfile", "# only a comment\n")
                .unwrap()
                .facts
                .is_empty()
        );
        let _ = extract("Dockerfile", "FROM\nRUN\n\u{0}\u{1}ENV =\nUSER\n");
    }
}
