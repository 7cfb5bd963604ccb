// stick: cwe=95 construct=direct expect=vulnerable
const express = require('express');

const app = express();
app.use(express.urlencoded({ extended: false }));

app.post('/settings/import', (req, res) => {
  const settings = eval(`(${req.body.settings})`); // stick: sink
  res.json({ keys: Object.keys(settings).sort() });
});

app.listen(3000);
