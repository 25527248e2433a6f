/**
 * RED rollup rows of the requests of one flush, stored in that flush — and therefore exactly once, under the
 * same batch ledger entries as the requests' spans and metrics.
 *
 * - Metrics: the `apo.red.*.duration` points agents send become rollup rows per request (`fromMetrics`).
 * - Spans: resources without the `apo.red.computed` mark (an SDK or a Collector sending straight to the
 *   server) go through the aggregator the agent runs; marked ones were counted upstream and are skipped, by
 *   the aggregator itself and, when every resource is marked, before any work. Spans of all the requests
 *   of a flush are aggregated together (`addSpans`) and turned into rows once, when the flush starts
 *   (`drainSpans`): one set of histograms and rows per flush rather than per request, which is most of what
 *   the server-side RED would otherwise cost, and fewer rows to store.
 *
 * Spans count in the minute they ended, as an agent would have counted them (it aggregates as spans arrive,
 * seconds after they end): a Collector's retry queue or an SDK's backlog lands late without piling onto the
 * minute of its arrival. A span whose end lies in the future (clock skew), is unset, or is more than an hour
 * old counts in the minute of arrival instead: counted once, never lost, and a request cannot open more
 * than 61 minutes of aggregates.
 *
 * Rows whose minute lies outside [now − RED retention, now + 1 day] are dropped and counted: the TTL would
 * drop old ones at once anyway, and far-future ones would create partitions ahead (an agent with a clock
 * decades off could even exceed what a DateTime holds).
 */
import { createRedAggregator, redRollupRows, spanNeedsRed } from '@apo/shared/red';
import type { AnyValue, MetricsData, ResourceMetrics, ResourceSpans, Span } from '@apo/shared/model';
import type { RedAggregator, RedRollupRows } from '@apo/shared/red';

const MS_PER_MINUTE = 60_000;
const NS_PER_MINUTE = 60_000_000_000n;
const NS_PER_MS = 1_000_000n;
const MS_PER_DAY = 86_400_000;
/** How late a span may arrive and still count in the minute it ended. */
const MAX_LATENESS_MS = 3_600_000;
/** Idle aggregators kept for the next flush: their caches (SQL statement heads, peers) stay warm. */
const POOL_SIZE = 8;

export interface RedIngestRows extends RedRollupRows {
  /** Rollup rows dropped because their minute is outside the window (see above). */
  outOfRangeRows: number;
}

const NONE: RedIngestRows = Object.freeze({
  server: [],
  client: [],
  skippedPoints: 0,
  outOfRangeRows: 0,
});

/**
 * Aggregates are kept in shards by service, drained one shard at a time: turning thousands of series into
 * rows takes tens of milliseconds, and one shard's share of that fits in a turn of the event loop.
 */
const SHARDS = 8;

interface Shard {
  /** cluster → minute (since the epoch) → aggregator. */
  pending: Map<string, Map<number, RedAggregator>>;
  drainedAt: number;
}

/** A small, stable string hash (FNV-1a) to spread services over the shards. */
function shardOf(service: AnyValue | undefined): number {
  const text = typeof service === 'string' ? service : '';
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0) % SHARDS;
}

export class RedIngest {
  readonly #retentionMs: number;
  readonly #shards: Shard[];
  #next = 0;
  readonly #idle: RedAggregator[] = [];

  constructor(retentionDays: number, nowMs = Date.now()) {
    this.#retentionMs = retentionDays * MS_PER_DAY;
    this.#shards = Array.from({ length: SHARDS }, () => ({ pending: new Map(), drainedAt: nowMs }));
  }

  /**
   * Adds the spans nobody has aggregated yet to the pending flush's aggregates. Call it only once the
   * request's other rows are encoded: what is added cannot be taken back. (The aggregator only reads
   * decoded attributes and adds numbers; it has no failure mode on data the decoder accepted.)
   */
  addSpans(resourceSpans: readonly ResourceSpans[], cluster: string, nowMs: number): void {
    const unmarked = resourceSpans.filter((rs) => spanNeedsRed(rs.resource));
    if (unmarked.length === 0) return;
    const byShard = new Map<number, ResourceSpans[]>();
    for (const rs of unmarked) {
      const shard = shardOf(rs.resource.attributes['service.name']);
      const list = byShard.get(shard);
      if (list) list.push(rs);
      else byShard.set(shard, [rs]);
    }
    for (const [shard, group] of byShard) this.#add(this.#shards[shard]!.pending, group, cluster, nowMs);
  }

  #add(
    pending: Shard['pending'],
    resourceSpans: readonly ResourceSpans[],
    cluster: string,
    nowMs: number,
  ): void {
    let byMinute = pending.get(cluster);
    if (byMinute === undefined) {
      byMinute = new Map();
      pending.set(cluster, byMinute);
    }
    for (const [minute, group] of groupByMinute(resourceSpans, new MinuteClamp(nowMs))) {
      let aggregator = byMinute.get(minute);
      if (aggregator === undefined) {
        aggregator = this.#idle.pop() ?? createRedAggregator();
        byMinute.set(minute, aggregator);
      }
      aggregator.add(group);
    }
  }

  /** Spans were aggregated since the last drain. */
  get hasPending(): boolean {
    return this.#shards.some((s) => s.pending.size > 0);
  }

  /**
   * The rollup rows of every span added since the last drain, from every shard; the aggregates start afresh.
   */
  drainSpans(nowMs: number): RedIngestRows {
    return this.#merge(this.#shards.map((shard) => this.#drainShard(shard, nowMs)));
  }

  /**
   * The rows of the next shard whose aggregates are at least `intervalMs` old (none when no shard is due):
   * called once per flush, it spreads the work of one interval over several flushes.
   */
  drainDue(nowMs: number, intervalMs: number): RedIngestRows {
    for (let i = 0; i < SHARDS; i++) {
      const shard = this.#shards[this.#next]!;
      this.#next = (this.#next + 1) % SHARDS;
      if (shard.pending.size > 0 && nowMs - shard.drainedAt >= intervalMs)
        return this.#drainShard(shard, nowMs);
    }
    return NONE;
  }

  #merge(parts: RedIngestRows[]): RedIngestRows {
    const nonEmpty = parts.filter((p) => p !== NONE);
    if (nonEmpty.length === 0) return NONE;
    return {
      server: nonEmpty.flatMap((p) => p.server),
      client: nonEmpty.flatMap((p) => p.client),
      skippedPoints: nonEmpty.reduce((n, p) => n + p.skippedPoints, 0),
      outOfRangeRows: nonEmpty.reduce((n, p) => n + p.outOfRangeRows, 0),
    };
  }

  #drainShard(shard: Shard, nowMs: number): RedIngestRows {
    shard.drainedAt = nowMs;
    if (shard.pending.size === 0) return NONE;
    const pending = shard.pending;
    shard.pending = new Map();
    const server: RedIngestRows['server'] = [];
    const client: RedIngestRows['client'] = [];
    let skippedPoints = 0;
    for (const [cluster, byMinute] of pending) {
      const resourceMetrics: ResourceMetrics[] = [];
      for (const [minute, aggregator] of byMinute) {
        // The point's minute is that of the last instant of (start, time]: the minute's last nanosecond
        // keeps it in `minute` whatever start the aggregator's previous flush left behind.
        const metrics = aggregator.flush(BigInt(minute + 1) * NS_PER_MINUTE - 1n);
        if (metrics !== null) resourceMetrics.push(...metrics.resourceMetrics);
        if (this.#idle.length < POOL_SIZE) this.#idle.push(aggregator);
      }
      const rows = redRollupRows({ resourceMetrics }, cluster);
      server.push(...rows.server);
      client.push(...rows.client);
      skippedPoints += rows.skippedPoints;
    }
    return this.#inWindow({ server, client, skippedPoints }, nowMs);
  }

  /** RED rows of the RED metrics in a metrics request (the other metrics are not looked at). */
  fromMetrics(data: MetricsData, cluster: string, nowMs: number): RedIngestRows {
    const rows = redRollupRows(data, cluster);
    if (rows.server.length === 0 && rows.client.length === 0 && rows.skippedPoints === 0) return NONE;
    return this.#inWindow(rows, nowMs);
  }

  #inWindow(rows: RedRollupRows, nowMs: number): RedIngestRows {
    const oldest = nowMs - this.#retentionMs;
    const newest = nowMs + MS_PER_DAY;
    const fits = (r: { minuteMs: number }) => r.minuteMs >= oldest && r.minuteMs <= newest;
    let outOfRangeRows = 0;
    let { server, client } = rows;
    if (!server.every(fits)) {
      server = server.filter(fits);
      outOfRangeRows += rows.server.length - server.length;
    }
    if (!client.every(fits)) {
      client = client.filter(fits);
      outOfRangeRows += rows.client.length - client.length;
    }
    return { server, client, skippedPoints: rows.skippedPoints, outOfRangeRows };
  }
}

/** The minute (since the epoch) a span counts in: when it ended, or now when that is implausible. */
class MinuteClamp {
  readonly now: number;
  readonly #oldestNs: bigint;
  readonly #nowNs: bigint;
  /** The minute of the previous span and its bounds in ns: most spans of a request share one. */
  #minute: number;
  #lo: bigint;
  #hi: bigint;

  constructor(nowMs: number) {
    this.now = Math.floor(nowMs / MS_PER_MINUTE);
    this.#nowNs = BigInt(nowMs) * NS_PER_MS;
    this.#oldestNs = BigInt(Math.max(0, nowMs - MAX_LATENESS_MS)) * NS_PER_MS;
    this.#minute = this.now;
    this.#lo = BigInt(this.now) * NS_PER_MINUTE;
    this.#hi = this.#lo + NS_PER_MINUTE;
  }

  of(span: Span): number {
    const end = span.endTimeUnixNano;
    if (end >= this.#lo && end < this.#hi && end <= this.#nowNs) return this.#minute;
    if (end > this.#nowNs || end < this.#oldestNs) return this.now;
    const minute = end / NS_PER_MINUTE;
    this.#minute = Number(minute);
    this.#lo = minute * NS_PER_MINUTE;
    this.#hi = this.#lo + NS_PER_MINUTE;
    return this.#minute;
  }
}

/**
 * The resources split by the minute their spans count in. A request whose spans all share one minute (the
 * usual case) is passed on as it is; otherwise each minute gets shallow copies holding its spans only.
 */
function groupByMinute(
  resources: readonly ResourceSpans[],
  clamp: MinuteClamp,
): Map<number, readonly ResourceSpans[]> {
  let single: number | undefined;
  let mixed = false;
  outer: for (const rs of resources) {
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        const minute = clamp.of(span);
        if (single === undefined) single = minute;
        else if (minute !== single) {
          mixed = true;
          break outer;
        }
      }
    }
  }
  if (!mixed) return new Map(single === undefined ? [] : [[single, resources]]);

  const byMinute = new Map<number, ResourceSpans[]>();
  for (const rs of resources) {
    const copies = new Map<number, ResourceSpans>();
    for (const ss of rs.scopeSpans) {
      const parts = new Map<number, Span[]>();
      for (const span of ss.spans) {
        const minute = clamp.of(span);
        const part = parts.get(minute);
        if (part === undefined) parts.set(minute, [span]);
        else part.push(span);
      }
      for (const [minute, spans] of parts) {
        let copy = copies.get(minute);
        if (copy === undefined) {
          copy = { ...rs, scopeSpans: [] };
          copies.set(minute, copy);
          const list = byMinute.get(minute);
          if (list === undefined) byMinute.set(minute, [copy]);
          else list.push(copy);
        }
        copy.scopeSpans.push({ ...ss, spans });
      }
    }
  }
  return byMinute;
}
