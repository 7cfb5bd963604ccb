import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

const server = new McpServer({ name: 'catalog', version: '1.0.0' });

// ok: unauthenticated-entry-point
server.tool('list_categories', 'List catalogue categories', {}, async () => ({
  content: [{ type: 'text', text: 'books, music, games' }],
}));

await server.connect(new StdioServerTransport());
