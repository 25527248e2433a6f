import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The shop's services and who calls whom. The fault CLI validates service names and downstream targets
 * against this table without asking a running shop, and the supervisor derives ports from the order.
 *
 *   traffic → gateway ─┬─► catalog
 *                      ├─► inventory
 *                      └─► orders ─┬─► catalog
 *                                  ├─► inventory
 *                                  ├─► payments ──► fraud
 *                                  └─► queue "order-events" ──► notifications
 */
export const SERVICE_NAMES = [
  'gateway',
  'catalog',
  'orders',
  'payments',
  'fraud',
  'inventory',
  'notifications',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface ServiceSpec {
  name: ServiceName;
  /** Offset from the base port (and from the admin base port). */
  index: number;
  /** Services this one calls over HTTP, in the order a default downstream-timeout target is picked. */
  calls: readonly ServiceName[];
  summary: string;
}

export const SERVICES: readonly ServiceSpec[] = [
  {
    name: 'gateway',
    index: 0,
    calls: ['orders', 'catalog', 'inventory'],
    summary: 'public API: browse, search, product page, checkout, refund, order history',
  },
  { name: 'catalog', index: 1, calls: [], summary: 'products, prices, reviews, search' },
  {
    name: 'orders',
    index: 2,
    calls: ['payments', 'inventory', 'catalog'],
    summary: 'checkout and refund orchestration; publishes order events',
  },
  { name: 'payments', index: 3, calls: ['fraud'], summary: 'card charges and refunds' },
  { name: 'fraud', index: 4, calls: [], summary: 'risk scoring of charges' },
  { name: 'inventory', index: 5, calls: [], summary: 'stock, reservations, restock job' },
  {
    name: 'notifications',
    index: 6,
    calls: [],
    summary: 'consumes order events, records e-mails sent',
  },
];

export const QUEUE_TOPIC = 'order-events';

export function isServiceName(name: string): name is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(name);
}

export function serviceSpec(name: ServiceName): ServiceSpec {
  return SERVICES.find((s) => s.name === name)!;
}

export const DEFAULT_BASE_PORT = 18080;
/** Admin endpoints live on their own ports so fault and health calls stay out of the shop's traces. */
export const ADMIN_PORT_OFFSET = 100;
export const DEFAULT_AGENT_URL = 'http://127.0.0.1:4318';

export function defaultDataDir(env: { XDG_DATA_HOME?: string | undefined }): string {
  const base =
    env.XDG_DATA_HOME !== undefined && env.XDG_DATA_HOME !== ''
      ? env.XDG_DATA_HOME
      : join(homedir(), '.local', 'share');
  return join(base, 'apo', 'demo-shop');
}

/** Where things live under the data directory: one table so the CLI, services and docs agree. */
export const dataPaths = (dataDir: string) => ({
  stateFile: join(dataDir, 'shop-state.json'),
  auditLog: join(dataDir, 'faults.jsonl'),
  faultsDir: join(dataDir, 'faults'),
  faultFile: (service: string) => join(dataDir, 'faults', `${service}.json`),
  sqliteFile: (service: string) => join(dataDir, 'db', `${service}.db`),
  queueDir: (topic: string) => join(dataDir, 'queue', topic),
  logFile: (service: string) => join(dataDir, 'logs', `${service}.log`),
  scratchFile: (service: string) => join(dataDir, 'scratch', `${service}-disk-io.bin`),
});

const srcDir = fileURLToPath(new URL('./', import.meta.url));
export const serviceEntry = (name: ServiceName) => join(srcDir, 'services', name, 'main.ts');
export const trafficEntry = join(srcDir, 'traffic', 'main.ts');
export const servicePackageJson = (name: ServiceName) => join(srcDir, 'services', name, 'package.json');
