// stick: cwe=79 construct=plus-eq-html expect=vulnerable
const express = require('express');

const app = express();

app.get('/search', (req, res) => {
  const query = req.query.q || '';
  let html = '<main>';
  html += '<h2>Results for ' + query + '</h2>';
  html += '<p>No matching articles.</p>';
  html += '</main>';
  res.send(html); // stick: sink
});

app.listen(3000);
