import { createApp } from "./app";
import { config } from "./config";
import { pool } from "./db";

const app = createApp();

const server = app.listen(config.port, () => {
  console.log(`orders-service listening on port ${config.port}`);
});

// Kubernetes sends SIGTERM on rollout; finish in-flight requests first.
process.on("SIGTERM", () => {
  server.close(() => {
    pool.end().finally(() => process.exit(0));
  });
});
