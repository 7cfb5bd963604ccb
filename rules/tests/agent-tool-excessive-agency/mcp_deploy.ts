import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { execSync } from 'node:child_process';
import { z } from 'zod';
import { confirmWithOperator } from './approvals';

const server = new McpServer({ name: 'deploy', version: '0.1.0' });

// ruleid: agent-tool-excessive-agency
server.tool('restart_service', 'Restart a systemd service', { name: z.string() }, async ({ name }) => {
  execSync(`systemctl restart ${name}`);
  return { content: [{ type: 'text', text: 'restarted' }] };
});

// ok: agent-tool-excessive-agency
server.tool('rollback', 'Roll back the last deploy', { release: z.string() }, async ({ release }) => {
  const approved = await confirmWithOperator(`Roll back to ${release}?`);
  if (!approved) {
    return { content: [{ type: 'text', text: 'cancelled' }] };
  }
  execSync('deployctl rollback --last');
  return { content: [{ type: 'text', text: 'rolled back' }] };
});
