/**
 * The service page's paged lists on the real engine (chDB): instances, database / external calls and error
 * groups, each read a page at a time until `nextCursor` is null. The pages must add up to the whole list in
 * its order — no row twice, none missing — across ties of the sort key (equal counts), and each page's
 * size must be the limit until the last.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadRequestError } from '../src/features/domain-errors.ts';
import { serviceCalls } from '../src/features/services/service-calls.ts';
import { serviceErrors } from '../src/features/services/service-errors.ts';
import { serviceInstances } from '../src/features/services/service-instances.ts';
import { openStorage, type Storage } from '../src/storage/index.ts';
import { CapturingLog } from '../src/storage/storage-test-support.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
const START = Math.floor(Date.now() / MINUTE) * MINUTE - 60 * MINUTE;
const range = { service: 'wide', from: START, to: START + 10 * MINUTE };
const pad = (n: number) => String(n).padStart(2, '0');

/** 25 call keys in 5 tiers of equal counts (30, 25, …, 10 calls): ties for the key to order. */
const CALL_KEYS = 25;
const callCount = (k: number) => 30 - 5 * Math.floor(k / 5);
/** 23 instances with process metrics, one with only a restart, one with only error logs. */
const INSTANCES = 25;
/** 12 error groups: counts 3, 3, 3, 3, 2, … (ties), latest times paired (ties again). */
const GROUPS = 12;
const groupCount = (g: number) => 3 - Math.floor(g / 4);
const groupLastMs = (g: number) => START + 5 * MINUTE + Math.floor(g / 2) * 1000;

let dataDir: string;
let storage: Storage;

async function seed(s: Storage): Promise<void> {
  const db = s.database;
  const params = { start: START, day: DAY };
  // Now and a day earlier; a day earlier each key was called k + 1 times.
  await s.client.command({
    query: `INSERT INTO ${db}.red_client_1m (cluster, minute, service, instance, kind, error, call_type, peer, system,
              db_namespace, operation, target, role, count, error_count, duration_sum_ms, bucket_counts, flush_id)
      SELECT 'default', toDateTime(intDiv({start:Int64} - (number >= ${CALL_KEYS}) * {day:Int64}, 1000), 'UTC'),
             'wide', 'wide-00', 'client', false, 'db', 'db-primary:5432', 'postgresql', 'shop', 'SELECT',
             concat('table_', leftPad(toString(number % ${CALL_KEYS}), 2, '0')), '',
             if(number < ${CALL_KEYS}, 30 - 5 * intDiv(number, 5), number % ${CALL_KEYS} + 1), 0, 100,
             arrayMap(i -> 0, range(16)), 1
      FROM numbers(${2 * CALL_KEYS})`,
    query_params: params,
  });
  await s.client.command({
    query: `INSERT INTO ${db}.metrics (cluster, service, instance, name, metric_type, temporality, is_monotonic, ts,
              start_ts, labels, resource_attributes, value)
      SELECT 'default', 'wide', concat('wide-', leftPad(toString(intDiv(number, 2)), 2, '0')), 'process.cpu.time', 'sum',
             2, 1, fromUnixTimestamp64Milli(toInt64({start:Int64} + (number % 2) * 60000)),
             fromUnixTimestamp64Milli(toInt64({start:Int64})), map(), map('host.name', 'node-a'), (number % 2) * 6
      FROM numbers(${2 * (INSTANCES - 2)})`,
    query_params: params,
  });
  await s.client.command({
    query: `INSERT INTO ${db}.events (cluster, ts, service, instance, name, severity_number, body)
      VALUES ('default', fromUnixTimestamp64Milli(toInt64({start:Int64} + 60000)), 'wide', 'wide-23',
              'process.restart', 9, 'restarted')`,
    query_params: params,
  });
  await s.client.command({
    query: `INSERT INTO ${db}.logs (cluster, ts, service, instance, severity_number, severity_text, body)
      VALUES ('default', fromUnixTimestamp64Milli(toInt64({start:Int64} + 60000)), 'wide', 'wide-24', 17, 'ERROR',
              'failed')`,
    query_params: params,
  });
  // Error spans: group g has groupCount(g) spans, the newest at groupLastMs(g).
  const spans: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    for (let i = 0; i < groupCount(g); i++) {
      const ts = groupLastMs(g) - i * 10_000;
      const id = `${pad(g)}${pad(i)}`.padStart(32, '0');
      spans.push(
        `('default', 'wide', 'wide-00', fromUnixTimestamp64Milli(${ts}), 1000, '${id}', '${id.slice(16)}', 'POST /pay', 2, 2,
          '', [fromUnixTimestamp64Milli(${ts})], ['exception'],
          [map('exception.type', 'Error${g % 3}', 'exception.message', 'failure ${pad(g)}')])`,
      );
    }
  }
  await s.client.command({
    query: `INSERT INTO ${db}.spans (cluster, service, instance, ts, duration_ns, trace_id, span_id, name, kind, status_code,
              status_message, event_ts, event_names, event_attributes) VALUES ${spans.join(',\n')}`,
  });
}

/** Every page of a paged read, from the first to the one without a next cursor. */
async function allPages<T>(
  read: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    pages.push(page.items);
    cursor = page.nextCursor ?? undefined;
    if (pages.length > 100) throw new Error('paging does not end');
  } while (cursor !== undefined);
  return pages;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'apo-service-paging-'));
  storage = await openStorage({ engine: 'embedded', dataDir }, new CapturingLog());
  await seed(storage);
}, 120_000);
afterAll(async () => {
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('paged service lists (real engine)', () => {
  it('instances: pages of 10 by name, 10 + 10 + 5, every instance once', async () => {
    const pages = await allPages(async (cursor) => {
      const r = await serviceInstances(storage, { ...range, cursor, limit: 10 });
      return { items: r.instances, nextCursor: r.nextCursor };
    });
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    const names = pages.flat().map((i) => i.instance);
    expect(names).toEqual(Array.from({ length: INSTANCES }, (_, i) => `wide-${pad(i)}`));
    // Each page's figures are its own instances' (not the first page's).
    const byName = new Map(pages.flat().map((i) => [i.instance, i]));
    expect(byName.get('wide-15')?.cpuCores).toBeCloseTo(0.1, 10);
    expect(byName.get('wide-23')).toMatchObject({ restarts: 1, errorLogs: 0, cpuCores: null });
    expect(byName.get('wide-24')).toMatchObject({ restarts: 0, errorLogs: 1, cpuCores: null });
    // The default page is the whole of this list, and the same rows.
    const first = await serviceInstances(storage, range);
    expect(first.nextCursor).toBeNull();
    expect(first.instances).toEqual(pages.flat());
  });

  it('calls: pages of 7 busiest first, ties in key order, each with its own key a day earlier', async () => {
    const pages = await allPages(async (cursor) => {
      const r = await serviceCalls(storage, { ...range, compareWith: 'day', cursor, limit: 7 });
      return { items: r.calls, nextCursor: r.nextCursor };
    });
    expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 4]);
    const calls = pages.flat();
    expect(calls.map((c) => [c.target, c.now.calls])).toEqual(
      Array.from({ length: CALL_KEYS }, (_, k) => [`table_${pad(k)}`, callCount(k)]),
    );
    expect(calls.map((c) => c.before?.calls)).toEqual(Array.from({ length: CALL_KEYS }, (_, k) => k + 1));
    const whole = await serviceCalls(storage, { ...range, compareWith: 'day' });
    expect(whole.nextCursor).toBeNull();
    expect(whole.calls).toEqual(calls);
  });

  it('error groups: pages of 5 by count, then latest, then type and message', async () => {
    const pages = await allPages(async (cursor) => {
      const r = await serviceErrors(storage, { ...range, cursor, limit: 5 });
      // Log errors per instance ride on the first page only.
      expect(r.logErrors).toEqual(cursor === undefined ? [{ instance: 'wide-24', count: 1 }] : []);
      return { items: r.groups, nextCursor: r.nextCursor };
    });
    expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
    const expected = Array.from({ length: GROUPS }, (_, g) => ({
      exceptionType: `Error${g % 3}`,
      message: `failure ${pad(g)}`,
      count: groupCount(g),
      lastSeenMs: groupLastMs(g),
    })).sort(
      (a, b) =>
        b.count - a.count ||
        b.lastSeenMs - a.lastSeenMs ||
        a.exceptionType.localeCompare(b.exceptionType) ||
        a.message.localeCompare(b.message),
    );
    expect(
      pages.flat().map((g) => ({
        exceptionType: g.exceptionType,
        message: g.message,
        count: g.count,
        lastSeenMs: g.lastSeenMs,
      })),
    ).toEqual(expected);
    expect(new Set(pages.flat().map((g) => g.message)).size).toBe(GROUPS);
  });

  it('a cursor that was not handed out is a clear 400, never SQL', async () => {
    await expect(serviceInstances(storage, { ...range, cursor: 'bogus' })).rejects.toThrow(BadRequestError);
    await expect(serviceCalls(storage, { ...range, compareWith: 'day', cursor: 'WyIxIl0' })).rejects.toThrow(
      /invalid cursor: pass back the nextCursor of a previous page unchanged/,
    );
    await expect(serviceErrors(storage, { ...range, cursor: 'WyJ4IiwiMSIsImEiLCJiIl0' })).rejects.toThrow(
      BadRequestError,
    );
  });
});
