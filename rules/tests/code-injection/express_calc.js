const express = require('express');
const vm = require('vm');

const app = express();
app.use(express.json());

app.post('/calc', (req, res) => {
  const expr = req.body.expression;
  const result = eval(expr); // ruleid: code-injection
  res.json({ result });
});

app.post('/rules', (req, res) => {
  const check = new Function('order', req.body.rule); // ruleid: code-injection
  res.json({ ok: check({ total: 10 }) });
});

app.post('/sandbox', (req, res) => {
  const out = vm.runInNewContext(req.body.code, {}); // ruleid: code-injection
  res.json({ out });
});

app.get('/version', (req, res) => {
  const v = eval('1 + 1'); // ok: code-injection
  setTimeout(() => res.json({ v }), 10); // ok: code-injection
});

module.exports = app;
