import cookieParser from "cookie-parser";
import express, { type NextFunction, type Request, type Response } from "express";
import helmet from "helmet";
import { requireAuth } from "./middleware/auth";
import { adminRouter } from "./routes/admin";
import { authRouter } from "./routes/auth";
import { ordersRouter } from "./routes/orders";

export function createApp() {
  const app = express();

  app.disable("x-powered-by");
  app.use(helmet());
  app.use(express.json({ limit: "100kb" }));
  app.use(cookieParser());

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });

  app.use("/api/auth", authRouter);
  app.use("/api/orders", requireAuth, ordersRouter);

  // Ops dashboard (internal)
  app.use("/internal/admin", adminRouter);

  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    console.error("unhandled error", err);
    res.status(500).json({ error: "internal error" });
  });

  return app;
}
