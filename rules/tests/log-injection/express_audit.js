const express = require('express');
const pino = require('pino');

const app = express();
const logger = pino();

app.post('/login', (req, res) => {
  const { username } = req.body;
  logger.info(`login attempt for ${username}`); // ruleid: log-injection
  console.log('login attempt from', req.headers['user-agent']); // ruleid: log-injection
  res.json({ ok: true });
});

app.post('/logout', (req, res) => {
  const user = JSON.stringify(req.body.username);
  logger.info('logout requested'); // ok: log-injection
  console.log('logout requested at', Date.now()); // ok: log-injection
  res.locals.user = user;
  res.json({ ok: true });
});

module.exports = app;
