const express = require('express');
const session = require('express-session');
const jwt = require('jsonwebtoken');

const app = express();

app.use(
  // ruleid: hardcoded-signing-key
  session({
    secret: 'super-secret-session-key',
    resave: false,
    saveUninitialized: false,
    cookie: { secure: true, httpOnly: true },
  }),
);

app.post('/token', (req, res) => {
  const token = jwt.sign({ sub: req.body.user }, 'my-jwt-signing-key', { expiresIn: '1h' }); // ruleid: hardcoded-signing-key
  res.json({ token });
});

app.post('/token/v2', (req, res) => {
  const token = jwt.sign({ sub: req.body.user }, process.env.JWT_SECRET, { expiresIn: '1h' }); // ok: hardcoded-signing-key
  res.json({ token });
});

module.exports = app;
