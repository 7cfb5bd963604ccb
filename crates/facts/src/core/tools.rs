//! The agent-tool recogniser: a tool an LLM agent or an MCP client calls
//! receives its arguments from the model or the client (`tool-input`).
//! An MCP server's `server.tool(name, …, handler)` /
//! `server.registerTool(name, config, handler)` (the server an
//! `@modelcontextprotocol/…` class made), the low-level server's
//! `server.setRequestHandler(CallToolRequestSchema, handler)`, and a tool
//! definition `tool({ execute })` from the Vercel AI SDK (`ai`) or the
//! OpenAI Agents SDK (`@openai/agents`), or an object with a handler
//! under `execute`/`func` given to a LangChain tool constructor.
//! In Python, a function decorated `@server.tool()` on a server an MCP
//! package made (`FastMCP(...)`), `@tool` / `@tool(...)` from
//! LangChain, or `@function_tool` from the OpenAI Agents SDK (`agents`).

use super::shape::{made_by, root};
use bw_flow::ParamSeed;
use bw_ir::{Entry, Expr, ExprId, FuncId, Module, Sym};
use std::collections::BTreeSet;

/// Packages whose objects register tools, with the methods that do.
const SERVERS: &[&str] = &["@modelcontextprotocol/", "mcp.", "fastmcp"];
const REGISTER: &[&str] = &["tool", "registerTool"];
/// Packages whose tool constructors take `{ execute }` / `{ func }`.
const DEFINERS: &[&str] = &[
    "ai",
    "@langchain/core/tools",
    "langchain/tools",
    "langchain_core.tools",
    "langchain.tools",
    "langchain.agents",
    "agents",
    "@openai/agents",
];
const HANDLER_KEYS: &[&str] = &["execute", "func"];

fn from(m: &Module, s: Sym, pkgs: &[&str]) -> bool {
    m.import_of(s).is_some_and(|i| {
        pkgs.iter().any(|p| {
            if p.ends_with('/') || p.ends_with('.') {
                i.module.starts_with(p)
            } else {
                i.module == *p
            }
        })
    })
}

/// Variables bound to an object a tool-server package made.
fn servers(m: &Module) -> BTreeSet<Sym> {
    made_by(m, |r| from(m, r, SERVERS))
}

/// Annotations a tool framework validates an argument against before the
/// tool runs (its schema comes from them): a number or a boolean.
const VALIDATED: &[&str] = &["int", "float", "bool"];

fn seed_all(m: &Module, f: FuncId, out: &mut Vec<ParamSeed>) {
    for (i, p) in m.func(f).params.iter().enumerate() {
        let validated = p
            .annotation
            .is_some_and(|a| matches!(m.expr(a), Expr::Name(s) if VALIDATED.contains(&m.name(*s))));
        out.push(ParamSeed {
            func: f,
            param: i as u32,
            source: (!validated).then(|| "tool-input".into()),
            ty: None,
            clean: validated,
            from_default: false,
            text: false,
        });
    }
}

/// Whether decorator `d` registers its function as a tool: `@tool`,
/// `@tool(...)` from a definer package, or `@server.tool(...)`.
fn tool_decorator(m: &Module, made: &BTreeSet<Sym>, d: ExprId) -> bool {
    let callee = match m.expr(d) {
        Expr::Call { callee, .. } => *callee,
        _ => d,
    };
    match m.expr(callee) {
        Expr::Name(s) => from(m, *s, DEFINERS),
        Expr::Field { obj, name, .. } => {
            REGISTER.contains(&m.name(*name))
                && matches!(m.expr(*obj), Expr::Name(s) if made.contains(s))
        }
        _ => false,
    }
}

pub fn seeds(m: &Module) -> Vec<ParamSeed> {
    let made = servers(m);
    let mut out = Vec::new();
    for (i, f) in m.functions.iter().enumerate() {
        if f.decorators.iter().any(|d| tool_decorator(m, &made, *d)) {
            seed_all(m, FuncId(i as u32), &mut out);
        }
    }
    for e in &m.exprs {
        let Expr::Call { callee, args, .. } = e else {
            continue;
        };
        match m.expr(*callee) {
            // The low-level server: `server.setRequestHandler(
            // CallToolRequestSchema, async (request) => …)` handles every
            // tool call (its `request.params.arguments`).
            Expr::Field { obj, name, .. } if m.name(*name) == "setRequestHandler" => {
                let on_server = matches!(m.expr(*obj), Expr::Name(s) if made.contains(s));
                let call_tool = args.first().is_some_and(|a| {
                    matches!(m.expr(a.value), Expr::Name(s)
                        if from(m, *s, SERVERS)
                            && m.import_of(*s).and_then(|i| i.member.as_deref())
                                == Some("CallToolRequestSchema"))
                });
                if on_server
                    && call_tool
                    && let Some(Expr::Func(g)) = args.last().map(|a| m.expr(a.value))
                {
                    seed_all(m, *g, &mut out);
                }
            }
            Expr::Field { obj, name, .. } if REGISTER.contains(&m.name(*name)) => {
                let on_server = matches!(m.expr(*obj), Expr::Name(s) if made.contains(s));
                if !on_server {
                    continue;
                }
                if let Some(Expr::Func(g)) = args.last().map(|a| m.expr(a.value)) {
                    seed_all(m, *g, &mut out);
                }
            }
            _ => {
                let by_definer = root(m, *callee).is_some_and(|r| from(m, r, DEFINERS));
                if !by_definer {
                    continue;
                }
                for a in args {
                    let Expr::Dict(entries) = m.expr(a.value) else {
                        continue;
                    };
                    for en in entries {
                        if let Entry::Pair(k, v) = en
                            && m.str_const(*k).is_some_and(|k| HANDLER_KEYS.contains(&k))
                            && let Expr::Func(g) = m.expr(*v)
                        {
                            seed_all(m, *g, &mut out);
                        }
                    }
                }
            }
        }
    }
    out
}
