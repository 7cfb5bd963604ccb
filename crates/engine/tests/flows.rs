//! Data flow across files: through parameters (a handler passes request
//! data to a helper that runs the query) and through returns (a helper
//! returns request data, or returns what it was given).

use bw_engine::{Library, MemorySource, ScanOptions, scan};

fn threats(src: &MemorySource) -> Vec<(String, String, u32, String)> {
    let lib = Library::builtin().unwrap();
    let out = scan(src, &lib, &ScanOptions::default()).unwrap();
    out.report
        .threats
        .iter()
        .map(|t| {
            (
                t.rule.clone(),
                t.location.path.clone(),
                t.location.start_line,
                t.confidence.name().to_string(),
            )
        })
        .collect()
}

const PY_HELPERS: &str = r#"from flask import request


def search_term():
    return request.args.get("q", "")


def normalise(text):
    return text.strip().lower()


def fixed_order():
    return "name"
"#;

const PY_VIEWS: &str = r#"import sqlite3

from flask import Flask, request

from app.helpers import fixed_order, normalise, search_term

app = Flask(__name__)


@app.route("/search")
def search():
    cur = sqlite3.connect("db").cursor()
    cur.execute("SELECT * FROM items WHERE name = '" + search_term() + "'")
    tag = normalise(request.args["tag"])
    cur.execute("SELECT * FROM items WHERE tag = '" + tag + "'")
    cur.execute("SELECT * FROM items ORDER BY " + fixed_order())
    return {"ok": True}
"#;

#[test]
fn python_returns_across_files() {
    let src = MemorySource::new()
        .with("app/helpers.py", PY_HELPERS)
        .with("app/views.py", PY_VIEWS);
    let got = threats(&src);
    let sql: Vec<_> = got.iter().filter(|t| t.0 == "sql-injection").collect();
    // A helper that returns request data, and one that returns its argument.
    assert!(
        sql.iter().any(|t| t.2 == 13 && t.3 == "confirmed"),
        "{got:?}"
    );
    assert!(
        sql.iter().any(|t| t.2 == 15 && t.3 == "confirmed"),
        "{got:?}"
    );
    // A helper that returns a constant is no source.
    assert!(!sql.iter().any(|t| t.2 == 16), "{got:?}");
}

#[test]
fn typescript_returns_across_files() {
    let helpers = "export function tidy(text: string): string {\n  return text.trim();\n}\n\nexport function column(): string {\n  return \"name\";\n}\n";
    let app = "import express from \"express\";\nimport { Pool } from \"pg\";\nimport { column, tidy } from \"./helpers\";\n\nconst pool = new Pool();\nconst app = express();\n\napp.get(\"/items\", async (req, res) => {\n  const name = tidy(String(req.query.name));\n  const a = await pool.query(\"SELECT * FROM items WHERE name = '\" + name + \"'\");\n  const b = await pool.query(\"SELECT * FROM items ORDER BY \" + column());\n  res.json([a.rows, b.rows]);\n});\n";
    let src = MemorySource::new()
        .with("src/helpers.ts", helpers)
        .with("src/app.ts", app);
    let got = threats(&src);
    let sql: Vec<_> = got.iter().filter(|t| t.0 == "sql-injection").collect();
    assert!(
        sql.iter().any(|t| t.2 == 10 && t.3 == "confirmed"),
        "{got:?}"
    );
    assert!(!sql.iter().any(|t| t.2 == 11), "{got:?}");
}

#[test]
fn parameters_across_files() {
    let repo = "import sqlite3\n\n\ndef find(term):\n    cur = sqlite3.connect(\"db\").cursor()\n    cur.execute(\"SELECT * FROM items WHERE name = '\" + term + \"'\")\n    return cur.fetchall()\n";
    let views = "from flask import Flask, request\n\nfrom shop.repo import find\n\napp = Flask(__name__)\n\n\n@app.route(\"/find\")\ndef lookup():\n    return {\"rows\": find(request.args[\"q\"])}\n";
    let src = MemorySource::new()
        .with("shop/repo.py", repo)
        .with("shop/views.py", views);
    let lib = Library::builtin().unwrap();
    let out = scan(&src, &lib, &ScanOptions::default()).unwrap();
    let t = out
        .report
        .threats
        .iter()
        .find(|t| t.rule == "sql-injection")
        .expect("linked");
    assert_eq!(t.location.path, "shop/repo.py");
    assert_eq!(t.source.as_ref().unwrap().location.path, "shop/views.py");
    assert!(
        t.steps.iter().any(|s| s.label.contains("find()")),
        "{:?}",
        t.steps
    );
}
