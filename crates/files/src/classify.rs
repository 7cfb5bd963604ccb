//! What a file is: its language and its class, from its path and (for
//! minified and generated code) its first bytes.

use serde::{Deserialize, Serialize};

/// Languages and file formats breakwater reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lang {
    Python,
    JavaScript,
    TypeScript,
    Tsx,
    Dockerfile,
    /// YAML: docker-compose, Kubernetes manifests, CI files.
    Yaml,
    /// `requirements*.txt`.
    Requirements,
    /// `package.json`.
    PackageJson,
    /// `pyproject.toml`.
    Pyproject,
    /// A lockfile (package-lock.json, yarn.lock, poetry.lock, …): only
    /// its presence matters.
    Lockfile,
    /// Configuration text read only for secrets (.env, .ini, .json, .toml, .properties).
    Config,
}

impl Lang {
    pub fn name(self) -> &'static str {
        match self {
            Lang::Python => "python",
            Lang::JavaScript => "javascript",
            Lang::TypeScript => "typescript",
            Lang::Tsx => "tsx",
            Lang::Dockerfile => "dockerfile",
            Lang::Yaml => "yaml",
            Lang::Requirements => "requirements",
            Lang::PackageJson => "package-json",
            Lang::Pyproject => "pyproject",
            Lang::Lockfile => "lockfile",
            Lang::Config => "config",
        }
    }

    /// Source code parsed with tree-sitter for code facts.
    pub fn is_code(self) -> bool {
        matches!(
            self,
            Lang::Python | Lang::JavaScript | Lang::TypeScript | Lang::Tsx
        )
    }
}

const LOCKFILES: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lockb",
    "poetry.lock",
    "Pipfile.lock",
    "uv.lock",
    "pdm.lock",
];

/// The language of a path, or `None` when breakwater does not read it.
pub fn detect_lang(path: &str) -> Option<Lang> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    if LOCKFILES.contains(&name) {
        return Some(Lang::Lockfile);
    }
    if name == "package.json" {
        return Some(Lang::PackageJson);
    }
    if name == "pyproject.toml" {
        return Some(Lang::Pyproject);
    }
    if lower.starts_with("requirements") && lower.ends_with(".txt") {
        return Some(Lang::Requirements);
    }
    if lower == "dockerfile"
        || lower == "containerfile"
        || lower.starts_with("dockerfile.")
        || lower.ends_with(".dockerfile")
    {
        return Some(Lang::Dockerfile);
    }
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "py" | "pyi" => Some(Lang::Python),
        "js" | "mjs" | "cjs" | "jsx" => Some(Lang::JavaScript),
        "ts" | "mts" | "cts" => {
            if lower.ends_with(".d.ts") {
                None
            } else {
                Some(Lang::TypeScript)
            }
        }
        "tsx" => Some(Lang::Tsx),
        "yaml" | "yml" => Some(Lang::Yaml),
        "env" | "ini" | "cfg" | "properties" | "toml" | "json" | "conf" => Some(Lang::Config),
        _ if lower == ".env" || lower.starts_with(".env.") => Some(Lang::Config),
        _ => None,
    }
}

/// The class of a file: whether its findings describe the product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileClass {
    Source,
    Test,
    Vendored,
    Minified,
    Generated,
}

const VENDOR_DIRS: &[&str] = &[
    "node_modules",
    "vendor",
    "vendors",
    "third_party",
    "third-party",
    "site-packages",
    ".venv",
    "venv",
    "bower_components",
    "jspm_packages",
];
const GENERATED_DIRS: &[&str] = &[
    "dist",
    "build",
    "built",
    "out",
    ".next",
    "__generated__",
    "coverage",
    ".output",
    ".nuxt",
    ".svelte-kit",
];
/// A folder inside another that only a framework's build writes, wherever
/// the build output was copied to: SvelteKit's `_app/immutable`, Next.js's
/// `_next/static`.
const BUILD_OUTPUT: &[(&str, &str)] = &[("_app", "immutable"), ("_next", "static")];
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "__tests__",
    "spec",
    "specs",
    "__mocks__",
    "testing",
    "e2e",
    // Fuzz harnesses and their seeds and corpora: inputs built to break
    // a reader, not code that runs in production.
    "fuzz",
];

/// A bundler's output name: `vendor-aed0068cf9b67d04.js`, `main.3f9a1c2e7b.chunk.js`.
fn hashed_bundle(name: &str) -> bool {
    if !(name.ends_with(".js") || name.ends_with(".mjs") || name.ends_with(".cjs")) {
        return false;
    }
    name.split(['-', '.', '_']).any(|part| {
        part.len() >= 12
            && part.bytes().all(|b| b.is_ascii_hexdigit())
            && part.bytes().any(|b| b.is_ascii_digit())
    })
}

/// Classify a file from its path alone: test, vendored, generated and
/// minified code by directory and name. `Source` means "look at its bytes".
pub fn classify_path(path: &str) -> FileClass {
    classify_by_path(path).unwrap_or(FileClass::Source)
}

/// Classify a file from its path and its first bytes.
pub fn classify(path: &str, head: &[u8]) -> FileClass {
    if let Some(c) = classify_by_path(path) {
        return c;
    }
    classify_by_content(path, head)
}

fn classify_by_path(path: &str) -> Option<FileClass> {
    let parts: Vec<&str> = path.split('/').collect();
    let dirs = &parts[..parts.len().saturating_sub(1)];
    let name = parts.last().copied().unwrap_or("");
    if dirs.iter().any(|d| VENDOR_DIRS.contains(d)) {
        return Some(FileClass::Vendored);
    }
    let lower = name.to_ascii_lowercase();
    if lower.contains(".min.")
        || lower.ends_with("-min.js")
        || lower.ends_with(".bundle.js")
        || (lower.ends_with("-bundle.js")
            && dirs
                .iter()
                .any(|d| matches!(*d, "static" | "assets" | "public" | "js")))
        || hashed_bundle(&lower)
    {
        return Some(FileClass::Minified);
    }
    if dirs.iter().any(|d| GENERATED_DIRS.contains(d))
        || dirs
            .windows(2)
            .any(|w| BUILD_OUTPUT.contains(&(w[0], w[1])))
        || lower.ends_with("_pb2.py")
        || lower.ends_with("_pb2_grpc.py")
        || lower.ends_with(".generated.ts")
        || lower.ends_with(".gen.ts")
    {
        return Some(FileClass::Generated);
    }
    let stem = lower.split('.').next().unwrap_or("");
    if dirs.iter().any(|d| TEST_DIRS.contains(d))
        || stem.starts_with("test_")
        || stem.ends_with("_test")
        || stem.ends_with("_tests")
        || lower == "conftest.py"
        || lower.contains(".test.")
        || lower.contains(".spec.")
        || lower.contains(".stories.")
    {
        return Some(FileClass::Test);
    }
    None
}

fn classify_by_content(path: &str, head: &[u8]) -> FileClass {
    let head = &head[..head.len().min(2048)];
    let text = String::from_utf8_lossy(head);
    let first_lines: String = text.lines().take(5).collect::<Vec<_>>().join("\n");
    if first_lines.contains("@generated")
        || first_lines.contains("DO NOT EDIT")
        || first_lines.contains("Code generated by")
        || first_lines.contains("autogenerated")
        || first_lines.contains("auto-generated")
    {
        return FileClass::Generated;
    }
    // Minified: a long first line of code, in a code file, below the
    // license banner or hashbang a bundler keeps (`/*! jQuery v3.6.0 … */`,
    // `/*! For license information please see core.js.LICENSE.txt */`).
    // (Only the first line of code: a long line further down is how a
    // hand-written file could hide itself, and is analysed.)
    if matches!(detect_lang(path), Some(Lang::JavaScript | Lang::TypeScript)) {
        let code = after_leading_comments(&text);
        let first = code.lines().next().unwrap_or("");
        // At least 1,000 bytes of it in view: a license header filling most
        // of the head leaves too little of the first line to judge.
        if first.len() >= 1000 {
            return FileClass::Minified;
        }
    }
    FileClass::Source
}

/// The text from its first line of code on: past a hashbang, blank lines
/// and leading comments (`/* … */`, `// …`). A comment still open where
/// the text ends leaves nothing.
fn after_leading_comments(text: &str) -> &str {
    let mut rest = text.strip_prefix('\u{feff}').unwrap_or(text);
    if rest.starts_with("#!") {
        rest = rest.find('\n').map_or("", |i| &rest[i + 1..]);
    }
    loop {
        rest = rest.trim_start();
        if let Some(c) = rest.strip_prefix("/*") {
            rest = c.find("*/").map_or("", |i| &c[i + 2..]);
        } else if rest.starts_with("//") {
            rest = rest.find('\n').map_or("", |i| &rest[i + 1..]);
        } else {
            return rest;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages() {
        assert_eq!(detect_lang("app/main.py"), Some(Lang::Python));
        assert_eq!(detect_lang("src/index.tsx"), Some(Lang::Tsx));
        assert_eq!(detect_lang("src/types.d.ts"), None);
        assert_eq!(detect_lang("Dockerfile"), Some(Lang::Dockerfile));
        assert_eq!(detect_lang("api/Dockerfile.prod"), Some(Lang::Dockerfile));
        assert_eq!(detect_lang("deploy/app.yaml"), Some(Lang::Yaml));
        assert_eq!(
            detect_lang("requirements-dev.txt"),
            Some(Lang::Requirements)
        );
        assert_eq!(detect_lang("web/package-lock.json"), Some(Lang::Lockfile));
        assert_eq!(detect_lang(".env.production"), Some(Lang::Config));
        assert_eq!(detect_lang("README.md"), None);
    }

    #[test]
    fn classes() {
        assert_eq!(classify("app/views.py", b"import os\n"), FileClass::Source);
        assert_eq!(classify("tests/test_views.py", b""), FileClass::Test);
        assert_eq!(classify("app/test_views.py", b""), FileClass::Test);
        assert_eq!(classify("src/user.spec.ts", b""), FileClass::Test);
        assert_eq!(classify("fuzz/seeds/iac/laughs.yml", b""), FileClass::Test);
        assert_eq!(classify("app/fuzzy.py", b""), FileClass::Source);
        assert_eq!(
            classify("node_modules/x/index.js", b""),
            FileClass::Vendored
        );
        assert_eq!(classify("static/app.min.js", b""), FileClass::Minified);
        assert_eq!(
            classify("static/js/swagger-ui-bundle.js", b""),
            FileClass::Minified
        );
        assert_eq!(classify("src/bundle.js", b""), FileClass::Source);
        // A script that makes a bundle, outside a folder of served files:
        // hand-written code.
        assert_eq!(classify("scripts/make-bundle.js", b""), FileClass::Source);
        assert_eq!(
            classify("assets/vendor-aed0068cf9b67d042dd23a6343545b7b.js", b""),
            FileClass::Minified
        );
        assert_eq!(classify("src/deadbeef-handler.js", b""), FileClass::Source);
        assert_eq!(
            classify("core/built/admin/app.js", b""),
            FileClass::Generated
        );
        assert_eq!(classify("api/pb/user_pb2.py", b""), FileClass::Generated);
        assert_eq!(
            classify("app/frontend/_app/immutable/chunks/Ab12_cD.js", b""),
            FileClass::Generated
        );
        assert_eq!(
            classify("ui/compiled/_next/static/chunks/5210.js", b""),
            FileClass::Generated
        );
        // The words alone, elsewhere, are source.
        assert_eq!(classify("src/immutable/list.js", b""), FileClass::Source);
        assert_eq!(classify("src/static/app.js", b""), FileClass::Source);
        assert_eq!(
            classify(
                "src/api.ts",
                b"// Code generated by openapi. DO NOT EDIT.\n"
            ),
            FileClass::Generated
        );
        let long = format!("var a={};\n", "x".repeat(1200));
        assert_eq!(
            classify("static/app.js", long.as_bytes()),
            FileClass::Minified
        );
    }

    #[test]
    fn a_bundle_below_its_license_banner_is_minified() {
        let code = format!("(()=>{{var e={{{}}}}})();\n", "1:2,".repeat(400));
        for banner in [
            "/*! jQuery v3.6.0 | (c) OpenJS Foundation and other contributors | jquery.org/license */\n",
            "/*! For license information please see core.js.LICENSE.txt */\n",
            "#!/usr/bin/env node\n// bundled by a tool\n\n",
            "/**\n * @license\n * Lib v1.2\n */\n",
        ] {
            let text = format!("{banner}{code}");
            let head = &text.as_bytes()[..text.len().min(2048)];
            assert_eq!(
                classify("static/js/lib.js", head),
                FileClass::Minified,
                "{banner}"
            );
        }
        // Short lines of code below the banner: a hand-written file.
        let text = "/*! Copyright Example */\nconst a = require('a');\nmodule.exports = a;\n";
        assert_eq!(classify("src/a.js", text.as_bytes()), FileClass::Source);
        // A long license header: the head ends inside an ordinary first
        // line of code, of which too little is in view to call it long.
        let text = format!(
            "/*\n{}*/\nconst options = {{ {} }};\n",
            " * Licensed under the terms of the licence in LICENSE.\n".repeat(35),
            "retries: 3, ".repeat(30)
        );
        assert_eq!(
            classify("src/options.js", &text.as_bytes()[..2048]),
            FileClass::Source
        );
        // A comment that never closes hides nothing: the file is source.
        let open = format!("/* {}", "x".repeat(3000));
        assert_eq!(
            classify("src/b.js", &open.as_bytes()[..2048]),
            FileClass::Source
        );
    }

    #[test]
    fn a_long_line_below_the_first_is_analysed() {
        // Code behind a short first line is analysed whatever its lines'
        // length: a long line is how a hand-written file would hide.
        let body: String = (0..400).map(|i| format!("a{i}=b(c,{i}),")).collect();
        let text = format!("import{{a as b}}from\"./c.js\";\n{body}\n");
        assert_eq!(
            classify("app/chunk.js", &text.as_bytes()[..2048]),
            FileClass::Source
        );
    }
}
