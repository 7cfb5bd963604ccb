const express = require('express');
const xpath = require('xpath');
const { DOMParser } = require('@xmldom/xmldom');
const fs = require('fs');

const app = express();
const doc = new DOMParser().parseFromString(fs.readFileSync('/srv/catalog.xml', 'utf8'), 'text/xml');

app.get('/books', (req, res) => {
  const nodes = xpath.select(`//book[author='${req.query.author}']/title/text()`, doc); // ruleid: xpath-injection
  res.json(nodes.map((n) => n.toString()));
});

app.get('/books/classics', (req, res) => {
  const nodes = xpath.select("//book[@genre='classic']/title/text()", doc); // ok: xpath-injection
  res.json(nodes.map((n) => n.toString()));
});

module.exports = app;
