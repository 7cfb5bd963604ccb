// stick: cwe=78 construct=ternary-allowlist expect=vulnerable
const express = require('express');
const { exec } = require('child_process');

const app = express();

app.get('/pack', (req, res) => {
  const fmt = req.query.format;
  const chosen = fmt ? fmt : 'tar';
  exec(`pack --format ${chosen}`, () => res.send('queued')); // stick: sink
});

app.listen(3000);
