const express = require('express');
const cors = require('cors');
const session = require('express-session');
const RedisStore = require('connect-redis').default;

const app = express();
app.use(
  session({
    store: new RedisStore({ client: require('./redis') }),
    secret: process.env.SESSION_SECRET,
    resave: false,
    saveUninitialized: false,
    cookie: { secure: true, httpOnly: true, sameSite: 'lax' },
  }),
);
app.use(cors()); // ruleid: cors-any-origin

const api = express.Router();
api.use(cors({ origin: 'https://app.example.com' })); // ok: cors-any-origin

app.get('/me', (req, res) => {
  res.setHeader('Access-Control-Allow-Origin', '*'); // ruleid: cors-any-origin
  res.json({ user: req.session.userId });
});

module.exports = app;
