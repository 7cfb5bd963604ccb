// stick: cwe=22 construct=pop-index expect=vulnerable
const express = require('express');
const fs = require('fs');
const path = require('path');

const app = express();
const THEMES_DIR = '/srv/app/themes';

app.get('/theme.css', (req, res) => {
  const choices = [req.query.theme || 'light', 'light'];
  choices.pop();
  const css = fs.readFileSync(path.join(THEMES_DIR, `${choices[0]}.css`), 'utf8'); // stick: sink
  res.type('text/css').send(css);
});

app.listen(3000);
