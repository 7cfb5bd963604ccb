const fs = require('fs');
const path = require('path');

// A release script logs its own package's version: the program's own file.
function release() {
  const pkg = JSON.parse(fs.readFileSync('./package.json', 'utf8'));
  console.log(`releasing ${pkg.version}`); // ok: log-injection
  const notes = fs.readFileSync(path.join(__dirname, 'NOTES.md'), 'utf8');
  console.log(notes.split('\n')[0]); // ok: log-injection
}

// A file named by the caller is outside data.
function importRows(file) {
  const rows = fs.readFileSync(file, 'utf8').split('\n');
  console.log('importing', rows[0]); // ruleid: log-injection
  return rows;
}

module.exports = { release, importRows };
