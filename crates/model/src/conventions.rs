//! The project's own safe ways of running SQL and calling out over HTTP.
//!
//! Extractors mark the *shape* of a function in its summary (a query
//! helper: SQL text from a parameter, values bound separately; an HTTP
//! wrapper: the URL's host checked against a constant allowlist before the
//! client is called). A shape alone is not a convention: here the call
//! sites across the repository decide. A query helper counts only when at
//! least [`MIN_HELPER_USES`] calls elsewhere pass it one literal SQL text
//! with placeholders, and those outnumber the calls that pass it a built
//! string; an HTTP wrapper only when something else calls it. When in
//! doubt nothing is claimed: a convention becomes an instruction to an AI
//! assistant, and a wrong one is worse than none.

use crate::link::FnIndex;
use crate::types::{Convention, ConventionKind};
use bw_facts::{FileFacts, FlowState};

/// Calls with literal, placeholder-holding SQL a query helper needs before
/// it is called a convention.
pub const MIN_HELPER_USES: u32 = 2;

/// Every confirmed convention, sorted by kind, path and symbol.
pub fn conventions(files: &[&FileFacts]) -> Vec<Convention> {
    let index = FnIndex::new(files);
    let mut out = vec![];
    for (fi, f) in files.iter().enumerate() {
        for (gi, func) in f.functions.iter().enumerate() {
            if func.query_helper.is_none() && func.http_wrapper.is_none() {
                continue;
            }
            // Only the definition callers resolve to (a duplicate name is not linked).
            if index.resolve(&func.export_name) != Some((fi, gi)) {
                continue;
            }
            // Calls from anywhere but the function itself.
            let calls: Vec<&bw_facts::CallSite> = index
                .callers_of(&func.export_name)
                .iter()
                .filter(|&&(cf, cg, _)| (cf, cg) != (fi, gi))
                .map(|&(cf, cg, ci)| &files[cf].functions[cg].calls[ci])
                .collect();
            if let Some(h) = &func.query_helper {
                let (mut literal, mut built) = (0u32, 0u32);
                for c in &calls {
                    match c.args.get(h.param as usize) {
                        Some(a) if a.parameterised_sql => literal += 1,
                        Some(a) if a.state != FlowState::Safe => built += 1,
                        _ => {}
                    }
                }
                if literal >= MIN_HELPER_USES && literal > built {
                    out.push(Convention {
                        kind: ConventionKind::QueryHelper,
                        path: f.path.clone(),
                        symbol: func.symbol.clone(),
                        wraps: h.call.clone(),
                        client: String::new(),
                        allowlist: String::new(),
                        uses: literal,
                        location: func.location.clone(),
                    });
                }
            }
            if let Some(w) = &func.http_wrapper
                && !calls.is_empty()
            {
                out.push(Convention {
                    kind: ConventionKind::HttpWrapper,
                    path: f.path.clone(),
                    symbol: func.symbol.clone(),
                    wraps: w.call.clone(),
                    client: w.client.clone(),
                    allowlist: w.allowlist.clone(),
                    uses: calls.len() as u32,
                    location: func.location.clone(),
                });
            }
        }
    }
    out.sort_by(|a, b| (a.kind, &a.path, &a.symbol).cmp(&(b.kind, &b.path, &b.symbol)));
    out.dedup_by(|a, b| (a.kind, &a.path, &a.symbol) == (b.kind, &b.path, &b.symbol));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use bw_facts::flowspec::FlowSpec;
    use bw_files::Lang;

    fn scan(files: &[(&str, &str)]) -> Vec<Convention> {
        let spec = FlowSpec::builtin();
        let ffs: Vec<FileFacts> = files
            .iter()
            .map(|(path, text)| {
                let lang = if path.ends_with(".py") {
                    Lang::Python
                } else {
                    Lang::TypeScript
                };
                bw_facts::extract(path, lang, text, &spec).unwrap()
            })
            .collect();
        let refs: Vec<&FileFacts> = ffs.iter().collect();
        conventions(&refs)
    }

    fn names(cs: &[Convention]) -> Vec<(ConventionKind, String, u32)> {
        cs.iter()
            .map(|c| (c.kind, format!("{}::{}", c.path, c.symbol), c.uses))
            .collect()
    }

    const DB: &str = r#"
from .pool import pool


def fetch_all(sql, params=()):
    cur = pool.cursor()
    cur.execute(sql, params)
    return cur.fetchall()


def fetch_one(sql, params=()):
    cur = pool.cursor()
    cur.execute(sql, params)
    return cur.fetchone()
"#;

    #[test]
    fn a_helper_called_with_placeholders_twice_is_a_convention() {
        let tickets = r#"
from app.db import fetch_all


def by_owner(owner):
    return fetch_all("SELECT id FROM tickets WHERE owner = %s", (owner,))


def by_status(status):
    return fetch_all("SELECT id FROM tickets WHERE status = %s", (status,))
"#;
        let found = scan(&[("app/db.py", DB), ("app/tickets.py", tickets)]);
        assert_eq!(
            names(&found),
            [(
                ConventionKind::QueryHelper,
                "app/db.py::fetch_all".into(),
                2
            )]
        );
        let c = &found[0];
        assert_eq!((c.wraps.as_str(), c.location.start_line), ("*.execute", 5));
    }

    #[test]
    fn a_helper_used_once_nowhere_or_mostly_with_built_sql_is_not() {
        let once = r#"
from app.db import fetch_all, fetch_one


def by_owner(owner):
    return fetch_all("SELECT id FROM tickets WHERE owner = %s", (owner,))
"#;
        assert_eq!(names(&scan(&[("app/db.py", DB), ("app/t.py", once)])), []);
        assert_eq!(names(&scan(&[("app/db.py", DB)])), []);
        let built = r#"
from app.db import fetch_all


def a(owner):
    return fetch_all("SELECT id FROM tickets WHERE owner = %s", (owner,))


def b(status):
    return fetch_all("SELECT id FROM tickets WHERE status = %s", (status,))


def c(term):
    return fetch_all(f"SELECT id FROM tickets WHERE subject LIKE '%{term}%'")


def d(order):
    return fetch_all("SELECT id FROM tickets ORDER BY " + order)
"#;
        assert_eq!(names(&scan(&[("app/db.py", DB), ("app/t.py", built)])), []);
    }

    #[test]
    fn a_function_that_formats_sql_is_no_helper_however_it_is_called() {
        let db = r#"
from .pool import pool


def fetch_all(sql, params=()):
    cur = pool.cursor()
    cur.execute(sql % params)
    return cur.fetchall()
"#;
        let callers = r#"
from app.db import fetch_all


def a(owner):
    return fetch_all("SELECT id FROM tickets WHERE owner = %s", (owner,))


def b(status):
    return fetch_all("SELECT id FROM tickets WHERE status = %s", (status,))
"#;
        assert_eq!(
            names(&scan(&[("app/db.py", db), ("app/t.py", callers)])),
            []
        );
    }

    /// The SQL sinks' states after linking, by enclosing symbol.
    fn linked_sql(files: &[(&str, &str)]) -> Vec<(String, FlowState)> {
        let spec = FlowSpec::builtin();
        let mut ffs: Vec<FileFacts> = files
            .iter()
            .map(|(path, text)| bw_facts::extract(path, Lang::Python, text, &spec).unwrap())
            .collect();
        crate::link::link(&mut ffs);
        ffs.iter()
            .flat_map(|f| f.facts.iter())
            .filter(|k| k.subject == bw_facts::Subject::Sink && k.kind == "sql")
            .map(|k| (k.evidence.symbol.clone(), k.flow.as_ref().unwrap().state))
            .collect()
    }

    #[test]
    fn a_helper_whose_every_call_passes_literal_sql_runs_no_query_built_from_input() {
        let literal = r#"
from app.db import fetch_all


def a(owner):
    return fetch_all("SELECT id FROM tickets WHERE owner = %s", (owner,))


def b(status):
    return fetch_all("SELECT id FROM tickets WHERE status = %s", (status,))
"#;
        // fetch_one has no callers: its query's origin stays unknown.
        assert_eq!(
            linked_sql(&[("app/db.py", DB), ("app/t.py", literal)]),
            [
                ("fetch_all".into(), FlowState::Safe),
                ("fetch_one".into(), FlowState::Unknown)
            ]
        );
        // One call with built SQL, and the helper's query is of unknown origin again.
        let built = format!(
            r#"{literal}

def c(order):
    return fetch_all("SELECT id FROM tickets ORDER BY " + order)
"#
        );
        assert_eq!(
            linked_sql(&[("app/db.py", DB), ("app/t.py", &built)])[0],
            ("fetch_all".into(), FlowState::Unknown)
        );
        // A request value reaching the SQL text is tainted, helper or not.
        let tainted = format!(
            r#"{literal}

from flask import request


def d():
    return fetch_all(request.args["q"])
"#
        );
        assert_eq!(
            linked_sql(&[("app/db.py", DB), ("app/t.py", &tainted)])[0],
            ("fetch_all".into(), FlowState::Tainted)
        );
    }

    #[test]
    fn an_http_wrapper_counts_once_something_calls_it() {
        let net = r#"
from urllib.parse import urlparse

import requests

ALLOWED_HOSTS = {"api.partner.example"}


def safe_get(url):
    if urlparse(url).hostname not in ALLOWED_HOSTS:
        raise ValueError("host not allowed")
    return requests.get(url, timeout=5)
"#;
        assert_eq!(names(&scan(&[("app/net.py", net)])), []);
        let caller = r#"
from app.net import safe_get


def rates():
    return safe_get("https://api.partner.example/rates").json()
"#;
        let found = scan(&[("app/net.py", net), ("app/rates.py", caller)]);
        assert_eq!(
            names(&found),
            [(
                ConventionKind::HttpWrapper,
                "app/net.py::safe_get".into(),
                1
            )]
        );
        assert_eq!(
            (found[0].client.as_str(), found[0].allowlist.as_str()),
            ("requests", "ALLOWED_HOSTS")
        );
    }

    #[test]
    fn typescript_helpers_and_wrappers_across_files() {
        let db = r#"
import { Pool } from "pg";

const pool = new Pool();

export async function query(text: string, values: unknown[] = []) {
  const r = await pool.query(text, values);
  return r.rows;
}
"#;
        let net = r#"
import axios from "axios";

const ALLOWED_HOSTS = new Set(["api.partner.example"]);

export async function safeGet(url: string) {
  if (!ALLOWED_HOSTS.has(new URL(url).hostname)) {
    throw new Error("host not allowed");
  }
  return axios.get(url, { timeout: 5000 });
}
"#;
        let orders = r#"
import { query } from "../db";
import { safeGet } from "../net";

export async function listOrders(userId: string) {
  return query("SELECT * FROM orders WHERE user_id = $1", [userId]);
}

export async function getOrder(id: string) {
  return query("SELECT * FROM orders WHERE id = $1", [id]);
}

export async function rates() {
  return safeGet("https://api.partner.example/rates");
}
"#;
        let found = scan(&[
            ("src/db.ts", db),
            ("src/net.ts", net),
            ("src/services/orders.ts", orders),
        ]);
        assert_eq!(
            names(&found),
            [
                (ConventionKind::QueryHelper, "src/db.ts::query".into(), 2),
                (ConventionKind::HttpWrapper, "src/net.ts::safeGet".into(), 1),
            ]
        );
    }
}
