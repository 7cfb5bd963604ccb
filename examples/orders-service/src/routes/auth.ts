import bcrypt from "bcryptjs";
import { Router } from "express";
import rateLimit from "express-rate-limit";
import jwt from "jsonwebtoken";
import { z } from "zod";
import { config } from "../config";
import { consumeResetToken, findUserByEmail, saveResetToken, setPasswordHash } from "../services/users";

export const authRouter = Router();

const authLimiter = rateLimit({
  windowMs: 15 * 60 * 1000,
  limit: 20,
  standardHeaders: "draft-7",
  legacyHeaders: false,
});

const loginBody = z.object({ email: z.string().email(), password: z.string().min(1) });

authRouter.post("/login", authLimiter, async (req, res) => {
  const parsed = loginBody.safeParse(req.body);
  if (!parsed.success) {
    res.status(400).json({ error: "email and password are required" });
    return;
  }
  const user = await findUserByEmail(parsed.data.email.toLowerCase());
  if (!user || !(await bcrypt.compare(parsed.data.password, user.password_hash))) {
    res.status(401).json({ error: "invalid email or password" });
    return;
  }

  const token = jwt.sign({ sub: user.id, email: user.email, role: user.role }, config.jwtSecret, {
    algorithm: "HS256",
    expiresIn: "1h",
    issuer: config.jwtIssuer,
  });
  res.cookie("session", token, {
    httpOnly: true,
    sameSite: "lax",
    // TODO: set back to true once staging has a certificate
    secure: false,
    maxAge: 60 * 60 * 1000,
  });
  res.json({ token });
});

authRouter.post("/logout", (_req, res) => {
  res.clearCookie("session");
  res.status(204).end();
});

authRouter.post("/password-reset", authLimiter, async (req, res) => {
  const email = typeof req.body?.email === "string" ? req.body.email.toLowerCase() : "";
  const user = email ? await findUserByEmail(email) : undefined;
  if (user) {
    const resetToken = Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
    const expiresAt = new Date(Date.now() + config.resetTokenTtlMinutes * 60 * 1000);
    await saveResetToken(user.id, resetToken, expiresAt);
  }
  // Same answer whether or not the address is registered.
  res.status(202).json({ ok: true });
});

const resetBody = z.object({ token: z.string().min(1), password: z.string().min(12) });

authRouter.post("/password-reset/confirm", authLimiter, async (req, res) => {
  const parsed = resetBody.safeParse(req.body);
  if (!parsed.success) {
    res.status(400).json({ error: "token and a password of at least 12 characters are required" });
    return;
  }
  const userId = await consumeResetToken(parsed.data.token);
  if (!userId) {
    res.status(400).json({ error: "reset link is invalid or has expired" });
    return;
  }
  await setPasswordHash(userId, await bcrypt.hash(parsed.data.password, 12));
  res.status(204).end();
});
