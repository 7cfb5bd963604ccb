const express = require('express');
const { Pool } = require('pg');
const { searchProducts } = require('./catalog');

const app = express();
const pool = new Pool({ connectionString: process.env.DATABASE_URL });

app.get('/orders', async (req, res) => {
  const status = req.query.status;
  const sql = `SELECT id, total FROM orders WHERE status = '${status}' ORDER BY id`;
  const { rows } = await pool.query(sql); // ruleid: sql-injection
  res.json(rows);
});

app.get('/orders/:id', async (req, res) => {
  // ok: sql-injection
  const { rows } = await pool.query('SELECT id, total FROM orders WHERE id = $1', [req.params.id]);
  res.json(rows[0]);
});

app.get('/orders/by-customer', async (req, res) => {
  const customerId = parseInt(req.query.customer, 10);
  // ok: sql-injection
  const { rows } = await pool.query('SELECT id FROM orders WHERE customer_id = ' + customerId);
  res.json(rows);
});

// A regular expression's `exec` matches text: no query runs.
app.get('/orders/by-ref', async (req, res) => {
  const ref = /^ORD-(\d+)$/.exec(req.query.ref); // ok: sql-injection
  res.json({ id: ref && ref[1] });
});

app.get('/products', async (req, res) => {
  const items = await searchProducts(req.query.q);
  res.json(items);
});

// Express's raw body parser, sized from the request's own header: no SQL.
app.post('/uploads', (req, res, next) => {
  const limit = req.get('x-upload-limit');
  express.raw({ type: () => true, limit })(req, res, next); // ok: sql-injection
});

module.exports = app;
