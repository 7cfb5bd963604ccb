// stick: cwe=78 construct=factory-handler expect=safe
import express, { Request, Response } from 'express';
import { execFile } from 'child_process';

const app = express();

function lookupRecords(recordType: string) {
  return (req: Request, res: Response) => {
    const domain = String(req.query.domain || 'example.com');
    execFile('dig', ['+short', recordType, domain], (err, stdout) => {
      res.json({ records: err ? [] : stdout.split('\n').filter(Boolean) });
    });
  };
}

app.get('/dns/mx', lookupRecords('MX'));

app.listen(3000);
