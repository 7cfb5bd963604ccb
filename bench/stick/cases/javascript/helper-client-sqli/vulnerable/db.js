const mysql = require('mysql2');

function getConnection() {
  return mysql.createConnection({ host: process.env.DB_HOST || 'localhost', database: 'crm' });
}

module.exports = { getConnection };
