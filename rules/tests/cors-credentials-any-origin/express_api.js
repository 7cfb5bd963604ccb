const express = require('express');
const cors = require('cors');

const app = express();
app.use(cors({ origin: true, credentials: true })); // ruleid: cors-credentials-any-origin

const partner = express.Router();
partner.use(cors({ origin: ['https://partner.example.com'], credentials: true })); // ok: cors-credentials-any-origin
app.use('/partner', partner);

module.exports = app;
