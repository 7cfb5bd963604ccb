import { pool } from "../db";

export type OrderStatus = "pending" | "paid" | "failed" | "cancelled" | "refunded";

export interface OrderItem {
  sku: string;
  quantity: number;
  unitPriceCents: number;
}

export interface Order {
  id: string;
  customer_id: string;
  status: OrderStatus;
  currency: string;
  total_cents: number;
  charge_id: string | null;
  items: OrderItem[];
  created_at: string;
}

const ORDER_COLUMNS = "id, customer_id, status, currency, total_cents, charge_id, items, created_at";

export async function getOrderById(orderId: string): Promise<Order | undefined> {
  const { rows } = await pool.query<Order>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1`, [orderId]);
  return rows[0];
}

export async function getOrderForCustomer(orderId: string, customerId: string): Promise<Order | undefined> {
  const { rows } = await pool.query<Order>(
    `SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1 AND customer_id = $2`,
    [orderId, customerId],
  );
  return rows[0];
}

export async function listOrdersForCustomer(customerId: string, limit: number, offset: number): Promise<Order[]> {
  const { rows } = await pool.query<Order>(
    `SELECT ${ORDER_COLUMNS} FROM orders WHERE customer_id = $1 ORDER BY created_at DESC LIMIT $2 OFFSET $3`,
    [customerId, limit, offset],
  );
  return rows;
}

export async function listOrders(filter: { status?: OrderStatus; limit: number; offset: number }): Promise<Order[]> {
  const { rows } = await pool.query<Order>(
    `SELECT ${ORDER_COLUMNS} FROM orders
      WHERE ($1::text IS NULL OR status = $1)
      ORDER BY created_at DESC LIMIT $2 OFFSET $3`,
    [filter.status ?? null, filter.limit, filter.offset],
  );
  return rows;
}

export async function createOrder(customerId: string, currency: string, items: OrderItem[]): Promise<Order> {
  const total = items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
  const { rows } = await pool.query<Order>(
    `INSERT INTO orders (customer_id, status, currency, total_cents, items)
     VALUES ($1, 'pending', $2, $3, $4)
     RETURNING ${ORDER_COLUMNS}`,
    [customerId, currency, total, JSON.stringify(items)],
  );
  return rows[0];
}

export async function setOrderStatus(orderId: string, status: OrderStatus, chargeId?: string): Promise<void> {
  await pool.query(
    "UPDATE orders SET status = $2, charge_id = COALESCE($3, charge_id), updated_at = now() WHERE id = $1",
    [orderId, status, chargeId ?? null],
  );
}
