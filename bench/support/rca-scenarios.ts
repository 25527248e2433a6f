/**
 * The root-cause accuracy scenarios (issue 17): the demo shop's faults, every kind on two services,
 * partial ones included, and the hypothesis kinds that name each. `rca.bench.ts` injects them into a
 * running stack; `rca-replay.bench.ts` replays the engine on a stack's recorded runs of them.
 */
export interface Scenario {
  service: string;
  fault: string;
  params: string[];
  /** Kinds accepted as the right answer (the first is the expected one). */
  expected: string[];
}

/** Every fault kind on two services, including partial ones (a share of requests, an error rate). */
export const SCENARIOS: Scenario[] = [
  { service: 'payments', fault: 'db-slow', params: ['--ms', '200'], expected: ['database-latency'] },
  { service: 'catalog', fault: 'db-slow', params: ['--ms', '100'], expected: ['database-latency'] },
  { service: 'fraud', fault: 'cpu', params: ['--ms', '120'], expected: ['cpu-saturation'] },
  { service: 'catalog', fault: 'cpu', params: ['--ms', '80', '--share', '30'], expected: ['cpu-saturation'] },
  { service: 'payments', fault: 'latency', params: ['--ms', '500'], expected: ['self-latency'] },
  {
    service: 'inventory',
    fault: 'latency',
    params: ['--ms', '300', '--share', '30'],
    expected: ['self-latency'],
  },
  { service: 'orders', fault: 'errors', params: ['--rate', '30'], expected: ['error-burst'] },
  { service: 'catalog', fault: 'errors', params: ['--rate', '10'], expected: ['error-burst'] },
  {
    service: 'orders',
    fault: 'downstream-timeout',
    params: ['--target', 'payments'],
    expected: ['dependency-timeout'],
  },
  {
    service: 'gateway',
    fault: 'downstream-timeout',
    params: ['--target', 'catalog'],
    expected: ['dependency-timeout'],
  },
  { service: 'fraud', fault: 'gc-pressure', params: [], expected: ['gc-pressure'] },
  { service: 'catalog', fault: 'gc-pressure', params: [], expected: ['gc-pressure'] },
  { service: 'payments', fault: 'disk-io', params: [], expected: ['disk-io'] },
  { service: 'inventory', fault: 'disk-io', params: [], expected: ['disk-io'] },
  { service: 'fraud', fault: 'crash-loop', params: [], expected: ['crash-restarts'] },
  { service: 'inventory', fault: 'crash-loop', params: [], expected: ['crash-restarts'] },
  { service: 'payments', fault: 'bad-deploy', params: [], expected: ['deployment'] },
  { service: 'catalog', fault: 'bad-deploy', params: ['--rate', '20'], expected: ['deployment'] },
  { service: 'orders', fault: 'pool-exhaustion', params: [], expected: ['connection-pool-exhaustion'] },
  { service: 'inventory', fault: 'pool-exhaustion', params: [], expected: ['connection-pool-exhaustion'] },
  { service: 'payments', fault: 'lock', params: [], expected: ['lock-contention'] },
  { service: 'catalog', fault: 'lock', params: ['--holdMs', '100'], expected: ['lock-contention'] },
];

/** The kinds that name a fault of this kind (the same on every service). */
export function expectedKinds(fault: string): string[] {
  return SCENARIOS.find((s) => s.fault === fault)?.expected ?? [];
}
