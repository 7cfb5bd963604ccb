// stick: cwe=918 construct=constant-key expect=safe
const express = require('express');
const axios = require('axios');

const app = express();
app.use(express.json());

app.post('/integrations/check', async (req, res) => {
  const endpoints = {
    status: 'https://status.example.com/api/health',
    callback: req.body.callbackUrl,
  };
  const reply = await axios.get(endpoints.status, { timeout: 3000 });
  res.json({ reachable: reply.status < 400 });
});

app.listen(3000);
