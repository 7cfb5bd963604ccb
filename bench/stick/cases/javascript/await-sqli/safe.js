// stick: cwe=89 construct=await-promise expect=safe
const express = require('express');
const { Pool } = require('pg');

const app = express();
app.use(express.json());
const pool = new Pool();

async function findItems(term) {
  const { rows } = await pool.query('SELECT sku, name FROM items WHERE name ILIKE $1', [`%${term}%`]);
  return rows;
}

async function readTerm(req) {
  return req.body.term || '';
}

app.post('/items/search', async (req, res) => {
  const term = await readTerm(req);
  res.json(await findItems(term));
});

app.listen(3000);
