/**
 * The README's run command, as a user runs it: `node stack/main.ts` starts the server (embedded storage), the
 * proxy, the agent and the demo shop with its traffic. Soon after "APO is running" the shop's traces
 * (three services deep and more), RED, DB-call metrics, process metrics and logs are queryable, every record
 * carrying the proxy's cluster id. On a quiet machine that is within 30 s; the tests wait on the conditions
 * with a budget four times that, so a busy machine (docs/testing.md) passes too — how fast is measured by
 * bench/stack-footprint.bench.ts (its first figure), not here.
 */
import { chromium } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type ApiClient } from '../../apps/server/test/support/api-client.ts';
import { eventually } from './support/agent-process.ts';
import { startLocalStack, type LocalStack } from './support/local-stack.ts';

const WITHIN_MS = 120_000;
/** A test's own timeout: the budget left when it starts, plus its reads after the wait. */
const TEST_TIMEOUT_MS = WITHIN_MS + 60_000;
// Debian's Chromium (scripts/system-packages.sh), as the E2E tests use it.
const CHROMIUM = '/usr/bin/chromium';

describe(
  'the local stack (`pnpm start`: server, proxy, agent, demo shop as real processes)',
  { timeout: TEST_TIMEOUT_MS },
  () => {
    let stack: LocalStack;
    let api: ApiClient;
    let from = 0;
    let readyAt = 0;
    const window = () => ({ from, to: Date.now() + 60_000, cluster: 'local' });
    /** What is left of the budget, counted from the moment the stack said it was running. */
    const remaining = () => Math.max(1_000, readyAt + WITHIN_MS - Date.now());

    beforeAll(async () => {
      from = Date.now() - 60_000;
      stack = await startLocalStack();
      readyAt = Date.now();
      api = apiClient(stack.serverUrl);
    }, 180_000);
    afterAll(async () => {
      await stack.dispose();
    });

    it('prints the console URL first, and what runs where', () => {
      const out = stack.output();
      // No Electron binary here (pnpm skips its download): the URL, for a browser, is the very first line.
      expect(out.split('\n')[0]).toBe(
        `APO console: ${stack.serverUrl}/   (open it in a browser once the stack runs)`,
      );
      expect(out).toMatch(new RegExp(`^  console +${stack.serverUrl}/$`, 'm'));
      for (const part of ['server', 'proxy', 'agent', 'demo'])
        expect(out).toMatch(new RegExp(`^  ${part} \\(pid \\d+\\)`, 'm'));
      expect(out).toContain(stack.serverUrl);
      expect(out).toContain(stack.agentUrl);
      expect(out).toContain(stack.shopUrl);
    });

    it('serves the web console at that URL', async () => {
      const res = await fetch(`${stack.serverUrl}/`, { headers: { accept: 'text/html' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await res.text()).toContain('<div id="root">');
    });

    it('stores the shop’s traces, at least three services deep, through the proxy', async () => {
      const trace = await eventually(
        async () => {
          const page = await api.traces.search.query({ ...window(), service: 'payments', limit: 20 });
          for (const item of page.items) {
            const t = await api.traces.byId.query({ traceId: item.traceId, cluster: 'local' });
            const services = new Set(t.spans.map((s) => s.service));
            if (services.has('gateway') && services.has('orders') && services.has('payments')) return t;
          }
          return undefined;
        },
        remaining(),
        'a checkout trace crossing gateway → orders → payments',
      );
      // The chain is parent → child across the three services, not three unrelated spans.
      const byId = new Map(trace.spans.map((s) => [s.spanId, s]));
      const depthOf = (spanId: string): number => {
        const services = new Set<string>();
        for (let s = byId.get(spanId); s; s = byId.get(s.parentSpanId)) services.add(s.service);
        return services.size;
      };
      expect(Math.max(...trace.spans.map((s) => depthOf(s.spanId)))).toBeGreaterThanOrEqual(3);
    });

    it('answers RED and DB-call metrics for the shop’s services', async () => {
      await eventually(
        async () => {
          const points = await api.services.red.query({ ...window(), service: 'gateway', step: 60 });
          return points.reduce((n, p) => n + p.count, 0) > 0 ? points : undefined;
        },
        remaining(),
        'RED of the gateway',
      );
      const calls = await eventually(
        async () => {
          const c = await api.services.redCalls.query({ ...window(), service: 'catalog' });
          return c.some((call) => call.callType === 'db') ? c : undefined;
        },
        remaining(),
        'DB-call metrics of the catalog service',
      );
      expect(calls.find((c) => c.callType === 'db')?.system).toMatch(/^(sqlite|postgresql)$/);
    });

    it('has process metrics and logs with trace ids for the shop’s services', async () => {
      await eventually(
        async () => {
          const points = await api.metrics.points.query({
            ...window(),
            name: 'process.cpu.time',
            service: 'orders',
          });
          return points.length > 0 ? points : undefined;
        },
        remaining(),
        'process metrics of the orders service',
      );
      const logs = await eventually(
        async () => {
          const page = await api.logs.search.query({ ...window(), service: 'orders', limit: 50 });
          const traced = page.items.filter((l) => /^[0-9a-f]{32}$/.test(l.traceId));
          return traced.length > 0 ? traced : undefined;
        },
        remaining(),
        'logs of the orders service with trace ids',
      );
      expect(logs.every((l) => l.service === 'orders')).toBe(true);
    });

    it('computes the gateway’s downstream topology: the shop’s services it calls and their SQLite calls (API-level smoke test)', async () => {
      // The job computes a window two minutes after it ends; the admin's recompute does it now (idempotent).
      const neighboursOf = async (service: string) => {
        const to = Date.now();
        await api.topology.recompute.mutate({ from: to - 5 * 60_000, to });
        return api.topology.neighbours.query({ ...window(), service });
      };
      let last = '';
      const gateway = await eventually(
        async () => {
          const n = await neighboursOf('gateway');
          last = JSON.stringify(n.downstream.map((d) => [d.node.kind, d.node.name, d.edge.now.calls]));
          const calls = new Map(n.downstream.map((d) => [`${d.node.kind}:${d.node.name}`, d.edge.now.calls]));
          // Structure from the stored spans, figures from the rollups the agent flushes every 10 s.
          return ['service:orders', 'service:catalog', 'service:inventory'].every(
            (s) => (calls.get(s) ?? 0) > 0,
          )
            ? n
            : undefined;
        },
        Math.max(remaining(), 60_000),
        'the gateway’s downstream with calls: orders, catalog, inventory',
      ).catch((err: unknown) => {
        throw new Error(`last seen downstream of the gateway: ${last}`, { cause: err });
      });
      // Its own SQLite calls, if any, are database neighbours with the rollups' system.
      for (const d of gateway.downstream.filter((n) => n.node.kind === 'database'))
        expect(d.node.system).toMatch(/^(sqlite|postgresql)$/);
      const catalog = await neighboursOf('catalog');
      expect(catalog.upstream.map((u) => u.node.name)).toContain('gateway');
      expect(
        catalog.downstream.filter((d) => d.node.kind === 'database').map((d) => d.node.system),
      ).toContain('sqlite');
    });

    it('lists the proxy’s cluster', async () => {
      const clusters = await eventually(
        async () => {
          const list = await api.clusters.list.query({ from, to: Date.now() + 60_000 });
          return list.some((c) => c.cluster === 'local') ? list : undefined;
        },
        remaining(),
        'the "local" cluster in clusters.list',
      );
      expect(clusters.find((c) => c.cluster === 'local')?.services).toBeGreaterThanOrEqual(5);
    });

    it('shows the demo shop’s services on the console’s overview, in Chromium (the smoke test of the live stack)', async () => {
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      });
      try {
        const page = await browser.newPage();
        // Loopback with auth off: the console runs as the local admin, no sign-in.
        await page.goto(`${stack.serverUrl}/`);
        await page.getByText('Local mode').waitFor({ timeout: 30_000 });
        const names = page
          .getByRole('table', { name: 'Services' })
          .locator('tbody > tr.data-row .service-link');
        // The overview reads the RED rollups the agent flushes every 10 s, so the first rows may take a refresh.
        await expect
          .poll(
            async () => {
              const found = await names.allTextContents();
              if (found.length === 0) await page.reload();
              return found.sort();
            },
            { timeout: remaining() + 30_000, interval: 2_000 },
          )
          .toEqual(expect.arrayContaining(['catalog', 'gateway', 'orders', 'payments']));
      } finally {
        await browser.close();
      }
    });
  },
);
