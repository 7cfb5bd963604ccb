import { Pool } from "pg";
import { config } from "./config";

export const pool = new Pool({
  connectionString: config.databaseUrl,
  max: 10,
  idleTimeoutMillis: 30_000,
});

pool.on("error", (err) => {
  // An idle client lost its connection; pg will open a new one on the next query.
  console.error("postgres pool error", err.message);
});
