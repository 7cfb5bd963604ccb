// stick: cwe=78 construct=direct expect=safe
const express = require('express');
const { execFile } = require('child_process');

const app = express();

app.get('/diagnostics/ping', (req, res) => {
  const host = req.query.host || 'localhost';
  execFile('ping', ['-c', '1', String(host)], (err, stdout) => {
    res.json({ ok: !err, output: stdout });
  });
});

app.listen(3000);
