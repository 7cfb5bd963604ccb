// stick: cwe=78 construct=join expect=safe
const express = require('express');
const { execSync } = require('child_process');
const { quote } = require('shell-quote');

const app = express();

app.get('/logs/search', (req, res) => {
  const argv = ['grep', '-n', req.query.pattern || 'ERROR', '/var/log/app/current.log'];
  const out = execSync(quote(argv), { encoding: 'utf8' });
  res.json({ matches: out.split('\n').slice(0, 50) });
});

app.listen(3000);
