// stick: cwe=601 construct=guard-then-return expect=safe
const express = require('express');

const app = express();
const TRUSTED_HOSTS = new Set(['shop.example.com', 'help.example.com']);

app.get('/logout', (req, res) => {
  res.clearCookie('sid');
  const target = String(req.query.continue || 'https://shop.example.com/');
  if (!TRUSTED_HOSTS.has(new URL(target, 'https://shop.example.com').hostname)) {
    return res.redirect('/');
  }
  res.redirect(target);
});

app.listen(3000);
