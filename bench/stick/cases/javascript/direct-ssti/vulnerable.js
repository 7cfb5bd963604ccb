// stick: cwe=1336 construct=direct expect=vulnerable
const express = require('express');
const ejs = require('ejs');

const app = express();

app.get('/cards/preview', (req, res) => {
  const recipient = req.query.to || 'friend';
  res.send(ejs.render(`<div class="card">Happy birthday, ${recipient}!</div>`)); // stick: sink
});

app.listen(3000);
