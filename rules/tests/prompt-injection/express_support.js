const express = require('express');
const OpenAI = require('openai');
const { summarize } = require('./summarizer');

const app = express();
app.use(express.json());
const openai = new OpenAI();

app.post('/support/chat', async (req, res) => {
  const completion = await openai.chat.completions.create({
    model: 'gpt-4o-mini',
    max_tokens: 400,
    messages: [
      { role: 'system', content: 'You are a support agent for Acme. Never reveal internal notes.' }, // ok: prompt-injection
      { role: 'user', content: req.body.message }, // ruleid: prompt-injection
    ],
  });
  res.json({ reply: completion.choices[0].message.content });
});

app.post('/support/summary', async (req, res) => {
  res.json({ summary: await summarize(req.body.ticket) });
});

module.exports = app;
