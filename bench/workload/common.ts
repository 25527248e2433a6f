/** Seeded randomness and the vocabulary (services, routes, tables, resources) every workload shares. */
import type {
  Attributes,
  AnyValue,
  InstrumentationScope,
  Resource,
} from '../../packages/shared/src/model/index.ts';

/** mulberry32: tiny, fast and good enough to make varied but reproducible data. */
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

export class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = prng(seed);
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  hex(bytes: number): string {
    let out = '';
    for (let i = 0; i < bytes; i++) out += this.int(256).toString(16).padStart(2, '0');
    return out;
  }
}

export function attrs(entries: [string, AnyValue][]): Attributes {
  const map = Object.create(null) as Attributes;
  for (const [k, v] of entries) map[k] = v;
  return map;
}

export const SERVICES = 'checkout cart catalog payments accounts shipping search recommendations'.split(' ');
export const ROUTES =
  '/api/v1/users/{id} /api/v1/orders /api/v1/orders/{id} /api/v1/cart/items /api/v1/products/{sku} /health'.split(
    ' ',
  );
export const METHODS = 'GET GET GET POST PUT DELETE'.split(' ');
export const TABLES = 'users orders order_items products inventory sessions'.split(' ');
export const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'okhttp/4.12.0',
  'curl/8.7.1',
];

export function resourceFor(rng: Rng, service: string, index: number): Resource {
  return {
    attributes: attrs([
      ['service.name', service],
      ['service.namespace', 'shop'],
      ['service.version', `1.${index}.${rng.int(20)}`],
      ['service.instance.id', `${rng.hex(4)}-${rng.hex(2)}-${rng.hex(2)}-${rng.hex(2)}-${rng.hex(6)}`],
      ['host.name', `ip-10-0-${index}-${rng.int(255)}.ec2.internal`],
      ['host.arch', 'amd64'],
      ['process.pid', BigInt(1000 + rng.int(60000))],
      ['process.runtime.name', 'nodejs'],
      ['process.runtime.version', '24.1.0'],
      ['deployment.environment.name', 'production'],
      ['telemetry.sdk.name', 'opentelemetry'],
      ['telemetry.sdk.language', 'nodejs'],
      ['telemetry.sdk.version', '2.0.1'],
    ]),
    droppedAttributesCount: 0,
  };
}

export function scope(name: string, version: string): InstrumentationScope {
  return { name, version, attributes: attrs([]), droppedAttributesCount: 0 };
}

/** Takes `n` attributes from the realistic pool, padding with application attributes when asked for more. */
export function spanAttributes(rng: Rng, pool: [string, AnyValue][], n: number): Attributes {
  const entries = pool.slice(0, n);
  for (let i = entries.length; i < n; i++)
    entries.push([`app.attribute_${i}`, i % 3 === 0 ? BigInt(rng.int(1000)) : `value-${rng.int(100)}`]);
  return attrs(entries);
}

/** Nanoseconds per millisecond. */
export const MS = 1_000_000n;
