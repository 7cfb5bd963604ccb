// stick: cwe=943 construct=whole-object expect=safe
const express = require('express');
const { MongoClient } = require('mongodb');

const app = express();
app.use(express.json());
const orders = new MongoClient('mongodb://localhost:27017').db('shop').collection('orders');

app.post('/orders/filter', async (req, res) => {
  const query = { status: String(req.body.status || 'open'), customer: String(req.body.customer || '') };
  const found = await orders.find(query, { projection: { _id: 0 } }).limit(100).toArray();
  res.json(found);
});

app.listen(3000);
