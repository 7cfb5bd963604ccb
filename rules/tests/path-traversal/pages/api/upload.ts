import type { NextApiRequest, NextApiResponse } from 'next';
import { writeFile } from 'node:fs/promises';

export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const { filename, content } = req.body;
  await writeFile(`/var/data/uploads/${filename}`, content); // ruleid: path-traversal
  await writeFile('/var/data/uploads/last-upload.txt', new Date().toISOString()); // ok: path-traversal
  res.status(201).json({ ok: true });
}
