const express = require('express');
const OpenAI = require('openai');
const { Pool } = require('pg');
const { exec } = require('child_process');

const app = express();
app.use(express.json());
const openai = new OpenAI();
const pool = new Pool();

app.post('/ask-db', async (req, res) => {
  const completion = await openai.chat.completions.create({
    model: 'gpt-4o',
    max_tokens: 200,
    messages: [{ role: 'user', content: 'Write one SQL query that counts orders placed today.' }],
  });
  const sql = completion.choices[0].message.content;
  const { rows } = await pool.query(sql); // ruleid: llm-output-to-sink
  res.json(rows);
});

app.post('/fix-command', async (req, res) => {
  const completion = await openai.chat.completions.create({
    model: 'gpt-4o',
    max_tokens: 100,
    messages: [{ role: 'user', content: 'Suggest a disk cleanup command.' }],
  });
  exec(completion.choices[0].message.content); // ruleid: llm-output-to-sink
  const suggestion = completion.choices[0].message.content;
  console.log('model suggested', suggestion); // ok: llm-output-to-sink
  res.json({ suggestion });
});

module.exports = app;
