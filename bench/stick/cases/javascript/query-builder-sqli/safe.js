// stick: cwe=89 construct=query-builder expect=safe
const express = require('express');
const knex = require('knex')({ client: 'pg', connection: process.env.DATABASE_URL });

const app = express();
app.use(express.json());

app.post('/tickets/:id/title', async (req, res) => {
  await knex('tickets').where({ id: req.params.id }).update({ title: req.body.title });
  res.json({ id: req.params.id });
});

module.exports = app;
