const express = require('express');
const fs = require('fs');
const path = require('path');

const app = express();
const UPLOADS = '/srv/uploads';

app.get('/download', (req, res) => {
  const file = path.join(UPLOADS, req.query.name);
  res.download(file); // ruleid: path-traversal
});

app.get('/preview', (req, res) => {
  const data = fs.readFileSync(`${UPLOADS}/${req.query.name}`, 'utf8'); // ruleid: path-traversal
  res.type('text/plain').send(data);
});

app.delete('/files/:name', (req, res) => {
  fs.unlinkSync(path.join(UPLOADS, req.params.name)); // ruleid: path-traversal
  res.status(204).end();
});

app.get('/safe-preview', (req, res) => {
  const name = path.basename(req.query.name);
  const data = fs.readFileSync(path.join(UPLOADS, name), 'utf8'); // ok: path-traversal
  res.type('text/plain').send(data);
});

app.get('/avatar', (req, res) => {
  res.sendFile(req.query.file, { root: UPLOADS }); // ok: path-traversal
});

app.get('/terms', (req, res) => {
  res.sendFile(path.join(__dirname, 'static', 'terms.html')); // ok: path-traversal
});

module.exports = app;
