// stick: cwe=502 construct=direct expect=safe
const express = require('express');
const cookieParser = require('cookie-parser');

const app = express();
app.use(cookieParser());

app.get('/cart', (req, res) => {
  const raw = Buffer.from(req.cookies.cart || 'e30=', 'base64').toString();
  const cart = JSON.parse(raw);
  res.json({ items: Object.keys(cart).length });
});

app.listen(3000);
