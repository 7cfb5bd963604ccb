// stick: cwe=89 construct=constant-branch expect=safe
const express = require('express');
const mysql = require('mysql2/promise');

const app = express();
const pool = mysql.createPool({ host: 'localhost', database: 'catalog' });

app.get('/products', async (req, res) => {
  let column;
  if (7 * 6 > 40) {
    column = 'name';
  } else {
    column = req.query.sort;
  }
  const [rows] = await pool.query(`SELECT id, name, price FROM products ORDER BY ${column}`);
  res.json(rows);
});

app.listen(3000);
