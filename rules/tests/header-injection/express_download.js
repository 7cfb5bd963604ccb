const express = require('express');

const app = express();

app.get('/export', (req, res) => {
  const filename = req.query.filename;
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`); // ruleid: header-injection
  res.send('id,name\n');
});

app.get('/lang', (req, res) => {
  res.cookie('lang', req.query.lang, { httpOnly: true, secure: true }); // ruleid: header-injection
  res.end();
});

app.get('/export-safe', (req, res) => {
  const filename = encodeURIComponent(req.query.filename);
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`); // ok: header-injection
  res.setHeader('Cache-Control', 'no-store'); // ok: header-injection
  res.send('id,name\n');
});

module.exports = app;
