const express = require('express');
const escapeStringRegexp = require('escape-string-regexp');

const app = express();
const PRODUCTS = ['apple', 'banana', 'cherry'];

app.get('/filter', (req, res) => {
  const pattern = new RegExp(req.query.pattern, 'i'); // ruleid: regex-injection
  res.json(PRODUCTS.filter((p) => pattern.test(p)));
});

app.get('/filter-safe', (req, res) => {
  const pattern = new RegExp(escapeStringRegexp(req.query.pattern), 'i'); // ok: regex-injection
  const digits = new RegExp('^[0-9]+$'); // ok: regex-injection
  res.json(PRODUCTS.filter((p) => pattern.test(p) && !digits.test(p)));
});

module.exports = app;
