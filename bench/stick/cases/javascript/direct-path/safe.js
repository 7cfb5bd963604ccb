// stick: cwe=22 construct=direct expect=safe
const express = require('express');
const fs = require('fs');
const path = require('path');

const app = express();
const INVOICE_DIR = '/srv/billing/invoices';

app.get('/invoices/:name', (req, res) => {
  const file = path.join(INVOICE_DIR, path.basename(req.params.name));
  fs.readFile(file, (err, data) => {
    if (err) return res.sendStatus(404);
    res.type('application/pdf').send(data);
  });
});

app.listen(3000);
