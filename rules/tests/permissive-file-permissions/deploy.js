const fs = require('fs');
const path = require('path');

function publishReport(dir, name, body) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, body);
  fs.chmodSync(file, 0o777); // ruleid: permissive-file-permissions
}

function writeSecret(file, body) {
  fs.writeFileSync(file, body, { mode: 0o600 }); // ok: permissive-file-permissions
  fs.chmodSync(file, 0o640); // ok: permissive-file-permissions
}

function makeSharedDir(dir) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o777 }); // ruleid: permissive-file-permissions
}

module.exports = { publishReport, writeSecret, makeSharedDir };
