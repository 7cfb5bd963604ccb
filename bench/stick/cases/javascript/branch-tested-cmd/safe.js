// stick: cwe=78 construct=branch-tested expect=safe
const express = require('express');
const { exec } = require('child_process');

const app = express();
const HOSTS = ['db', 'cache'];

app.get('/ping', (req, res) => {
  if (!HOSTS.includes(req.query.host)) {
    return res.status(400).end();
  }
  exec(`ping -c 1 ${req.query.host}`, () => res.send('sent'));
});

app.listen(3000);
