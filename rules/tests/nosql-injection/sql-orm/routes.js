const express = require('express');
const models = require('./models');

const router = express.Router();

// A SQL ORM (Bookshelf on knex, no document store among the package's
// dependencies): `findOne` builds a parameterised WHERE.
router.get('/keys', async (req, res) => {
  const key = await models.ApiKey.findOne({ secret: req.query.key }); // ok: nosql-injection
  res.json({ found: Boolean(key) });
});

module.exports = router;
