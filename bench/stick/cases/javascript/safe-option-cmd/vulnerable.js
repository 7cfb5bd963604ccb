// stick: cwe=78 construct=safe-option expect=vulnerable
const express = require('express');
const { spawnSync } = require('child_process');

const app = express();

app.get('/archive/list', (req, res) => {
  const name = String(req.query.name || 'latest.tar.gz');
  const out = spawnSync('tar', ['-tzf', `/srv/archives/${name}`], { encoding: 'utf8', shell: true }); // stick: sink
  res.json({ files: out.stdout.split('\n').filter(Boolean) });
});

app.listen(3000);
