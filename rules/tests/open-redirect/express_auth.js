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

// A path whose first segment is literal stays on this site; a lone `/`
// does not (`/` + `/evil.example` is `//evil.example`).
app.get('/orders/:id/view', (req, res) => {
  res.redirect(`/orders/${req.params.id}`); // ok: open-redirect
  res.redirect('/shop/' + req.query.page); // ok: open-redirect
});

app.get('/continue', (req, res) => {
  res.redirect('/' + req.query.path); // ruleid: open-redirect
});

module.exports = app;
