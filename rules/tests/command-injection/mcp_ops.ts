import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { execSync } from 'node:child_process';
import { z } from 'zod';

const server = new McpServer({ name: 'ops', version: '1.0.0' });

server.registerTool('disk_usage', { inputSchema: { path: z.string() } }, async ({ path }) => {
  const out = execSync(`du -sh ${path}`).toString(); // ruleid: command-injection
  return { content: [{ type: 'text', text: out }] };
});

server.registerTool('load_average', { inputSchema: {} }, async () => {
  const out = execSync('cat /proc/loadavg').toString(); // ok: command-injection
  return { content: [{ type: 'text', text: out }] };
});
