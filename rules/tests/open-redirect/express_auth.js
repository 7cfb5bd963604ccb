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

// A parsed URL's `search` and `hash` begin with `?` and `#`: placed after
// any prefix, or alone, they cannot send the browser to another host. Its
// `pathname` can (`//evil.example`), and so can the request's own values.
const { siteUrl } = require('./urls');

app.get('/toolbar', (req, res) => {
  const current = new URL(req.originalUrl, 'https://shop.example');
  res.redirect(302, `${siteUrl(current.pathname)}${current.search}${current.hash}`); // ok: open-redirect
  res.redirect(current.search); // ok: open-redirect
  res.redirect(current.pathname + current.search); // ruleid: open-redirect
  res.redirect(req.query.next + current.hash); // ruleid: open-redirect
});

// The same, built by a helper: what it returns keeps its sources' kinds.
function closeTarget(req) {
  const current = new URL(req.originalUrl, 'https://shop.example');
  return `${siteUrl(current.pathname)}${current.search}`;
}

app.get('/toolbar/close', (req, res) => {
  res.redirect(302, closeTarget(req)); // ok: open-redirect
});

// The project's own check, named for what it validates.
function isSafeRedirect(target) {
  return typeof target === 'string' && target.startsWith('/') && !target.startsWith('//');
}

app.get('/login/next', (req, res) => {
  const target = req.query.next;
  if (!isSafeRedirect(target)) return res.redirect('/');
  res.redirect(target); // ok: open-redirect
});

app.get('/login/next-other', (req, res) => {
  if (!isSafeRedirect(req.query.back)) return res.redirect('/');
  res.redirect(req.query.next); // ruleid: open-redirect
});

module.exports = app;
