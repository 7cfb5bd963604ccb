// stick: cwe=89 construct=length-guard expect=safe
const express = require('express');
const { Pool } = require('pg');

const app = express();
const pool = new Pool();

app.get('/users/by-handle', async (req, res) => {
  const handle = String(req.query.handle || '');
  if (!/^[a-z0-9_]{1,32}$/.test(handle)) {
    return res.sendStatus(400);
  }
  const { rows } = await pool.query(`SELECT id, bio FROM users WHERE handle = '${handle}'`);
  res.json(rows);
});

app.listen(3000);
