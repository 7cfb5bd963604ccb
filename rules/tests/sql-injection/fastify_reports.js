import Fastify from 'fastify';
import knexFactory from 'knex';

const fastify = Fastify({ logger: true });
const knex = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL });

fastify.get('/reports/daily', async (request, reply) => {
  const { orderBy } = request.query;
  return knex('reports').select('*').orderByRaw(`${orderBy} desc`); // ruleid: sql-injection
});

fastify.get('/reports/search', async (request, reply) => {
  return knex.raw('select * from reports where title ilike ?', [`%${request.query.q}%`]); // ok: sql-injection
});

fastify.get('/reports/legacy', async (request, reply) => {
  return knex.raw(`select * from reports where owner = '${request.query.owner}'`); // ruleid: sql-injection
});

fastify.get('/reports/:id', async (request, reply) => {
  // An object's values are bound by the builder.
  return knex('reports').where({ id: request.params.id, owner: request.query.owner }); // ok: sql-injection
});

fastify.get('/reports/by/:column', async (request, reply) => {
  // A condition written as text is SQL text.
  return knex('reports').where(`${request.params.column} = 1`); // ruleid: sql-injection
});

fastify.get('/reports/sorted/:column', async (request, reply) => {
  // A computed key names a column.
  return knex('reports').where({ [request.params.column]: 1 }); // ruleid: sql-injection
});

export default fastify;
