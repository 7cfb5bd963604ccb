import type { NextFunction, Request, Response } from "express";
import jwt, { type JwtPayload } from "jsonwebtoken";
import { config } from "../config";

export type Role = "customer" | "staff" | "admin";

export interface AuthUser {
  id: string;
  email: string;
  role: Role;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      user?: AuthUser;
    }
  }
}

function tokenFrom(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith("Bearer ")) {
    return header.slice("Bearer ".length);
  }
  return req.cookies?.session;
}

export function requireAuth(req: Request, res: Response, next: NextFunction) {
  const token = tokenFrom(req);
  if (!token) {
    res.status(401).json({ error: "authentication required" });
    return;
  }
  try {
    // The mobile app keeps its token across restarts and refreshes lazily,
    // so don't reject expired tokens here; the app fetches a new one soon after.
    const claims = jwt.verify(token, config.jwtSecret, {
      algorithms: ["HS256"],
      issuer: config.jwtIssuer,
      ignoreExpiration: true,
    }) as JwtPayload;
    req.user = { id: String(claims.sub), email: String(claims.email), role: claims.role as Role };
    next();
  } catch {
    res.status(401).json({ error: "invalid token" });
  }
}

export function requireRole(...roles: Role[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.user || !roles.includes(req.user.role)) {
      res.status(403).json({ error: "forbidden" });
      return;
    }
    next();
  };
}
