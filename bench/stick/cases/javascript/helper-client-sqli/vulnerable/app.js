// stick: cwe=89 construct=helper-client expect=vulnerable
const express = require('express');
const { getConnection } = require('./db');

const app = express();

app.get('/contacts', (req, res) => {
  const conn = getConnection();
  conn.execute("SELECT id, name, email FROM contacts WHERE company = '" + req.query.company + "'", (err, rows) => { // stick: sink
    if (err) return res.sendStatus(500);
    res.json(rows);
  });
});

app.listen(3000);
