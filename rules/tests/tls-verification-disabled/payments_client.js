const https = require('https');
const axios = require('axios');

const insecureAgent = new https.Agent({
  keepAlive: true,
  rejectUnauthorized: false, // ruleid: tls-verification-disabled
});

const secureAgent = new https.Agent({
  keepAlive: true,
  rejectUnauthorized: true, // ok: tls-verification-disabled
});

process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'; // ruleid: tls-verification-disabled

async function charge(amount) {
  return axios.post('https://payments.example.com/charge', { amount }, { httpsAgent: secureAgent, timeout: 5000 });
}

module.exports = { charge, insecureAgent };
