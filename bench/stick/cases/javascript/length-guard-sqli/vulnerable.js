// stick: cwe=89 construct=length-guard expect=vulnerable
const express = require('express');
const { Pool } = require('pg');

const app = express();
const pool = new Pool();

app.get('/users/by-handle', async (req, res) => {
  const handle = String(req.query.handle || '');
  if (handle.length > 32) {
    return res.sendStatus(400);
  }
  const { rows } = await pool.query(`SELECT id, bio FROM users WHERE handle = '${handle}'`); // stick: sink
  res.json(rows);
});

app.listen(3000);
