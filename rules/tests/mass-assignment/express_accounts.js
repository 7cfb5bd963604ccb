const express = require('express');
const { requireAuth } = require('./middleware/auth');
const User = require('./models/user');

const app = express();
app.use(express.json());

app.post('/signup', async (req, res) => {
  const user = await User.create(req.body); // ruleid: mass-assignment
  res.status(201).json({ id: user.id });
});

app.put('/me', requireAuth, async (req, res) => {
  const user = await User.findById(req.user.id);
  Object.assign(user, req.body); // ruleid: mass-assignment
  await user.save();
  res.json(user);
});

app.patch('/me/name', requireAuth, async (req, res) => {
  const { displayName } = req.body;
  // ok: mass-assignment
  const user = await User.findByIdAndUpdate(req.user.id, { displayName }, { new: true });
  res.json(user);
});

module.exports = app;
