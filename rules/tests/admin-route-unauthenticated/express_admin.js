const express = require('express');
const { ensureLoggedIn, requireAdmin } = require('./middleware/auth');
const db = require('./db');

const app = express();

// ok: admin-route-unauthenticated
app.get('/account', ensureLoggedIn, async (req, res) => {
  res.json(await db.accountFor(req.user.id));
});

// ok: admin-route-unauthenticated
app.get('/admin/users', ensureLoggedIn, requireAdmin, async (req, res) => {
  res.json(await db.allUsers());
});

// ruleid: admin-route-unauthenticated
app.post('/admin/users/:id/disable', async (req, res) => {
  await db.disableUser(req.params.id);
  res.status(204).end();
});

// ruleid: admin-route-unauthenticated
app.get('/internal/debug/config', (req, res) => {
  res.json({ node: process.version });
});

module.exports = app;
