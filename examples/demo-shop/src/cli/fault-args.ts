import {
  FAULT_KINDS,
  isFaultKind,
  resolveParams,
  type FaultKind,
  type FaultParams,
} from '../faults/catalog.ts';
import { parseDuration } from '../faults/duration.ts';
import { baseVersionOf } from '../runtime/service-config.ts';
import { SERVICE_NAMES, isServiceName, serviceSpec, type ServiceName } from '../topology.ts';

/**
 * The fault CLI's arguments, checked completely before anything touches the network: unknown service, kind
 * or parameter and bad values each get a message naming what is valid.
 */
export type FaultCommand =
  | { action: 'help' }
  | { action: 'list'; dataDir?: string }
  | { action: 'clear'; service?: ServiceName; kind?: FaultKind; dataDir?: string }
  | {
      action: 'inject';
      service: ServiceName;
      kind: FaultKind;
      /** Only what was given (the service fills in defaults, e.g. bad-deploy's version). */
      given: Record<string, string>;
      /** Given and defaults, for the message. */
      params: FaultParams;
      forMs?: number;
      dataDir?: string;
    };

export type Parsed = { ok: true; command: FaultCommand } | { ok: false; error: string };

const fail = (error: string): Parsed => ({ ok: false, error });

export function parseFaultArgs(argv: readonly string[]): Parsed {
  const positional: string[] = [];
  const options: Record<string, string> = {};
  let list = false;
  let clear = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue;
    if (arg === '-h' || arg === '--help') return { ok: true, command: { action: 'help' } };
    if (arg === '--list') {
      list = true;
    } else if (arg === '--clear') {
      clear = true;
    } else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
      if (value === undefined) {
        value = argv[i + 1];
        if (value === undefined || value.startsWith('--')) return fail(`--${name} needs a value`);
        i++;
      }
      if (name === '') return fail(`bad option ${arg}`);
      if (name in options) return fail(`--${name} given twice`);
      options[name] = value;
    } else {
      positional.push(arg);
    }
  }
  const dataDir = options['data-dir'];
  delete options['data-dir'];
  const services = `valid services: ${SERVICE_NAMES.join(', ')}`;
  const kinds = `valid kinds: ${FAULT_KINDS.join(', ')}`;

  if (list) {
    if (clear || positional.length > 0 || Object.keys(options).length > 0) {
      return fail('--list takes no other arguments (except --data-dir)');
    }
    return { ok: true, command: { action: 'list', dataDir } };
  }
  if (clear) {
    if (Object.keys(options).length > 0)
      return fail(`--clear takes no parameters (got --${Object.keys(options)[0]})`);
    if (positional.length > 2) return fail('usage: --clear [service] [kind]');
    const [service, kind] = positional;
    if (service !== undefined && !isServiceName(service))
      return fail(`unknown service "${service}" (${services})`);
    if (kind !== undefined && !isFaultKind(kind)) return fail(`unknown fault kind "${kind}" (${kinds})`);
    return { ok: true, command: { action: 'clear', service, kind, dataDir } };
  }

  const [service, kind, ...extra] = positional;
  if (service === undefined) return fail('name a service and a fault kind, or use --list / --clear');
  if (!isServiceName(service)) return fail(`unknown service "${service}" (${services})`);
  if (kind === undefined) return fail(`name a fault kind for ${service} (${kinds})`);
  if (!isFaultKind(kind)) return fail(`unknown fault kind "${kind}" (${kinds})`);
  if (extra.length > 0) return fail(`unexpected argument "${extra[0]}" (parameters are --name value)`);

  let forMs: number | undefined;
  if (options.for !== undefined) {
    forMs = parseDuration(options.for);
    if (forMs === undefined || forMs <= 0) {
      return fail(`--for must be a duration such as 90s, 5m, 1h30m or milliseconds, got "${options.for}"`);
    }
    delete options.for;
  }
  const resolved = resolveParams(kind, options, {
    service,
    calls: serviceSpec(service).calls,
    baseVersion: baseVersionOf(service),
  });
  if (!resolved.ok) return fail(resolved.error);
  return {
    ok: true,
    command: { action: 'inject', service, kind, given: options, params: resolved.value, forMs, dataDir },
  };
}
