const express = require('express');
const catalog = require('./services/catalog');

const app = express();

// ruleid: unauthenticated-entry-point
app.get('/catalog', async (req, res) => {
  res.json(await catalog.list());
});

// ruleid: unauthenticated-entry-point
app.get('/catalog/:sku', async (req, res) => {
  res.json(await catalog.bySku(req.params.sku));
});

app.listen(3000);
