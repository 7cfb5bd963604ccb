// stick: cwe=601 construct=guard-then-reassign expect=safe
const express = require('express');

const app = express();
const LANDING_PAGES = new Set(['/welcome', '/pricing', '/docs']);

app.get('/go', (req, res) => {
  const target = String(req.query.fallback || req.query.to || '/welcome');
  if (!LANDING_PAGES.has(target)) {
    return res.sendStatus(400);
  }
  res.redirect(target);
});

app.listen(3000);
