// stick: cwe=89 construct=helper-client expect=safe
const express = require('express');
const { getConnection } = require('./db');

const app = express();

app.get('/contacts', (req, res) => {
  const conn = getConnection();
  conn.execute('SELECT id, name, email FROM contacts WHERE company = ?', [req.query.company], (err, rows) => {
    if (err) return res.sendStatus(500);
    res.json(rows);
  });
});

app.listen(3000);
