import { describe, expect, it } from 'vitest';
import { parseFaultArgs } from './fault-args.ts';

const error = (argv: string[]) => {
  const r = parseFaultArgs(argv);
  return r.ok ? undefined : r.error;
};

describe('fault CLI arguments', () => {
  it('parses an injection with parameters, --for and --data-dir', () => {
    expect(
      parseFaultArgs(['payments', 'db-slow', '--ms', '300', '--for', '5m', '--data-dir=/tmp/x']),
    ).toEqual({
      ok: true,
      command: {
        action: 'inject',
        service: 'payments',
        kind: 'db-slow',
        given: { ms: '300' },
        params: { ms: 300 },
        forMs: 300_000,
        dataDir: '/tmp/x',
      },
    });
  });

  it('parses --list and --clear with an optional service and kind', () => {
    expect(parseFaultArgs(['--list'])).toEqual({ ok: true, command: { action: 'list', dataDir: undefined } });
    expect(parseFaultArgs(['--clear'])).toMatchObject({
      ok: true,
      command: { action: 'clear', service: undefined },
    });
    expect(parseFaultArgs(['--clear', 'orders', 'lock'])).toMatchObject({
      ok: true,
      command: { action: 'clear', service: 'orders', kind: 'lock' },
    });
  });

  it('names the valid choices for an unknown service, kind or parameter', () => {
    expect(error(['shop', 'latency'])).toMatch(
      /unknown service "shop" \(valid services: gateway, catalog, orders/,
    );
    expect(error(['orders', 'slowness'])).toMatch(
      /unknown fault kind "slowness" \(valid kinds: latency, db-slow/,
    );
    expect(error(['orders', 'latency', '--delay', '3'])).toBe(
      'unknown parameter --delay for latency (valid: --ms, --jitterMs, --share)',
    );
    expect(error(['--clear', 'nope'])).toMatch(/unknown service "nope"/);
    expect(error(['--clear', 'orders', 'nope'])).toMatch(/unknown fault kind "nope"/);
  });

  it('rejects bad values and malformed command lines', () => {
    expect(error(['orders', 'latency', '--ms'])).toBe('--ms needs a value');
    expect(error(['orders', 'latency', '--ms', 'fast'])).toMatch(/--ms must be an integer/);
    expect(error(['orders', 'latency', '--for', 'soon'])).toMatch(/--for must be a duration/);
    expect(error(['orders', 'latency', 'extra'])).toMatch(/unexpected argument "extra"/);
    expect(error(['orders'])).toMatch(/name a fault kind for orders/);
    expect(error([])).toMatch(/name a service and a fault kind/);
    expect(error(['--list', 'orders'])).toMatch(/--list takes no other arguments/);
    expect(error(['--clear', '--ms', '3'])).toMatch(/--clear takes no parameters/);
    expect(error(['orders', 'downstream-timeout', '--target', 'fraud'])).toMatch(
      /payments, inventory, catalog/,
    );
  });
});
