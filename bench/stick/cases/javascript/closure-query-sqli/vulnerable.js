// stick: cwe=89 construct=closure-query expect=vulnerable
const express = require('express');
const { Pool } = require('pg');

const app = express();
const pool = new Pool();

app.get('/reports/sales', async (req, res) => {
  const region = req.query.region || 'emea';
  const period = '2026-Q4';
  const buildQuery = () => ({
    text: `SELECT product, SUM(amount) FROM sales WHERE region = '${region}' AND period = '${period}' GROUP BY product`,
  });
  const { rows } = await pool.query(buildQuery()); // stick: sink
  res.json(rows);
});

app.listen(3000);
