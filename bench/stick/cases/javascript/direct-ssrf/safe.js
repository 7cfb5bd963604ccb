// stick: cwe=918 construct=direct expect=safe
const express = require('express');

const app = express();

app.get('/preview', async (req, res) => {
  const page = await fetch(`https://api.github.com/users/${encodeURIComponent(req.query.user)}`);
  const body = await page.text();
  res.json({ status: page.status, length: body.length });
});

app.listen(3000);
