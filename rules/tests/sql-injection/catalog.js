const mysql = require('mysql2/promise');

const db = mysql.createPool({ host: 'db.internal', user: 'shop', database: 'shop' });

async function searchProducts(term) {
  const query = "SELECT id, name FROM products WHERE name LIKE '%" + term + "%'";
  const [rows] = await db.query(query); // ruleid: sql-injection
  return rows;
}

async function listCategories() {
  // ok: sql-injection
  const [rows] = await db.query('SELECT id, name FROM categories ORDER BY name');
  return rows;
}

module.exports = { searchProducts, listCategories };
