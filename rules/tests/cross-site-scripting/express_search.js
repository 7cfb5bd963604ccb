const express = require('express');
const escapeHtml = require('escape-html');

const app = express();

app.get('/search', (req, res) => {
  const q = req.query.q;
  res.send(`<h1>Results for ${q}</h1>`); // ruleid: cross-site-scripting
});

app.get('/hello', (req, res) => {
  const name = escapeHtml(req.query.name);
  res.send('<p>Hello ' + name + '</p>'); // ok: cross-site-scripting
});

app.get('/status', (req, res) => {
  res.send('<p>ok</p>'); // ok: cross-site-scripting
});

app.get('/profile', async (req, res) => {
  res.json({ name: req.query.name }); // ok: cross-site-scripting
});

module.exports = app;
