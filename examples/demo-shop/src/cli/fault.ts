import { readCliEnv } from '../env.ts';
import { describeActive, describeKind, FAULT_KINDS, type ActiveFault } from '../faults/catalog.ts';
import { formatDuration } from '../faults/duration.ts';
import { appendAudit, readFaults, writeFaults } from '../faults/store.ts';
import { readState, type ShopState } from '../shop/state-file.ts';
import { dataPaths, SERVICE_NAMES } from '../topology.ts';
import { parseFaultArgs, type FaultCommand } from './fault-args.ts';

/**
 * `pnpm demo:fault`: inject, list and clear faults in the running demo shop through each service's admin
 * endpoint. Exit codes: 0 done, 1 the shop or a service could not do it, 2 bad arguments.
 */
const USAGE = `Usage:
  pnpm demo:fault <service> <kind> [--<param> <value>]... [--for DURATION]
  pnpm demo:fault --list                   kinds, parameters, and the faults active now
  pnpm demo:fault --clear [service] [kind] clear faults (all services when none is named)
Options: --data-dir PATH  the shop's data directory (DEMO_DATA_DIR, default ~/.local/share/apo/demo-shop)
Services: ${SERVICE_NAMES.join(', ')}
Kinds: ${FAULT_KINDS.join(', ')}
Examples:
  pnpm demo:fault payments db-slow --ms 300 --for 5m
  pnpm demo:fault orders downstream-timeout --target payments
  pnpm demo:fault --clear payments`;

class CliFailure extends Error {}

/**
 * Admin calls retry while the service is down (a crash-loop or bad-deploy restart) for up to `patienceMs`.
 * One attempt may take all the time left: a service that is up but busy (db-slow on SQLite holds its event
 * loop in each statement) answers late, and a retry would send the same change twice and report the second
 * answer ("no fault active") instead of the first.
 */
async function admin(
  url: string,
  init: RequestInit,
  patienceMs = 30_000,
): Promise<{ status: number; body: unknown }> {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    try {
      const left = Math.max(1000, deadline - Date.now());
      const res = await fetch(url, { ...init, signal: AbortSignal.timeout(left) });
      const text = await res.text();
      return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
    } catch (error) {
      if (Date.now() > deadline) throw new CliFailure(`${url}: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

function serviceOf(state: ShopState, name: string) {
  return state.services.find((s) => s.name === name)!;
}

async function inject(
  command: Extract<FaultCommand, { action: 'inject' }>,
  dataDir: string,
): Promise<number> {
  const state = readState(dataPaths(dataDir).stateFile);
  if (state === undefined) {
    throw new CliFailure(
      `the demo shop is not running (no live state in ${dataDir}); start it with: pnpm demo`,
    );
  }
  const service = serviceOf(state, command.service);
  const { status, body } = await admin(`${service.adminUrl}/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: command.kind, params: command.given, forMs: command.forMs }),
  });
  if (status !== 201) {
    throw new CliFailure(
      `${command.service} refused: ${(body as { error?: string } | undefined)?.error ?? `HTTP ${status}`}`,
    );
  }
  const fault = (body as { fault: ActiveFault }).fault;
  console.log(`injected into ${command.service}: ${describeActive(fault, Date.now())}`);
  if (fault.kind === 'crash-loop') {
    console.log(
      `${command.service} now exits ~${formatDuration(Number(fault.params.afterMs))} after each start; the supervisor restarts it`,
    );
  }
  if (fault.kind === 'bad-deploy') {
    console.log(
      `${command.service} restarts as version ${String(fault.params.version)}; --clear rolls it back`,
    );
  }
  console.log(`audit log: ${state.auditLog}`);
  return 0;
}

/** Clears through the admin endpoint, or in the fault store when the shop (or that service) is down. */
async function clear(command: Extract<FaultCommand, { action: 'clear' }>, dataDir: string): Promise<number> {
  const state = readState(dataPaths(dataDir).stateFile);
  const names = command.service === undefined ? SERVICE_NAMES : [command.service];
  for (const name of names) {
    let cleared: ActiveFault[] | undefined;
    if (state !== undefined) {
      const url = `${serviceOf(state, name).adminUrl}/faults${command.kind === undefined ? '' : `/${command.kind}`}`;
      try {
        const { status, body } = await admin(
          url,
          { method: 'DELETE' },
          command.service === undefined ? 10_000 : 30_000,
        );
        if (status === 200) cleared = (body as { cleared: ActiveFault[] }).cleared;
        else throw new CliFailure(`HTTP ${status}`);
      } catch (error) {
        console.error(
          `${name}: admin endpoint unavailable (${(error as Error).message}); clearing its fault store`,
        );
      }
    }
    if (cleared === undefined) {
      const all = readFaults(dataDir, name);
      cleared = all.filter((f) => command.kind === undefined || f.kind === command.kind);
      if (cleared.length > 0) {
        writeFaults(
          dataDir,
          name,
          all.filter((f) => !cleared!.includes(f)),
        );
        for (const f of cleared) appendAudit(dataDir, f, name, 'clear', 'cli');
      }
    }
    if (cleared.length > 0) console.log(`${name}: cleared ${cleared.map((f) => f.kind).join(', ')}`);
    else if (command.service !== undefined)
      console.log(`${name}: no ${command.kind === undefined ? '' : `${command.kind} `}fault active`);
  }
  if (command.service === undefined) console.log('all faults cleared');
  return 0;
}

async function list(dataDir: string): Promise<number> {
  console.log('Fault kinds (pnpm demo:fault <service> <kind> [--param value] [--for DURATION]):\n');
  for (const kind of FAULT_KINDS) console.log(describeKind(kind).join('\n'));
  const state = readState(dataPaths(dataDir).stateFile);
  const now = Date.now();
  console.log('');
  if (state === undefined) {
    const persisted = SERVICE_NAMES.flatMap((name) =>
      readFaults(dataDir, name).map((f) => `  ${name}: ${describeActive(f, now)}`),
    );
    console.log(
      `The shop is not running (${dataDir}).${persisted.length > 0 ? ' Faults kept for its next start:' : ''}`,
    );
    for (const line of persisted) console.log(line);
    return 0;
  }
  console.log(`Active faults (audit log ${state.auditLog}):`);
  let any = false;
  for (const s of state.services) {
    try {
      const res = await fetch(`${s.adminUrl}/faults`, { signal: AbortSignal.timeout(2000) });
      const { faults } = (await res.json()) as { faults: ActiveFault[] };
      for (const f of faults) console.log(`  ${s.name}: ${describeActive(f, now)}`);
      any ||= faults.length > 0;
    } catch {
      console.log(`  ${s.name}: not answering (restarting?)`);
      any = true;
    }
  }
  if (!any) console.log('  none');
  return 0;
}

export async function runFaultCli(argv: readonly string[], defaultDataDir: string): Promise<number> {
  const parsed = parseFaultArgs(argv);
  if (!parsed.ok) {
    console.error(`demo:fault: ${parsed.error}\n\n${USAGE}`);
    return 2;
  }
  const command = parsed.command;
  if (command.action === 'help') {
    console.log(USAGE);
    return 0;
  }
  const dataDir = command.dataDir ?? defaultDataDir;
  try {
    if (command.action === 'list') return await list(dataDir);
    if (command.action === 'clear') return await clear(command, dataDir);
    return await inject(command, dataDir);
  } catch (error) {
    console.error(`demo:fault: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (import.meta.main) {
  process.exitCode = await runFaultCli(process.argv.slice(2), readCliEnv().dataDir);
}
