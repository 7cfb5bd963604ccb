const express = require('express');
const passport = require('passport');
const Document = require('./models/document');

const router = express.Router();
const auth = passport.authenticate('jwt', { session: false });

// ruleid: insecure-direct-object-reference
router.get('/documents/:id', auth, async (req, res) => {
  const doc = await Document.findById(req.params.id);
  res.json(doc);
});

// ok: insecure-direct-object-reference
router.get('/documents/:id/owned', auth, async (req, res) => {
  const doc = await Document.findOne({ _id: req.params.id, owner: req.user.id });
  res.json(doc);
});

// ok: insecure-direct-object-reference
router.get('/documents/:id/checked', auth, async (req, res) => {
  const doc = await Document.findById(req.params.id);
  if (!doc || doc.ownerId !== req.user.id) {
    return res.status(404).end();
  }
  res.json(doc);
});

module.exports = router;
