// stick: cwe=78 construct=branch-tested expect=vulnerable
const express = require('express');
const { exec } = require('child_process');

const app = express();

app.get('/ping', (req, res) => {
  if (!req.query.host) {
    console.info('no host');
  }
  exec(`ping -c 1 ${req.query.host}`, () => res.send('sent')); // stick: sink
});

app.listen(3000);
