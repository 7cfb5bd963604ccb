const express = require('express');
const OpenAI = require('openai');

const app = express();
const openai = new OpenAI();

app.get('/debug-assistant', async (req, res) => {
  const completion = await openai.chat.completions.create({
    model: 'gpt-4o-mini',
    max_tokens: 200,
    messages: [
      { role: 'system', content: `Use this key for the billing API: ${process.env.BILLING_API_KEY}` }, // ruleid: secrets-in-prompt
      { role: 'user', content: `Region: ${process.env.AWS_REGION}` }, // ok: secrets-in-prompt
    ],
  });
  res.json({ text: completion.choices[0].message.content });
});

module.exports = app;
