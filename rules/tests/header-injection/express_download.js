const express = require('express');

const app = express();

app.get('/export', (req, res) => {
  const filename = req.query.filename;
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`); // ruleid: header-injection
  res.send('id,name\n');
});

// Express percent-encodes a cookie's value; Node rejects line breaks in
// any header, so an echoed id changes nothing but itself.
app.get('/lang', (req, res) => {
  res.cookie('lang', req.query.lang, { httpOnly: true, secure: true }); // ok: header-injection
  res.setHeader('X-Request-Id', req.get('x-request-id')); // ok: header-injection
  res.end();
});

// The caller picks where the browser goes next, or which origin may read.
app.get('/embed', (req, res) => {
  res.set('Access-Control-Allow-Origin', req.get('origin')); // ruleid: header-injection
  res.set('Location', req.query.next); // ruleid: header-injection
  res.status(302).end();
});

app.get('/export-safe', (req, res) => {
  const filename = encodeURIComponent(req.query.filename);
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`); // ok: header-injection
  res.setHeader('Cache-Control', 'no-store'); // ok: header-injection
  res.send('id,name\n');
});

module.exports = app;
