import { describe, expect, it } from 'vitest';
import { attributes } from '../host/metric-set.ts';
import { type AnnouncedProcess, ChangeLedger } from './change-events.ts';

const BOOT = 1_700_000_000_000_000_000n;
function proc(
  pid: number,
  startTicks: number,
  version = '1.0',
  identityKey = 'shop\u0000cart\u0000i-1',
): AnnouncedProcess {
  return {
    identityKey,
    pid,
    startTicks,
    startNs: BOOT + BigInt(startTicks) * 10_000_000n,
    serviceName: 'cart',
    instanceId: 'i-1',
    version,
    resource: attributes({ 'service.name': 'cart', 'process.pid': BigInt(pid) }),
  };
}
const names = (events: ReturnType<ChangeLedger['review']>) =>
  events.flatMap((e) => e.scopeLogs.flatMap((s) => s.logRecords.map((r) => r.eventName)));
const NOW = BOOT + 10n ** 12n;

describe('restart and version-change detection', () => {
  it('reports nothing for a process it sees for the first time, or sees again', () => {
    const ledger = new ChangeLedger(100);
    expect(ledger.review([proc(10, 500)], NOW)).toEqual([]);
    expect(ledger.review([proc(10, 500)], NOW)).toEqual([]);
  });

  it('reports a restart when a later process replaces the recorded one, also after cycles without any', () => {
    const ledger = new ChangeLedger(100);
    ledger.review([proc(10, 500)], NOW);
    expect(ledger.review([], NOW)).toEqual([]);
    expect(ledger.review([], NOW)).toEqual([]);
    const events = ledger.review([proc(20, 900)], NOW);
    expect(names(events)).toEqual(['process.restart']);
    const record = events[0]!.scopeLogs[0]!.logRecords[0]!;
    expect(record.timeUnixNano).toBe(BOOT + 900n * 10_000_000n);
    expect(record.observedTimeUnixNano).toBe(NOW);
    expect(record.attributes['apo.previous.process.pid']).toBe(10n);
    expect(record.attributes['process.pid']).toBe(20n);
    expect(record.body).toBe(
      'cart (instance i-1) restarted: pid 10 (started 2023-11-14T22:13:25.000Z) ended, pid 20 started 2023-11-14T22:13:29.000Z.',
    );
  });

  it('tells a restart within the same clock tick from a sibling that was already running', () => {
    const sameTick = new ChangeLedger(100);
    sameTick.review([proc(10, 500)], NOW);
    expect(names(sameTick.review([proc(11, 500)], NOW))).toEqual(['process.restart']);

    const siblings = new ChangeLedger(100);
    siblings.review([proc(10, 500), proc(11, 500)], NOW);
    const survivor = siblings.review([proc(11, 500)], NOW);
    expect(survivor).toEqual([]);
  });

  it('does not call it a restart when an older sibling outlives the recorded process', () => {
    const ledger = new ChangeLedger(100);
    ledger.review([proc(10, 400), proc(11, 600)], NOW); // records the newest, pid 11
    expect(ledger.review([proc(10, 400)], NOW)).toEqual([]);
  });

  it('reports a version change with a restart, and alone when the same process announces a new version', () => {
    const ledger = new ChangeLedger(100);
    ledger.review([proc(10, 500, '1.0')], NOW);
    expect(names(ledger.review([proc(20, 900, '2.0')], NOW))).toEqual([
      'process.restart',
      'service.version.change',
    ]);
    const alone = ledger.review([proc(20, 900, '2.1')], NOW);
    expect(names(alone)).toEqual(['service.version.change']);
    const record = alone[0]!.scopeLogs[0]!.logRecords[0]!;
    expect(record.attributes['event.name']).toBe('service.version.change');
    expect(record.attributes['apo.previous.service.version']).toBe('2.0');
    expect(record.attributes['service.version']).toBe('2.1');
    expect(record.timeUnixNano).toBe(NOW);
    // A process that stops announcing a version does not "change" to none.
    expect(ledger.review([proc(20, 900, '')], NOW)).toEqual([]);
    expect(ledger.review([proc(20, 900, '2.1')], NOW)).toEqual([]);
  });

  it('keeps instances apart and forgets the least recent beyond its bound', () => {
    const ledger = new ChangeLedger(2);
    ledger.review([proc(10, 500, '1', 'a'), proc(11, 500, '1', 'b')], NOW);
    ledger.review([proc(12, 500, '1', 'c')], NOW); // 'a' is forgotten
    expect(names(ledger.review([proc(21, 900, '1', 'b')], NOW))).toEqual(['process.restart']);
    expect(ledger.review([proc(20, 900, '1', 'a')], NOW)).toEqual([]);
  });
});
