// stick: cwe=78 construct=guard-swallowed expect=vulnerable
const express = require('express');
const { exec } = require('child_process');

const app = express();
app.use(express.urlencoded({ extended: false }));
const SERVICES = new Set(['web', 'worker', 'scheduler']);

app.post('/ops/restart', (req, res) => {
  const service = String(req.body.service || '');
  try {
    if (!SERVICES.has(service)) {
      throw new Error(`unknown service ${service}`);
    }
  } catch (err) {
    console.error('restart of an unknown service', err);
  }
  exec(`systemctl restart app-${service}`, () => res.json({ restarted: service })); // stick: sink
});

app.listen(3000);
