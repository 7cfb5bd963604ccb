// stick: cwe=943 construct=direct expect=safe
const express = require('express');
const { MongoClient } = require('mongodb');

const app = express();
app.use(express.json());
const accounts = new MongoClient('mongodb://localhost:27017').db('bank').collection('accounts');

app.post('/accounts/lookup', async (req, res) => {
  const account = await accounts.findOne({ owner: String(req.body.owner) });
  if (!account) return res.sendStatus(404);
  res.json({ owner: account.owner, iban: account.iban });
});

app.listen(3000);
