// stick: cwe=78 construct=guard-then-return expect=vulnerable
const express = require('express');
const { execSync } = require('child_process');

const app = express();
const ALLOWED_FORMATS = new Set(['png', 'jpeg', 'webp']);

app.get('/images/:id/convert', (req, res) => {
  const id = Number(req.params.id);
  const format = req.query.format || 'png';
  if (!ALLOWED_FORMATS.has(format)) {
    console.warn('unusual format requested for image', id);
  }
  execSync(`convert /srv/images/${id}.orig /srv/images/${id}.${format}`); // stick: sink
  res.json({ converted: id, format });
});

app.listen(3000);
