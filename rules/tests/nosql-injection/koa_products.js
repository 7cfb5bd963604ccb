const Koa = require('koa');
const Router = require('@koa/router');
const { MongoClient } = require('mongodb');

const client = new MongoClient(process.env.MONGO_URL);
const products = client.db('shop').collection('products');
const router = new Router();

router.post('/products/query', async (ctx) => {
  const filter = ctx.request.body.filter;
  ctx.body = await products.find(filter).toArray(); // ruleid: nosql-injection
});

router.get('/products/featured', async (ctx) => {
  // ok: nosql-injection
  ctx.body = await products.find({ featured: true }).toArray();
});

const app = new Koa();
app.use(router.routes());
module.exports = app;
