const express = require('express');

const app = express();
app.get('/health', (req, res) => res.json({ ok: true }));

app.listen(8080, '0.0.0.0', () => { // ruleid: bind-all-interfaces
  console.log('listening');
});

const metrics = express();
metrics.listen(9100, '127.0.0.1'); // ok: bind-all-interfaces
