const axios = require('axios');

async function fetchInvoices(customerId) {
  const res = await axios.get('http://billing.example.com/api/invoices', { params: { customerId }, timeout: 5000 }); // ruleid: cleartext-transmission
  return res.data;
}

async function fetchRates() {
  const res = await fetch('https://rates.example.com/v1/latest', { signal: AbortSignal.timeout(3000) }); // ok: cleartext-transmission
  return res.json();
}

async function localHealth() {
  const res = await fetch('http://localhost:8080/health'); // ok: cleartext-transmission
  return res.ok;
}

module.exports = { fetchInvoices, fetchRates, localHealth };
