/**
 * Restart and version-change events. A service instance is identified by service.namespace + service.name +
 * service.instance.id as its telemetry announced them; a process is pid + start time. When the process
 * recorded for an instance has ended and a process of the same instance that started later is running, the
 * instance restarted (also when the pid is the same, or when the old process vanished cycles ago); when the
 * announced service.version differs from the recorded one, the version changed. Events are OTLP log
 * records carrying `event.name` (attribute and `eventName` field), which the server stores as events.
 *
 * Limits: an SDK that draws a random service.instance.id at every start makes each start a new instance
 * (no restart event); several live processes sharing one identity (workers without instance ids) are told
 * apart only by start time, so one of them exiting while a younger one runs reads as a restart.
 */
import type { Attributes, InstrumentationScope, LogRecord, ResourceLogs } from '@apo/shared/model';
import { attributes } from '../host/metric-set.ts';

export const PROCESS_EVENTS_SCOPE: InstrumentationScope = {
  name: 'apo.agent.process',
  version: '',
  attributes: attributes(),
  droppedAttributesCount: 0,
};

const PROCESS_EVENT_NAMES = {
  restart: 'process.restart',
  versionChange: 'service.version.change',
} as const;

/** A live process whose identity came from its own telemetry. */
export interface AnnouncedProcess {
  identityKey: string;
  pid: number;
  startTicks: number;
  startNs: bigint;
  serviceName: string;
  instanceId: string;
  version: string;
  resource: Attributes;
}

type Recorded = Omit<AnnouncedProcess, 'resource'> & {
  /** The processes (pid:startTicks) of this identity that were live at the last review that saw any. */
  siblings: ReadonlySet<string>;
};

const INFO = 9;

function iso(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString();
}

function describe(p: { serviceName: string; instanceId: string }): string {
  return p.instanceId === '' ? p.serviceName : `${p.serviceName} (instance ${p.instanceId})`;
}

function event(
  name: string,
  body: string,
  time: bigint,
  now: bigint,
  before: Recorded,
  after: AnnouncedProcess,
): ResourceLogs {
  const record: LogRecord = {
    timeUnixNano: time,
    observedTimeUnixNano: now,
    severityNumber: INFO,
    severityText: 'INFO',
    body,
    attributes: attributes({
      'event.name': name,
      'process.pid': BigInt(after.pid),
      'process.creation.time': iso(after.startNs),
      'service.version': after.version,
      'apo.previous.process.pid': BigInt(before.pid),
      'apo.previous.process.creation.time': iso(before.startNs),
      'apo.previous.service.version': before.version,
    }),
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: name,
  };
  return {
    resource: { attributes: after.resource, droppedAttributesCount: 0 },
    scopeLogs: [{ scope: PROCESS_EVENTS_SCOPE, logRecords: [record], schemaUrl: '' }],
    schemaUrl: '',
  };
}

function restart(before: Recorded, after: AnnouncedProcess, now: bigint): ResourceLogs {
  const body =
    `${describe(after)} restarted: pid ${before.pid} (started ${iso(before.startNs)}) ended, ` +
    `pid ${after.pid} started ${iso(after.startNs)}.`;
  return event(PROCESS_EVENT_NAMES.restart, body, after.startNs, now, before, after);
}

function versionChange(before: Recorded, after: AnnouncedProcess, time: bigint, now: bigint): ResourceLogs {
  const body = `${describe(after)} changed version from ${before.version} to ${after.version} (pid ${after.pid}).`;
  return event(PROCESS_EVENT_NAMES.versionChange, body, time, now, before, after);
}

function processKey(p: { pid: number; startTicks: number }): string {
  return `${p.pid}:${p.startTicks}`;
}

/**
 * Whether `p` started after the recorded process. Start times are in clock ticks (10 ms), so a process
 * restarted within a tick has the same start: then it is later if it was not already running beside it.
 */
function startedAfter(p: AnnouncedProcess, before: Recorded): boolean {
  if (p.startTicks !== before.startTicks) return p.startTicks > before.startTicks;
  return p.pid !== before.pid && !before.siblings.has(processKey(p));
}

export class ChangeLedger {
  /** identity → the process last recorded for it; insertion order is recency, for the bound. */
  readonly #recorded = new Map<string, Recorded>();
  readonly #maxIdentities: number;

  constructor(maxIdentities: number) {
    this.#maxIdentities = maxIdentities;
  }

  #record(p: AnnouncedProcess, group: readonly AnnouncedProcess[]): void {
    this.#recorded.delete(p.identityKey);
    const { resource: _, ...recorded } = p;
    this.#recorded.set(p.identityKey, { ...recorded, siblings: new Set(group.map(processKey)) });
    if (this.#recorded.size > this.#maxIdentities) {
      const oldest = this.#recorded.keys().next().value;
      if (oldest !== undefined) this.#recorded.delete(oldest);
    }
  }

  /** Compares this cycle's live announced processes with what was recorded; returns the events. */
  review(live: readonly AnnouncedProcess[], now: bigint): ResourceLogs[] {
    const events: ResourceLogs[] = [];
    const byIdentity = new Map<string, AnnouncedProcess[]>();
    for (const p of live) {
      const group = byIdentity.get(p.identityKey);
      if (group === undefined) byIdentity.set(p.identityKey, [p]);
      else group.push(p);
    }
    for (const [key, group] of byIdentity) {
      const before = this.#recorded.get(key);
      if (before === undefined) {
        this.#record(
          group.reduce((a, b) => (b.startTicks > a.startTicks ? b : a)),
          group,
        );
        continue;
      }
      const same = group.find((p) => p.pid === before.pid && p.startTicks === before.startTicks);
      if (same !== undefined) {
        if (same.version !== '' && same.version !== before.version && before.version !== '') {
          events.push(versionChange(before, same, now, now));
        }
        this.#record(same.version === '' ? { ...same, version: before.version } : same, group);
        continue;
      }
      // The recorded process has ended. The newest process of the instance replaces it; it is a restart
      // only if it started after the recorded one (an older sibling taking over is not).
      const newest = group.reduce((a, b) => (startedAfter(b, { ...a, siblings: before.siblings }) ? b : a));
      if (startedAfter(newest, before)) {
        events.push(restart(before, newest, now));
        if (newest.version !== '' && before.version !== '' && newest.version !== before.version) {
          events.push(versionChange(before, newest, newest.startNs, now));
        }
      }
      this.#record(newest, group);
    }
    return events;
  }
}
