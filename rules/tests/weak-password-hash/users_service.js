const crypto = require('crypto');
const bcrypt = require('bcrypt');

function hashPasswordLegacy(password) {
  return crypto.createHash('md5').update(password).digest('hex'); // ruleid: weak-password-hash
}

async function hashPassword(password) {
  return bcrypt.hash(password, 12); // ok: weak-password-hash
}

function cacheKey(url) {
  return crypto.createHash('md5').update(url).digest('hex'); // ok: weak-password-hash
}

module.exports = { hashPasswordLegacy, hashPassword, cacheKey };
