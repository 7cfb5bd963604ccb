const express = require('express');
const axios = require('axios');

const app = express();

app.get('/fetch-image', async (req, res) => {
  const response = await axios.get(req.query.url, { responseType: 'arraybuffer', timeout: 5000 }); // ruleid: server-side-request-forgery
  res.type('image/png').send(response.data);
});

app.post('/webhook/test', async (req, res) => {
  const { callbackUrl } = req.body;
  const r = await fetch(callbackUrl, { method: 'POST', body: '{}' }); // ruleid: server-side-request-forgery
  res.json({ status: r.status });
});

app.get('/weather', async (req, res) => {
  const city = encodeURIComponent(req.query.city);
  const r = await fetch(`https://api.weather.example.com/v1/current?city=${city}`); // ok: server-side-request-forgery
  res.json(await r.json());
});

module.exports = app;
