/**
 * The large world the read-path benchmarks of one service and of an investigation read
 * (service-detail.bench.ts, investigation.bench.ts), written straight through the storage layer:
 * - RED rollups of `services` × 20 endpoints per minute over `days` + 1 h (test/support/overview-seed.ts
 *   `seedBulkRedRollups`), client-call rollups of 6 keys per service (4 database, 2 HTTP to other services);
 * - `spans` spans of the standard workload (512-span requests: HTTP server spans with DB and HTTP client
 *   children, a few errors) over the last 24 h, their resources renamed to the rollups' services;
 * - process metrics of 2 instances per service and node_exporter metrics of 20 hosts every minute over 24 h,
 *   1 M logs at ERROR level one in five, and a restart per service.
 * Prints what it stored and how long each part took.
 */
import { bulkServiceName, seedBulkRedRollups } from '../../apps/server/test/support/overview-seed.ts';
import type { Storage } from '../../apps/server/src/storage/index.ts';
import { redBucketIndex } from '../../packages/shared/src/red/index.ts';
import { storeWorkloadSpans } from './stored-spans.ts';

export interface ServiceWorld {
  /** Stored spans (the standard workload, spread over the last 24 h). */
  spans: number;
  services: number;
  /** Days of RED rollups (the range and the days before it, for comparisons). */
  days: number;
  /** The world ends here: rollups to the end of its minute, spans, metrics and logs before it. */
  nowMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const HOSTS = 20;
const seconds = (t0: number): string => ((performance.now() - t0) / 1000).toFixed(0);

export async function seedServiceWorld(storage: Storage, world: ServiceWorld): Promise<void> {
  const { services, days, nowMs } = world;
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
    total: world.spans,
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
  await loadTheRest(storage, world);
  console.log(`client rollups, metrics, logs, events in ${seconds(t0)} s`);
}

/** Client-call rollups, process and host metrics, logs and events, generated inside the engine. */
async function loadTheRest(storage: Storage, { services, days, nowMs }: ServiceWorld): Promise<void> {
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
  await seedResourceMetrics(storage, { services, hosts: HOSTS, nowMs });
  await storage.client.command({
    query: `INSERT INTO ${db}.logs (cluster, ts, service, instance, severity_number, severity_text, body)
      SELECT 'default', fromUnixTimestamp64Milli(toInt64({now:Int64} - number * 86)),
             concat('svc-', leftPad(toString(number % {services:UInt32}), 3, '0')),
             concat('svc-', leftPad(toString(number % {services:UInt32}), 3, '0'), '-', toString(number % 2)),
             if(number % 5 = 0, 17, 9), if(number % 5 = 0, 'ERROR', 'INFO'), 'request handled'
      FROM numbers(1000000)`,
    query_params: params,
  });
}

/**
 * Every minute of the last 24 h: 6 process metrics × 2 instances per service (each on host `s % hosts`) and
 * 24 node_exporter series per host; and one restart per service. Also `service-hosts.bench.ts`'s data.
 */
export async function seedResourceMetrics(
  storage: Storage,
  { services, hosts, nowMs }: { services: number; hosts: number; nowMs: number },
): Promise<void> {
  const db = storage.database;
  const params = { now: Math.floor(nowMs / MINUTE) * MINUTE, services, hosts };
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
            FROM numbers(${1440 * hosts * 24}))`,
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

/**
 * What an investigation needs on top of the world: a degraded stretch to find. From `fromMs` to the
 * world's end, `service` gets 200 more requests a minute at 300 ms on one endpoint, and its database
 * calls 200 more a minute at 250 ms (a slow database: its latency rises from ~40 to ~100 ms a request).
 */
export async function degradeService(
  storage: Storage,
  stretch: { service: string; fromMs: number; toMs: number },
): Promise<void> {
  const db = storage.database;
  const params = {
    service: stretch.service,
    from: Math.floor(stretch.fromMs / MINUTE) * 60,
    minutes: Math.ceil((stretch.toMs - stretch.fromMs) / MINUTE),
    bucket: redBucketIndex(300e6),
    dbBucket: redBucketIndex(250e6),
  };
  await storage.client.command({
    query: `INSERT INTO ${db}.red_server_1m (cluster, minute, service, endpoint, instance, kind, error, count, error_count,
              duration_sum_ms, bucket_counts, flush_id)
      SELECT 'default', toDateTime({from:UInt32} + number * 60, 'UTC'), {service:String}, 'POST /api/v1/resource-0',
             concat({service:String}, '-0'), 'server', false, 200, 0, 200 * 300,
             arrayMap(i -> if(i = {bucket:UInt8}, 200, 0), range(16)), 2
      FROM numbers({minutes:UInt32})`,
    query_params: params,
  });
  await storage.client.command({
    query: `INSERT INTO ${db}.red_client_1m (cluster, minute, service, instance, kind, error, call_type, peer, system,
              db_namespace, operation, target, role, count, error_count, duration_sum_ms, bucket_counts, flush_id)
      SELECT 'default', toDateTime({from:UInt32} + number * 60, 'UTC'), {service:String}, concat({service:String}, '-0'),
             'client', false, 'db', 'db-primary:5432', 'postgresql', 'shop', 'SELECT', 'orders', '', 200, 0, 200 * 250,
             arrayMap(i -> if(i = {dbBucket:UInt8}, 200, 0), range(16)), 2
      FROM numbers({minutes:UInt32})`,
    query_params: params,
  });
}
