import { CARDS, CATEGORY_NAMES, PRODUCT_COUNT, USER_COUNT, skuOf, userIdOf } from '../services/seed-data.ts';

/**
 * What shoppers do, with realistic weights and payloads: browsing and product pages dominate, a tenth of
 * the requests are checkouts, a few are refunds. Natural errors come from the shop itself (declined test
 * cards, sold-out SKUs, a second refund of the same order), never from the generator.
 */
export interface Request {
  scenario: string;
  method: 'GET' | 'POST';
  path: string;
  userId?: string;
  body?: unknown;
}

export interface Memory {
  /** Recent placed orders: what refunds pick from. */
  orders: { orderId: string; userId: string }[];
}

const SEARCHES = [
  'kettle',
  'coffee',
  'yoga',
  'usb',
  'lamp',
  'knife',
  'puzzle',
  'tea',
  'dog',
  'garden',
  'pen',
  'ssd',
  'serum',
  'rice',
  'bike',
  'keyboard',
  'board game',
  'honey',
  'xylophone',
  'snowboard',
];
const STREETS = ['Keizersgracht', 'Hauptstraße', 'Rue de Rivoli', 'Grafton Street', 'Via Roma', 'Strøget'];
const CITIES = ['Amsterdam', 'Berlin', 'Paris', 'Dublin', 'Rome', 'Copenhagen', 'Madrid', 'Warsaw'];
const COUNTRIES = ['NL', 'DE', 'FR', 'IE', 'IT', 'DK', 'ES', 'PL'];
const REASONS = ['arrived damaged', 'changed my mind', 'wrong size', 'ordered twice', 'late delivery'];

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;
/** Popular items and active users are hit more often (a power law, not uniform). */
const skewed = (n: number, power: number) => Math.min(n - 1, Math.floor(Math.random() ** power * n));

function card() {
  const roll = Math.random();
  const number = roll < 0.02 ? CARDS.declined : roll < 0.03 ? CARDS.insufficientFunds : pick(CARDS.ok);
  return {
    number,
    expMonth: 1 + Math.floor(Math.random() * 12),
    expYear: 2027 + Math.floor(Math.random() * 5),
    cvc: '123',
  };
}

function checkout(): Request {
  const userId = userIdOf(skewed(USER_COUNT, 1.6));
  const count = 1 + skewed(4, 1.8);
  const skus = new Set<string>();
  while (skus.size < count) skus.add(skuOf(skewed(PRODUCT_COUNT, 2)));
  const i = Math.floor(Math.random() * CITIES.length);
  return {
    scenario: 'checkout',
    method: 'POST',
    path: '/api/checkout',
    userId,
    body: {
      currency: 'EUR',
      items: [...skus].map((sku) => ({ sku, qty: 1 + skewed(3, 2.5) })),
      card: card(),
      shippingAddress: {
        name: `Customer ${userId}`,
        line1: `${pick(STREETS)} ${1 + Math.floor(Math.random() * 300)}`,
        city: CITIES[i]!,
        postcode: String(10000 + Math.floor(Math.random() * 89999)),
        country: COUNTRIES[i]!,
      },
    },
  };
}

const WEIGHTS: [string, number][] = [
  ['browse', 36],
  ['product', 26],
  ['search', 18],
  ['checkout', 12],
  ['orders', 5],
  ['refund', 3],
];
const TOTAL = WEIGHTS.reduce((n, [, w]) => n + w, 0);

export function nextRequest(memory: Memory): Request {
  let roll = Math.random() * TOTAL;
  const scenario = WEIGHTS.find(([, w]) => (roll -= w) < 0)?.[0] ?? 'browse';
  switch (scenario) {
    case 'browse':
      return {
        scenario,
        method: 'GET',
        path: `/api/products?category=${pick(CATEGORY_NAMES)}&page=${1 + skewed(4, 2)}`,
      };
    case 'product':
      return { scenario, method: 'GET', path: `/api/products/${skuOf(skewed(PRODUCT_COUNT, 2))}` };
    case 'search':
      return { scenario, method: 'GET', path: `/api/search?q=${encodeURIComponent(pick(SEARCHES))}` };
    case 'orders':
      return { scenario, method: 'GET', path: '/api/orders', userId: userIdOf(skewed(USER_COUNT, 1.6)) };
    case 'refund': {
      // Mostly recent orders; now and then one already refunded (a natural 409).
      const order = memory.orders.length > 0 ? pick(memory.orders) : undefined;
      if (order === undefined) return checkout();
      if (Math.random() < 0.8) memory.orders.splice(memory.orders.indexOf(order), 1);
      return {
        scenario,
        method: 'POST',
        path: `/api/orders/${order.orderId}/refund`,
        userId: order.userId,
        body: { reason: pick(REASONS) },
      };
    }
    default:
      return checkout();
  }
}
