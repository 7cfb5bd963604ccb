import sqlite3

DB_PATH = "/var/lib/shop/shop.db"


def find_orders_by_status(status):
    conn = sqlite3.connect(DB_PATH)
    sql = "SELECT id, total FROM orders WHERE status = '%s'" % status
    return conn.execute(sql).fetchall()  # ruleid: sql-injection


def count_orders(status):
    conn = sqlite3.connect(DB_PATH)
    sql = "SELECT count(*) FROM orders WHERE status = ?"
    return conn.execute(sql, (status,)).fetchone()  # ok: sql-injection


def purge_customer(conn, customer_id):
    # Never called from an entry point: a non-literal of unknown origin in
    # unreachable code is not reported.
    conn.execute("DELETE FROM customers WHERE id = " + customer_id)  # ok: sql-injection


def archive_orders(conn, cutoff):
    # Called from a route with a value read from the settings service: its
    # origin cannot be traced, so this is "likely".
    conn.execute("DELETE FROM orders WHERE created < '" + cutoff + "'")  # ruleid: sql-injection
