const express = require('express');
const ejs = require('ejs');
const pug = require('pug');

const app = express();
app.use(express.json());

app.post('/preview', (req, res) => {
  const html = ejs.render(req.body.template, { user: req.user }); // ruleid: template-injection
  res.send(html);
});

app.get('/greeting', (req, res) => {
  const tpl = 'p Hello #{name}';
  const html = pug.render(tpl, { name: req.query.name }); // ok: template-injection
  res.send(html);
});

app.post('/card', (req, res) => {
  const fn = pug.compile(`div.card ${req.body.layout}`); // ruleid: template-injection
  res.send(fn({}));
});

module.exports = app;
