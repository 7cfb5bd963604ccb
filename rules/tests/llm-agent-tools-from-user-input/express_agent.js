const express = require('express');
const OpenAI = require('openai');

const app = express();
app.use(express.json());
const openai = new OpenAI();

const tools = [
  { type: 'function', function: { name: 'refund_order', parameters: { type: 'object', properties: { orderId: { type: 'string' } } } } },
];

async function agent(req, res) {
  // ruleid: llm-agent-tools-from-user-input
  const completion = await openai.chat.completions.create({
    model: 'gpt-4o',
    max_tokens: 500,
    tools,
    messages: [{ role: 'user', content: req.body.message }],
  });
  res.json(completion.choices[0].message);
}

async function summarize(req, res) {
  // ok: llm-agent-tools-from-user-input
  const completion = await openai.chat.completions.create({
    model: 'gpt-4o-mini',
    max_tokens: 200,
    messages: [{ role: 'user', content: 'Summarize today in one sentence.' }],
  });
  res.json({ text: completion.choices[0].message.content });
}

app.post('/agent', agent);
app.post('/summary', summarize);

module.exports = app;
