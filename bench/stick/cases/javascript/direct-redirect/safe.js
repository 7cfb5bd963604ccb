// stick: cwe=601 construct=direct expect=safe
const express = require('express');
const session = require('express-session');

const app = express();
app.use(session({ secret: process.env.SESSION_SECRET, resave: false, saveUninitialized: false }));

app.get('/logout', (req, res) => {
  const next = req.query.next || '/';
  req.session.destroy(() => {
    res.redirect(`/?next=${encodeURIComponent(next)}`);
  });
});

app.listen(3000);
