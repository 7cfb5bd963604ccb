// stick: cwe=79 construct=plus-eq-html expect=safe
const express = require('express');
const escapeHtml = require('escape-html');

const app = express();

app.get('/search', (req, res) => {
  const query = req.query.q || '';
  let html = '<main>';
  html += '<h2>Results for ' + escapeHtml(query) + '</h2>';
  html += '<p>No matching articles.</p>';
  html += '</main>';
  res.send(html);
});

app.listen(3000);
