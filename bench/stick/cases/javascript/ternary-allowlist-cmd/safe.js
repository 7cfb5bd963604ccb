// stick: cwe=78 construct=ternary-allowlist expect=safe
const express = require('express');
const { exec } = require('child_process');

const app = express();
const ARCHIVES = ['tar', 'zip'];

app.get('/pack', (req, res) => {
  const fmt = req.query.format;
  const chosen = ARCHIVES.includes(fmt) ? fmt : 'tar';
  exec(`pack --format ${chosen}`, () => res.send('queued'));
});

app.listen(3000);
