/**
 * The RED aggregator: every span in, delta histograms out. The agent feeds it 100 % of the spans it
 * receives, before tail sampling, and flushes it on an interval; the server feeds it the spans that
 * arrive without the agent's mark. Output is ordinary OTLP metrics (see docs/red-metrics.md), so it
 * travels and is stored like any other metric, and `redRollupRows` turns it into rollup rows.
 *
 * Series are grouped per (service, instance) — one output resource each — then per endpoint (entry
 * spans) or per call descriptor (client calls), split by kind and by the error flag. Beyond `maxSeries`
 * series, new keys fold into `__other__` series of their group, and folded spans are counted.
 */
import type {
  Attributes,
  MetricsData,
  Resource,
  ResourceMetrics,
  ResourceSpans,
} from '../model/telemetry.ts';
import { AggregationTemporality } from '../model/telemetry.ts';
import { RedHistogram } from './red-histogram.ts';
import { spanNeedsRed } from './red-marker.ts';
import {
  RED_BUCKET_BOUNDS_SECONDS,
  RED_CLIENT_METRIC,
  RED_DEFAULT_MAX_SERIES,
  RED_METRIC_UNIT,
  RED_OTHER,
  RED_SCOPE_NAME,
  RED_SCOPE_VERSION,
  RED_SERVER_METRIC,
  RedAttribute,
} from './red-schema.ts';
import {
  ENTRY_KINDS,
  CallClassifier,
  keyText,
  describeCall,
  entryEndpoint,
  entryKindIndex,
  newCallDescriptor,
  spanFailed,
} from './span-classification.ts';
import type { CallDescriptor } from './span-classification.ts';

export interface RedAggregatorOptions {
  /** Distinct series (entry + call) per flush interval before folding into `__other__`; default 10,000. */
  maxSeries?: number;
  /** Start of the first interval; default: now by the wall clock. */
  startTimeUnixNano?: bigint;
}

export interface RedAggregatorStats {
  /** Spans of unmarked resources seen since the aggregator was created (INTERNAL children included). */
  spans: number;
  /** Of those, spans counted in an `__other__` series or group because a cap was reached. */
  foldedSpans: number;
  /** Spans skipped because their resource carries the `apo.red.computed` mark. */
  skippedSpans: number;
  /** Series in the current interval. */
  series: number;
}

export interface RedAggregator {
  /** Aggregates the spans of every resource not yet marked as aggregated. */
  add(resourceSpans: readonly ResourceSpans[]): void;
  /** Delta histograms since the previous flush (null when no span came in); starts a new interval. */
  flush(nowUnixNano: bigint): MetricsData | null;
  readonly stats: RedAggregatorStats;
}

class CallSeries extends RedHistogram {
  readonly call: CallDescriptor;
  readonly error: boolean;
  constructor(call: CallDescriptor, error: boolean) {
    super();
    this.call = { ...call };
    this.error = error;
  }
}

/** Series of one endpoint, indexed by entry kind × 2 + error. */
type EndpointSeries = (RedHistogram | undefined)[];

interface Group {
  /** The shared group of (service, instance) pairs past the cap. */
  overflow: boolean;
  service: string;
  instance: string;
  hostName: string;
  entries: Map<string, EndpointSeries>;
  /** peer → target → operation → series that differ in the enumerated labels. */
  calls: Map<string, Map<string, Map<string, CallSeries[]>>>;
  /** Call series past the cap, by type, kind and error flag. */
  folds: Map<string, CallSeries>;
}

/** service.instance.id, else host.name:process.pid, else host.name, else ''. */
function instanceOf(resource: Resource): string {
  const a = resource.attributes;
  const id = keyText(a['service.instance.id']);
  if (id !== '') return id;
  const host = keyText(a['host.name']);
  const pid = keyText(a['process.pid']);
  return host !== '' && pid !== '' ? `${host}:${pid}` : host;
}

function attributes(entries: readonly (readonly [string, string | boolean])[]): Attributes {
  const map = Object.create(null) as Attributes;
  for (const [key, value] of entries) map[key] = value;
  return map;
}

class Aggregator implements RedAggregator {
  readonly #maxSeries: number;
  readonly #classifier = new CallClassifier();
  readonly #call = newCallDescriptor();
  #groups = new Map<string, Group>();
  #series = 0;
  #start: bigint;
  #spans = 0;
  #folded = 0;
  /** Set when the current span went into an `__other__` series. */
  #foldedSpan = false;
  #skipped = 0;

  constructor(options: RedAggregatorOptions) {
    this.#maxSeries = Math.max(1, options.maxSeries ?? RED_DEFAULT_MAX_SERIES);
    this.#start = options.startTimeUnixNano ?? BigInt(Date.now()) * 1_000_000n;
  }

  get stats(): RedAggregatorStats {
    return {
      spans: this.#spans,
      foldedSpans: this.#folded,
      skippedSpans: this.#skipped,
      series: this.#series,
    };
  }

  add(resourceSpans: readonly ResourceSpans[]): void {
    for (const rs of resourceSpans) {
      if (!spanNeedsRed(rs.resource)) {
        for (const ss of rs.scopeSpans) this.#skipped += ss.spans.length;
        continue;
      }
      let group: Group | undefined;
      for (const ss of rs.scopeSpans) {
        for (const span of ss.spans) {
          group ??= this.#group(rs.resource);
          const elapsed = span.endTimeUnixNano - span.startTimeUnixNano;
          // Clock skew or an unfinished span: count it, as a zero duration rather than a negative one.
          const durationNs = elapsed > 0n ? Number(elapsed) : 0;
          const error = spanFailed(span);
          const kindIndex = entryKindIndex(span);
          if (kindIndex >= 0)
            this.#entry(group, entryEndpoint(span, kindIndex), kindIndex, error, durationNs);
          if (describeCall(span, this.#classifier, this.#call))
            this.#callSeries(group, error).record(durationNs);
          this.#spans++;
          // Once per span, though a consumer span may fold both as an entry and as a call.
          if (this.#foldedSpan || group.overflow) this.#folded++;
          this.#foldedSpan = false;
        }
      }
    }
  }

  #group(resource: Resource): Group {
    const service = keyText(resource.attributes['service.name']) || 'unknown_service';
    const instance = instanceOf(resource);
    const key = `${service}\u0000${instance}`;
    let group = this.#groups.get(key);
    if (group === undefined) {
      // Groups are bounded too: past the cap, unknown (service, instance) pairs share one overflow group.
      const full = this.#groups.size >= this.#maxSeries;
      const overflowKey = `${RED_OTHER}\u0000${RED_OTHER}`;
      group = full ? this.#groups.get(overflowKey) : undefined;
      if (group === undefined) {
        group = {
          overflow: full,
          service: full ? RED_OTHER : service,
          instance: full ? RED_OTHER : instance,
          hostName: full ? '' : keyText(resource.attributes['host.name']),
          entries: new Map(),
          calls: new Map(),
          folds: new Map(),
        };
        this.#groups.set(full ? overflowKey : key, group);
      }
    }
    return group;
  }

  #entry(group: Group, endpoint: string, kindIndex: number, error: boolean, durationNs: number): void {
    const slot = kindIndex * 2 + (error ? 1 : 0);
    let series = group.entries.get(endpoint)?.[slot];
    if (series === undefined) {
      const fold = this.#series >= this.#maxSeries;
      const key = fold ? RED_OTHER : endpoint;
      let byKind = group.entries.get(key);
      if (byKind === undefined) {
        byKind = [];
        group.entries.set(key, byKind);
      }
      series = byKind[slot];
      if (series === undefined) {
        series = new RedHistogram();
        byKind[slot] = series;
        this.#series++;
      }
      if (fold) this.#foldedSpan = true;
    }
    series.record(durationNs);
  }

  #callSeries(group: Group, error: boolean): CallSeries {
    const c = this.#call;
    // Nested maps on the three free-text labels, then a short scan on the enumerated ones: cheaper than
    // building and hashing one concatenated key per span (the hottest line of the aggregator).
    let byTarget = group.calls.get(c.peer);
    let byOperation = byTarget?.get(c.target);
    let list = byOperation?.get(c.operation);
    if (list !== undefined) {
      for (const series of list) {
        const s = series.call;
        if (
          series.error === error &&
          s.type === c.type &&
          s.kind === c.kind &&
          s.system === c.system &&
          s.dbNamespace === c.dbNamespace &&
          s.role === c.role
        )
          return series;
      }
    }
    if (this.#series >= this.#maxSeries) {
      this.#foldedSpan = true;
      const foldKey = `${c.type}\u0000${c.kind}\u0000${error}`;
      let series = group.folds.get(foldKey);
      if (series === undefined) {
        const labels = {
          ...c,
          peer: RED_OTHER,
          system: '',
          dbNamespace: '',
          operation: '',
          target: RED_OTHER,
        };
        series = new CallSeries({ ...labels, role: '' }, error);
        group.folds.set(foldKey, series);
        this.#series++;
      }
      return series;
    }
    if (byTarget === undefined) {
      byTarget = new Map();
      group.calls.set(c.peer, byTarget);
    }
    if (byOperation === undefined) {
      byOperation = new Map();
      byTarget.set(c.target, byOperation);
    }
    if (list === undefined) {
      list = [];
      byOperation.set(c.operation, list);
    }
    const series = new CallSeries(c, error);
    list.push(series);
    this.#series++;
    return series;
  }

  /** Every call series of a group, the folded ones last. */
  *#callsOf(group: Group): Generator<CallSeries> {
    for (const byTarget of group.calls.values())
      for (const byOperation of byTarget.values()) for (const list of byOperation.values()) yield* list;
    yield* group.folds.values();
  }

  flush(nowUnixNano: bigint): MetricsData | null {
    const start = this.#start;
    const groups = this.#groups;
    this.#start = nowUnixNano;
    this.#groups = new Map();
    this.#series = 0;
    if (groups.size === 0) return null;
    const resourceMetrics: ResourceMetrics[] = [];
    const bounds = RED_BUCKET_BOUNDS_SECONDS.slice();
    for (const group of groups.values()) {
      const entryPoints = [];
      for (const [endpoint, byKind] of group.entries) {
        for (let slot = 0; slot < byKind.length; slot++) {
          const series = byKind[slot];
          if (series === undefined) continue;
          const labels = attributes([
            [RedAttribute.endpoint, endpoint],
            [RedAttribute.spanKind, ENTRY_KINDS[slot >> 1]!],
            [RedAttribute.error, (slot & 1) === 1],
          ]);
          entryPoints.push(series.toPoint(labels, start, nowUnixNano, bounds));
        }
      }
      const callPoints = [];
      for (const series of this.#callsOf(group)) {
        const c = series.call;
        const labels = attributes([
          [RedAttribute.callType, c.type],
          [RedAttribute.spanKind, c.kind],
          [RedAttribute.peer, c.peer],
          [RedAttribute.system, c.system],
          [RedAttribute.dbNamespace, c.dbNamespace],
          [RedAttribute.operation, c.operation],
          [RedAttribute.target, c.target],
          [RedAttribute.role, c.role],
          [RedAttribute.error, series.error],
        ]);
        callPoints.push(series.toPoint(labels, start, nowUnixNano, bounds));
      }
      const metrics = [];
      const histogram = { type: 'histogram', aggregationTemporality: AggregationTemporality.Delta } as const;
      const meta = { unit: RED_METRIC_UNIT, metadata: attributes([]) };
      if (entryPoints.length > 0)
        metrics.push({
          name: RED_SERVER_METRIC,
          description: 'Duration of entry spans (SERVER, CONSUMER, root INTERNAL), from 100 % of spans',
          ...meta,
          data: { ...histogram, points: entryPoints },
        });
      if (callPoints.length > 0)
        metrics.push({
          name: RED_CLIENT_METRIC,
          description: 'Duration of client calls (database, HTTP, RPC, messaging), from 100 % of spans',
          ...meta,
          data: { ...histogram, points: callPoints },
        });
      const resource: [string, string][] = [['service.name', group.service]];
      if (group.instance !== '') resource.push(['service.instance.id', group.instance]);
      if (group.hostName !== '') resource.push(['host.name', group.hostName]);
      resourceMetrics.push({
        resource: { attributes: attributes(resource), droppedAttributesCount: 0 },
        scopeMetrics: [
          {
            scope: {
              name: RED_SCOPE_NAME,
              version: RED_SCOPE_VERSION,
              attributes: attributes([]),
              droppedAttributesCount: 0,
            },
            metrics,
            schemaUrl: '',
          },
        ],
        schemaUrl: '',
      });
    }
    return { resourceMetrics };
  }
}

export function createRedAggregator(options: RedAggregatorOptions = {}): RedAggregator {
  return new Aggregator(options);
}
