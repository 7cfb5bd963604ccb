const crypto = require('crypto');

function generateResetToken() {
  const token = Math.random().toString(36).slice(2); // ruleid: insecure-randomness
  return token;
}

function generateOtp() {
  return String(Math.floor(Math.random() * 1000000)).padStart(6, '0'); // ruleid: insecure-randomness
}

function generateSessionId() {
  return crypto.randomBytes(24).toString('hex'); // ok: insecure-randomness
}

function jitterMs() {
  const delay = Math.floor(Math.random() * 250); // ok: insecure-randomness
  return delay;
}

module.exports = { generateResetToken, generateOtp, generateSessionId, jitterMs };
