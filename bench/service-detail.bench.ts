/**
 * The service detail page through the real server's tRPC API, 24 h range: p50 / p95 of each procedure the
 * page calls (RED series, endpoints, delay source, calls vs a day earlier, instances, errors, hosts and
 * lights) and of the whole page (all of them at once, as the console sends them). Target: p95 ≤ 100 ms.
 *
 * Data (the overview bench's generators, demo shape), written straight through the storage layer:
 * - RED rollups of 200 services × 20 endpoints per minute over `--days` (2: the range and the day before;
 *   test/support/overview-seed.ts `seedBulkRedRollups`), client-call rollups of 6 keys per service;
 * - 10 M spans of the standard workload (512-span requests: HTTP server spans with DB and HTTP client
 *   children, a few errors) over the last 24 h, their resources renamed to the 200 rollup services;
 * - process metrics of 2 instances per service and node_exporter metrics of 20 hosts every minute over 24 h,
 *   1 M logs at ERROR level one in five, and a restart per service.
 *
 * Before the server starts, `services.delaySource` is also measured in process on the same data, from spans
 * alone and then from the topology job's per-minute table once the job's delay-source part has computed the
 * day's windows (its CPU per window printed: the job's extra cost at this rate).
 *
 *   node bench/service-detail.bench.ts [--spans 10000000] [--services 200] [--days 2] [--calls 30]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bulkServiceName, seedBulkRedRollups } from '../apps/server/test/support/overview-seed.ts';
import { delaySource } from '../apps/server/src/features/services/delay-source.ts';
import { computeDelayWindow } from '../apps/server/src/features/services/delay-source-window.ts';
import { recordWindow } from '../apps/server/src/features/topology/topology-window.ts';
import { openStorage } from '../apps/server/src/storage/index.ts';
import type { Storage } from '../apps/server/src/storage/index.ts';
import { startServerProcess } from '../apps/server/test/support/server-process.ts';
import { apiClient } from '../apps/server/test/support/api-client.ts';
import { storeWorkloadSpans } from './workload/stored-spans.ts';
import { median, percentile } from './support/process-cpu.ts';

const { values: args } = parseArgs({
  options: {
    spans: { type: 'string', default: '10000000' },
    services: { type: 'string', default: '200' },
    days: { type: 'string', default: '2' },
    calls: { type: 'string', default: '30' },
  },
});
const spanTarget = Number(args.spans);
const services = Number(args.services);
const days = Number(args.days);
const calls = Number(args.calls);
const quiet = {
  info: () => undefined,
  warn: () => undefined,
  error: (...a: unknown[]) => console.error(...a),
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const HOSTS = 20;
const dataDir = await mkdtemp(join(tmpdir(), 'apo-service-detail-bench-'));
const nowMs = Date.now();
const seconds = (t0: number): string => ((performance.now() - t0) / 1000).toFixed(0);

/** Client-call rollups, process and host metrics, logs and events, generated inside the engine. */
async function loadTheRest(storage: Storage): Promise<void> {
  const db = storage.database;
  const params = { now: Math.floor(nowMs / MINUTE) * MINUTE, services, hosts: HOSTS };
  const minutes = days * 1440 + 60;
  await storage.client.command({
    query: `INSERT INTO ${db}.red_client_1m (cluster, minute, service, instance, kind, error, call_type, peer, system,
              db_namespace, operation, target, role, count, error_count, duration_sum_ms, bucket_counts, flush_id)
      SELECT 'default', toDateTime(intDiv({now:Int64}, 1000) - (m + 1) * 60, 'UTC'), svc, concat(svc, '-0'), 'client',
             false, if(k < 4, 'db', 'http'), if(k < 4, 'db-primary:5432', concat('svc-', leftPad(toString((s + k) % {services:UInt32}), 3, '0'), ':8443')),
             if(k < 4, 'postgresql', 'http'), if(k < 4, 'shop', ''), ['SELECT', 'INSERT', 'UPDATE', 'SELECT', 'GET', 'POST'][k + 1],
             if(k < 4, ['orders', 'orders', 'carts', 'users'][k + 1], ''), '', 20, k % 3 = 0, 400,
             arrayMap(i -> if(i = 4, 20, 0), range(16)), 1
      FROM (SELECT intDiv(number, {services:UInt32} * 6) AS m, intDiv(number % ({services:UInt32} * 6), 6) AS s, number % 6 AS k,
                   concat('svc-', leftPad(toString(s), 3, '0')) AS svc
            FROM numbers(${minutes * services * 6}))`,
    query_params: params,
  });
  // Every minute of the last 24 h: 6 process metrics × 2 instances per service; 24 host series × 20 hosts.
  await storage.client.command({
    query: `INSERT INTO ${db}.metrics (cluster, service, instance, name, metric_type, temporality, is_monotonic, ts,
              start_ts, labels, resource_attributes, value)
      SELECT 'default', svc, inst, name, 'sum', 2, 1, fromUnixTimestamp64Milli(toInt64({now:Int64} - m * 60000)),
             fromUnixTimestamp64Milli(toInt64({now:Int64} - 2 * 86400000)), map(), 
             map('host.name', concat('host-', toString(s % {hosts:UInt32})), 'process.pid', toString(1000 + i),
                 'service.version', '1.0.0', 'process.creation.time', '2026-01-01T00:00:00Z'),
             (1440 - m) * 0.5
      FROM (SELECT intDiv(number, {services:UInt32} * 12) AS m, intDiv(number % ({services:UInt32} * 12), 12) AS s,
                   intDiv(number % 12, 6) AS i, number % 6 AS k, concat('svc-', leftPad(toString(s), 3, '0')) AS svc,
                   concat(svc, '-', toString(i)) AS inst,
                   ['process.cpu.time', 'apo.process.runqueue.wait.time', 'process.memory.usage',
                    'process.unix.file_descriptor.count', 'nodejs.eventloop.delay.p99', 'process.thread.count'][k + 1] AS name
            FROM numbers(${1440 * services * 12}))`,
    query_params: params,
  });
  await storage.client.command({
    query: `INSERT INTO ${db}.metrics (cluster, service, instance, name, metric_type, temporality, is_monotonic, ts,
              start_ts, labels, resource_attributes, value)
      SELECT 'default', 'unknown_service', h, name, 'sum', 2, 1, fromUnixTimestamp64Milli(toInt64({now:Int64} - m * 60000)),
             fromUnixTimestamp64Milli(toInt64({now:Int64} - 2 * 86400000)), lbl, map('host.name', h), (1440 - m) * 3.0
      FROM (SELECT intDiv(number, {hosts:UInt32} * 24) AS m, concat('host-', toString(intDiv(number % ({hosts:UInt32} * 24), 24))) AS h,
                   number % 24 AS k,
                   if(k < 16, 'node_cpu_seconds_total',
                      ['node_load1', 'node_memory_MemTotal_bytes', 'node_memory_MemAvailable_bytes', 'node_filesystem_size_bytes',
                       'node_filesystem_avail_bytes', 'node_network_receive_bytes_total', 'node_netstat_Tcp_OutSegs',
                       'node_netstat_Tcp_RetransSegs'][k - 15]) AS name,
                   if(k < 16, map('cpu', toString(intDiv(k, 2)), 'mode', if(k % 2 = 0, 'idle', 'user')), map('mountpoint', '/')) AS lbl
            FROM numbers(${1440 * HOSTS * 24}))`,
    query_params: params,
  });
  await storage.client.command({
    query: `INSERT INTO ${db}.logs (cluster, ts, service, instance, severity_number, severity_text, body)
      SELECT 'default', fromUnixTimestamp64Milli(toInt64({now:Int64} - number * 86)),
             concat('svc-', leftPad(toString(number % {services:UInt32}), 3, '0')),
             concat('svc-', leftPad(toString(number % {services:UInt32}), 3, '0'), '-', toString(number % 2)),
             if(number % 5 = 0, 17, 9), if(number % 5 = 0, 'ERROR', 'INFO'), 'request handled'
      FROM numbers(1000000)`,
    query_params: params,
  });
  await storage.client.command({
    query: `INSERT INTO ${db}.events (cluster, ts, service, instance, name, severity_number, body)
      SELECT 'default', fromUnixTimestamp64Milli(toInt64({now:Int64} - (number + 1) * 97000)),
             concat('svc-', leftPad(toString(number), 3, '0')), concat('svc-', leftPad(toString(number), 3, '0'), '-0'),
             'process.restart', 9, 'restarted'
      FROM numbers({services:UInt32})`,
    query_params: params,
  });
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * `services.delaySource` over 24 h in process (server time, same data): from spans alone (no window
 * computed: the read before the job's table), then after the job's delay-source part has computed every
 * due window of the day (timed per window: the job's extra CPU at this rate). The windows are recorded as
 * the job records them; their edges are not computed here (topology.bench.ts measures those).
 */
async function delaySourceAB(storage: Storage): Promise<void> {
  const input = (n: number) => ({ service: bulkServiceName(n % services), from: nowMs - DAY, to: nowMs });
  const measure = async (label: string) => {
    for (let i = 0; i < 3; i++) await delaySource(storage, input(i));
    const ms: number[] = [];
    let sampled = 0;
    for (let i = 0; i < calls; i++) {
      const t = performance.now();
      const answer = await delaySource(storage, input(i + 7));
      ms.push(performance.now() - t);
      sampled += answer.endpoints.reduce((a, e) => a + e.sampledRequests, 0);
    }
    console.log(
      `  delaySource 24 h in process, ${label}: p50 ${median(ms).toFixed(1)} ms, p95 ${percentile(ms, 95).toFixed(1)} ms ` +
        `(${(sampled / calls).toFixed(0)} stored requests per service; load ${loadavg()[0]?.toFixed(1)})`,
    );
  };
  await measure('from spans (no window computed)');
  const first = Math.floor((nowMs - DAY) / MINUTE) * MINUTE;
  // The newest window the job would have computed by now (grace 2 min, as the server's default).
  const lastDue = Math.floor((nowMs - 120_000) / MINUTE) * MINUTE - MINUTE;
  const wall: number[] = [];
  const cpu: number[] = [];
  let rows = 0;
  for (let w = first; w <= lastDue; w += MINUTE) {
    const t = performance.now();
    const c = cpuMs();
    const delayRows = await computeDelayWindow(storage, w);
    wall.push(performance.now() - t);
    cpu.push(cpuMs() - c);
    rows += delayRows;
    await recordWindow(storage, w, Date.now(), { edgeRows: 0, delayRows });
  }
  console.log(
    `  job's delay-source part, ${wall.length} windows at ${(spanTarget / 86_400).toFixed(0)} spans/s: wall p50 ` +
      `${median(wall).toFixed(0)} ms, p95 ${percentile(wall, 95).toFixed(0)} ms; CPU p50 ${median(cpu).toFixed(0)} ms, ` +
      `p95 ${percentile(cpu, 95).toFixed(0)} ms per window (${rows.toLocaleString('en')} rows)`,
  );
  await measure('from the job’s table (the last minutes from spans)');
}

try {
  const storage = await openStorage({ engine: 'embedded', dataDir }, quiet);
  try {
    let t0 = performance.now();
    const toMs = Math.floor(nowMs / MINUTE) * MINUTE + MINUTE;
    const rollupRows = await seedBulkRedRollups(storage, {
      services,
      endpointsPerService: 20,
      fromMs: toMs - days * DAY - HOUR,
      toMs,
    });
    console.log(`rollups: ${rollupRows.toLocaleString('en')} rows of red_server_1m in ${seconds(t0)} s`);
    t0 = performance.now();
    const spans = await storeWorkloadSpans(storage, {
      total: spanTarget,
      nowMs,
      spreadMs: DAY,
      services,
      // The rollups' service names, so a service's spans, rollups and metrics meet.
      renameResources: (data) =>
        data.resourceSpans.forEach((rs, i) => {
          rs.resource.attributes['service.name'] = bulkServiceName(i);
          rs.resource.attributes['service.instance.id'] = `${bulkServiceName(i)}-0`;
        }),
    });
    console.log(`spans: ${spans.toLocaleString('en')} in ${seconds(t0)} s`);
    t0 = performance.now();
    await loadTheRest(storage);
    console.log(`client rollups, metrics, logs, events in ${seconds(t0)} s`);
    await delaySourceAB(storage);
  } finally {
    await storage.close();
  }

  const server = await startServerProcess({ dataDir, env: { APO_LOG_LEVEL: 'error' } });
  try {
    const api = apiClient(server.httpUrl);
    const procedures = {
      red: (i: Input) => api.services.red.query(i),
      redEndpoints: (i: Input) => api.services.redEndpoints.query(i),
      delaySource: (i: Input) => api.services.delaySource.query(i),
      calls: (i: Input) => api.services.calls.query({ ...i, compareWith: 'day' }),
      instances: (i: Input) => api.services.instances.query(i),
      errors: (i: Input) => api.services.errors.query(i),
      infrastructure: (i: Input) => api.services.infrastructure.query(i),
    };
    type Input = { service: string; from: number; to: number };
    const input = (n: number): Input => ({
      service: bulkServiceName(n % services),
      from: Date.now() - DAY,
      to: Date.now(),
    });
    for (let i = 0; i < 3; i++) for (const p of Object.values(procedures)) await p(input(i)); // warm-up
    const times = new Map<string, number[]>();
    for (let i = 0; i < calls; i++) {
      for (const [name, call] of Object.entries(procedures)) {
        const t0 = performance.now();
        await call(input(i + 7));
        times.set(name, [...(times.get(name) ?? []), performance.now() - t0]);
      }
      // The page: every panel's request at once.
      const t0 = performance.now();
      await Promise.all(Object.values(procedures).map((p) => p(input(i + 11))));
      times.set('whole page', [...(times.get('whole page') ?? []), performance.now() - t0]);
    }
    const sample = await api.services.delaySource.query(input(3));
    console.log(
      `service detail, 24 h, ${calls} services (${spanTarget.toLocaleString('en')} spans, ${services} services); ` +
        `delay source of one service read ${sample.endpoints.reduce((a, e) => a + e.sampledRequests, 0)} stored requests`,
    );
    for (const [name, ms] of times)
      console.log(
        `  ${name.padEnd(15)} p50 ${median(ms).toFixed(1)} ms, p95 ${percentile(ms, 95).toFixed(1)} ms`,
      );
    console.log(
      '  (target: p95 ≤ 100 ms per procedure; call time = server time + a loopback round trip + decode)',
    );
  } finally {
    await server.stop();
  }
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
