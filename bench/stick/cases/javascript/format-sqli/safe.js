// stick: cwe=89 construct=str-format expect=safe
const express = require('express');
const util = require('util');
const format = require('pg-format');
const { Pool } = require('pg');

const app = express();
const pool = new Pool();

app.get('/books', async (req, res) => {
  const sql = util.format('SELECT isbn, title FROM books WHERE author = %s ORDER BY title', format.literal(req.query.author));
  const { rows } = await pool.query(sql);
  res.json(rows);
});

app.listen(3000);
