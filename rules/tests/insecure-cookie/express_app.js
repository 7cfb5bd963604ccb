const express = require('express');
const session = require('express-session');

const app = express();
app.use(
  // ruleid: insecure-cookie
  session({
    secret: process.env.SESSION_SECRET,
    resave: false,
    saveUninitialized: false,
    cookie: { secure: false, maxAge: 3600000 },
  }),
);

app.post('/remember-me', (req, res) => {
  res.cookie('remember', 'yes', { httpOnly: false, secure: true }); // ruleid: insecure-cookie
  res.cookie('theme', 'dark', { httpOnly: true, secure: true, sameSite: 'strict' }); // ok: insecure-cookie
  res.end();
});

module.exports = app;
