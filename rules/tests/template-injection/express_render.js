const express = require('express');
const fs = require('fs');
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

// A page template read from the application's own folder.
const PAGES = process.env.PAGES_DIR || 'pages';
app.get('/pages/:name', async (req, res) => {
  const page = ['welcome', 'terms'].includes(req.params.name) ? req.params.name : 'welcome';
  const text = await fs.promises.readFile(`${PAGES}/${page}.pug`, 'utf8');
  res.send(pug.render(text, { user: req.query.user })); // ok: template-injection
});

module.exports = app;
