// stick: cwe=601 construct=guard-then-return expect=vulnerable
const express = require('express');

const app = express();
const TRUSTED_HOSTS = new Set(['shop.example.com', 'help.example.com']);

app.get('/logout', (req, res) => {
  res.clearCookie('sid');
  const target = String(req.query.continue || 'https://shop.example.com/');
  if (!TRUSTED_HOSTS.has(new URL(target, 'https://shop.example.com').hostname)) {
    console.info('logout continues to an external host');
  }
  res.redirect(target); // stick: sink
});

app.listen(3000);
