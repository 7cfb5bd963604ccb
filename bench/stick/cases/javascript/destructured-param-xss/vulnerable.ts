// stick: cwe=79 construct=destructured-param expect=vulnerable
import express, { Request, Response } from 'express';

const app = express();
app.use(express.urlencoded({ extended: false }));

app.post('/profile/preview', ({ body }: Request, res: Response) => {
  const { displayName, bio } = body;
  res.send(`<section class="profile"><h2>${displayName}</h2><p>${bio}</p></section>`); // stick: sink
});

app.listen(3000);
