// stick: cwe=79 construct=direct expect=vulnerable
const express = require('express');

const app = express();

app.get('/greet', (req, res) => {
  const name = req.query.name || 'guest';
  res.send(`<html><body><h1>Welcome back, ${name}!</h1></body></html>`); // stick: sink
});

app.listen(3000);
