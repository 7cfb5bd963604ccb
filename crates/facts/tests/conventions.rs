//! What a function's body shows about the project's conventions: a query
//! helper (SQL text from a parameter, values bound separately) and an HTTP
//! wrapper (a client called on a URL whose host was checked against an
//! allowlist), plus the call-site mark for literal SQL with placeholders.
//! Each shape has firing and non-firing cases, in Python and JS/TS.

use bw_facts::flowspec::FlowSpec;
use bw_facts::{FileFacts, FunctionSummary, Subject, extract};
use bw_files::Lang;

fn py(path: &str, src: &str) -> FileFacts {
    extract(path, Lang::Python, src, &FlowSpec::builtin()).expect("parses")
}

fn ts(path: &str, src: &str) -> FileFacts {
    extract(path, Lang::TypeScript, src, &FlowSpec::builtin()).expect("parses")
}

fn func<'a>(ff: &'a FileFacts, symbol: &str) -> &'a FunctionSummary {
    ff.functions
        .iter()
        .find(|f| f.symbol == symbol)
        .unwrap_or_else(|| panic!("no function {symbol}: {:#?}", ff.functions))
}

fn ssrf_sinks(ff: &FileFacts) -> usize {
    ff.facts
        .iter()
        .filter(|f| f.subject == Subject::Sink && f.kind == "ssrf")
        .count()
}

// ------------------------------------------------------------ Python: query helper

const PY_DB: &str = r#"
import psycopg
from sqlalchemy import text

from .extensions import db, pool


def fetch_all(sql, params=()):
    with pool.connection() as conn:
        cur = conn.cursor()
        cur.execute(sql, params)
        return cur.fetchall()


def run(sql, *args):
    conn = pool.getconn()
    return conn.execute(sql, *args)


def select(sql, bind):
    return db.session.execute(text(sql), bind)


def glued(sql, where, params):
    cur = pool.cursor()
    cur.execute(sql + " WHERE " + where, params)


def formatted(sql, params):
    cur = pool.cursor()
    cur.execute(sql % params)


def rebuilt(sql, params):
    sql = sql.replace("{table}", "tickets")
    cur = pool.cursor()
    cur.execute(sql, params)


def no_binds(sql):
    cur = pool.cursor()
    cur.execute(sql, ())


def by_id(ticket_id):
    cur = pool.cursor()
    cur.execute("SELECT * FROM tickets WHERE id = %s", (ticket_id,))
"#;

#[test]
fn python_query_helpers_take_sql_from_a_parameter_and_bind_values_separately() {
    let ff = py("app/db.py", PY_DB);
    let h = func(&ff, "fetch_all")
        .query_helper
        .as_ref()
        .expect("fetch_all");
    assert_eq!((h.param, h.call.as_str()), (0, "*.execute"));
    assert_eq!(h.location.start_line, 11);
    let h = func(&ff, "run").query_helper.as_ref().expect("run: *args");
    assert_eq!(h.param, 0);
    let h = func(&ff, "select")
        .query_helper
        .as_ref()
        .expect("text(sql), bind");
    assert_eq!(h.param, 0);
}

#[test]
fn python_functions_that_build_or_rewrite_sql_or_bind_nothing_are_not_query_helpers() {
    let ff = py("app/db.py", PY_DB);
    for f in ["glued", "formatted", "rebuilt", "no_binds", "by_id"] {
        assert_eq!(func(&ff, f).query_helper, None, "{f}");
    }
}

#[test]
fn python_call_sites_mark_literal_sql_with_placeholders() {
    let src = r#"
from app.db import fetch_all


def open_tickets(owner, status):
    fetch_all("SELECT id FROM tickets WHERE owner = %s AND status = %s", (owner, status))
    fetch_all(
        """
        SELECT id, subject
        FROM tickets
        WHERE owner = %(owner)s
        """,
        {"owner": owner},
    )
    fetch_all("SELECT id FROM tickets")
    fetch_all(f"SELECT id FROM tickets WHERE owner = '{owner}'", ())
    fetch_all("SELECT id FROM tickets WHERE owner = " + owner, ())
"#;
    let ff = py("app/reports.py", src);
    let marks: Vec<bool> = func(&ff, "open_tickets")
        .calls
        .iter()
        .filter(|c| c.callee == "app.db.fetch_all")
        .map(|c| c.args[0].parameterised_sql)
        .collect();
    assert_eq!(marks, [true, true, false, false, false]);
}

// ------------------------------------------------------------ Python: HTTP wrapper

const PY_NET: &str = r#"
from urllib.parse import urlparse

import requests

from app import settings

ALLOWED_HOSTS = {"api.partner.example", "files.partner.example"}
ALLOWED_ROLES = {"admin", "agent"}


def safe_get(url, **kwargs):
    host = urlparse(url).hostname
    if host not in ALLOWED_HOSTS:
        raise ValueError("host not allowed")
    return requests.get(url, timeout=5, **kwargs)


def checked_post(url, payload):
    if urlparse(url).hostname in settings.PARTNER_HOSTS:
        return requests.post(url, json=payload, timeout=5)
    return None


def plain_get(url):
    return requests.get(url, timeout=5)


def role_checked(url, role):
    if role not in ALLOWED_ROLES:
        raise PermissionError(role)
    return requests.get(url, timeout=5)


def warn_only(url):
    host = urlparse(url).hostname
    if host not in ALLOWED_HOSTS:
        print("unexpected host")
    return requests.get(url, timeout=5)


def local_list(url):
    hosts = ["api.partner.example"]
    if urlparse(url).hostname not in hosts:
        raise ValueError("no")
    return requests.get(url, timeout=5)


def after_the_call(url):
    r = requests.get(url, timeout=5)
    if urlparse(url).hostname not in ALLOWED_HOSTS:
        raise ValueError("too late")
    return r
"#;

#[test]
fn python_http_wrappers_check_the_host_against_a_constant_before_calling() {
    let ff = py("app/net.py", PY_NET);
    let w = func(&ff, "safe_get")
        .http_wrapper
        .as_ref()
        .expect("safe_get");
    assert_eq!(
        (
            w.param,
            w.call.as_str(),
            w.client.as_str(),
            w.allowlist.as_str()
        ),
        (0, "requests.get", "requests", "ALLOWED_HOSTS")
    );
    let w = func(&ff, "checked_post")
        .http_wrapper
        .as_ref()
        .expect("positive test");
    assert_eq!(w.allowlist, "settings.PARTNER_HOSTS");
}

#[test]
fn python_calls_without_a_host_check_on_the_url_are_not_wrappers() {
    let ff = py("app/net.py", PY_NET);
    for f in [
        "plain_get",
        "role_checked",
        "warn_only",
        "local_list",
        "after_the_call",
    ] {
        assert_eq!(func(&ff, f).http_wrapper, None, "{f}");
    }
}

#[test]
fn python_a_host_checked_url_is_no_ssrf_sink_and_an_unchecked_one_still_is() {
    let ff = py("app/net.py", PY_NET);
    let at: Vec<String> = ff
        .facts
        .iter()
        .filter(|f| f.subject == Subject::Sink && f.kind == "ssrf")
        .map(|f| f.evidence.symbol.clone())
        .collect();
    // A host checked against a local constant list is checked too (the
    // dataflow engine's host guard): no wrapper, but no sink either.
    assert_eq!(
        at,
        ["plain_get", "role_checked", "warn_only", "after_the_call"]
    );
}

// ------------------------------------------------------------ JS/TS: query helper

const TS_DB: &str = r#"
import { Pool } from "pg";

const pool = new Pool({ connectionString: process.env.DATABASE_URL });

export async function query(text: string, values: unknown[] = []) {
  const result = await pool.query(text, values);
  return result.rows;
}

export const run = async (sql: string, ...args: unknown[]) => {
  return pool.query(sql, args);
};

export async function glued(text: string, where: string, values: unknown[]) {
  return pool.query(text + " WHERE " + where, values);
}

export async function noValues(text: string) {
  return pool.query(text);
}

export async function rebuilt(text: string, values: unknown[]) {
  text = text.trim();
  return pool.query(text, values);
}

export async function byId(id: string) {
  return pool.query("SELECT * FROM orders WHERE id = $1", [id]);
}
"#;

#[test]
fn ts_query_helpers_take_sql_from_a_parameter_and_bind_values_separately() {
    let ff = ts("src/db.ts", TS_DB);
    let h = func(&ff, "query").query_helper.as_ref().expect("query");
    assert_eq!((h.param, h.call.as_str()), (0, "pg.Pool.query"));
    assert!(func(&ff, "run").query_helper.is_some(), "arrow function");
    for f in ["glued", "noValues", "rebuilt", "byId"] {
        assert_eq!(func(&ff, f).query_helper, None, "{f}");
    }
}

#[test]
fn ts_call_sites_mark_literal_sql_with_placeholders() {
    let src = r#"
import { query } from "../db";

export async function listOrders(userId: string, status: string) {
  await query("SELECT * FROM orders WHERE user_id = $1 AND status = $2", [userId, status]);
  await query(`SELECT id FROM orders WHERE user_id = $1`, [userId]);
  await query(`SELECT id FROM orders WHERE user_id = '${userId}'`);
  await query("SELECT count(*) FROM orders");
}
"#;
    let ff = ts("src/services/orders.ts", src);
    let marks: Vec<bool> = func(&ff, "listOrders")
        .calls
        .iter()
        .filter(|c| c.callee == "src/db::query")
        .map(|c| c.args[0].parameterised_sql)
        .collect();
    assert_eq!(marks, [true, true, false, false]);
}

// ------------------------------------------------------------ JS/TS: HTTP wrapper

const TS_NET: &str = r#"
import axios from "axios";
import { config } from "./config";

const ALLOWED_HOSTS = new Set(["api.partner.example"]);
const ALLOWED_ROLES = ["admin", "agent"];

export async function safeGet(url: string) {
  const host = new URL(url).hostname;
  if (!ALLOWED_HOSTS.has(host)) {
    throw new Error("host not allowed");
  }
  return axios.get(url, { timeout: 5000 });
}

export async function partnerFetch(url: string, init: RequestInit) {
  if (config.partnerHosts.includes(new URL(url).hostname)) {
    return fetch(url, init);
  }
  return null;
}

export async function plainGet(url: string) {
  return axios.get(url, { timeout: 5000 });
}

export async function roleChecked(url: string, role: string) {
  if (!ALLOWED_ROLES.includes(role)) {
    throw new Error("role");
  }
  return axios.get(url, { timeout: 5000 });
}

export async function localList(url: string) {
  const hosts = ["api.partner.example"];
  if (!hosts.includes(new URL(url).hostname)) {
    throw new Error("no");
  }
  return axios.get(url, { timeout: 5000 });
}

export async function warnOnly(url: string) {
  if (!ALLOWED_HOSTS.has(new URL(url).hostname)) {
    console.warn("unexpected host");
  }
  return axios.get(url, { timeout: 5000 });
}
"#;

#[test]
fn ts_http_wrappers_check_the_host_against_a_constant_before_calling() {
    let ff = ts("src/net.ts", TS_NET);
    let w = func(&ff, "safeGet").http_wrapper.as_ref().expect("safeGet");
    assert_eq!(
        (
            w.param,
            w.call.as_str(),
            w.client.as_str(),
            w.allowlist.as_str()
        ),
        (0, "axios.get", "axios", "ALLOWED_HOSTS")
    );
    let w = func(&ff, "partnerFetch")
        .http_wrapper
        .as_ref()
        .expect("positive test");
    assert_eq!(
        (w.client.as_str(), w.allowlist.as_str()),
        ("fetch", "config.partnerHosts")
    );
    for f in ["plainGet", "roleChecked", "localList", "warnOnly"] {
        assert_eq!(func(&ff, f).http_wrapper, None, "{f}");
    }
    // The checked calls are no SSRF sinks, and neither is `localList`'s
    // (a host checked against a constant list, if a local one: no wrapper
    // convention, but a guard); the three unchecked ones are.
    assert_eq!(ssrf_sinks(&ff), 3);
}
