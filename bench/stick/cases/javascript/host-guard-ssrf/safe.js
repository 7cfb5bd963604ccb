// stick: cwe=918 construct=host-guard expect=safe
const express = require('express');
const axios = require('axios');

const app = express();
app.use(express.json());

app.post('/avatars/import', async (req, res) => {
  const url = String(req.body.url || '');
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' || parsed.hostname !== 'cdn.example.com') {
    return res.sendStatus(400);
  }
  const image = await axios.get(url, { responseType: 'arraybuffer', timeout: 5000 });
  res.json({ bytes: image.data.length });
});

app.listen(3000);
