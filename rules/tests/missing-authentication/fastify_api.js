import Fastify from 'fastify';

const fastify = Fastify();

// ok: missing-authentication
fastify.get('/api/profile', { preHandler: [fastify.authenticate] }, async (request) => {
  return { user: request.user };
});

// ok: missing-authentication
fastify.route({
  method: 'PUT',
  url: '/api/profile',
  preHandler: fastify.authenticate,
  handler: async (request) => ({ ok: true }),
});

// ruleid: missing-authentication
fastify.get('/api/exports/:id', async (request) => {
  return { id: request.params.id };
});

export default fastify;
