// stick: cwe=78 construct=factory-handler expect=vulnerable
import express, { Request, Response } from 'express';
import { exec } from 'child_process';

const app = express();

function lookupRecords(recordType: string) {
  return (req: Request, res: Response) => {
    const domain = String(req.query.domain || 'example.com');
    exec(`dig +short ${recordType} ${domain}`, (err, stdout) => { // stick: sink
      res.json({ records: err ? [] : stdout.split('\n').filter(Boolean) });
    });
  };
}

app.get('/dns/mx', lookupRecords('MX'));

app.listen(3000);
