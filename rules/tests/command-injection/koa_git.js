const Koa = require('koa');
const Router = require('@koa/router');
const { execSync, execFileSync } = require('child_process');

const router = new Router();

router.get('/repos/:name/log', (ctx) => {
  ctx.body = execSync(`git -C /srv/repos/${ctx.params.name} log --oneline`).toString(); // ruleid: command-injection
});

router.get('/repos/:name/branches', (ctx) => {
  // ok: command-injection
  ctx.body = execFileSync('git', ['-C', '/srv/repos/main', 'branch', '--list']).toString();
});

const app = new Koa();
app.use(router.routes());
module.exports = app;
