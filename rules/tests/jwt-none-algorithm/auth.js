const jwt = require('jsonwebtoken');

const PUBLIC_KEY = process.env.JWT_PUBLIC_KEY;

function verifyLegacy(token) {
  return jwt.verify(token, PUBLIC_KEY, { algorithms: ['RS256', 'none'] }); // ruleid: jwt-none-algorithm
}

function verify(token) {
  return jwt.verify(token, PUBLIC_KEY, { algorithms: ['RS256'] }); // ok: jwt-none-algorithm
}

module.exports = { verifyLegacy, verify };
