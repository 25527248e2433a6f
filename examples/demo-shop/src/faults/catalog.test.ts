import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, KINDS, describeKind, nextMinorVersion, resolveParams } from './catalog.ts';
import { formatDuration, parseDuration } from './duration.ts';

const failsWith = (text: string) => (r: { ok: boolean; error?: string }) =>
  !r.ok && (r.error ?? '').includes(text);

const payments = { service: 'payments', calls: ['fraud'], baseVersion: '1.12.2' };

describe('fault catalogue', () => {
  it('fills every default and keeps given values', () => {
    const r = resolveParams('latency', { ms: '250' }, payments);
    expect(r).toEqual({ ok: true, value: { ms: 250, jitterMs: 100, share: 100 } });
    expect(resolveParams('errors', { rate: 5 }, payments)).toEqual({
      ok: true,
      value: { rate: 5, status: 500 },
    });
  });

  it('names the valid parameters when one is unknown', () => {
    const r = resolveParams('db-slow', { delay: '3' }, payments);
    expect(r).toEqual({ ok: false, error: 'unknown parameter --delay for db-slow (valid: --ms)' });
  });

  it('rejects values out of range or not integers, quoting them', () => {
    expect(resolveParams('errors', { rate: '101' }, payments)).toSatisfy(failsWith('0 to 100'));
    expect(resolveParams('cpu', { ms: '1.5' }, payments)).toSatisfy(failsWith('"1.5"'));
    expect(resolveParams('errors', { status: 404 }, payments)).toSatisfy(failsWith('500 to 599'));
  });

  it('takes downstream-timeout targets from the services a service calls', () => {
    expect(resolveParams('downstream-timeout', {}, payments)).toMatchObject({
      ok: true,
      value: { target: 'fraud' },
    });
    expect(resolveParams('downstream-timeout', { target: 'orders' }, payments)).toSatisfy(
      failsWith('(fraud)'),
    );
    expect(resolveParams('downstream-timeout', {}, { service: 'fraud', calls: [] })).toSatisfy(
      failsWith('fraud calls no other service'),
    );
  });

  it("defaults bad-deploy's version to the next minor version and refuses the running one", () => {
    expect(nextMinorVersion('1.12.2')).toBe('1.13.0');
    expect(resolveParams('bad-deploy', {}, payments)).toEqual({
      ok: true,
      value: { version: '1.13.0', rate: 40 },
    });
    expect(resolveParams('bad-deploy', { version: '1.12.2' }, payments).ok).toBe(false);
    expect(resolveParams('bad-deploy', { version: 'x y' }, payments).ok).toBe(false);
  });

  it('documents every kind: a summary, its parameters and its signature', () => {
    for (const kind of FAULT_KINDS) {
      expect(KINDS[kind].signature.length).toBeGreaterThan(20);
      const lines = describeKind(kind);
      expect(lines[0]).toMatch(new RegExp(`^${kind}: `));
      expect(lines).toHaveLength(Object.keys(KINDS[kind].params).length + 2);
    }
  });
});

describe('the README fault table', () => {
  it('has a row for every kind with every parameter and its default', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const kind of FAULT_KINDS) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${kind}\``));
      expect(row, kind).toBeDefined();
      for (const [name, param] of Object.entries(KINDS[kind].params)) {
        expect(row).toContain(param.type === 'integer' ? `\`--${name}\` ${param.default}` : `\`--${name}\``);
      }
    }
  });
});

describe('durations', () => {
  it('parses what people type', () => {
    expect(parseDuration('1500')).toBe(1500);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1.5m')).toBe(90_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('5q')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
    expect(parseDuration('m')).toBeUndefined();
  });

  it('formats for people', () => {
    expect(formatDuration(900)).toBe('900ms');
    expect(formatDuration(1500)).toBe('1.5s');
    expect(formatDuration(20 * 60_000)).toBe('20m');
    expect(formatDuration(90 * 60_000)).toBe('1h30m');
  });
});
