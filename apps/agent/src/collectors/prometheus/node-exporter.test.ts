/**
 * The scraper against Debian's real node_exporter (`apt-get install prometheus-node-exporter`), run here as
 * a plain child process on a free loopback port with a few collectors — never as a system service — and
 * cross-checked with the agent's own host collector reading the same machine.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Metric } from '@apo/shared/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostCollector } from '../host/host-collector.ts';
import {
  attributeValues,
  metricNamed,
  numberPoints,
  pointWith,
  valueOf,
} from '../host/testing/metric-lookup.ts';
import { createPrometheusScraper, type PrometheusScraper } from './prometheus-scraper.ts';
import { freePort } from '@apo/otlp-transport/testing';

const BINARY = '/usr/bin/prometheus-node-exporter';

describe('Prometheus scraper against a real node_exporter', () => {
  let exporter: ChildProcess | undefined;
  let scraper: PrometheusScraper;
  let port = 0;
  let metrics: Metric[] = [];
  let stderr = '';

  beforeAll(async () => {
    // Never skipped: `pnpm test:all` installs it through scripts/system-packages.sh, or stops naming it.
    if (!existsSync(BINARY)) {
      throw new Error(`${BINARY} is not installed: run scripts/system-packages.sh (as root on Debian)`);
    }
    // A port found free can be taken before node_exporter binds it: try a few.
    for (let attempt = 0; attempt < 5 && metrics.length === 0; attempt++) {
      port = await freePort();
      const child = spawn(
        BINARY,
        [
          `--web.listen-address=127.0.0.1:${port}`,
          '--collector.disable-defaults',
          '--collector.cpu',
          '--collector.meminfo',
          '--collector.loadavg',
          '--collector.stat',
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      exporter = child;
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      scraper = createPrometheusScraper([{ url: `http://127.0.0.1:${port}/metrics`, job: 'node' }], {
        timeoutSeconds: 5,
      });
      const deadline = Date.now() + 20_000;
      while (child.exitCode === null && Date.now() < deadline) {
        const [target] = await scraper.scrape();
        const found = target!.scopeMetrics.flatMap((s) => s.metrics);
        if (valueOf(found, 'apo_scrape_up') === 1) {
          metrics = found;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      if (metrics.length === 0) child.kill();
    }
    if (metrics.length === 0) throw new Error(`node_exporter did not serve /metrics; stderr: ${stderr}`);
  });

  afterAll(() => {
    exporter?.kill();
  });

  it('reads the whole page without an invalid line, under the target resource', async () => {
    const [report] = scraper.lastReports();
    expect(report?.up).toBe(true);
    expect(report?.invalidLines).toBe(0);
    expect(report?.samples).toBeGreaterThan(20);
    const [target] = await scraper.scrape();
    expect(target!.resource.attributes['service.instance.id']).toBe(`127.0.0.1:${port}`);
    expect(target!.resource.attributes['service.name']).toBe('node');
  });

  it('maps counters, gauges and summaries to their OTLP kinds', () => {
    const cpu = metricNamed(metrics, 'node_cpu_seconds_total');
    expect(cpu.data).toMatchObject({ type: 'sum', isMonotonic: true, aggregationTemporality: 2 });
    expect(cpu.description).toBe('Seconds the CPUs spent in each mode.');
    expect(metricNamed(metrics, 'node_load1').data.type).toBe('gauge');
    expect(metricNamed(metrics, 'go_gc_duration_seconds').data.type).toBe('summary');
    // node_exporter's own counters start when its process started (process_start_time_seconds).
    const processStart = valueOf(metrics, 'process_start_time_seconds');
    const cpuSeconds = pointWith(metricNamed(metrics, 'process_cpu_seconds_total'));
    expect(cpuSeconds.startTimeUnixNano).toBe(BigInt(Math.round(processStart * 1000)) * 1_000_000n);
  });

  it("agrees with the agent's own host collector on names, labels and values of this machine", async () => {
    const host = createHostCollector();
    const ours = await host.collect();
    host.close();
    expect(valueOf(metrics, 'node_memory_MemTotal_bytes')).toBe(valueOf(ours, 'node_memory_MemTotal_bytes'));
    expect(valueOf(metrics, 'node_boot_time_seconds')).toBe(valueOf(ours, 'node_boot_time_seconds'));
    const theirCpu = metricNamed(metrics, 'node_cpu_seconds_total');
    const ourCpu = metricNamed(ours, 'node_cpu_seconds_total');
    const key = (p: { attributes: Record<string, unknown> }) =>
      `${String(p.attributes['cpu'])}/${String(p.attributes['mode'])}`;
    expect(numberPoints(ourCpu).map(key).sort()).toEqual(numberPoints(theirCpu).map(key).sort());
    expect(attributeValues(ourCpu, 'cpu')).toEqual(attributeValues(theirCpu, 'cpu'));
    // Scraped first, so our user seconds can only be equal or larger.
    const user = { cpu: '0', mode: 'user' };
    expect(valueOf(ours, 'node_cpu_seconds_total', user)).toBeGreaterThanOrEqual(
      valueOf(metrics, 'node_cpu_seconds_total', user),
    );
  });
});
