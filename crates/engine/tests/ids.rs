//! The threat id scheme (docs/rules.md, "Threat ids"):
//! `<rule-id>@<path>::<qualified symbol>[#n]` for code and config threats,
//! `<rule-id>@<element-id>` for design threats. Ids survive line shifts and
//! edits elsewhere; `#n` follows the normalised sink text, never the line.

use bw_engine::{Library, MemorySource, ScanOptions, scan};

const APP: &str = r#"import sqlite3

from flask import Flask, request

app = Flask(__name__)


def db():
    return sqlite3.connect("shop.db")


@app.route("/api/products")
def search_products():
    term = request.args.get("q", "")
    sort = request.args.get("sort", "name")
    cur = db().cursor()
    cur.execute(f"SELECT id, name FROM products WHERE name LIKE '%{term}%'")
    rows = cur.fetchall()
    cur.execute("SELECT id FROM products ORDER BY " + sort)
    return {"rows": rows, "ids": cur.fetchall()}


class Reports:
    def export(self):
        cur = db().cursor()
        cur.execute("SELECT * FROM " + request.args["table"])
        return cur.fetchall()


@app.route("/api/products/<int:pid>", methods=["DELETE"])
def delete_product(pid):
    db().execute("DELETE FROM products WHERE id = ?", (pid,))
    return {"deleted": pid}
"#;

/// (id, the code line it points at), sorted.
fn pairs(files: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut src = MemorySource::new();
    for (p, t) in files {
        src.insert(p, t.as_bytes().to_vec());
    }
    let lib = Library::builtin().unwrap();
    let out = scan(&src, &lib, &ScanOptions::default()).unwrap();
    let mut v: Vec<(String, String)> = out
        .report
        .threats
        .iter()
        .map(|t| {
            let line = t
                .excerpt
                .as_ref()
                .and_then(|e| e.lines.first())
                .map(|l| l.trim().to_string());
            (t.id.clone(), line.unwrap_or_default())
        })
        .collect();
    v.sort();
    v
}

fn ids(files: &[(&str, &str)]) -> Vec<String> {
    pairs(files).into_iter().map(|(id, _)| id).collect()
}

#[test]
fn id_scheme_snapshot() {
    insta::assert_snapshot!(ids(&[("shop/app.py", APP)]).join("\n"), @r"
    sql-injection@shop/app.py::Reports.export
    sql-injection@shop/app.py::search_products#1
    sql-injection@shop/app.py::search_products#2
    state-change-without-audit@route:DELETE /api/products/{}
    ");
}

#[test]
fn ids_survive_line_shifts_and_edits_elsewhere() {
    let before = ids(&[("shop/app.py", APP)]);
    assert!(!before.is_empty());
    let shifted =
        format!("\"\"\"Product search.\"\"\"\n\n# A comment that moves every line.\n\n{APP}");
    assert_eq!(ids(&[("shop/app.py", &shifted)]), before);
    let edited = APP.replace("    return sqlite3.connect(\"shop.db\")", "    conn = sqlite3.connect(\"shop.db\")\n    conn.row_factory = sqlite3.Row\n    return conn");
    assert_eq!(ids(&[("shop/app.py", &edited)]), before);
}

#[test]
fn numbering_follows_the_sink_text_not_the_line() {
    let swapped = APP.replace(
        "    cur.execute(f\"SELECT id, name FROM products WHERE name LIKE '%{term}%'\")\n    rows = cur.fetchall()\n    cur.execute(\"SELECT id FROM products ORDER BY \" + sort)\n",
        "    cur.execute(\"SELECT id FROM products ORDER BY \" + sort)\n    rows = cur.fetchall()\n    cur.execute(f\"SELECT id, name FROM products WHERE name LIKE '%{term}%'\")\n",
    );
    assert_ne!(swapped, APP);
    // Same ids, each still naming the same statement after the swap.
    let a = pairs(&[("shop/app.py", APP)]);
    let b = pairs(&[("shop/app.py", &swapped)]);
    assert_eq!(a, b);
    let a: Vec<String> = a.into_iter().map(|(id, _)| id).collect();
    assert!(a.iter().any(|i| i.ends_with("search_products#1")), "{a:?}");
    assert!(a.iter().any(|i| i.ends_with("search_products#2")), "{a:?}");
}
