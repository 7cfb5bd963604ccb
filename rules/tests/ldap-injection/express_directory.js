const express = require('express');
const ldap = require('ldapjs');

const app = express();
const client = ldap.createClient({ url: 'ldaps://ldap.corp.example.com' });

app.get('/directory', (req, res) => {
  const uid = req.query.uid;
  // ruleid: ldap-injection
  client.search('ou=people,dc=example,dc=com', { filter: `(&(objectClass=person)(uid=${uid}))`, scope: 'sub' }, (err, result) => {
    res.json({ ok: !err });
  });
});

app.get('/directory/admins', (req, res) => {
  client.search('ou=people,dc=example,dc=com', { filter: '(memberOf=cn=admins)', scope: 'sub' }, (err) => { // ok: ldap-injection
    res.json({ ok: !err });
  });
});

module.exports = app;
