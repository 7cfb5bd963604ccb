const express = require('express');

const app = express();
const ALLOWED_RETURN = ['/dashboard', '/settings'];

app.get('/logout', (req, res) => {
  req.session = null;
  res.redirect(req.query.next); // ruleid: open-redirect
});

app.get('/continue', (req, res) => {
  const target = req.query.returnTo;
  if (!ALLOWED_RETURN.includes(target)) {
    return res.redirect('/');
  }
  res.redirect(target); // ok: open-redirect
});

app.get('/home', (req, res) => {
  res.redirect(302, '/dashboard'); // ok: open-redirect
});

module.exports = app;
