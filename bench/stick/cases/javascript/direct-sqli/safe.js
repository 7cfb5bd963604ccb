// stick: cwe=89 construct=direct expect=safe
const express = require('express');
const { Pool } = require('pg');

const app = express();
const pool = new Pool();

app.get('/orders/:id', async (req, res) => {
  const customer = req.query.customer || '';
  const { rows } = await pool.query(
    'SELECT id, total FROM orders WHERE id = $1 AND customer = $2', [req.params.id, customer],
  );
  res.json(rows[0] || null);
});

app.listen(3000);
