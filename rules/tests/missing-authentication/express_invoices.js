const express = require('express');
const { requireAuth } = require('./middleware/auth');
const invoices = require('./services/invoices');

const app = express();
app.use(express.json());

// ok: missing-authentication
app.get('/invoices', requireAuth, async (req, res) => {
  res.json(await invoices.list(req.user.id));
});

// ok: missing-authentication
app.post('/invoices', requireAuth, async (req, res) => {
  res.status(201).json(await invoices.create(req.user.id, req.body.amount));
});

// ruleid: missing-authentication
app.delete('/invoices/:id', async (req, res) => {
  await invoices.remove(req.params.id);
  res.status(204).end();
});

module.exports = app;
