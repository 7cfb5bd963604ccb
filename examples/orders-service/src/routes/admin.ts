import { Router } from "express";
import { getOrderById, listOrders, setOrderStatus, type OrderStatus } from "../services/orders";
import { refundCharge } from "../services/payments";

// Endpoints for the ops dashboard. The dashboard runs inside the cluster,
// so these are only reachable from the internal network.
export const adminRouter = Router();

const STATUSES: OrderStatus[] = ["pending", "paid", "failed", "cancelled", "refunded"];

adminRouter.get("/orders", async (req, res) => {
  const status = STATUSES.find((s) => s === req.query.status);
  const limit = Math.min(Number(req.query.limit ?? 50), 500);
  const offset = Math.max(Number(req.query.offset ?? 0), 0);
  res.json({ items: await listOrders({ status, limit, offset }) });
});

adminRouter.get("/orders/:orderId", async (req, res) => {
  const order = await getOrderById(req.params.orderId);
  if (!order) {
    res.status(404).json({ error: "order not found" });
    return;
  }
  res.json(order);
});

adminRouter.post("/orders/:orderId/refund", async (req, res) => {
  const order = await getOrderById(req.params.orderId);
  if (!order || order.status !== "paid" || !order.charge_id) {
    res.status(409).json({ error: "only paid orders can be refunded" });
    return;
  }
  await refundCharge(order.charge_id, order.total_cents);
  await setOrderStatus(order.id, "refunded");
  console.info("order refunded from ops dashboard", order.id);
  res.status(204).end();
});
