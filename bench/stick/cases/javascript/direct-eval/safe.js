// stick: cwe=95 construct=direct expect=safe
const express = require('express');

const app = express();
app.use(express.urlencoded({ extended: false }));

app.post('/settings/import', (req, res) => {
  const settings = JSON.parse(req.body.settings);
  res.json({ keys: Object.keys(settings).sort() });
});

app.listen(3000);
