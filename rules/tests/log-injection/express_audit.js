const express = require('express');
const pino = require('pino');
const url = require('url');

const app = express();
const logger = pino();

app.post('/login', (req, res) => {
  const { username } = req.body;
  logger.info(`login attempt for ${username}`); // ruleid: log-injection
  // Node's parser rejects line breaks and control characters in headers.
  console.log('login attempt from', req.headers['user-agent']); // ok: log-injection
  console.log('referred by', decodeURIComponent(req.get('referer'))); // ruleid: log-injection
  console.log('client', JSON.parse(req.get('x-client-info')).name); // ruleid: log-injection
  res.json({ ok: true });
});

app.post('/logout', (req, res) => {
  const user = JSON.stringify(req.body.username);
  logger.info('logout requested'); // ok: log-injection
  console.log('logout requested at', Date.now()); // ok: log-injection
  res.locals.user = user;
  res.json({ ok: true });
});

app.all('/unsubscribe', (req, res) => {
  // The raw request target: a line break in it stays `%0A`.
  logger.info(`unsubscribe request ${req.originalUrl}`); // ok: log-injection
  const { query } = url.parse(req.url, true);
  logger.warn(`unsubscribe failed for ${query.email}`); // ruleid: log-injection
  const params = new URLSearchParams(req.url.split('?')[1]);
  console.warn('list', params.get('list')); // ruleid: log-injection
  res.end();
});

async function normalised(bio) {
  return bio.trim();
}

// A rejection handler receives the error, not the value the promise holds.
app.post('/profile', (req, res) => {
  const bio = normalised(req.body.bio);
  bio.catch((err) => console.error('profile check failed', err)); // ok: log-injection
  bio.then((text) => logger.info(`new bio ${text}`)); // ruleid: log-injection
  res.json({ ok: true });
});

// The raw path beside a parameter of the helper: the path still cannot
// break the line, and the callers pass constants.
function logFailure(req, what) {
  logger.error({ path: req.path, what }, 'request failed'); // ok: log-injection
}

app.get('/reports/:kind', (req, res) => {
  logFailure(req, 'report');
  res.status(500).end();
});

// A value shown only when an allow-list holds it: the server's own
// constants, or the plans its configuration lists.
const PLANS = ['free', 'team'];
const config = require('config');

app.post('/plan', (req, res) => {
  const { plan } = req.body;
  logger.info(`plan chosen: ${PLANS.includes(plan) ? plan : 'other'}`); // ok: log-injection
  const offered = config.get('offeredPlans');
  const shown = offered.includes(plan) ? plan : 'other';
  logger.info(`plan offered: ${shown}`); // ok: log-injection
  logger.info(`plan kept: ${offered.includes(plan) && plan}`); // ok: log-injection
  // A test that proves nothing of the value, or a list the client sent.
  const asked = plan ? plan : 'none';
  logger.info(`plan asked: ${asked}`); // ruleid: log-injection
  const sent = req.body.plans;
  logger.info(`plan listed: ${sent.includes(plan) ? plan : 'other'}`); // ruleid: log-injection
  res.json({ ok: true });
});

// What a service the controller was given returns is its own: a verified
// webhook event, not the raw body it was handed.
class WebhookController {
  constructor({ webhooks }) {
    this.webhooks = webhooks;
  }

  handle(req, res) {
    const event = this.webhooks.constructEvent(req.body, req.headers['x-signature']);
    logger.info(`handling webhook ${event.type}`); // ok: log-injection
    res.sendStatus(200);
  }
}

const webhooks = new WebhookController({ webhooks: null });
app.post('/webhooks', (req, res) => webhooks.handle(req, res));

module.exports = app;
