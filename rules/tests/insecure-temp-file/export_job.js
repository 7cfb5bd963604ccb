const fs = require('fs');
const os = require('os');
const path = require('path');

function writeExport(rows) {
  const csv = rows.map((r) => r.join(',')).join('\n');
  fs.writeFileSync('/tmp/export.csv', csv); // ruleid: insecure-temp-file
  return '/tmp/export.csv';
}

function writeReport(body) {
  const file = path.join(os.tmpdir(), 'report.html');
  fs.writeFileSync(path.join(os.tmpdir(), 'report.html'), body); // ruleid: insecure-temp-file
  return file;
}

function writeExportSafely(rows) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'export-'));
  const file = path.join(dir, 'export.csv');
  fs.writeFileSync(file, rows.map((r) => r.join(',')).join('\n'), { mode: 0o600 }); // ok: insecure-temp-file
  return file;
}

module.exports = { writeExport, writeReport, writeExportSafely };
