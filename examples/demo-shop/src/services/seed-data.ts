/**
 * The shop's reference data, generated deterministically (same seed, same catalogue) so the services' seeds
 * and the traffic generator agree on SKUs and user ids without sharing a database.
 */
export const PRODUCT_COUNT = 400;
export const USER_COUNT = 5000;
const WAREHOUSES = ['ams-1', 'fra-2', 'dub-1'] as const;

/** mulberry32: a small, fast, seedable PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pickWith = <T>(random: () => number, list: readonly T[]): T =>
  list[Math.floor(random() * list.length)]!;

export const skuOf = (i: number): string => `SKU-${10001 + i}`;
export const userIdOf = (i: number): string => `u-${String(i + 1).padStart(5, '0')}`;

const CATEGORIES = {
  kitchen: ['Kettle', 'Chef Knife', 'Cast Iron Skillet', 'French Press', 'Cutting Board', 'Stand Mixer'],
  electronics: [
    'Wireless Earbuds',
    'USB-C Charger',
    'Mechanical Keyboard',
    'Webcam',
    'Portable SSD',
    'Smart Plug',
  ],
  books: ['Field Guide', 'Cookbook', 'Mystery Novel', 'Travel Atlas', 'Poetry Collection', 'Biography'],
  garden: ['Pruning Shears', 'Hose Reel', 'Seed Starter Kit', 'Raised Bed', 'Watering Can', 'Compost Bin'],
  sports: ['Yoga Mat', 'Running Vest', 'Dumbbell Set', 'Bike Light', 'Climbing Chalk', 'Jump Rope'],
  toys: ['Building Blocks', 'Puzzle 1000 pcs', 'Wooden Train', 'Plush Fox', 'Board Game', 'Kite'],
  beauty: ['Face Serum', 'Hair Dryer', 'Lip Balm Set', 'Beard Oil', 'Sunscreen SPF 50', 'Nail Kit'],
  office: ['Desk Lamp', 'Notebook A5', 'Fountain Pen', 'Monitor Arm', 'Paper Tray', 'Label Maker'],
  pets: ['Dog Leash', 'Cat Tree', 'Pet Bed', 'Aquarium Filter', 'Bird Feeder', 'Chew Toy'],
  grocery: [
    'Arabica Coffee 1kg',
    'Green Tea',
    'Olive Oil 750ml',
    'Dark Chocolate',
    'Basmati Rice 5kg',
    'Honey',
  ],
} as const;
export const CATEGORY_NAMES = Object.keys(CATEGORIES) as (keyof typeof CATEGORIES)[];

const BRANDS = [
  'Acme',
  'Northwind',
  'Lumen',
  'Fjord',
  'Kestrel',
  'Orbit',
  'Juniper',
  'Basalt',
  'Tandem',
  'Vela',
];
const ADJECTIVES = [
  'Classic',
  'Compact',
  'Pro',
  'Eco',
  'Deluxe',
  'Everyday',
  'Ultra',
  'Heritage',
  'Smart',
  'Mini',
];
const FEATURES = [
  'built to last for years of daily use',
  'tested by our team in real kitchens, gardens and offices',
  'made from recycled materials where possible',
  'covered by a two-year warranty',
  'ships in plastic-free packaging',
  'designed in Europe',
  'with replaceable parts',
  'rated highly by thousands of customers',
];

export interface SeedProduct {
  sku: string;
  name: string;
  category: string;
  brand: string;
  description: string;
  priceCents: number;
  createdAt: number;
}

export function products(): SeedProduct[] {
  const random = prng(42);
  const start = Date.UTC(2022, 0, 1);
  return Array.from({ length: PRODUCT_COUNT }, (_, i) => {
    const category = CATEGORY_NAMES[i % CATEGORY_NAMES.length]!;
    const brand = pickWith(random, BRANDS);
    const name = `${brand} ${pickWith(random, ADJECTIVES)} ${pickWith(random, CATEGORIES[category])}`;
    const description = `${name}: ${pickWith(random, FEATURES)}, ${pickWith(random, FEATURES)}. ${pickWith(random, FEATURES)}.`;
    return {
      sku: skuOf(i),
      name,
      category,
      brand,
      description,
      priceCents: Math.round((3 + random() ** 2 * 400) * 100) - 1,
      createdAt: start + Math.floor(random() * 3 * 365 * 86_400_000),
    };
  });
}

const FIRST = [
  'Ana',
  'Ben',
  'Chloé',
  'Dmitri',
  'Elif',
  'Femi',
  'Greta',
  'Hiro',
  'Ines',
  'Jonas',
  'Kai',
  'Lena',
  'Mateo',
  'Noor',
  'Oskar',
  'Priya',
];
const LAST = [
  'Silva',
  'Novak',
  'Meyer',
  'Okafor',
  'Larsen',
  'Rossi',
  'Tanaka',
  'Dubois',
  'Kowalski',
  'Haddad',
  'Moreau',
  'Nielsen',
];
const COUNTRIES = ['NL', 'DE', 'FR', 'IE', 'BE', 'ES', 'IT', 'PL', 'SE', 'DK'];
const TIERS = ['standard', 'standard', 'standard', 'plus', 'plus', 'business'];

export interface SeedUser {
  id: string;
  name: string;
  email: string;
  country: string;
  tier: string;
  createdAt: number;
}

export function users(): SeedUser[] {
  const random = prng(7);
  const start = Date.UTC(2019, 0, 1);
  return Array.from({ length: USER_COUNT }, (_, i) => {
    const first = pickWith(random, FIRST);
    const last = pickWith(random, LAST);
    return {
      id: userIdOf(i),
      name: `${first} ${last}`,
      email: `${first}.${last}.${i + 1}@example.com`
        .toLowerCase()
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, ''),
      country: pickWith(random, COUNTRIES),
      tier: pickWith(random, TIERS),
      createdAt: start + Math.floor(random() * 6 * 365 * 86_400_000),
    };
  });
}

const REVIEW_TITLES = [
  'Does the job',
  'Great value',
  'Not what I expected',
  'Excellent',
  'Broke after a month',
  'Would buy again',
];

export function reviews(): {
  sku: string;
  userId: string;
  rating: number;
  title: string;
  body: string;
  createdAt: number;
}[] {
  const random = prng(99);
  const start = Date.UTC(2023, 0, 1);
  return Array.from({ length: PRODUCT_COUNT * 5 }, () => {
    const rating = Math.max(1, Math.min(5, Math.round(3.8 + (random() - 0.5) * 4)));
    return {
      sku: skuOf(Math.floor(random() ** 1.5 * PRODUCT_COUNT)),
      userId: userIdOf(Math.floor(random() * USER_COUNT)),
      rating,
      title: pickWith(random, REVIEW_TITLES),
      body: `${pickWith(random, FEATURES)}. ${rating >= 4 ? 'Recommended.' : 'Could be better.'}`,
      createdAt: start + Math.floor(random() * 700 * 86_400_000),
    };
  });
}

/** Stock per SKU and warehouse; about one SKU in twenty is nearly sold out (natural out-of-stock answers). */
export function stock(): { sku: string; warehouse: string; onHand: number }[] {
  const random = prng(5);
  return Array.from({ length: PRODUCT_COUNT }, (_, i) => {
    const scarce = random() < 0.05;
    return WAREHOUSES.map((warehouse) => ({
      sku: skuOf(i),
      warehouse,
      onHand: scarce ? Math.floor(random() * 2) : 20 + Math.floor(random() * 200),
    }));
  }).flat();
}

/** Test card numbers as payment providers document them. */
export const CARDS = {
  ok: ['4242424242424242', '5555555555554444', '378282246310005', '4000056655665556'],
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
} as const;
