function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`missing required environment variable ${name}`);
  }
  return value;
}

export const config = {
  port: Number(process.env.PORT ?? 3000),
  databaseUrl: required("DATABASE_URL"),
  jwtSecret: required("JWT_SECRET"),
  jwtIssuer: "orders-service",
  paymentsApiKey: required("PAYMENTS_API_KEY"),
  // Directory holding the report scripts used by the MCP run_report tool.
  reportsDir: process.env.REPORTS_DIR ?? "/app/scripts",
  resetTokenTtlMinutes: 30,
};
