const express = require('express');
const rateLimit = require('express-rate-limit');
const auth = require('./services/auth');

const app = express();
app.use(express.json());
const authLimiter = rateLimit({ windowMs: 15 * 60 * 1000, max: 10 });

// ruleid: no-rate-limit-on-auth-endpoint
app.post('/api/login', async (req, res) => {
  res.json(await auth.login(req.body.email, req.body.password));
});

// ok: no-rate-limit-on-auth-endpoint
app.post('/api/password/reset', authLimiter, async (req, res) => {
  await auth.sendReset(req.body.email);
  res.status(202).end();
});

// ok: no-rate-limit-on-auth-endpoint
app.get('/api/login/providers', (req, res) => {
  res.json(['google', 'github']);
});

module.exports = app;
