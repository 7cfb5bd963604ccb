//! JavaScript/TypeScript extraction: sample apps snapshotted, plus focused cases.

use bw_facts::flowspec::FlowSpec;
use bw_facts::{Fact, FileFacts, FlowState, Subject, extract, vocab};
use bw_files::Lang;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn lang_of(p: &str) -> Option<Lang> {
    if p.ends_with(".tsx") {
        Some(Lang::Tsx)
    } else if p.ends_with(".ts") || p.ends_with(".mts") {
        Some(Lang::TypeScript)
    } else if p.ends_with(".js")
        || p.ends_with(".mjs")
        || p.ends_with(".cjs")
        || p.ends_with(".jsx")
    {
        Some(Lang::JavaScript)
    } else {
        None
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if lang_of(&p.to_string_lossy()).is_some() {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Extract every JS/TS file of a directory, paths relative to it.
fn scan(dir: &Path) -> Vec<FileFacts> {
    let spec = FlowSpec::builtin();
    files_under(dir)
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&p).unwrap();
            extract(&rel, lang_of(&rel).unwrap(), &text, &spec).unwrap()
        })
        .collect()
}

fn one(path: &str, src: &str) -> FileFacts {
    extract(path, lang_of(path).unwrap(), src, &FlowSpec::builtin()).unwrap()
}

fn of<'a>(ff: &'a FileFacts, subject: Subject, kind: &str) -> Vec<&'a Fact> {
    ff.facts
        .iter()
        .filter(|f| f.subject == subject && f.kind == kind)
        .collect()
}

#[test]
fn sample_express_pg_openai() {
    let facts = scan(&root().join("fixtures/js/express-pg-openai"));
    insta::assert_json_snapshot!(facts);
}

#[test]
fn sample_nest_prisma() {
    let facts = scan(&root().join("fixtures/js/nest-prisma"));
    insta::assert_json_snapshot!(facts);
}

#[test]
fn sample_next_mcp() {
    let facts = scan(&root().join("fixtures/js/next-mcp"));
    insta::assert_json_snapshot!(facts);
}

#[test]
fn every_fact_of_every_fixture_is_in_the_vocabulary() {
    let mut n = 0;
    for dir in [root().join("fixtures/js"), root().join("rules/tests")] {
        for ff in scan(&dir) {
            for f in &ff.facts {
                vocab::check_fact(f).unwrap_or_else(|e| panic!("{}: {e}: {f:?}", ff.path));
                n += 1;
            }
        }
    }
    assert!(n > 50, "only {n} facts");
}

#[test]
fn require_destructuring_alias_resolves_callee() {
    let ff = one(
        "src/run.js",
        "const { exec: run } = require('child_process');\nconst cp = require('node:child_process');\n\
         function go(cmd) {\n  run(cmd);\n  cp.execSync(cmd);\n}\n",
    );
    let sinks = of(&ff, Subject::Sink, "exec");
    let callees: Vec<&str> = sinks.iter().filter_map(|f| f.str("callee")).collect();
    assert_eq!(callees, ["child_process.exec", "child_process.execSync"]);
    assert!(
        sinks
            .iter()
            .all(|s| s.flow.as_ref().unwrap().state == FlowState::FromParams)
    );
    assert!(ff.imports.iter().any(|i| i.local == "run"
        && i.module == "child_process"
        && i.name.as_deref() == Some("exec")));
    assert!(
        ff.imports
            .iter()
            .any(|i| i.local == "cp" && i.module == "child_process" && i.name.is_none())
    );
}

#[test]
fn relative_imports_resolve_to_repo_paths() {
    let ff = one(
        "src/routes/users.ts",
        "import { runQuery as rq } from '../db';\nimport * as idx from './db/index';\nimport def from '../services/user.service';\n\
         const legacy = require('../legacy.js');\nexport function list(req: any) {\n  rq(req.query.q);\n  idx.lookup(1);\n  legacy.find(2);\n}\n",
    );
    let m = |l: &str| {
        ff.imports
            .iter()
            .find(|i| i.local == l)
            .map(|i| i.module.clone())
            .unwrap()
    };
    assert_eq!(m("rq"), "src/db");
    // The identity the lowering gives the module: a folder's `index`
    // file is imported by the folder's name.
    assert_eq!(m("idx"), "src/routes/db");
    assert_eq!(m("def"), "src/services/user.service");
    assert_eq!(m("legacy"), "src/legacy");
    let f = ff.functions.iter().find(|f| f.symbol == "list").unwrap();
    assert_eq!(f.export_name, "src/routes/users::list");
    let callees: Vec<&str> = f.calls.iter().map(|c| c.callee.as_str()).collect();
    assert_eq!(
        callees,
        [
            "src/db::runQuery",
            "src/routes/db/index::lookup",
            "src/legacy::find"
        ]
    );
}

#[test]
fn taint_through_template_concat_destructuring_and_containers() {
    let ff = one(
        "app.js",
        r#"const express = require('express');
const { exec } = require('child_process');
const app = express();
app.post('/a', (req, res) => {
  const { name } = req.body;
  const parts = ['tar', '-czf', name];
  const opts = { target: `${req.query.dir}/out` };
  exec(parts.join(' '));
  exec('ls ' + opts.target);
  const [first] = [req.params.x];
  exec(first);
  exec('uptime');
});
"#,
    );
    let sinks = of(&ff, Subject::Sink, "exec");
    assert_eq!(sinks.len(), 3, "{sinks:#?}");
    for s in sinks {
        let flow = s.flow.as_ref().unwrap();
        assert_eq!(flow.state, FlowState::Tainted);
        assert_eq!(flow.source.as_ref().unwrap().kind, "request");
    }
}

#[test]
fn sanitiser_stops_taint() {
    let ff = one(
        "app.js",
        r#"const express = require('express');
const path = require('path');
const fs = require('fs');
const app = express();
const ALLOWED = ['a', 'b'];
app.get('/f', (req, res) => {
  const id = parseInt(req.query.id, 10);
  db.query('SELECT * FROM t WHERE id = ' + id);
  fs.readFileSync(path.join('/data', path.basename(req.query.file)));
  const kind = req.query.kind;
  if (!ALLOWED.includes(kind)) {
    return res.status(400).end();
  }
  fs.readFileSync('/data/' + kind);
});
"#,
    );
    assert!(of(&ff, Subject::Sink, "sql").is_empty(), "{:#?}", ff.facts);
    assert!(of(&ff, Subject::Sink, "path").is_empty(), "{:#?}", ff.facts);
}

#[test]
fn prisma_tagged_template_is_not_a_sink() {
    let ff = one(
        "src/users.ts",
        r#"import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function search(req: any, res: any) {
  const q = req.query.q;
  const a = await prisma.$queryRaw`SELECT * FROM "User" WHERE name = ${q}`;
  const b = await prisma.$queryRawUnsafe(`SELECT * FROM "User" WHERE name = '${q}'`);
  res.json({ a, b });
}
"#,
    );
    let sql = of(&ff, Subject::Sink, "sql");
    assert_eq!(sql.len(), 1, "{sql:#?}");
    assert_eq!(sql[0].evidence.location.start_line, 6);
    assert_eq!(sql[0].flow.as_ref().unwrap().state, FlowState::Tainted);
    assert_eq!(of(&ff, Subject::Store, "sql").len(), 1);
}

#[test]
fn variance_annotation_partial_tree_keeps_routes() {
    let ff = one(
        "src/server.ts",
        r#"import express from 'express';
const app = express();
app.get('/before', requireAuth, (req, res) => res.json({}));
interface Box<in out T> {
  value: T;
}
app.post('/after', requireAuth, (req, res) => res.json({}));
app.get('/last', (req, res) => res.json({}));
"#,
    );
    assert!(ff.partial);
    let routes: Vec<&str> = of(&ff, Subject::Entry, "http")
        .iter()
        .filter_map(|f| f.str("route"))
        .collect();
    assert_eq!(routes, ["/before", "/after", "/last"]);
}

#[test]
fn deep_nesting_does_not_crash() {
    for (path, src) in [
        (
            "deep.js",
            format!("const x = {}1{};\n", "[".repeat(5000), "]".repeat(5000)),
        ),
        (
            "deep2.js",
            format!("f({}x{});\n", "g(".repeat(5000), ")".repeat(5000)),
        ),
        (
            "deep3.ts",
            format!("const y = {}0{};\n", "(1 + ".repeat(5000), ")".repeat(5000)),
        ),
        (
            "deep5.js",
            format!(
                "const z = {}req.body{};\n",
                "{ ...".repeat(5000),
                " }".repeat(5000)
            ),
        ),
        (
            "deep6.js",
            format!("const m = require('m'){};\nm.a();\n", ".a".repeat(5000)),
        ),
        (
            "deep7.js",
            format!("const f = {}1;\n", "() => ".repeat(5000)),
        ),
        (
            "deep8.tsx",
            format!(
                "const v = {}x{};\n",
                "<div>{".repeat(3000),
                "}</div>".repeat(3000)
            ),
        ),
        (
            "deep9.js",
            format!(
                "app.get('/x', {}(req, res) => res.send(req.query.q){});\n",
                "wrap(".repeat(5000),
                ")".repeat(5000)
            ),
        ),
        ("deep10.js", format!("x{};\n", ".then(r => r)".repeat(5000))),
    ] {
        let ff = one(path, &src);
        assert_eq!(ff.path, path);
    }
    let src = format!(
        "function f() {{ {} }}\n",
        "if (a) { ".repeat(3000) + &"}".repeat(3000)
    );
    one("deep4.js", &src);
}

#[test]
fn symbols_are_qualified_and_stable() {
    let ff = one(
        "src/app.ts",
        r#"import express from 'express';
const { exec } = require('child_process');
export function createApp() {
  const app = express();
  function handler(req: any, res: any) {
    exec(req.query.cmd);
  }
  app.get('/x', handler);
  app.get('/y', (req, res) => exec(req.query.other));
  return app;
}
class Jobs {
  run(cmd: string) {
    exec(cmd);
  }
}
const runLater = (cmd: string) => exec(cmd);
"#,
    );
    let syms: Vec<&str> = of(&ff, Subject::Sink, "exec")
        .iter()
        .map(|f| f.evidence.symbol.as_str())
        .collect();
    assert_eq!(
        syms,
        ["createApp.handler", "createApp", "Jobs.run", "runLater"]
    );
    let handlers: Vec<&str> = of(&ff, Subject::Entry, "http")
        .iter()
        .filter_map(|f| f.str("handler"))
        .collect();
    assert_eq!(handlers, ["createApp.handler", "createApp"]);
}

#[test]
fn express_mounts_and_middleware() {
    let ff = one(
        "src/app.js",
        r#"const express = require('express');
const passport = require('passport');
import users from './routes/users';
import { router as orders } from './routes/orders';
const app = express();
const admin = express.Router();
app.use(passport.authenticate('jwt', { session: false }));
app.use('/users', users);
app.use('/orders', requireAuth, orders);
app.use('/admin', admin);
admin.use(isAdmin);
app.use(require('./routes/health'));
"#,
    );
    let mounts: Vec<(String, String)> = of(&ff, Subject::Mount, "prefix")
        .iter()
        .map(|f| {
            (
                f.str("prefix").unwrap().to_string(),
                f.str("child").unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        mounts,
        [
            ("/users".to_string(), "src/routes/users".to_string()),
            (
                "/orders".to_string(),
                "src/routes/orders::router".to_string()
            ),
            ("/admin".to_string(), "admin".to_string()),
            ("".to_string(), "src/routes/health".to_string()),
        ]
    );
    let auth: Vec<&str> = of(&ff, Subject::Middleware, "auth")
        .iter()
        .filter_map(|f| f.str("router"))
        .collect();
    assert_eq!(auth, ["app", "admin"]);
}

#[test]
fn llm_tools_and_agent_tools() {
    let ff = one(
        "src/agent.ts",
        r#"import { generateText, tool } from 'ai';
import { openai } from '@ai-sdk/openai';
import { z } from 'zod';
import { exec } from 'node:child_process';
export async function answer(question: string) {
  return generateText({
    model: openai('gpt-4o'),
    maxTokens: 512,
    prompt: question,
    tools: {
      shell: tool({
        description: 'Run a shell command',
        parameters: z.object({ cmd: z.string() }),
        execute: async ({ cmd }) => exec(cmd),
      }),
      weather: tool({
        description: 'Get the weather',
        parameters: z.object({ city: z.string() }),
        execute: async ({ city }) => ({ city, temp: 20 }),
      }),
    },
  });
}
"#,
    );
    let llm = of(&ff, Subject::Llm, "vercel-ai");
    assert_eq!(llm.len(), 1);
    assert_eq!(llm[0].str("model"), Some("gpt-4o"));
    assert!(llm[0].flag("max_tokens") && llm[0].flag("tools"));
    let tools = of(&ff, Subject::Entry, "agent-tool");
    assert_eq!(tools.len(), 2);
    assert_eq!(tools[0].str("route"), Some("shell"));
    assert_eq!(tools[0].list("writes"), ["exec"]);
    assert!(tools[1].list("writes").is_empty());
    let exec = of(&ff, Subject::Sink, "exec");
    assert_eq!(
        exec[0].flow.as_ref().unwrap().source.as_ref().unwrap().kind,
        "tool-input"
    );
    let prompt = of(&ff, Subject::Sink, "prompt");
    assert_eq!(
        prompt[0].flow.as_ref().unwrap().state,
        FlowState::FromParams
    );
}

#[test]
fn nest_global_guards_koa_prefix_and_mass_assignment() {
    let ff = one(
        "src/app.module.ts",
        r#"import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtAuthGuard } from './auth/jwt.guard';
@Module({ providers: [{ provide: APP_GUARD, useClass: JwtAuthGuard }] })
export class AppModule {}
"#,
    );
    let auth = of(&ff, Subject::Middleware, "auth");
    assert_eq!(auth.len(), 1);
    assert_eq!(auth[0].str("name"), Some("JwtAuthGuard"));

    let ff = one(
        "src/orders.js",
        r#"const Router = require('@koa/router');
const Order = require('./models/order');
const router = new Router({ prefix: '/api' });
router.get('/orders/:id', async (ctx) => {
  ctx.body = await Order.findById(ctx.params.id);
});
router.post('/orders', async (ctx) => {
  const order = new Order(ctx.request.body);
  ctx.body = await order.save();
});
"#,
    );
    let entries = of(&ff, Subject::Entry, "http");
    assert_eq!(entries[0].str("route"), Some("/api/orders/:id"));
    assert_eq!(entries[0].str("framework"), Some("koa"));
    assert!(entries[0].flag("id_param_lookup"));
    assert!(entries[1].flag("mass_assign") && entries[1].flag("state_changing"));
    assert_eq!(of(&ff, Subject::Setting, "mass-assignment").len(), 1);
}

#[test]
fn pinned_hosts_local_redirects_and_map_callbacks_are_not_sinks() {
    let ff = one(
        "src/app.js",
        r#"const express = require('express');
const app = express();
const USERS_API = process.env.USERS_API;
app.get('/u/:id', async (req, res) => {
  await fetch(`${USERS_API}/users/${req.params.id}`);
  await fetch(`https://api.example.com/users/${req.params.id}`);
  await fetch(req.query.url);
  const ids = req.body.ids;
  await db.query(`SELECT * FROM t WHERE id IN (${ids.map(() => '?').join(',')})`, ids);
  await db.query(`SELECT * FROM t WHERE id IN (${ids.map((i) => i).join(',')})`);
  res.redirect('/users/' + req.params.id);
  res.redirect(req.query.back);
});
"#,
    );
    let lines = |kind: &str| -> Vec<u32> {
        of(&ff, Subject::Sink, kind)
            .iter()
            .map(|f| f.evidence.location.start_line)
            .collect()
    };
    assert_eq!(lines("ssrf"), [7]);
    assert_eq!(lines("sql"), [10]);
    assert_eq!(lines("redirect"), [12]);
}

#[test]
fn nested_functions_are_linked_by_qualified_name() {
    let ff = one(
        "src/app.js",
        r#"const { spawn } = require('child_process');
function createApp(opts) {
  function run(cmd) {
    return spawn(cmd, [], { shell: true });
  }
  return run(opts.cmd);
}
"#,
    );
    let sink = &of(&ff, Subject::Sink, "exec")[0];
    assert_eq!(sink.evidence.symbol, "createApp.run");
    assert!(sink.flag("shell"));
    let outer = ff
        .functions
        .iter()
        .find(|f| f.symbol == "createApp")
        .unwrap();
    assert_eq!(outer.calls[0].callee, "src/app::createApp.run");
    let inner = ff
        .functions
        .iter()
        .find(|f| f.symbol == "createApp.run")
        .unwrap();
    assert_eq!(inner.export_name, "src/app::createApp.run");
}

#[test]
fn truncated_files_never_panic() {
    let spec = FlowSpec::builtin();
    let mut files = files_under(&root().join("fixtures/js"));
    files.extend(files_under(&root().join("rules/tests")));
    for p in files {
        let path = p.to_string_lossy().to_string();
        let text = std::fs::read_to_string(&p).unwrap();
        let lang = lang_of(&path).unwrap();
        let mut cut = 0;
        while cut < text.len() {
            if text.is_char_boundary(cut) {
                let ff = extract("a/b.ts", lang, &text[..cut], &spec).unwrap();
                for f in &ff.facts {
                    vocab::check_fact(f).unwrap();
                }
            }
            cut += 53;
        }
    }
}

#[test]
fn low_level_mcp_and_openai_agents_tools() {
    let ff = one(
        "src/tools.ts",
        r#"import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { tool } from '@openai/agents';
import { exec } from 'child_process';
import { z } from 'zod';
const server = new Server({ name: 'x', version: '1' }, { capabilities: { tools: {} } });
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  exec(request.params.arguments.cmd);
  return { content: [] };
});
export const shell = tool({
  name: 'shell',
  description: 'Run a command',
  parameters: z.object({ cmd: z.string() }),
  execute: async ({ cmd }) => exec(cmd),
});
"#,
    );
    let mcp = of(&ff, Subject::Entry, "mcp-tool");
    assert_eq!(mcp[0].str("route"), Some("*"));
    assert_eq!(mcp[0].list("writes"), ["exec"]);
    let agent = of(&ff, Subject::Entry, "agent-tool");
    assert_eq!(
        (agent[0].str("route"), agent[0].str("framework")),
        (Some("shell"), Some("openai"))
    );
    let exec = of(&ff, Subject::Sink, "exec");
    assert!(
        exec.iter()
            .all(|s| s.flow.as_ref().unwrap().source.as_ref().unwrap().kind == "tool-input")
    );
}

#[test]
fn next_server_actions_take_client_input() {
    let ff = one(
        "app/actions.ts",
        r#"'use server';
import { db } from '@/lib/db';

export async function updateBio(formData: FormData) {
  const bio = formData.get('bio');
  await db.query(`UPDATE users SET bio = '${bio}'`);
}

export const rename = async (name: string) => {
  await db.query("UPDATE users SET name = '" + name + "'");
};
"#,
    );
    let sql = of(&ff, Subject::Sink, "sql");
    assert_eq!(sql.len(), 2);
    assert!(
        sql.iter()
            .all(|s| s.flow.as_ref().unwrap().state == FlowState::Tainted)
    );
    assert_eq!(sql[1].evidence.symbol, "rename");
}
