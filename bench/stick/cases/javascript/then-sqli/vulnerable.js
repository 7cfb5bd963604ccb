// stick: cwe=89 construct=promise-then expect=vulnerable
const express = require('express');
const { Pool } = require('pg');

const app = express();
const pool = new Pool();

app.get('/users/:id/orders', (req, res) => {
  Promise.resolve(req.params.id)
    .then((id) => pool.query(`SELECT id, total FROM orders WHERE user_id = ${id}`)) // stick: sink
    .then(({ rows }) => res.json(rows))
    .catch(() => res.sendStatus(500));
});

app.listen(3000);
