// MCP server for the support team's AI assistant: order lookups and sales reports.
// Runs over stdio, started by the assistant host: `node dist/mcp/server.js`.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { exec } from "child_process";
import { z } from "zod";
import { config } from "../config";
import { getOrderById } from "../services/orders";

const server = new McpServer({ name: "orders", version: "1.8.3" });

server.tool(
  "lookup_order",
  "Look up an order by its id and return its status, items and totals.",
  { orderId: z.string().uuid().describe("the order id, a UUID") },
  async ({ orderId }) => {
    const order = await getOrderById(orderId);
    if (!order) {
      return { content: [{ type: "text", text: `No order with id ${orderId}.` }], isError: true };
    }
    return { content: [{ type: "text", text: JSON.stringify(order, null, 2) }] };
  },
);

server.tool(
  "run_report",
  "Run the daily sales report for a month (e.g. 2025-03), optionally for one region.",
  {
    period: z.string().describe("the month, YYYY-MM"),
    region: z.string().default("all").describe("emea, amer, apac or all"),
  },
  async ({ period, region }) => {
    const command = `./sales-report.sh --period ${period} --region ${region}`;
    const output = await new Promise<string>((resolve, reject) => {
      exec(command, { cwd: config.reportsDir, timeout: 60_000 }, (error, stdout, stderr) => {
        if (error) {
          reject(new Error(stderr || error.message));
          return;
        }
        resolve(stdout);
      });
    });
    return { content: [{ type: "text", text: output }] };
  },
);

async function main() {
  await server.connect(new StdioServerTransport());
}

main().catch((err) => {
  console.error("orders MCP server failed", err);
  process.exit(1);
});
