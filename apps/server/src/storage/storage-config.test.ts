import { describe, expect, it } from 'vitest';
import { parseStorageConfig, retentionOf } from './storage-config.ts';

describe('storage configuration', () => {
  it('fills the defaults', () => {
    const config = parseStorageConfig({ dataDir: '/var/lib/apo' });
    expect(config).toEqual({
      engine: 'embedded',
      dataDir: '/var/lib/apo',
      database: 'apo',
      ttlDays: { spans: 7, logs: 7, metrics: 30, events: 90, red: 40 },
      ledgerRetentionHours: 24,
    });
    expect(retentionOf(config)).toEqual({
      spans: 7,
      logs: 7,
      metrics: 30,
      events: 90,
      red: 40,
      ledgerHours: 24,
    });
    expect(parseStorageConfig({ dataDir: 'd', ttlDays: { logs: 3 } }).ttlDays).toEqual({
      spans: 7,
      logs: 3,
      metrics: 30,
      events: 90,
      red: 40,
    });
  });

  it('rejects what would break the schema or cannot run, naming the field', () => {
    expect(() => parseStorageConfig({ engine: 'embedded' })).toThrow(/dataDir[\s\S]*needs a data directory/);
    expect(() => parseStorageConfig({ engine: 'remote' })).toThrow(/url[\s\S]*needs a ClickHouse URL/);
    expect(() => parseStorageConfig({ dataDir: 'd', cluster: 'c' })).toThrow(
      /cluster needs the remote engine/,
    );
    expect(() => parseStorageConfig({ dataDir: 'd', database: 'apo; DROP TABLE x' })).toThrow(
      /plain identifier/,
    );
    expect(() => parseStorageConfig({ engine: 'remote', url: 'http://ch:8123', cluster: 'a b' })).toThrow(
      /cluster name/,
    );
    expect(() => parseStorageConfig({ dataDir: 'd', ttlDays: { spans: 0 } })).toThrow();
    // RED keeps at least 35 days whatever the spans keep: week-over-week needs last week.
    expect(() => parseStorageConfig({ dataDir: 'd', ttlDays: { red: 34 } })).toThrow(
      /ttlDays[\s\S]*red[\s\S]*at least 35 days/,
    );
    expect(parseStorageConfig({ dataDir: 'd', ttlDays: { spans: 3, red: 35 } }).ttlDays).toMatchObject({
      spans: 3,
      red: 35,
    });
    expect(
      parseStorageConfig({ engine: 'remote', url: 'http://ch:8123', cluster: 'prod-eu.1' }).cluster,
    ).toBe('prod-eu.1');
  });
});
