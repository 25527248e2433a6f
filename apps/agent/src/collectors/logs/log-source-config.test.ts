import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { watchRoots } from './file-discovery.ts';
import { logSourcesSchema, resolveLogSources } from './log-source-config.ts';

describe('log source configuration', () => {
  it('accepts the documented shape from YAML', () => {
    const yaml = `
- include: [/var/log/checkout/*.log]
  exclude: ['/var/log/checkout/*debug*']
  service: checkout
  instance: checkout-1
  multilineStart: '^\\d{4}-'
  format: text
  attributes: { team: payments }
  startAt: beginning
- include: [/var/log/api.log]
  service: api
`;
    const sources = logSourcesSchema.parse(parseYaml(yaml));
    expect(sources[0]).toMatchObject({
      service: 'checkout',
      multilineStart: '^\\d{4}-',
      startAt: 'beginning',
    });
    expect(sources[1]).toEqual({ include: ['/var/log/api.log'], service: 'api' });
  });

  it('names what is wrong: a bad regex, no globs, an unknown key, a bad format', () => {
    const problems = (value: unknown): string[] => {
      const result = logSourcesSchema.safeParse([value]);
      return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(problems({ include: ['/a'], service: 's', multilineStart: '([' })).toEqual([
      '0.multilineStart: must be a valid regular expression',
    ]);
    expect(problems({ include: [], service: 's' })[0]).toMatch(/^0\.include: at least one glob/);
    expect(problems({ include: ['/a'], service: 's', paths: ['/b'] })[0]).toMatch(/paths/);
    expect(problems({ include: ['/a'], service: 's', format: 'xml' })[0]).toMatch(/^0\.format/);
  });

  it('resolves sources: absolute globs, host name as the default instance, a stable key', () => {
    const [a] = resolveLogSources(
      [{ include: ['logs/*.log'], service: 'svc', attributes: { team: 't' } }],
      'host-1',
    );
    expect(a!.include[0]).toBe(`${process.cwd()}/logs/*.log`);
    expect(a!.instance).toBe('host-1');
    expect({ ...a!.resourceAttributes }).toEqual({
      team: 't',
      'service.name': 'svc',
      'service.instance.id': 'host-1',
      'host.name': 'host-1',
    });
    const [again] = resolveLogSources([{ include: ['logs/*.log'], service: 'svc' }], 'host-1');
    expect(again!.key).toBe(a!.key);
    const [other] = resolveLogSources([{ include: ['logs/*.log'], service: 'other' }], 'host-1');
    expect(other!.key).not.toBe(a!.key);
  });

  it('watches the deepest directory without glob characters', () => {
    expect(
      watchRoots(['/var/log/app/*.log', '/var/log/app/**/x.log', '/srv/{a,b}/y.log', '/etc/app.log']),
    ).toEqual(['/var/log/app', '/srv', '/etc']);
  });
});
