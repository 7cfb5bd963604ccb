// stick: cwe=89 construct=closure-query expect=safe
const express = require('express');
const { Pool } = require('pg');

const app = express();
const pool = new Pool();

app.get('/reports/sales', async (req, res) => {
  const region = req.query.region || 'emea';
  const period = '2026-Q4';
  const buildQuery = () => ({
    text: `SELECT product, SUM(amount) FROM sales WHERE region = $1 AND period = '${period}' GROUP BY product`,
    values: [region],
  });
  const { rows } = await pool.query(buildQuery());
  res.json(rows);
});

app.listen(3000);
