import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './otlp-test-receiver.ts';

const fixtureDir = fileURLToPath(new URL('apps/shop/', import.meta.url));
/**
 * The package name, resolved through @apo/agent's `exports` (the `require` condition for --require, the
 * default for --import). The child runs in apps/agent so the name resolves by self-reference; an app in
 * the workspace resolves it through its node_modules/@apo/agent link instead.
 */
export const PRELOAD = '@apo/agent/instrument';
export const agentDir = fileURLToPath(new URL('../../', import.meta.url));

export interface FixtureProcess {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** stdout lines that parse as JSON objects (pino records, the fixture's ready line). */
  jsonLines(): Record<string, unknown>[];
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): void;
}

/**
 * Starts a fixture app with the preload. `env` is the whole environment of the child: an OTEL_* variable
 * inherited from the test runner must not change what is tested.
 */
export function startFixture(
  flag: '--import' | '--require' | 'both',
  script: string,
  args: string[],
  env: Record<string, string | undefined>,
): FixtureProcess {
  let stdout = '';
  let stderr = '';
  const scriptArgs = script.startsWith('-') ? [script] : [join(fixtureDir, script)];
  const preload = flag === 'both' ? ['--require', PRELOAD, '--import', PRELOAD] : [flag, PRELOAD];
  const proc = spawn(process.execPath, [...preload, ...scriptArgs, ...args], { cwd: agentDir, env });
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = once(proc, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  return {
    proc,
    stdout: () => stdout,
    stderr: () => stderr,
    jsonLines: () =>
      stdout.split('\n').flatMap((line) => {
        if (!line.startsWith('{')) return [];
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      }),
    exited: () => exit,
    kill: () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    },
  };
}

/** Waits for the fixture's `{"fixture":"ready", …}` line; fails early, with its stderr, if it exits. */
export async function waitForReady(fixture: FixtureProcess): Promise<Record<string, unknown>> {
  return waitFor(
    'the fixture app to report ready',
    () => {
      if (fixture.proc.exitCode !== null || fixture.proc.signalCode !== null) {
        throw new Error(
          `fixture exited early (${fixture.proc.exitCode ?? fixture.proc.signalCode}):\n${fixture.stderr()}`,
        );
      }
      return fixture.jsonLines().find((line) => line.fixture === 'ready');
    },
    { describe: () => fixture.stderr() },
  );
}

/**
 * The child's whole environment: PATH and HOME from the runner, the receiver as the endpoint, short
 * intervals, and nothing else, so an OTEL_* variable of the runner cannot change what is tested.
 */
export function fixtureEnv(
  inherited: { PATH: string | undefined; HOME: string | undefined },
  receiverUrl: string,
  extra: Record<string, string> = {},
): Record<string, string | undefined> {
  return {
    PATH: inherited.PATH,
    HOME: inherited.HOME,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl,
    // Short intervals so the tests do not wait for the production defaults (10 s, 5 s, 1 s).
    OTEL_METRIC_EXPORT_INTERVAL: '1000',
    OTEL_BSP_SCHEDULE_DELAY: '200',
    OTEL_BLRP_SCHEDULE_DELAY: '200',
    // The exit flush may take its time here: a busy test machine must not turn into lost spans. The
    // unreachable-agent case sets it back to the default.
    APO_INSTRUMENT_FLUSH_TIMEOUT: '15000',
    ...extra,
  };
}

/** Selects what one child process sent, by the process.pid resource attribute. */
export const ofPid =
  (pid: number | undefined) =>
  (received: { resource: Record<string, unknown> }): boolean =>
    received.resource['process.pid'] === BigInt(pid ?? -1);
