/**
 * Per-instance counts of tailed log records, as cumulative OTLP sums: `apo.log.records` (all records) and
 * `apo.log.error.count` (severity ERROR or above), one resource per (service, instance) so an instance
 * that starts logging errors stands out. Counted when the sink has accepted a batch, so a batch retried
 * after a rejection is counted once.
 */
import type { Attributes, Metric, ResourceMetrics } from '@apo/shared/model';
import { AggregationTemporality } from '@apo/shared/model';
import { HOST_NAME, SERVICE_INSTANCE_ID, SERVICE_NAME } from './log-source-config.ts';

export const LOG_RECORDS_METRIC = 'apo.log.records';
export const LOG_ERRORS_METRIC = 'apo.log.error.count';
const SCOPE_NAME = '@apo/agent/logs';

interface Counts {
  service: string;
  instance: string;
  records: bigint;
  errors: bigint;
}

export class LogCountMetrics {
  private readonly hostName: string;
  private readonly startNanos: bigint;
  private readonly counts = new Map<string, Counts>();

  constructor(hostName: string, startMs: number) {
    this.hostName = hostName;
    this.startNanos = BigInt(startMs) * 1_000_000n;
  }

  add(service: string, instance: string, records: number, errors: number): void {
    const key = `${service}\u0000${instance}`;
    let counts = this.counts.get(key);
    if (counts === undefined) {
      counts = { service, instance, records: 0n, errors: 0n };
      this.counts.set(key, counts);
    }
    counts.records += BigInt(records);
    counts.errors += BigInt(errors);
  }

  /** The counters as of `nowMs`, one resource per (service, instance) seen so far. */
  resourceMetrics(nowMs: number): ResourceMetrics[] {
    const now = BigInt(nowMs) * 1_000_000n;
    return [...this.counts.values()].map((c) => {
      const attributes = Object.create(null) as Attributes;
      attributes[SERVICE_NAME] = c.service;
      attributes[SERVICE_INSTANCE_ID] = c.instance;
      attributes[HOST_NAME] = this.hostName;
      return {
        resource: { attributes, droppedAttributesCount: 0 },
        scopeMetrics: [
          {
            scope: {
              name: SCOPE_NAME,
              version: '',
              attributes: emptyAttributes(),
              droppedAttributesCount: 0,
            },
            metrics: [
              this.sum(LOG_RECORDS_METRIC, 'Log records read from files.', c.records, now),
              this.sum(
                LOG_ERRORS_METRIC,
                'Log records of severity ERROR or above read from files.',
                c.errors,
                now,
              ),
            ],
            schemaUrl: '',
          },
        ],
        schemaUrl: '',
      };
    });
  }

  private sum(name: string, description: string, value: bigint, now: bigint): Metric {
    return {
      name,
      description,
      unit: '{record}',
      metadata: emptyAttributes(),
      data: {
        type: 'sum',
        aggregationTemporality: AggregationTemporality.Cumulative,
        isMonotonic: true,
        points: [
          {
            attributes: emptyAttributes(),
            startTimeUnixNano: this.startNanos,
            timeUnixNano: now,
            flags: 0,
            value,
            exemplars: [],
          },
        ],
      },
    };
  }
}

function emptyAttributes(): Attributes {
  return Object.create(null) as Attributes;
}
