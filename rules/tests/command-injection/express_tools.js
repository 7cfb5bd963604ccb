const express = require('express');
const { exec: run, execFile, spawn } = require('node:child_process');
const { archive } = require('./archiver');

const app = express();

app.post('/ping', (req, res) => {
  const host = req.body.host;
  run(`ping -c 1 ${host}`, (err, stdout) => { // ruleid: command-injection
    res.json({ ok: !err, output: stdout });
  });
});

app.post('/convert', (req, res) => {
  const child = spawn(req.body.tool, ['--version'], { shell: true }); // ruleid: command-injection
  child.on('close', (code) => res.json({ code }));
});

app.post('/lookup', (req, res) => {
  // ok: command-injection
  execFile('/usr/bin/dig', ['+short', 'example.com'], (err, out) => res.send(out));
});

app.get('/uptime', (req, res) => {
  run('uptime', (err, out) => res.json({ out })); // ok: command-injection
});

app.post('/archive', async (req, res) => {
  await archive(req.body.dir);
  res.status(202).end();
});

// A test on the request's own value in one branch proves nothing after
// the branches meet: the empty case is only logged.
app.get('/ping', (req, res) => {
  if (!req.query.host) {
    console.info('no host given');
  }
  run(`ping -c 1 ${req.query.host}`, (err, out) => res.json({ out })); // ruleid: command-injection
});

module.exports = app;
