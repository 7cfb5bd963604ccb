// stick: cwe=502 construct=direct expect=vulnerable
const express = require('express');
const cookieParser = require('cookie-parser');
const serialize = require('node-serialize');

const app = express();
app.use(cookieParser());

app.get('/cart', (req, res) => {
  const raw = Buffer.from(req.cookies.cart || 'e30=', 'base64').toString();
  const cart = serialize.unserialize(raw); // stick: sink
  res.json({ items: Object.keys(cart).length });
});

app.listen(3000);
