// stick: cwe=79 construct=destructured-param expect=safe
import express, { Request, Response } from 'express';
import escapeHtml from 'escape-html';

const app = express();
app.use(express.urlencoded({ extended: false }));

app.post('/profile/preview', ({ body }: Request, res: Response) => {
  const { displayName, bio } = body;
  res.send(`<section class="profile"><h2>${escapeHtml(displayName)}</h2><p>${escapeHtml(bio)}</p></section>`);
});

app.listen(3000);
