const express = require('express');
const rateLimit = require('express-rate-limit');
const OpenAI = require('openai');

const app = express();
app.use(express.json());
const openai = new OpenAI();
const chatLimiter = rateLimit({ windowMs: 60 * 1000, max: 20 });

async function chat(req, res) {
  const completion = await openai.chat.completions.create({
    model: 'gpt-4o-mini',
    max_tokens: 300,
    messages: [{ role: 'user', content: 'Say hello to our visitor.' }],
  });
  res.json({ reply: completion.choices[0].message.content });
}

async function greet(req, res) {
  const completion = await openai.chat.completions.create({
    model: 'gpt-4o-mini',
    max_tokens: 50,
    messages: [{ role: 'user', content: 'Write a one-line greeting.' }],
  });
  res.json({ reply: completion.choices[0].message.content });
}

function health(req, res) {
  res.json({ ok: true });
}

app.post('/chat', chat); // ruleid: llm-endpoint-no-rate-limit
app.post('/greet', chatLimiter, greet); // ok: llm-endpoint-no-rate-limit
app.get('/health', health); // ok: llm-endpoint-no-rate-limit

module.exports = app;
