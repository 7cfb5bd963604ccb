import { Router } from "express";
import { z } from "zod";
import {
  createOrder,
  getOrderForCustomer,
  listOrdersForCustomer,
  setOrderStatus,
} from "../services/orders";
import { chargeOrder } from "../services/payments";

// Mounted behind requireAuth (see app.ts), so req.user is always set here.
export const ordersRouter = Router();

const newOrder = z.object({
  currency: z.enum(["EUR", "USD", "GBP"]),
  paymentMethodId: z.string().min(1),
  items: z
    .array(
      z.object({
        sku: z.string().min(1),
        quantity: z.number().int().positive().max(100),
        unitPriceCents: z.number().int().nonnegative(),
      }),
    )
    .min(1)
    .max(50),
});

ordersRouter.get("/", async (req, res) => {
  const limit = Math.min(Number(req.query.limit ?? 20), 100);
  const offset = Math.max(Number(req.query.offset ?? 0), 0);
  const orders = await listOrdersForCustomer(req.user!.id, limit, offset);
  res.json({ items: orders, limit, offset });
});

ordersRouter.get("/:orderId", async (req, res) => {
  const order = await getOrderForCustomer(req.params.orderId, req.user!.id);
  if (!order) {
    res.status(404).json({ error: "order not found" });
    return;
  }
  res.json(order);
});

ordersRouter.post("/", async (req, res) => {
  const parsed = newOrder.safeParse(req.body);
  if (!parsed.success) {
    res.status(400).json({ error: "invalid order", details: parsed.error.flatten() });
    return;
  }
  const order = await createOrder(req.user!.id, parsed.data.currency, parsed.data.items);
  try {
    const charge = await chargeOrder(order, parsed.data.paymentMethodId);
    const status = charge.status === "succeeded" ? "paid" : charge.status === "failed" ? "failed" : "pending";
    await setOrderStatus(order.id, status, charge.chargeId);
    res.status(201).json({ ...order, status, charge_id: charge.chargeId });
  } catch (err) {
    await setOrderStatus(order.id, "failed");
    console.error("charge failed for order", order.id, (err as Error).message);
    res.status(402).json({ error: "payment failed", orderId: order.id });
  }
});

ordersRouter.post("/:orderId/cancel", async (req, res) => {
  const order = await getOrderForCustomer(req.params.orderId, req.user!.id);
  if (!order) {
    res.status(404).json({ error: "order not found" });
    return;
  }
  if (order.status !== "pending") {
    res.status(409).json({ error: `cannot cancel an order that is ${order.status}` });
    return;
  }
  await setOrderStatus(order.id, "cancelled");
  res.status(204).end();
});
