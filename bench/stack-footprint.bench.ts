/**
 * Footprint of the whole local stack (`pnpm start`: server with embedded storage, proxy, agent, the demo shop
 * under its default traffic): resident memory and CPU share per component, APO's processes and the shop's
 * apart. These are the footprint figures of the README. First, how long after "APO is running" the first
 * checkout trace (gateway → orders → payments) is stored and readable (the README's "within about 30 s").
 *
 *   node bench/stack-footprint.bench.ts [--warmup 60] [--seconds 120] [--no-demo]
 */
import { parseArgs } from 'node:util';
import { apiClient } from '../apps/server/test/support/api-client.ts';
import { startLocalStack } from '../tests/stack/support/local-stack.ts';
import { median } from './support/process-cpu.ts';
import { sampleGroups, type GroupSample, type TreeProcess } from './support/process-tree.ts';

const { values: args } = parseArgs({
  options: {
    warmup: { type: 'string', default: '60' },
    seconds: { type: 'string', default: '120' },
    'no-demo': { type: 'boolean', default: false },
  },
});
const warmupS = Number(args.warmup);
const seconds = Number(args.seconds);
const SAMPLE_EVERY_MS = 5_000;

/** Which component a process belongs to, from its command line. */
function componentOf(p: TreeProcess): string | undefined {
  const c = p.cmdline;
  if (c.includes('apps/server/')) return 'server';
  if (c.includes('apps/proxy/')) return 'proxy';
  if (c.includes('apps/agent/')) return 'agent';
  if (c.includes('demo-shop')) return 'shop';
  if (c.includes('stack/main.ts')) return 'launcher';
  return undefined;
}

const APO = ['server', 'proxy', 'agent'];
const from = Date.now() - 60_000;
const stack = await startLocalStack({ args: args['no-demo'] ? ['--no-demo'] : [] });
try {
  if (!args['no-demo']) {
    const readyAt = performance.now();
    const api = apiClient(stack.serverUrl);
    const crossesThree = async (traceId: string) => {
      const t = await api.traces.byId.query({ traceId, cluster: 'local' });
      const services = new Set(t.spans.map((s) => s.service));
      return services.has('gateway') && services.has('orders') && services.has('payments');
    };
    for (;;) {
      const page = await api.traces.search.query({
        from,
        to: Date.now() + 60_000,
        service: 'payments',
        limit: 20,
      });
      const found = await Promise.all(page.items.map((item) => crossesThree(item.traceId)));
      if (found.includes(true)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    console.log(
      `first checkout trace readable ${((performance.now() - readyAt) / 1000).toFixed(1)} s after "APO is running"`,
    );
  }
  console.log(`stack up; warming up ${warmupS} s, then measuring ${seconds} s…`);
  await new Promise((r) => setTimeout(r, warmupS * 1000));
  const root = stack.child.pid!;
  const first = sampleGroups(root, componentOf);
  const t0 = performance.now();
  const rss = new Map<string, number[]>();
  const pss = new Map<string, number[]>();
  while (performance.now() - t0 < seconds * 1000) {
    await new Promise((r) => setTimeout(r, SAMPLE_EVERY_MS));
    for (const [name, g] of sampleGroups(root, componentOf)) {
      rss.set(name, [...(rss.get(name) ?? []), g.rssBytes]);
      pss.set(name, [...(pss.get(name) ?? []), g.pssBytes]);
    }
  }
  const last = sampleGroups(root, componentOf);
  const wall = (performance.now() - t0) / 1000;

  const rows: { name: string; cpuPct: number; rssMb: number; pssMb: number; processes: number }[] = [];
  for (const [name, end] of last) {
    const start: GroupSample | undefined = first.get(name);
    rows.push({
      name,
      cpuPct: (100 * (end.cpuSeconds - (start?.cpuSeconds ?? 0))) / wall,
      rssMb: median(rss.get(name) ?? [end.rssBytes]) / 2 ** 20,
      pssMb: median(pss.get(name) ?? [end.pssBytes]) / 2 ** 20,
      processes: end.processes,
    });
  }
  const total = (names: string[]) => {
    const chosen = rows.filter((r) => names.includes(r.name));
    return {
      cpu: chosen.reduce((s, r) => s + r.cpuPct, 0),
      rss: chosen.reduce((s, r) => s + r.rssMb, 0),
      pss: chosen.reduce((s, r) => s + r.pssMb, 0),
    };
  };
  console.log(
    `\nLocal stack footprint (${seconds} s after ${warmupS} s warm-up; CPU in % of one core; RSS and PSS medians — PSS divides pages shared between processes, such as Node's code, among them)`,
  );
  for (const r of rows.sort((a, b) => a.name.localeCompare(b.name)))
    console.log(
      `  ${r.name.padEnd(9)} ${r.cpuPct.toFixed(1).padStart(6)} % CPU  ${r.rssMb.toFixed(0).padStart(6)} MB RSS  ${r.pssMb.toFixed(0).padStart(6)} MB PSS  (${r.processes} process${r.processes === 1 ? '' : 'es'})`,
    );
  const apo = total(APO);
  const shop = total(['shop']);
  console.log(
    `  APO total ${apo.cpu.toFixed(1).padStart(6)} % CPU  ${apo.rss.toFixed(0).padStart(6)} MB RSS  ${apo.pss.toFixed(0).padStart(6)} MB PSS`,
  );
  if (!args['no-demo'])
    console.log(
      `  shop      ${shop.cpu.toFixed(1).padStart(6)} % CPU  ${shop.rss.toFixed(0).padStart(6)} MB RSS  ${shop.pss.toFixed(0).padStart(6)} MB PSS`,
    );
  const traffic = await fetch(`${stack.serverUrl}/metrics`)
    .then((r) => r.text())
    .catch(() => '');
  const received = [...traffic.matchAll(/^apo_ingest_received_records_total\{signal="(\w+)"[^}]*\} (\d+)/gm)];
  const bySignal = received.map((m) => `${m[1]} ${m[2]}`).join(', ');
  if (bySignal) console.log(`  received by the server so far: ${bySignal}`);
} finally {
  await stack.dispose();
}
