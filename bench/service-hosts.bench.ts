/**
 * `services.infrastructure` in process, A/B in one window, alternating rounds on the same data: its two
 * metrics reads as they were — the service's hosts and those hosts' series, each filtering on the
 * `host.name` resource attribute (a map lookup per row; for the series, over every host's points of the
 * day) — against the reads by `host_name`, the series from the `metrics_by_host` projection; then the
 * whole procedure: its four reads as they were, and `serviceInfrastructure` as it is now. Wall time and the process's
 * CPU time per call (chDB runs inside this process, so CPU time is the engine's work and is less bent by a
 * busy machine than wall time); the load average is printed with each figure. Also the projection's size.
 *
 * Data: the service detail bench's metrics (bench/service-detail.bench.ts): 6 process metrics × 2 instances
 * × 200 services and 24 node_exporter series × 20 hosts, every minute over 24 h (4.1 M points), and a restart
 * per service.
 *
 *   node bench/service-hosts.bench.ts [--services 200] [--hosts 20] [--calls 30] [--rounds 3]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { hostSeries, hostsOfService } from '../apps/server/src/features/hosts/host-queries.ts';
import { kubernetesWarnings } from '../apps/server/src/features/events/event-queries.ts';
import { restartsByInstance } from '../apps/server/src/features/instances/instance-queries.ts';
import { PROCESS_METRICS } from '../apps/server/src/features/services/service-instances.ts';
import { HOST_METRICS } from '../apps/server/src/features/services/host-figures.ts';
import { serviceInfrastructure } from '../apps/server/src/features/services/service-infrastructure.ts';
import { openStorage } from '../apps/server/src/storage/index.ts';
import type { Storage } from '../apps/server/src/storage/index.ts';
import { median, percentile } from './support/process-cpu.ts';
import { seedResourceMetrics } from './workload/service-world.ts';

const { values: args } = parseArgs({
  options: {
    services: { type: 'string', default: '200' },
    hosts: { type: 'string', default: '20' },
    calls: { type: 'string', default: '30' },
    rounds: { type: 'string', default: '3' },
  },
});
const services = Number(args.services);
const hosts = Number(args.hosts);
const calls = Number(args.calls);
const rounds = Number(args.rounds);
const quiet = {
  info: () => undefined,
  warn: () => undefined,
  error: (...a: unknown[]) => console.error(...a),
};
const MINUTE = 60_000;
const DAY = 1440 * MINUTE;

/** The hosts read before `host_name` and the projection (host-queries.ts at a194be1), as SQL. */
function oldHostSeries(storage: Storage, input: { from: number; to: number; hosts: string[] }) {
  return storage.client
    .query({
      query: `SELECT resource_attributes['host.name'] AS host_name, name, toString(labels) AS series,
          any(labels['mode']) AS label_mode, any(labels['device']) AS label_device, any(labels['mountpoint']) AS label_mount,
          argMin(value, ts) AS first_value, argMax(value, ts) AS last_value,
          toInt64(toUnixTimestamp64Milli(min(ts))) AS first_ms, toInt64(toUnixTimestamp64Milli(max(ts))) AS last_ms
        FROM ${storage.database}.metrics
        WHERE name IN {names:Array(String)} AND resource_attributes['host.name'] IN {hosts:Array(String)}
          AND ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64})
        GROUP BY host_name, name, series LIMIT 20000
        SETTINGS optimize_use_projections = 0`,
      query_params: { ...input, names: Object.values(HOST_METRICS) },
      format: 'JSONEachRow',
    })
    .then((r) => r.json<Record<string, unknown>>());
}

/** Which hosts a service runs on, before `host_name`: the map lookup in the filter and the grouping. */
function oldHostsOfService(storage: Storage, input: { service: string; from: number; to: number }) {
  return storage.client
    .query({
      query: `SELECT resource_attributes['host.name'] AS host_name,
          countIf(resource_attributes['k8s.pod.name'] != '') AS pods
        FROM ${storage.database}.metrics
        WHERE name IN {names:Array(String)} AND service = {service:String}
          AND ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64})
          AND resource_attributes['host.name'] != ''
        GROUP BY host_name ORDER BY host_name LIMIT 50`,
      query_params: { ...input, names: Object.values(PROCESS_METRICS) },
      format: 'JSONEachRow',
    })
    .then((r) => r.json<Record<string, unknown>>());
}

const dataDir = await mkdtemp(join(tmpdir(), 'apo-service-hosts-bench-'));
try {
  const storage = await openStorage({ engine: 'embedded', dataDir }, quiet);
  try {
    const nowMs = Date.now();
    const t0 = performance.now();
    await seedResourceMetrics(storage, { services, hosts, nowMs });
    console.log(`seeded in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    const service = (n: number) => `svc-${String(n % services).padStart(3, '0')}`;
    const input = (n: number) => ({ service: service(n), from: nowMs - DAY, to: nowMs + MINUTE });
    const hostsOf = (n: number) => [`host-${(n % services) % hosts}`];
    const measure = async (label: string, call: (n: number) => Promise<unknown>) => {
      for (let i = 0; i < 3; i++) await call(i); // warm-up
      const wall: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < calls; i++) {
        const c = process.cpuUsage();
        const t = performance.now();
        await call(i + 7);
        wall.push(performance.now() - t);
        const d = process.cpuUsage(c);
        cpu.push((d.user + d.system) / 1000);
      }
      console.log(
        `  ${label.padEnd(38)} wall p50 ${median(wall).toFixed(1)} / p95 ${percentile(wall, 95).toFixed(1)} ms, ` +
          `CPU p50 ${median(cpu).toFixed(1)} / p95 ${percentile(cpu, 95).toFixed(1)} ms (load ${(loadavg()[0] ?? 0).toFixed(1)})`,
      );
    };
    // Same answers first: the new read is the old one, by another path.
    const norm = (rows: unknown[]) => JSON.stringify(rows.map((r) => JSON.stringify(r)).sort());
    const oldRows = await oldHostSeries(storage, { ...input(1), hosts: hostsOf(1) });
    const newRows = await hostSeries(storage, {
      ...input(1),
      hosts: hostsOf(1),
      names: Object.values(HOST_METRICS),
    });
    const pick = (r: Record<string, unknown>) => [
      r.host_name,
      r.name,
      r.series,
      Number(r.first_value),
      Number(r.last_value),
    ];
    if (norm(oldRows.map(pick)) !== norm(newRows.map((r) => pick(r))))
      throw new Error('the new hosts read answers differently from the old one');
    console.log(
      `24 h, ${calls} services per figure, ${rounds} alternating rounds; ${newRows.length} series per host read`,
    );
    for (let round = 1; round <= rounds; round++) {
      console.log(`round ${round}`);
      await measure('A hosts of the service, by map (before)', (n) => oldHostsOfService(storage, input(n)));
      await measure('B hosts of the service, by host_name (now)', (n) =>
        hostsOfService(storage, { ...input(n), names: Object.values(PROCESS_METRICS) }),
      );
      await measure('A host series, by map (before)', (n) =>
        oldHostSeries(storage, { ...input(n), hosts: hostsOf(n) }),
      );
      await measure('B host series, by host_name (now)', (n) =>
        hostSeries(storage, { ...input(n), hosts: hostsOf(n), names: Object.values(HOST_METRICS) }),
      );
      await measure('A services.infrastructure (before: its 4 reads)', async (n) => {
        const found = await oldHostsOfService(storage, input(n));
        await oldHostSeries(storage, { ...input(n), hosts: found.map((h) => String(h.host_name)) });
        await restartsByInstance(storage, { ...input(n), eventName: 'process.restart' });
        await kubernetesWarnings(storage, { ...input(n), eventName: 'k8s.event' });
      });
      await measure('B services.infrastructure (now)', (n) => serviceInfrastructure(storage, input(n)));
    }
    console.log('the two other queries of services.infrastructure (unchanged)');
    await measure('restarts per instance (events)', (n) =>
      restartsByInstance(storage, { ...input(n), eventName: 'process.restart' }),
    );
    await measure('Kubernetes warnings (events)', (n) =>
      kubernetesWarnings(storage, { ...input(n), eventName: 'k8s.event' }),
    );
    const sizes = await (
      await storage.client.query({
        query: `SELECT 'table' AS what, sum(data_compressed_bytes) AS bytes, sum(rows) AS n FROM system.parts
                  WHERE database = '${storage.database}' AND table = 'metrics' AND active
                UNION ALL SELECT 'projection', sum(data_compressed_bytes), sum(rows) FROM system.projection_parts
                  WHERE database = '${storage.database}' AND table = 'metrics' AND active`,
        format: 'JSONEachRow',
      })
    ).json<{ what: string; bytes: string; n: string }>();
    for (const s of sizes)
      console.log(
        `  metrics ${s.what}: ${(Number(s.bytes) / 1e6).toFixed(1)} MB compressed, ${Number(s.n).toLocaleString('en')} rows`,
      );
  } finally {
    await storage.close();
  }
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
