import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { type ResourceMetrics } from '@apo/shared/model';
import { decodeMetricsProto, encodeMetricsProto } from '@apo/shared/otlp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricNamed, valueOf } from '../host/testing/metric-lookup.ts';
import { createPrometheusScraper, type ScrapeReport } from './prometheus-scraper.ts';

const PAGE = [
  '# HELP jobs_total Jobs run.',
  '# TYPE jobs_total counter',
  'jobs_total{queue="a"} 3',
  '# TYPE latency_seconds histogram',
  'latency_seconds_bucket{le="0.1"} 1',
  'latency_seconds_bucket{le="+Inf"} 2',
  'latency_seconds_sum 0.3',
  'latency_seconds_count 2',
  'broken{ 1',
  '',
].join('\n');

/** A real HTTP server on loopback whose routes play the targets' parts. */
let server: Server;
let base: string;
const seen: IncomingMessage[] = [];
const hanging: ServerResponse[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req);
    switch (req.url) {
      case '/metrics':
        res.writeHead(200, {
          'content-type': 'text/plain; version=0.0.4; charset=utf-8',
          'content-encoding': 'gzip',
        });
        res.end(gzipSync(PAGE));
        return;
      case '/openmetrics':
        res.writeHead(200, { 'content-type': 'application/openmetrics-text; version=1.0.0; charset=utf-8' });
        res.end(
          '# TYPE up_since counter\nup_since_total 4 1700000000.5\nup_since_created 1600000000\n# EOF\n',
        );
        return;
      case '/error':
        res.writeHead(500);
        res.end('boom');
        return;
      case '/huge':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`big_metric ${'1'.repeat(4096)}\n`);
        return;
      case '/hang':
        hanging.push(res); // never answers
        return;
      default:
        res.writeHead(404);
        res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const res of hanging) res.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const metricsOf = (rm: ResourceMetrics) => rm.scopeMetrics.flatMap((s) => s.metrics);

describe('Prometheus scraper against a loopback HTTP server', () => {
  it('scrapes a target into one resource with its metrics and its scrape health', async () => {
    const scraper = createPrometheusScraper([{ url: `${base}/metrics`, job: 'worker' }]);
    const [target] = await scraper.scrape();
    const port = Number(new URL(base).port);
    expect({ ...target!.resource.attributes }).toEqual({
      'service.name': 'worker',
      'service.instance.id': `127.0.0.1:${port}`,
      'server.address': '127.0.0.1',
      'server.port': BigInt(port),
      'url.scheme': 'http',
    });
    const metrics = metricsOf(target!);
    expect(valueOf(metrics, 'jobs_total', { queue: 'a' })).toBe(3);
    expect(metricNamed(metrics, 'latency_seconds').data.type).toBe('histogram');
    expect(valueOf(metrics, 'apo_scrape_up')).toBe(1);
    expect(valueOf(metrics, 'apo_scrape_samples_scraped')).toBe(5);
    expect(valueOf(metrics, 'apo_scrape_invalid_lines')).toBe(1);
    expect(valueOf(metrics, 'apo_scrape_duration_seconds')).toBeGreaterThan(0);
    const [report] = scraper.lastReports();
    expect(report).toMatchObject({
      up: true,
      samples: 5,
      invalidLines: 1,
      firstError: 'line 9: invalid label name at column 9',
    });
    const request = seen.find((r) => r.url === '/metrics')!;
    expect(request.headers.accept).toContain('text/plain;version=0.0.4');
    expect(request.headers['accept-encoding']).toBe('gzip');
    const decoded = decodeMetricsProto(encodeMetricsProto({ resourceMetrics: [target!] }));
    expect(decoded.ok).toBe(true);
  });

  it('parses OpenMetrics when the target answers with it', async () => {
    const [target] = await createPrometheusScraper([{ url: `${base}/openmetrics`, job: 'om' }]).scrape();
    const counter = metricNamed(metricsOf(target!), 'up_since_total');
    expect(counter.data).toMatchObject({
      type: 'sum',
      points: [{ value: 4, startTimeUnixNano: 1_600_000_000_000_000_000n }],
    });
  });

  it('reports a target that fails as down, with the reason, and never rejects', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const scraper = createPrometheusScraper(
      [
        { url: `${base}/error`, job: 'error' },
        { url: `http://127.0.0.1:${closedPort}/metrics`, job: 'refused' },
        { url: `${base}/huge`, job: 'huge' },
      ],
      { maxBodyBytes: 1024 },
    );
    // A short deadline only for the target that never answers, so a loaded machine cannot time out the others.
    const hanging = createPrometheusScraper([{ url: `${base}/hang`, job: 'hang' }], { timeoutSeconds: 0.5 });
    const results = [...(await scraper.scrape()), ...(await hanging.scrape())];
    for (const target of results) {
      const metrics = metricsOf(target);
      expect(valueOf(metrics, 'apo_scrape_up')).toBe(0);
      expect(metrics.map((m) => m.name)).toEqual([
        'apo_scrape_up',
        'apo_scrape_duration_seconds',
        'apo_scrape_samples_scraped',
        'apo_scrape_invalid_lines',
      ]);
    }
    const errors = [...scraper.lastReports(), ...hanging.lastReports()].map((r) => r?.firstError);
    expect(errors[0]).toBe('HTTP 500');
    expect(errors[1]).toContain('ECONNREFUSED');
    expect(errors[2]).toBe('body exceeds 1024 bytes');
    expect(errors[3]).toBe('timed out after 500 ms');
  });

  it('refuses a target configuration that cannot work', () => {
    expect(() => createPrometheusScraper([{ url: 'not a url', job: 'x' }])).toThrow(
      /invalid scrape target URL/,
    );
    expect(() => createPrometheusScraper([{ url: 'ftp://host/metrics', job: 'x' }])).toThrow(/not http/);
    expect(() => createPrometheusScraper([{ url: `${base}/metrics`, job: ' ' }])).toThrow(/no job name/);
  });

  it('scrapes on its interval until stopped', async () => {
    const scraper = createPrometheusScraper([{ url: `${base}/metrics`, job: 'loop', intervalSeconds: 0.3 }]);
    const reports: ScrapeReport[] = [];
    const loop = scraper.start((_, report) => reports.push(report));
    const deadline = Date.now() + 20_000;
    while (reports.length < 3 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await loop.stop();
    expect(reports.length).toBeGreaterThanOrEqual(3);
    expect(reports.some((r) => r.up)).toBe(true);
    const count = reports.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(reports.length).toBe(count);
  });
});
