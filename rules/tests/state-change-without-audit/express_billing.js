const express = require('express');
const { requireAuth } = require('./middleware/auth');
const audit = require('./audit');
const billing = require('./services/billing');

const app = express();
app.use(express.json());

async function changePlan(req, res) {
  await billing.changePlan(req.user.id, req.body.plan);
  audit.record('plan.changed', { user: req.user.id, plan: req.body.plan });
  res.status(204).end();
}

async function cancelSubscription(req, res) {
  await billing.cancel(req.user.id);
  res.status(204).end();
}

async function currentPlan(req, res) {
  res.json(await billing.planFor(req.user.id));
}

app.post('/billing/plan', requireAuth, changePlan); // ok: state-change-without-audit
app.delete('/billing/subscription', requireAuth, cancelSubscription); // ruleid: state-change-without-audit
app.get('/billing/plan', requireAuth, currentPlan); // ok: state-change-without-audit

module.exports = app;
