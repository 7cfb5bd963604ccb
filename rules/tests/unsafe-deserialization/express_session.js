const express = require('express');
const serialize = require('node-serialize');
const yaml = require('js-yaml');

const app = express();
app.use(express.text());

app.get('/restore', (req, res) => {
  const state = serialize.unserialize(Buffer.from(req.cookies.state, 'base64').toString()); // ruleid: unsafe-deserialization
  res.json(state);
});

app.post('/import', (req, res) => {
  const doc = yaml.load(req.body, { schema: yaml.DEFAULT_FULL_SCHEMA }); // ruleid: unsafe-deserialization
  res.json(doc);
});

app.post('/import-safe', (req, res) => {
  const doc = yaml.load(req.body); // ok: unsafe-deserialization
  const cfg = serialize.unserialize('{"mode":"basic"}'); // ok: unsafe-deserialization
  res.json({ doc, cfg });
});

module.exports = app;
