// stick: cwe=78 construct=direct expect=vulnerable
const express = require('express');
const { exec } = require('child_process');

const app = express();

app.get('/diagnostics/ping', (req, res) => {
  const host = req.query.host || 'localhost';
  exec(`ping -c 1 ${host}`, (err, stdout) => { // stick: sink
    res.json({ ok: !err, output: stdout });
  });
});

app.listen(3000);
