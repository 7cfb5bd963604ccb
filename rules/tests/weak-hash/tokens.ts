import { createHash, randomBytes } from 'node:crypto';

export function resetTokenDigest(token: string): string {
  return createHash('sha1').update(token).digest('hex'); // ruleid: weak-hash
}

export function etagFor(body: string): string {
  return createHash('sha1').update(body).digest('base64'); // ok: weak-hash
}

export function apiTokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex'); // ok: weak-hash
}

export function newToken(): string {
  return randomBytes(32).toString('hex');
}
