// stick: cwe=79 construct=loop-html expect=vulnerable
const express = require('express');

const app = express();

app.get('/tags', (req, res) => {
  const tags = [].concat(req.query.tag || []);
  let html = '<ul class="tags">';
  for (const tag of tags) {
    html += '<li>' + tag + '</li>';
  }
  html += '</ul>';
  res.send(html); // stick: sink
});

app.listen(3000);
