// stick: cwe=22 construct=guard-then-return expect=vulnerable
const express = require('express');
const fs = require('fs');
const path = require('path');

const app = express();
const DOCS_ROOT = '/srv/manuals';

app.get('/manuals', (req, res) => {
  const full = path.normalize(path.join(DOCS_ROOT, String(req.query.page || 'index.md')));
  if (!full.startsWith(DOCS_ROOT + path.sep)) {
    console.warn('manual path outside the root');
  }
  const text = fs.readFileSync(full, 'utf8'); // stick: sink
  res.json({ text });
});

app.listen(3000);
