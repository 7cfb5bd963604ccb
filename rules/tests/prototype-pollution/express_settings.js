const express = require('express');
const _ = require('lodash');
const merge = require('lodash.merge');

const app = express();
app.use(express.json());

const defaults = { theme: 'light', notifications: { email: true } };

app.put('/settings', (req, res) => {
  const settings = _.merge({}, defaults, req.body); // ruleid: prototype-pollution
  res.json(settings);
});

app.patch('/settings/field', (req, res) => {
  const target = {};
  _.set(target, req.body.path, req.body.value); // ruleid: prototype-pollution
  res.json(target);
});

app.put('/profile', (req, res) => {
  const profile = merge({}, defaults, { theme: 'dark' }); // ok: prototype-pollution
  const picked = _.merge({}, defaults, _.pick(req.body, ['theme']));
  res.json({ profile, picked });
});

module.exports = app;
