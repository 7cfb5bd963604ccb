const express = require('express');
const OpenAI = require('openai');

const app = express();
app.use(express.json());
const openai = new OpenAI();

app.post('/write/essay', async (req, res) => {
  // ruleid: llm-unbounded-consumption
  const completion = await openai.chat.completions.create({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'Write an essay about the sea.' }],
  });
  res.json({ text: completion.choices[0].message.content });
});

app.post('/write/tagline', async (req, res) => {
  // ok: llm-unbounded-consumption
  const completion = await openai.chat.completions.create({
    model: 'gpt-4o-mini',
    max_tokens: 60,
    messages: [{ role: 'user', content: 'Write a tagline for a bakery.' }],
  });
  res.json({ text: completion.choices[0].message.content });
});

module.exports = app;
