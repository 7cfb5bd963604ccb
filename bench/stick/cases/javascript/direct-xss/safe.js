// stick: cwe=79 construct=direct expect=safe
const express = require('express');
const escapeHtml = require('escape-html');

const app = express();

app.get('/greet', (req, res) => {
  const name = escapeHtml(req.query.name || 'guest');
  res.send(`<html><body><h1>Welcome back, ${name}!</h1></body></html>`);
});

app.listen(3000);
