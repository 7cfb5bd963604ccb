import Fastify from 'fastify';
import { createReadStream } from 'node:fs';
import path from 'node:path';

const app = Fastify();
const ASSETS = '/srv/assets';

app.get('/assets/:file', async (request, reply) => {
  const { file } = request.params as { file: string };
  return reply.send(createReadStream(path.join(ASSETS, file))); // ruleid: path-traversal
});

app.get('/assets-safe/:file', async (request, reply) => {
  const { file } = request.params as { file: string };
  return reply.send(createReadStream(path.join(ASSETS, path.basename(file)))); // ok: path-traversal
});
