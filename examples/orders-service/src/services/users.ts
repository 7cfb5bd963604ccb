import { pool } from "../db";
import type { Role } from "../middleware/auth";

export interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  role: Role;
}

export async function findUserByEmail(email: string): Promise<UserRow | undefined> {
  const { rows } = await pool.query<UserRow>(
    "SELECT id, email, password_hash, role FROM users WHERE email = $1",
    [email],
  );
  return rows[0];
}

export async function saveResetToken(userId: string, token: string, expiresAt: Date): Promise<void> {
  // The mailer worker picks up new rows and sends the reset link.
  await pool.query(
    "INSERT INTO password_resets (user_id, token, expires_at) VALUES ($1, $2, $3)",
    [userId, token, expiresAt],
  );
}

/** Marks the token used and returns its user id, or undefined if it is unknown or expired. */
export async function consumeResetToken(token: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ user_id: string }>(
    `UPDATE password_resets SET used_at = now()
      WHERE token = $1 AND used_at IS NULL AND expires_at > now()
      RETURNING user_id`,
    [token],
  );
  return rows[0]?.user_id;
}

export async function setPasswordHash(userId: string, passwordHash: string): Promise<void> {
  await pool.query("UPDATE users SET password_hash = $1, updated_at = now() WHERE id = $2", [
    passwordHash,
    userId,
  ]);
}
