const express = require('express');
const escapeHtml = require('escape-html');
const assets = require('./assets');

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

// Declared plain text (the object form of `res.set`): not HTML.
app.get('/echo.txt', (req, res) => {
  res.set({ 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.send(req.query.text); // ok: cross-site-scripting
});

// A stored bundle sent with the type it was built with.
app.get('/bundles/:name', async (req, res) => {
  const bundle = await assets.load(req.params.name);
  res.writeHead(200, { 'Content-Type': bundle.mime });
  res.end(bundle.content); // ok: cross-site-scripting
});

// A type the caller chooses makes the body whatever they ask for.
app.get('/preview', (req, res) => {
  res.writeHead(200, { 'Content-Type': req.query.type });
  res.end(req.query.body); // ruleid: cross-site-scripting
});

module.exports = app;
