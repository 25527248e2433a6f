import { openStorage } from '../src/storage/index.ts';
import { CapturingLog } from '../src/storage/storage-test-support.ts';
import { servicesOverview } from '../src/features/overview/services-overview.ts';
import { endpointsOverview } from '../src/features/overview/endpoints-overview.ts';
const storage = await openStorage({ engine: 'embedded', dataDir: process.argv[2]! }, new CapturingLog());
const med = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
for (const ms of [3600_000, 86400_000]) {
  const s = new Map<string, number[]>();
  for (let i = 0; i < 12; i++) {
    const timings: Record<string, number> = {};
    const t0 = performance.now();
    await servicesOverview(storage, { from: Date.now() - ms, to: Date.now(), compareWith: 'day' }, { timings });
    timings.total = performance.now() - t0;
    const e: Record<string, number> = {};
    await endpointsOverview(storage, { from: Date.now() - ms, to: Date.now(), compareWith: 'day', service: 'svc-000' }, { timings: e });
    timings.endpoints = e.red!;
    for (const [k, v] of Object.entries(timings)) s.set(k, [...(s.get(k) ?? []), v]);
  }
  console.log(ms, [...s].map(([k, v]) => `${k} ${med(v).toFixed(1)}`).join(', '));
}
await storage.close();
