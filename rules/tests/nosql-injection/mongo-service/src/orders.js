const express = require('express');
const { orders } = require('./db');

const router = express.Router();

// The package declares a MongoDB driver; the collection comes from another
// module, which this file does not import the driver for.
router.post('/orders/search', async (req, res) => {
  const found = await orders.findOne(req.body.filter); // ruleid: nosql-injection
  res.json(found);
});

module.exports = router;
