import { AggregationTemporality, attributeText } from '@apo/shared/model';
import type { AnyValue, Attributes, Metric, NumberDataPoint } from '@apo/shared/model';
import type { CounterStarts } from './counter-starts.ts';

/** Name, OTLP unit (UCUM, '' when none) and description of one metric. */
export interface MetricSpec {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
}

/** A null-prototype attribute map, as the domain model wants (a key such as `__proto__` stays data). */
export function attributes(entries: Readonly<Record<string, AnyValue>> = {}): Attributes {
  const out = Object.create(null) as Attributes;
  for (const key of Object.keys(entries)) out[key] = entries[key]!;
  return out;
}

function seriesKey(name: string, attrs: Attributes): string {
  let key = name;
  for (const k in attrs) key += `\u0000${k}=${attributeText(attrs[k]!)}`;
  return key;
}

type Kind = 'gauge' | 'counter' | 'updown';

interface Entry {
  spec: MetricSpec;
  kind: Kind;
  points: NumberDataPoint[];
}

/**
 * The metrics of one collection cycle, all stamped with the same time. Points are grouped by metric name
 * in first-use order. Counters become cumulative monotonic sums whose start comes from `CounterStarts`;
 * up-down values (OpenTelemetry's UpDownCounter instruments) become non-monotonic cumulative sums.
 */
export class MetricSet {
  readonly #now: bigint;
  readonly #starts: CounterStarts;
  readonly #entries = new Map<string, Entry>();

  constructor(now: bigint, starts: CounterStarts) {
    this.#now = now;
    this.#starts = starts;
  }

  get now(): bigint {
    return this.#now;
  }

  gauge(spec: MetricSpec, value: number, attrs: Attributes = attributes()): void {
    this.#point(spec, 'gauge', value, attrs, this.#now);
  }

  /** A cumulative monotonic counter; `firstStart` is when it began counting when first seen (e.g. boot). */
  counter(spec: MetricSpec, value: number, attrs: Attributes, firstStart: bigint): void {
    const start = this.#starts.startFor(seriesKey(spec.name, attrs), value, firstStart, this.#now);
    this.#point(spec, 'counter', value, attrs, start);
  }

  /** A cumulative non-monotonic sum (a level that goes up and down, such as resident memory). */
  upDown(spec: MetricSpec, value: number, attrs: Attributes, start: bigint): void {
    this.#point(spec, 'updown', value, attrs, start < this.#now ? start : this.#now);
  }

  #point(spec: MetricSpec, kind: Kind, value: number, attrs: Attributes, start: bigint): void {
    let entry = this.#entries.get(spec.name);
    if (entry === undefined) {
      entry = { spec, kind, points: [] };
      this.#entries.set(spec.name, entry);
    }
    entry.points.push({
      attributes: attrs,
      startTimeUnixNano: kind === 'gauge' ? 0n : start,
      timeUnixNano: this.#now,
      flags: 0,
      value,
      exemplars: [],
    });
  }

  metrics(): Metric[] {
    const out: Metric[] = [];
    for (const { spec, kind, points } of this.#entries.values()) {
      out.push({
        name: spec.name,
        description: spec.description,
        unit: spec.unit,
        metadata: attributes(),
        data:
          kind === 'gauge'
            ? { type: 'gauge', points }
            : {
                type: 'sum',
                aggregationTemporality: AggregationTemporality.Cumulative,
                isMonotonic: kind === 'counter',
                points,
              },
      });
    }
    return out;
  }
}
