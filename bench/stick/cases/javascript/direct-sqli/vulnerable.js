// stick: cwe=89 construct=direct expect=vulnerable
const express = require('express');
const { Pool } = require('pg');

const app = express();
const pool = new Pool();

app.get('/orders/:id', async (req, res) => {
  const customer = req.query.customer || '';
  const { rows } = await pool.query( // stick: sink
    'SELECT id, total FROM orders WHERE id = ' + req.params.id + " AND customer = '" + customer + "'",
  );
  res.json(rows[0] || null);
});

app.listen(3000);
