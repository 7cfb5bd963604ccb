//! Dependency manifests: requirements*.txt, package.json, pyproject.toml.
//!
//! Each manifest is one `package` fact (kind `npm` or `python`, symbol
//! `<module>`) anchored on its dependency section, listing the dependency
//! names, those without an exact version (`unpinned`) and, for npm, the
//! lifecycle scripts that run on install.
//!
//! `lockfile` cannot be known from one file, so it is left unset here: the
//! engine sets it after the walk, when it has seen a lockfile
//! (package-lock.json, yarn.lock, poetry.lock, uv.lock, …) in the same
//! directory as the manifest.
//!
//! A package.json that is not JSON, or a pyproject.toml that is not TOML,
//! is reported (`malformed`, with the line of the error; `over-budget` when
//! it nests deeper than the reader allows), never dropped silently.

use crate::evidence::{LineIndex, line_evidence};
use crate::types::{Fact, FileFacts, Prop, Subject};
use bw_files::{Lang, SkipReason};

pub fn extract(path: &str, lang: Lang, text: &str) -> FileFacts {
    let mut out = FileFacts {
        path: path.into(),
        ..Default::default()
    };
    let fact = match lang {
        Lang::Requirements => requirements(path, text),
        Lang::PackageJson => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(doc) => package_json(path, text, &doc),
            Err(e) => {
                out.unread = Some(json_problem(&e));
                None
            }
        },
        Lang::Pyproject => match toml::from_str::<toml::Table>(text) {
            Ok(doc) => pyproject(path, text, &doc),
            Err(e) => {
                out.unread = Some(toml_problem(text, &e));
                None
            }
        },
        _ => None,
    };
    out.facts.extend(fact);
    out
}

/// Why a package.json was not read.
fn json_problem(e: &serde_json::Error) -> SkipReason {
    let text = e.to_string();
    let message = text.split(" at line ").next().unwrap_or(&text);
    if message.contains("recursion limit") {
        return SkipReason::OverBudget {
            budget: "JSON nesting depth (it nests deeper than 128 levels)".into(),
        };
    }
    SkipReason::Malformed {
        error: format!(
            "is not valid JSON: line {}, column {}: {message}",
            e.line(),
            e.column()
        ),
    }
}

/// Why a pyproject.toml was not read.
fn toml_problem(text: &str, e: &toml::de::Error) -> SkipReason {
    let (line, column) = match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            (line, col)
        }
        None => (0, 0),
    };
    let message = e.message().trim().trim_end_matches('.');
    if message.contains("recursion") {
        return SkipReason::OverBudget {
            budget: "TOML nesting depth (it nests deeper than the reader allows)".into(),
        };
    }
    SkipReason::Malformed {
        error: format!("is not valid TOML: line {line}, column {column}: {message}"),
    }
}

fn dir_of(path: &str) -> &str {
    match path.rfind('/') {
        Some(p) => &path[..p],
        None => ".",
    }
}

fn package(
    path: &str,
    text: &str,
    kind: &str,
    line: u32,
    name: Option<String>,
    deps: Vec<(String, bool)>,
) -> Fact {
    let mut names: Vec<String> = deps.iter().map(|(n, _)| n.clone()).collect();
    let mut unpinned: Vec<String> = deps
        .iter()
        .filter(|(_, pinned)| !pinned)
        .map(|(n, _)| n.clone())
        .collect();
    names.sort();
    names.dedup();
    unpinned.sort();
    unpinned.dedup();
    let root = dir_of(path);
    let name = name.unwrap_or_else(|| root.rsplit('/').next().unwrap_or(root).to_string());
    Fact::new(
        Subject::Package,
        kind,
        line_evidence(path, &LineIndex::new(text), line.max(1), "<module>"),
    )
    .with("name", Prop::Str(name))
    .with("root", Prop::Str(root.to_string()))
    .with("dependencies", Prop::List(names))
    .with("unpinned", Prop::List(unpinned))
}

// ----------------------------------------------------------- python (PEP 508)

/// A PEP 508 requirement: its normalised name and whether it is pinned to
/// one version (`==1.2.3`, `===1.2.3`, or a direct reference to a commit or
/// a hashed archive).
fn pep508(spec: &str) -> Option<(String, bool)> {
    let spec = spec.split(';').next().unwrap_or(spec).trim(); // environment markers
    let end = spec
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        .unwrap_or(spec.len());
    let name = &spec[..end];
    if name.is_empty() {
        return None;
    }
    let mut rest = spec[end..].trim_start();
    if rest.starts_with('[') {
        rest = rest
            .split_once(']')
            .map(|(_, r)| r)
            .unwrap_or("")
            .trim_start();
    }
    let pinned = if let Some(url) = rest.strip_prefix('@') {
        direct_reference_pinned(url.trim())
    } else {
        let clauses: Vec<&str> = rest
            .trim_matches(|c| c == '(' || c == ')')
            .split(',')
            .map(str::trim)
            .collect();
        clauses.iter().any(|c| {
            (c.starts_with("===") || (c.starts_with("==") && !c.contains('*'))) && c.len() > 2
        })
    };
    Some((name.to_ascii_lowercase().replace('_', "-"), pinned))
}

/// `git+https://…@<40-hex commit>` or an archive URL with a `#sha256=` hash.
fn direct_reference_pinned(url: &str) -> bool {
    if url.contains("#sha256=") || url.contains("&sha256=") {
        return true;
    }
    let before_fragment = url.split('#').next().unwrap_or(url);
    let rev = before_fragment.rsplit('@').next().unwrap_or("");
    url.starts_with("git+") && rev.len() == 40 && rev.bytes().all(|b| b.is_ascii_hexdigit())
}

fn requirements(path: &str, text: &str) -> Option<Fact> {
    let mut deps = Vec::new();
    let mut first_line = None;
    for (i, raw) in text.lines().enumerate() {
        if crate::budget::spent() {
            break;
        }
        let line = raw.split(" #").next().unwrap_or(raw).trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        // Options (-r other.txt, --index-url, -c constraints) are not dependencies.
        if let Some(opt) = line.strip_prefix('-') {
            let editable = opt
                .strip_prefix("e ")
                .or_else(|| opt.strip_prefix("-editable "))
                .or_else(|| opt.strip_prefix("-editable="));
            if let Some(target) = editable {
                let target = target.trim();
                if let Some(egg) = target.split("#egg=").nth(1) {
                    let name = egg
                        .split(['&', '['])
                        .next()
                        .unwrap_or(egg)
                        .to_ascii_lowercase();
                    first_line.get_or_insert(i as u32 + 1);
                    deps.push((name, direct_reference_pinned(target)));
                }
            }
            continue;
        }
        if line.contains("://") && !line.contains(" @ ") && !line.contains("@ ") {
            // A bare URL requirement.
            if let Some(egg) = line.split("#egg=").nth(1) {
                first_line.get_or_insert(i as u32 + 1);
                deps.push((egg.to_ascii_lowercase(), direct_reference_pinned(line)));
            }
            continue;
        }
        // `--hash=…` options after the requirement.
        let spec = line
            .split(" --")
            .next()
            .unwrap_or(line)
            .trim_end_matches('\\')
            .trim();
        if let Some(dep) = pep508(spec) {
            first_line.get_or_insert(i as u32 + 1);
            deps.push(dep);
        }
    }
    let line = first_line?;
    Some(package(path, text, "python", line, None, deps))
}

fn pyproject(path: &str, text: &str, doc: &toml::Table) -> Option<Fact> {
    let project = doc.get("project").and_then(|p| p.as_table());
    let poetry = doc
        .get("tool")
        .and_then(|t| t.get("poetry"))
        .and_then(|p| p.as_table());
    if project.is_none() && poetry.is_none() {
        return None; // tool configuration only
    }
    let mut deps = Vec::new();
    let strings = |v: Option<&toml::Value>| -> Vec<String> {
        v.and_then(|a| a.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    if let Some(p) = project {
        for s in strings(p.get("dependencies")) {
            deps.extend(pep508(&s));
        }
        if let Some(opt) = p.get("optional-dependencies").and_then(|o| o.as_table()) {
            for v in opt.values() {
                for s in strings(Some(v)) {
                    deps.extend(pep508(&s));
                }
            }
        }
    }
    if let Some(groups) = doc.get("dependency-groups").and_then(|g| g.as_table()) {
        for v in groups.values() {
            for s in strings(Some(v)) {
                deps.extend(pep508(&s));
            }
        }
    }
    if let Some(po) = poetry {
        let mut tables = vec![po.get("dependencies"), po.get("dev-dependencies")];
        if let Some(groups) = po.get("group").and_then(|g| g.as_table()) {
            tables.extend(groups.values().map(|g| g.get("dependencies")));
        }
        for t in tables.into_iter().flatten().filter_map(|t| t.as_table()) {
            for (name, spec) in t {
                if name == "python" {
                    continue;
                }
                deps.push((
                    name.to_ascii_lowercase().replace('_', "-"),
                    poetry_pinned(spec),
                ));
            }
        }
    }
    let name = project
        .and_then(|p| p.get("name"))
        .or_else(|| poetry.and_then(|p| p.get("name")))
        .and_then(|n| n.as_str())
        .map(str::to_string);
    let line = find_line(text, |l| {
        let l = l.trim_start();
        (l.starts_with("dependencies") && l[12..].trim_start().starts_with('='))
            || l.starts_with("[tool.poetry.dependencies]")
    })
    .or_else(|| {
        find_line(text, |l| {
            l.trim() == "[project]" || l.trim() == "[tool.poetry]"
        })
    })
    .unwrap_or(1);
    Some(package(path, text, "python", line, name, deps))
}

/// Poetry: a bare version (`"1.2.3"`) or `==1.2.3` is exact; `^`, `~`, `*`,
/// `>=` are ranges; a git dependency is pinned by `rev` (a commit).
fn poetry_pinned(spec: &toml::Value) -> bool {
    match spec {
        toml::Value::String(s) => exact_version(s.trim().trim_start_matches("==")),
        toml::Value::Table(t) => {
            if let Some(v) = t.get("version").and_then(|v| v.as_str()) {
                return exact_version(v.trim().trim_start_matches("=="));
            }
            if t.contains_key("git") {
                return t
                    .get("rev")
                    .and_then(|r| r.as_str())
                    .is_some_and(|r| r.len() >= 7 && r.bytes().all(|b| b.is_ascii_hexdigit()));
            }
            t.contains_key("path") // a local path dependency is not fetched
        }
        _ => false,
    }
}

/// `1.2.3`, `1.2.3-rc.1`, `1.2.3+build`, `1.2`, `1.2.3.4`: digits and dots
/// with an optional pre-release/build suffix, no range operator.
fn exact_version(v: &str) -> bool {
    let v = v
        .strip_prefix('=')
        .unwrap_or(v)
        .strip_prefix('v')
        .unwrap_or(v);
    let core = v.split(['-', '+']).next().unwrap_or(v);
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn find_line(text: &str, pred: impl Fn(&str) -> bool) -> Option<u32> {
    text.lines().position(pred).map(|i| i as u32 + 1)
}

// ------------------------------------------------------------------- npm

/// An npm dependency spec pins one version when it is an exact semver
/// (`1.2.3`, `=1.2.3`), a git URL with a full commit, or a local path.
fn npm_pinned(spec: &str) -> bool {
    let s = spec.trim();
    if let Some(alias) = s.strip_prefix("npm:") {
        // npm:other-pkg@1.2.3
        return alias.rsplit_once('@').is_some_and(|(_, v)| npm_pinned(v));
    }
    if s.starts_with("file:")
        || s.starts_with("link:")
        || s.starts_with("workspace:")
        || s.starts_with("portal:")
    {
        return true;
    }
    if let Some((_, frag)) = s.split_once('#') {
        let frag = frag.strip_prefix("commit=").unwrap_or(frag);
        return frag.len() == 40 && frag.bytes().all(|b| b.is_ascii_hexdigit());
    }
    let core = s.split(['-', '+']).next().unwrap_or(s);
    let core = core
        .strip_prefix('=')
        .unwrap_or(core)
        .strip_prefix('v')
        .unwrap_or(core);
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn package_json(path: &str, text: &str, doc: &serde_json::Value) -> Option<Fact> {
    let obj = doc.as_object()?;
    let mut deps = Vec::new();
    for section in ["dependencies", "devDependencies", "optionalDependencies"] {
        if let Some(map) = obj.get(section).and_then(|d| d.as_object()) {
            for (name, spec) in map {
                let pinned = spec.as_str().is_some_and(npm_pinned);
                deps.push((name.clone(), pinned));
            }
        }
    }
    let mut scripts: Vec<String> = obj
        .get("scripts")
        .and_then(|s| s.as_object())
        .map(|s| {
            s.keys()
                .filter(|k| matches!(k.as_str(), "preinstall" | "install" | "postinstall"))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    scripts.sort();
    let name = obj.get("name").and_then(|n| n.as_str()).map(str::to_string);
    let line = find_line(text, |l| l.trim_start().starts_with("\"dependencies\""))
        .or_else(|| find_line(text, |l| l.trim_start().starts_with("\"devDependencies\"")))
        .unwrap_or(1);
    Some(package(path, text, "npm", line, name, deps).with("install_scripts", Prop::List(scripts)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(path: &str, lang: Lang, src: &str) -> Fact {
        let mut f = extract(path, lang, src).facts;
        assert_eq!(f.len(), 1, "{src}");
        f.remove(0)
    }

    #[test]
    fn requirements_pinning() {
        let src = "# web\n-r base.txt\n--index-url https://pypi.org/simple\nFlask==3.0.2\nrequests>=2.31\nsqlalchemy[asyncio]==2.0.27 ; python_version >= \"3.10\"\ngunicorn\ncelery==5.*\nuvicorn==0.27.1 \\\n    --hash=sha256:aaaa\nmylib @ git+https://github.com/acme/mylib@0123456789abcdef0123456789abcdef01234567\nother @ git+https://github.com/acme/other@main\n-e git+https://github.com/acme/tool@0123456789abcdef0123456789abcdef01234567#egg=tool\n";
        let f = one("svc/requirements.txt", Lang::Requirements, src);
        assert_eq!(f.kind, "python");
        assert_eq!(f.evidence.location.start_line, 4);
        assert_eq!(f.str("root"), Some("svc"));
        assert_eq!(
            f.list("unpinned"),
            ["celery", "gunicorn", "other", "requests"]
        );
        assert_eq!(f.list("dependencies").len(), 9);
    }

    #[test]
    fn requirements_empty_is_nothing() {
        assert!(
            extract(
                "requirements.txt",
                Lang::Requirements,
                "# nothing\n-r base.txt\n"
            )
            .facts
            .is_empty()
        );
    }

    #[test]
    fn npm() {
        let src = r#"{
  "name": "web",
  "scripts": { "build": "tsc", "postinstall": "node scripts/fetch.js" },
  "dependencies": {
    "express": "4.18.2",
    "lodash": "^4.17.21",
    "left-pad": "*",
    "debug": "latest",
    "internal": "file:../internal",
    "forked": "git+https://github.com/acme/forked.git#0123456789abcdef0123456789abcdef01234567",
    "branch": "github:acme/branch#main",
    "aliased": "npm:real-pkg@1.0.0"
  },
  "devDependencies": { "typescript": "~5.3.3", "jest": "29.7.0" }
}"#;
        let f = one("web/package.json", Lang::PackageJson, src);
        assert_eq!(f.kind, "npm");
        assert_eq!(f.str("name"), Some("web"));
        assert_eq!(f.evidence.location.start_line, 4);
        assert_eq!(
            f.list("unpinned"),
            ["branch", "debug", "left-pad", "lodash", "typescript"]
        );
        assert_eq!(f.list("install_scripts"), ["postinstall"]);
        assert!(!f.props.contains_key("lockfile"));
        assert!(
            extract("package.json", Lang::PackageJson, "{ not json")
                .facts
                .is_empty()
        );
    }

    #[test]
    fn pyproject_pep621_and_poetry() {
        let src = "[project]\nname = \"api\"\ndependencies = [\n  \"fastapi==0.110.0\",\n  \"pydantic>=2\",\n]\n\n[project.optional-dependencies]\ndev = [\"pytest==8.0.2\"]\n";
        let f = one("pyproject.toml", Lang::Pyproject, src);
        assert_eq!(f.str("name"), Some("api"));
        assert_eq!(f.str("root"), Some("."));
        assert_eq!(f.evidence.location.start_line, 3);
        assert_eq!(f.list("unpinned"), ["pydantic"]);
        let src = "[tool.poetry]\nname = \"worker\"\n\n[tool.poetry.dependencies]\npython = \"^3.11\"\ncelery = \"5.3.6\"\nredis = \"^5.0\"\nboto3 = { version = \"1.34.50\", extras = [\"crt\"] }\nlib = { git = \"https://github.com/acme/lib.git\", branch = \"main\" }\n";
        let f = one("worker/pyproject.toml", Lang::Pyproject, src);
        assert_eq!(f.evidence.location.start_line, 4);
        assert_eq!(f.list("unpinned"), ["lib", "redis"]);
        assert_eq!(f.list("dependencies"), ["boto3", "celery", "lib", "redis"]);
        assert!(
            extract(
                "pyproject.toml",
                Lang::Pyproject,
                "[tool.ruff]\nline-length = 100\n"
            )
            .facts
            .is_empty()
        );
    }
}
