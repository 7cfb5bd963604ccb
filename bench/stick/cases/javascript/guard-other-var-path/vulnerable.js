// stick: cwe=22 construct=guard-other-var expect=vulnerable
const express = require('express');
const fs = require('fs');

const app = express();
const SAFE_NAME = /^[A-Za-z0-9_-]{1,40}$/;

app.get('/reports/download', (req, res) => {
  const team = String(req.query.team || '');
  const report = String(req.query.report || '');
  if (!SAFE_NAME.test(team)) {
    return res.sendStatus(400);
  }
  res.type('application/pdf');
  fs.createReadStream(`/srv/reports/${team}/${report}.pdf`).pipe(res); // stick: sink
});

app.listen(3000);
