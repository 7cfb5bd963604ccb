import Fastify from 'fastify';

const fastify = Fastify({ logger: true });

fastify.get('/ping', async () => ({ pong: true }));

await fastify.listen({ port: 3000, host: '0.0.0.0' }); // ruleid: bind-all-interfaces

const internal = Fastify();
await internal.listen({ port: 3001, host: 'localhost' }); // ok: bind-all-interfaces
