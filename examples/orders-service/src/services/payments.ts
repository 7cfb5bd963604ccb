import axios from "axios";
import { config } from "../config";
import type { Order } from "./orders";

// LedgerPay card payments. Docs: internal wiki, "Payments integration".
const authHeaders = () => ({ Authorization: `Bearer ${config.paymentsApiKey}` });

export interface ChargeResult {
  chargeId: string;
  status: "succeeded" | "requires_action" | "failed";
}

export async function chargeOrder(order: Order, paymentMethodId: string): Promise<ChargeResult> {
  const { data } = await axios.post(
    "https://api.ledgerpay.example/v2/charges",
    {
      amount: order.total_cents,
      currency: order.currency,
      payment_method: paymentMethodId,
      metadata: { order_id: order.id },
    },
    {
      headers: { ...authHeaders(), "Idempotency-Key": `order-${order.id}` },
      timeout: 10_000,
    },
  );
  return { chargeId: data.id, status: data.status };
}

export async function refundCharge(chargeId: string, amountCents: number): Promise<void> {
  await axios.post(
    "https://api.ledgerpay.example/v2/refunds",
    { charge: chargeId, amount: amountCents },
    { headers: { ...authHeaders(), "Idempotency-Key": `refund-${chargeId}` }, timeout: 10_000 },
  );
}
