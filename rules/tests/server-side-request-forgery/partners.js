const express = require('express');
const axios = require('axios');

const PARTNER_HOSTS = ['api.partner.example', 'files.partner.example'];

async function partnerGet(url) {
  if (!PARTNER_HOSTS.includes(new URL(url).hostname)) {
    throw new Error('host not allowed');
  }
  return axios.get(url, { timeout: 5000 }); // ok: server-side-request-forgery
}

async function partnerGetLogged(url) {
  if (!PARTNER_HOSTS.includes(new URL(url).hostname)) {
    console.warn('unexpected partner host');
  }
  return axios.get(url, { timeout: 5000 }); // ruleid: server-side-request-forgery
}

const app = express();

app.get('/partner/file', async (req, res) => {
  const r = await partnerGet(req.query.url);
  res.send(r.data);
});

app.get('/partner/feed', async (req, res) => {
  const r = await partnerGetLogged(req.query.url);
  res.send(r.data);
});

module.exports = app;
