// stick: cwe=78 construct=constant-switch expect=vulnerable
const express = require('express');
const { execSync } = require('child_process');

const app = express();
const REPORT_MODE = 'custom';

app.get('/reports/line-count', (req, res) => {
  const pattern = String(req.query.pattern || '');
  let command;
  switch (REPORT_MODE) {
    case 'summary':
      command = 'wc -l /var/log/app/current.log';
      break;
    default:
      command = `grep -c '${pattern}' /var/log/app/current.log`;
  }
  const out = execSync(command, { encoding: 'utf8' }); // stick: sink
  res.json({ lines: Number(out.trim() || 0) });
});

app.listen(3000);
