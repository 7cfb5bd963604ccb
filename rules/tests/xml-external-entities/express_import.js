const express = require('express');
const libxmljs = require('libxmljs');

const app = express();
app.use(express.text({ type: 'application/xml' }));

app.post('/import', (req, res) => {
  const doc = libxmljs.parseXml(req.body, { noent: true, dtdload: true }); // ruleid: xml-external-entities
  res.json({ root: doc.root().name() });
});

app.post('/import-safe', (req, res) => {
  const doc = libxmljs.parseXml(req.body, { noent: false, nonet: true }); // ok: xml-external-entities
  res.json({ root: doc.root().name() });
});

module.exports = app;
