//! Module names, the import table, literal helpers and name matching.

use crate::types::Import;
use bw_lang::KindExt;
use foldhash::HashMap;
use tree_sitter::Node;

// Module identities and import bindings are the Python lowering's: one
// definition for the old extractor and the intermediate form.
pub use bw_lower::python::module_of;

pub fn text<'a>(n: Node<'_>, src: &'a str) -> &'a str {
    src.get(n.byte_range()).unwrap_or("")
}

/// The named children of a node, walked once with a cursor
/// (`named_child(i)` walks from the first child on every call, which made a
/// module of ten thousand statements quadratic).
pub fn named_kids<'t>(n: Node<'t>) -> Vec<Node<'t>> {
    n.named_children(&mut n.walk()).collect()
}

/// Every child of a node, walked once with a cursor.
pub fn kids<'t>(n: Node<'t>) -> Vec<Node<'t>> {
    n.children(&mut n.walk()).collect()
}

/// The import table of a file.
#[derive(Default)]
pub struct Imports {
    pub map: HashMap<String, String>,
    pub list: Vec<Import>,
    /// First segment of every imported module (`django`, `flask`).
    pub roots: std::collections::HashSet<String>,
    /// How many of `map`'s current values start with each first segment,
    /// so "is this root bound by an import" is one lookup per call.
    bound_roots: HashMap<String, usize>,
}

impl Imports {
    pub fn add_statement(&mut self, n: Node<'_>, src: &str, path: &str) {
        let before = self.list.len();
        self.add_inner(n, src, path);
        // The roots of what this statement bound (earlier bindings' roots
        // are in already: a file of many imports stays linear).
        for imp in &self.list[before..] {
            let Some(m) = self.map.get(&imp.local) else {
                continue;
            };
            let root = m.split('.').next().unwrap_or("");
            if !self.roots.contains(root) {
                self.roots.insert(root.to_string());
            }
        }
    }

    /// Bind `local` to the imported `full` name.
    fn bind(&mut self, local: &str, full: String) {
        let root = |m: &str| m.split('.').next().unwrap_or("").to_string();
        *self.bound_roots.entry(root(&full)).or_default() += 1;
        if let Some(old) = self.map.insert(local.to_string(), full)
            && let Some(n) = self.bound_roots.get_mut(&root(&old))
        {
            *n -= 1;
        }
    }

    /// Some current import binding's module starts with `root`.
    pub fn binds_root(&self, root: &str) -> bool {
        self.bound_roots.get(root).is_some_and(|&n| n > 0)
    }

    fn add_inner(&mut self, n: Node<'_>, src: &str, path: &str) {
        for b in bw_lower::python::import_bindings(n, src, path) {
            self.bind(&b.local, b.value);
            self.list.push(Import {
                local: b.local,
                module: b.module,
                name: b.member,
            });
        }
    }
}

/// The value of a plain string literal (no interpolation), without quotes.
pub fn lit_str(n: Node<'_>, src: &str) -> Option<String> {
    match n.node_kind() {
        "string" => {
            let mut out = String::new();
            for c in named_kids(n) {
                match c.node_kind() {
                    "string_content" => out.push_str(text(c, src)),
                    "interpolation" => return None,
                    _ => {}
                }
            }
            Some(out)
        }
        "concatenated_string" => {
            let mut out = String::new();
            for c in named_kids(n) {
                out.push_str(&lit_str(c, src)?);
            }
            Some(out)
        }
        "parenthesized_expression" => named_kids(n).first().and_then(|c| lit_str(*c, src)),
        _ => None,
    }
}

/// The leading literal part of a string or f-string (`f"https://x/{a}"` -> `https://x/`).
pub fn lit_prefix(n: Node<'_>, src: &str) -> Option<String> {
    match n.node_kind() {
        "string" => {
            let mut out = String::new();
            for c in named_kids(n) {
                match c.node_kind() {
                    "string_content" => out.push_str(text(c, src)),
                    "interpolation" => break,
                    _ => {}
                }
            }
            Some(out)
        }
        "concatenated_string" | "binary_operator" => {
            // The leftmost operand, however long the concatenation.
            let mut first = n.named_child(0)?;
            while matches!(first.node_kind(), "concatenated_string" | "binary_operator") {
                first = first.named_child(0)?;
            }
            lit_prefix(first, src)
        }
        _ => None,
    }
}

pub fn lit_bool(n: Node<'_>) -> Option<bool> {
    match n.node_kind() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

pub fn lit_int(n: Node<'_>, src: &str) -> Option<i64> {
    if n.node_kind() != "integer" {
        return None;
    }
    bw_lower::python::parse_int(text(n, src))
}

/// String literals of a list/tuple/set literal.
pub fn lit_list(n: Node<'_>, src: &str) -> Vec<String> {
    match n.node_kind() {
        "list" | "tuple" | "set" => named_kids(n)
            .into_iter()
            .filter_map(|c| lit_str(c, src))
            .collect(),
        _ => lit_str(n, src).into_iter().collect(),
    }
}

pub use bw_flow::catalogue::{name_matches, source_matches};

pub use crate::words::words;

const AUTH_WORDS: &[&str] = &[
    "auth",
    "user",
    "token",
    "login",
    "session",
    "permission",
    "jwt",
    "verify",
    "require",
    "current_user",
    "api_key",
    "admin_only",
];
const NOT_AUTH: &[&str] = &[
    "require_http_methods",
    "require_get",
    "require_post",
    "require_safe",
    "requires_csrf_token",
    "csrf_exempt",
    "session_maker",
    "sessionmaker",
    "get_session",
    "get_db_session",
    "db_session",
];

/// Does a decorator/dependency name look like an auth control?
pub fn authish(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name).to_ascii_lowercase();
    if NOT_AUTH.contains(&last.as_str()) {
        return false;
    }
    AUTH_WORDS.iter().any(|w| last.contains(w))
}

/// Does a route or handler name mark an admin/internal surface?
pub fn adminish(name: &str) -> bool {
    crate::words::is_admin_name(name)
}

/// Path parameters of a route (`<int:id>`, `{id}`, `<pk>`, `(?P<pk>...)`).
pub fn path_params(route: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = route.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let (open, close) = match b[i] {
            b'<' => (i, b'>'),
            b'{' => (i, b'}'),
            _ => {
                i += 1;
                continue;
            }
        };
        let Some(rel) = route[open + 1..].bytes().position(|c| c == close) else {
            break;
        };
        let inner = &route[open + 1..open + 1 + rel];
        let name = inner.rsplit(':').next().unwrap_or(inner);
        let name = if open > 0 && b[open - 1] == b'P' {
            inner
        } else {
            name
        };
        let name: String = name
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() && !out.contains(&name) {
            out.push(name);
        }
        i = open + 2 + rel;
    }
    out
}

/// Database client libraries (their `execute` runs SQL).
pub fn is_db_library(root: &str) -> bool {
    matches!(
        root,
        "sqlite3"
            | "psycopg"
            | "psycopg2"
            | "asyncpg"
            | "pymysql"
            | "mysql"
            | "MySQLdb"
            | "sqlalchemy"
            | "django"
            | "aiosqlite"
            | "aiomysql"
            | "databases"
            | "cx_Oracle"
            | "oracledb"
            | "pyodbc"
            | "duckdb"
            | "sqlmodel"
            | "flask_sqlalchemy"
            | "snowflake"
            | "clickhouse_driver"
            | "pymssql"
    )
}

/// Top-level modules of well-known libraries (calls into them are not
/// recorded as call sites for cross-file linking).
pub fn is_library(module_root: &str) -> bool {
    const LIBS: &[&str] = &[
        "os",
        "sys",
        "re",
        "json",
        "subprocess",
        "shlex",
        "pickle",
        "marshal",
        "shelve",
        "yaml",
        "logging",
        "hashlib",
        "hmac",
        "random",
        "secrets",
        "base64",
        "time",
        "datetime",
        "uuid",
        "typing",
        "pathlib",
        "shutil",
        "tempfile",
        "functools",
        "itertools",
        "collections",
        "dataclasses",
        "enum",
        "abc",
        "asyncio",
        "contextlib",
        "html",
        "urllib",
        "http",
        "socket",
        "ssl",
        "xml",
        "lxml",
        "ldap",
        "ldap3",
        "sqlite3",
        "csv",
        "io",
        "math",
        "string",
        "textwrap",
        "traceback",
        "warnings",
        "copy",
        "inspect",
        "threading",
        "multiprocessing",
        "glob",
        "fnmatch",
        "zipfile",
        "tarfile",
        "gzip",
        "struct",
        "decimal",
        "fractions",
        "statistics",
        "operator",
        "unittest",
        "pytest",
        "flask",
        "werkzeug",
        "jinja2",
        "markupsafe",
        "django",
        "rest_framework",
        "fastapi",
        "starlette",
        "pydantic",
        "sqlalchemy",
        "flask_sqlalchemy",
        "flask_login",
        "flask_jwt_extended",
        "flask_limiter",
        "flask_cors",
        "flask_wtf",
        "slowapi",
        "requests",
        "httpx",
        "aiohttp",
        "urllib3",
        "psycopg",
        "psycopg2",
        "asyncpg",
        "pymysql",
        "mysql",
        "MySQLdb",
        "redis",
        "pymongo",
        "motor",
        "boto3",
        "botocore",
        "google",
        "openai",
        "anthropic",
        "ollama",
        "langchain",
        "langchain_core",
        "langchain_openai",
        "langchain_anthropic",
        "langchain_community",
        "langchain_ollama",
        "llama_index",
        "mcp",
        "fastmcp",
        "chromadb",
        "pinecone",
        "qdrant_client",
        "weaviate",
        "elasticsearch",
        "celery",
        "kafka",
        "pika",
        "jwt",
        "jose",
        "bleach",
        "dill",
        "jsonpickle",
        "torch",
        "numpy",
        "pandas",
        "uvicorn",
        "gunicorn",
        "Crypto",
        "Cryptodome",
        "cryptography",
        "passlib",
        "bcrypt",
        "argon2",
        "corsheaders",
        "dotenv",
        "click",
        "typer",
        "tenacity",
        "structlog",
        "distutils",
        "setuptools",
        "concurrent",
        "sched",
        "email",
        "mailbox",
        "ftplib",
        "smtplib",
        "telnetlib",
        "aiofiles",
        "sqlmodel",
        "databases",
        "pymssql",
        "pyodbc",
        "duckdb",
        "oracledb",
        "cx_Oracle",
    ];
    LIBS.contains(&module_root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching() {
        assert_eq!(
            path_params("/users/<int:user_id>/posts/<slug>"),
            vec!["user_id", "slug"]
        );
        assert_eq!(path_params("/items/{item_id}"), vec!["item_id"]);
        assert_eq!(path_params(r"^orders/(?P<pk>\d+)/$"), vec!["pk"]);
        assert!(authish("get_current_user"));
        assert!(authish("jwt_required"));
        assert!(!authish("require_http_methods"));
        assert!(adminish("/admin/users"));
        assert!(adminish("delete_user_internal"));
        assert!(!adminish("/administrator-guide"));
    }
}
