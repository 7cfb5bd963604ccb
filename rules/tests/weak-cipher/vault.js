const crypto = require('crypto');

const key = crypto.scryptSync(process.env.VAULT_PASSPHRASE, 'salt', 32);

function encryptLegacy(plaintext) {
  const cipher = crypto.createCipheriv('des-ede3-cbc', key.subarray(0, 24), Buffer.alloc(8)); // ruleid: weak-cipher
  return Buffer.concat([cipher.update(plaintext), cipher.final()]);
}

function encryptBlocks(plaintext) {
  const cipher = crypto.createCipheriv('aes-256-ecb', key, null); // ruleid: weak-cipher
  return Buffer.concat([cipher.update(plaintext), cipher.final()]);
}

function encrypt(plaintext) {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv); // ok: weak-cipher
  return Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

module.exports = { encryptLegacy, encryptBlocks, encrypt };
