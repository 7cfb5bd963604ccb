// stick: cwe=89 construct=ctor-field expect=safe
import express, { Request, Response } from 'express';
import { Pool } from 'pg';

const app = express();
const pool = new Pool();

class TicketSearch {
  private q: Request['query'];
  private table = 'tickets';

  constructor(req: Request) {
    this.q = req.query;
  }

  run() {
    return pool.query(`SELECT id, title FROM ${this.table} WHERE title LIKE $1`, [`%${this.q.term}%`]);
  }
}

app.get('/tickets/search', async (req: Request, res: Response) => {
  const { rows } = await new TicketSearch(req).run();
  res.json(rows);
});

app.listen(3000);
