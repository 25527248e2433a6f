/**
 * Requests the fault tests send themselves, beside the shop's own traffic: each in a trace of its own (a
 * `traceparent` with a fresh trace id), so its spans, its caller's spans and its log records can be found
 * again in the stored data by that id.
 */
import { call, type Answer } from '../../../examples/demo-shop/test/support/shop-harness.ts';

export type { Answer };
export { call };

/** A checkout the shop accepts: a test card that is never declined, a product with plenty of stock. */
export function checkoutBody(sku = 'SKU-10011') {
  return {
    currency: 'EUR',
    items: [{ sku, qty: 1 }],
    card: { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' },
    shippingAddress: {
      name: 'Fault Test',
      line1: 'Keizersgracht 1',
      city: 'Amsterdam',
      postcode: '1015',
      country: 'NL',
    },
  };
}

/** A user id of the shop's seeded users (u-00001 … u-05000). */
export const userId = (i: number): string => `u-${String(1 + (i % 5000)).padStart(5, '0')}`;

/** Sends `count` requests, at most `concurrency` at a time, and returns their answers in order. */
export async function probes(
  count: number,
  concurrency: number,
  send: (i: number) => Promise<Answer>,
): Promise<Answer[]> {
  const answers: Answer[] = new Array<Answer>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      answers[i] = await send(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return answers;
}

/**
 * Products with plenty of stock (at least `minAvailable`), asked of inventory directly, so checkouts the
 * tests send are not refused as out of stock (one SKU in twenty is nearly sold out on purpose).
 */
export async function stockedSkus(inventoryUrl: string, count: number, minAvailable = 20): Promise<string[]> {
  const skus: string[] = [];
  for (let n = 10_100; n < 10_400 && skus.length < count; n++) {
    const res = await fetch(`${inventoryUrl}/stock/SKU-${n}`);
    if (res.ok && ((await res.json()) as { available: number }).available >= minAvailable)
      skus.push(`SKU-${n}`);
  }
  if (skus.length < count) throw new Error(`only ${skus.length} products with ${minAvailable} in stock`);
  return skus;
}
