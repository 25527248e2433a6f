/**
 * The topology job against the real embedded engine, on generated traces (test/support/topology-workload.ts):
 * edges whose parent and child spans were stored by different inserts are found; computing a window again
 * (and a restarted job) gives the same rows; and every edge's rate is the seeded call count although only
 * 3 % of traces are stored — including an edge no stored span shows at all.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH_THRESHOLDS } from '@apo/shared/console';
import { neighbours, serviceMap } from '../src/features/topology/topology-graph.ts';
import { TopologyJob } from '../src/jobs/topology-job.ts';
import { openStorage } from '../src/storage/index.ts';
import type { Storage } from '../src/storage/index.ts';
import { CapturingLog, selectRows } from '../src/storage/storage-test-support.ts';
import { storeTopologyMinute } from './support/topology-workload.ts';

const MINUTE = 60_000;
const TRACES = 1000;
/** 3 % of the traces are stored as spans. */
const stored = (n: number) => n % 33 === 0 || n === TRACES - 1;

let dataDir: string;
let storage: Storage;
/** The seeded minute, half an hour ago. */
const W = Math.floor(Date.now() / MINUTE) * MINUTE - 30 * MINUTE;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'apo-topology-test-'));
  storage = await openStorage({ engine: 'embedded', dataDir }, new CapturingLog());
  await storeTopologyMinute(storage, W, { traces: TRACES, stored });
}, 60_000);
afterAll(async () => {
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
});

const EDGES_SQL = `SELECT caller_service, caller_endpoint, callee_kind, callee_name, callee_endpoint, call_type, peer,
       system, db_namespace, destination, role
  FROM apo.topology_edges FINAL ORDER BY caller_service, callee_kind, callee_name`;

const job = (now: number) =>
  new TopologyJob(
    storage,
    { graceMs: 120_000, catchUpWindows: 5, windowsPerRun: 10 },
    new CapturingLog(),
    () => now,
  );

describe('topology job', () => {
  it('finds every edge of the window, also where parent and child were stored by different inserts', async () => {
    const written = await job(Date.now()).runWindow(W);
    expect(written).toBe(5);
    expect(await selectRows(storage, EDGES_SQL)).toEqual([
      {
        caller_service: 'billing',
        caller_endpoint: 'order-events',
        callee_kind: 'queue',
        callee_name: 'order-events',
        callee_endpoint: '',
        call_type: 'messaging',
        peer: '',
        system: 'kafka',
        db_namespace: '',
        destination: 'order-events',
        role: 'consumer',
      },
      {
        caller_service: 'gateway',
        caller_endpoint: 'GET /api/orders',
        callee_kind: 'external',
        callee_name: 'api.payments.example:443',
        callee_endpoint: '',
        call_type: 'http',
        peer: 'api.payments.example:443',
        system: 'http',
        db_namespace: '',
        destination: '',
        role: '',
      },
      {
        caller_service: 'gateway',
        caller_endpoint: 'GET /api/orders',
        callee_kind: 'service',
        callee_name: 'orders',
        callee_endpoint: 'GET /orders',
        call_type: 'http',
        peer: 'orders:8080',
        system: 'http',
        db_namespace: '',
        destination: '',
        role: '',
      },
      {
        caller_service: 'orders',
        caller_endpoint: 'GET /orders',
        callee_kind: 'database',
        callee_name: 'shop.db',
        callee_endpoint: '',
        call_type: 'db',
        peer: '',
        system: 'sqlite',
        db_namespace: 'shop.db',
        destination: '',
        role: '',
      },
      {
        caller_service: 'orders',
        caller_endpoint: 'GET /orders',
        callee_kind: 'queue',
        callee_name: 'order-events',
        callee_endpoint: '',
        call_type: 'messaging',
        peer: '',
        system: 'kafka',
        db_namespace: '',
        destination: 'order-events',
        role: 'producer',
      },
    ]);
  });

  it('writes the same rows when a window is computed again', async () => {
    const before = await selectRows(storage, EDGES_SQL);
    await job(Date.now()).runWindow(W);
    await job(Date.now()).runWindow(W);
    expect(await selectRows(storage, EDGES_SQL)).toEqual(before);
    // Unmerged copies do not change what the API reads either.
    const map = await serviceMap(storage, {
      from: W,
      to: W + MINUTE,
      compareWith: 'day',
      thresholds: DEFAULT_HEALTH_THRESHOLDS,
    });
    expect(map.edges.map((e) => [e.id, e.now.calls])).toContainEqual([
      'service:c1/gateway→service:c1/orders',
      TRACES,
    ]);
  });

  it('gives every edge the seeded call count from the rollups, though only 3 % of traces are stored', async () => {
    const range = {
      from: W,
      to: W + MINUTE,
      compareWith: 'day' as const,
      thresholds: DEFAULT_HEALTH_THRESHOLDS,
    };
    const gateway = await neighbours(storage, { ...range, service: 'gateway' });
    expect(gateway.upstream).toEqual([]);
    expect(
      gateway.downstream.map((n) => [
        n.node.kind,
        n.node.name,
        n.edge.now.calls,
        n.edge.now.rate,
        n.endpoints,
      ]),
    ).toEqual([
      ['external', 'api.payments.example:443', TRACES, TRACES / 60, []],
      ['service', 'orders', TRACES, TRACES / 60, ['GET /orders']],
    ]);
    const orders = await neighbours(storage, { ...range, service: 'orders' });
    expect(orders.upstream.map((n) => [n.node.name, n.edge.now.calls, n.endpoints])).toEqual([
      ['gateway', TRACES, ['GET /api/orders']],
    ]);
    expect(orders.downstream.map((n) => [n.node.kind, n.node.system, n.node.name, n.edge.now.calls])).toEqual(
      [
        ['database', 'sqlite', 'shop.db', TRACES],
        ['queue', 'kafka', 'order-events', TRACES],
      ],
    );
    const billing = await neighbours(storage, { ...range, service: 'billing' });
    expect(billing.upstream.map((n) => [n.node.kind, n.node.name, n.edge.now.calls])).toEqual([
      ['queue', 'order-events', TRACES],
    ]);
    // No span of `reports` was ever stored: its calls still make an edge, with their count.
    const reports = await neighbours(storage, { ...range, service: 'reports' });
    expect(
      reports.downstream.map((n) => [n.node.kind, n.node.name, n.edge.now.calls, n.edge.structureKnown]),
    ).toEqual([['external', 'legacy:9000', 30, false]]);
  });

  it('narrows a service to one endpoint by what its spans showed', async () => {
    const range = {
      from: W,
      to: W + MINUTE,
      compareWith: 'day' as const,
      thresholds: DEFAULT_HEALTH_THRESHOLDS,
    };
    const one = await neighbours(storage, { ...range, service: 'orders', endpoint: 'GET /orders' });
    expect(one.upstream.map((n) => n.node.name)).toEqual(['gateway']);
    expect(one.downstream).toHaveLength(2);
    const other = await neighbours(storage, { ...range, service: 'orders', endpoint: 'POST /nothing' });
    expect([other.upstream, other.downstream]).toEqual([[], []]);
  });

  it('catches up on due windows after a restart, bounded, and resumes where it left off', async () => {
    // The job sees W computed and is "restarted" 4 minutes after W was due: W+1 … W+4 are due.
    const now = W + MINUTE + 120_000 + 4 * MINUTE + 1;
    expect(await job(now).runDue()).toBe(4);
    // A new instance (a restart) reads the table and finds nothing due.
    expect(await job(now).runDue()).toBe(0);
    // Down for an hour: only the last `catchUpWindows` (5) are computed.
    expect(await job(now + 60 * MINUTE).runDue()).toBe(5);
  });
});
