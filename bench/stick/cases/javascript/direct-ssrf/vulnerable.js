// stick: cwe=918 construct=direct expect=vulnerable
const express = require('express');

const app = express();

app.get('/preview', async (req, res) => {
  const page = await fetch(req.query.url); // stick: sink
  const body = await page.text();
  res.json({ status: page.status, length: body.length });
});

app.listen(3000);
