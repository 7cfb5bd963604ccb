const express = require('express');
const mongoose = require('mongoose');
const User = require('./models/user');

const app = express();
app.use(express.json());
mongoose.connect(process.env.MONGO_URL);

app.post('/login', async (req, res) => {
  const { username, password } = req.body;
  const user = await User.findOne({ username, password }); // ruleid: nosql-injection
  if (!user) {
    return res.status(401).json({ error: 'invalid credentials' });
  }
  res.json({ id: user.id });
});

app.get('/users/search', async (req, res) => {
  const users = await User.find(req.query); // ruleid: nosql-injection
  res.json(users);
});

app.get('/users/:id', async (req, res) => {
  // ok: nosql-injection
  const user = await User.findOne({ _id: req.params.id });
  res.json(user);
});

app.get('/users/by-name', async (req, res) => {
  const name = String(req.query.name);
  // ok: nosql-injection
  const users = await User.find({ name: `${name}` });
  res.json(users);
});

module.exports = app;
