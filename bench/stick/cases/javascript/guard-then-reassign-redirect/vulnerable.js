// stick: cwe=601 construct=guard-then-reassign expect=vulnerable
const express = require('express');

const app = express();
const LANDING_PAGES = new Set(['/welcome', '/pricing', '/docs']);

app.get('/go', (req, res) => {
  let target = String(req.query.to || '/welcome');
  if (!LANDING_PAGES.has(target)) {
    return res.sendStatus(400);
  }
  target = String(req.query.fallback || target);
  res.redirect(target); // stick: sink
});

app.listen(3000);
