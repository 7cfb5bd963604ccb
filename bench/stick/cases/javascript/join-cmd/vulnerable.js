// stick: cwe=78 construct=join expect=vulnerable
const express = require('express');
const { execSync } = require('child_process');

const app = express();

app.get('/logs/search', (req, res) => {
  const argv = ['grep', '-n', req.query.pattern || 'ERROR', '/var/log/app/current.log'];
  const out = execSync(argv.join(' '), { encoding: 'utf8' }); // stick: sink
  res.json({ matches: out.split('\n').slice(0, 50) });
});

app.listen(3000);
