// stick: cwe=79 construct=loop-html expect=safe
const express = require('express');
const escapeHtml = require('escape-html');

const app = express();

app.get('/tags', (req, res) => {
  const tags = [].concat(req.query.tag || []);
  let html = '<ul class="tags">';
  for (const tag of tags) {
    html += '<li>' + escapeHtml(tag) + '</li>';
  }
  html += '</ul>';
  res.send(html);
});

app.listen(3000);
