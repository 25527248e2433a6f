/**
 * The RED rollup tables against the real embedded engine: rows written through the table definitions
 * read back exactly, and rows of a flush that never reached the ledger are removed at start-up like spans.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpanKind, StatusCode } from '@apo/shared/model';
import { createRedAggregator, redRollupRows } from '@apo/shared/red';
import type { AnyValue, Attributes, Span } from '@apo/shared/model';
import type { RedRollupRows } from '@apo/shared/red';
import { removeInterruptedFlushes } from '../ingest/batch-ledger.ts';
import { dataTables } from '../ingest/data-tables.ts';
import { openStorage } from './open-storage.ts';
import type { Storage } from './open-storage.ts';
import { RowBinaryWriter } from './row-binary-writer.ts';
import { appendLedgerRows } from './rows/ledger.ts';
import { appendRedClientRows, appendRedServerRows } from './rows/red.ts';
import { CapturingLog, selectRows } from './storage-test-support.ts';

let dataDir: string;
let storage: Storage;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'apo-red-test-'));
  storage = await openStorage({ engine: 'embedded', dataDir }, new CapturingLog());
});
afterAll(async () => {
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
});

const MS = 1_000_000n;
const MINUTE_MS = 60_000;
/** A minute start within the retention, so nothing here is outside the TTL. */
const MINUTE = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - 10 * MINUTE_MS;

function attrs(entries: Record<string, AnyValue>): Attributes {
  return Object.assign(Object.create(null) as Attributes, entries);
}

function span(kind: number, durationMs: number, a: Record<string, AnyValue>, error = false): Span {
  const end = BigInt(MINUTE + 30_000) * MS;
  return {
    traceId: 'ab'.repeat(16),
    spanId: 'cd'.repeat(8),
    traceState: '',
    parentSpanId: kind === SpanKind.Server ? '' : 'ef'.repeat(8),
    flags: 1,
    name: 'op',
    kind: kind as Span['kind'],
    startTimeUnixNano: end - BigInt(durationMs) * MS,
    endTimeUnixNano: end,
    attributes: attrs(a),
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: error ? StatusCode.Error : StatusCode.Unset, message: '' },
  };
}

/** Rollup rows of a few known spans: two endpoints, one database call, one error. */
function knownRollups(service: string): RedRollupRows {
  const aggregator = createRedAggregator({ startTimeUnixNano: BigInt(MINUTE) * MS });
  const http = { 'http.request.method': 'GET', 'http.route': '/orders/{id}' };
  const db = {
    'db.system.name': 'postgresql',
    'db.namespace': 'shop',
    'db.query.text': 'SELECT * FROM orders WHERE id = $1',
    'server.address': 'db',
    'server.port': 5432n,
  };
  aggregator.add([
    {
      resource: {
        attributes: attrs({ 'service.name': service, 'service.instance.id': 'i-1' }),
        droppedAttributesCount: 0,
      },
      schemaUrl: '',
      scopeSpans: [
        {
          scope: { name: 's', version: '', attributes: attrs({}), droppedAttributesCount: 0 },
          schemaUrl: '',
          spans: [
            span(SpanKind.Server, 12, http),
            span(SpanKind.Server, 700, http, true),
            span(SpanKind.Server, 3, { 'http.request.method': 'POST', 'http.route': '/cart' }),
            span(SpanKind.Client, 4, db),
          ],
        },
      ],
    },
  ]);
  const metrics = aggregator.flush(BigInt(MINUTE + MINUTE_MS) * MS);
  if (metrics === null) throw new Error('no metrics');
  return redRollupRows(metrics, 'c1');
}

async function insert(rollups: RedRollupRows, flushId: bigint): Promise<void> {
  const server = new RowBinaryWriter();
  const n = appendRedServerRows(server, rollups.server, flushId);
  await storage.insertRowBinary(storage.tables.red_server_1m, server.bytes(), n);
  const client = new RowBinaryWriter();
  const m = appendRedClientRows(client, rollups.client, flushId);
  await storage.insertRowBinary(storage.tables.red_client_1m, client.bytes(), m);
}

const byKey = <T extends { endpoint?: string; error: boolean }>(rows: T[]) =>
  [...rows].sort((a, b) => `${a.endpoint}${a.error}`.localeCompare(`${b.endpoint}${b.error}`));

describe('RED rollup tables', () => {
  it('store every field of the rollup rows as written', async () => {
    const rollups = knownRollups('round-trip');
    expect(rollups.server).toHaveLength(3);
    expect(rollups.client).toHaveLength(1);
    await insert(rollups, 7n);
    const server = await selectRows<Record<string, unknown>>(
      storage,
      `SELECT cluster, toUnixTimestamp(minute) * 1000 AS minuteMs, service, endpoint, instance, kind, error,
              count, error_count, duration_sum_ms, bucket_counts, flush_id
       FROM apo.red_server_1m WHERE service = 'round-trip'`,
    );
    expect(byKey(server as { endpoint: string; error: boolean }[])).toEqual(
      byKey(rollups.server).map((r) => ({
        cluster: 'c1',
        minuteMs: String(MINUTE),
        service: 'round-trip',
        endpoint: r.endpoint,
        instance: 'i-1',
        kind: 'server',
        error: r.error,
        count: String(r.count),
        error_count: String(r.errorCount),
        duration_sum_ms: r.durationSumMs,
        bucket_counts: r.bucketCounts.map(String),
        flush_id: '7',
      })),
    );
    const [client] = await selectRows<Record<string, unknown>>(
      storage,
      `SELECT call_type, peer, system, db_namespace, operation, target, role, kind, error, count, bucket_counts
       FROM apo.red_client_1m WHERE service = 'round-trip'`,
    );
    expect(client).toEqual({
      call_type: 'db',
      peer: 'db:5432',
      system: 'postgresql',
      db_namespace: 'shop',
      operation: 'SELECT',
      target: 'orders',
      role: '',
      kind: 'client',
      error: false,
      count: '1',
      // 4 ms: the ≤ 5 ms bucket.
      bucket_counts: ['0', '0', '1', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0'],
    });
  });

  it('lose the rows of a flush interrupted before its ledger row, at start-up, and keep the others', async () => {
    const stored = BigInt(Date.now()) * 1000n;
    const interrupted = stored + 1n;
    await insert(knownRollups('kept'), stored);
    const ledger = new RowBinaryWriter();
    const n = appendLedgerRows(ledger, stored, Date.now(), [
      { batchId: '', cluster: '', signal: '', digest: '' },
    ]);
    await storage.insertRowBinary(storage.tables.ingest_ledger, ledger.bytes(), n);
    await insert(knownRollups('interrupted'), interrupted);

    await removeInterruptedFlushes(storage, dataTables, 3_600_000, pino({ level: 'silent' }));
    for (const table of ['red_server_1m', 'red_client_1m']) {
      const rows = await selectRows<{ service: string; n: string }>(
        storage,
        `SELECT service, count() AS n FROM apo.${table} WHERE service IN ('kept', 'interrupted') GROUP BY service`,
      );
      expect(rows, table).toEqual([{ service: 'kept', n: table === 'red_server_1m' ? '3' : '1' }]);
    }
  });
});
