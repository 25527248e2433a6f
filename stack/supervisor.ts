import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { get } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Component } from './components.ts';

export interface Running {
  component: Component;
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
}

const READY_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 15_000;

/** The last lines a component wrote: what a user needs to see when it failed. */
export async function logTail(logFile: string, lines = 25): Promise<string> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function openLog(path: string): Promise<WriteStream> {
  return new Promise((resolve, reject) => {
    const stream = createWriteStream(path, { flags: 'a' });
    stream.once('open', () => resolve(stream));
    stream.once('error', reject);
  });
}

/** Starts one component with its output appended to `<logDir>/<name>.log`. */
export async function launch(
  component: Component,
  logDir: string,
  env: Record<string, string | undefined>,
): Promise<Running> {
  await mkdir(logDir, { recursive: true });
  const logFile = join(logDir, `${component.name}.log`);
  const log = await openLog(logFile);
  log.write(`\n--- ${new Date().toISOString()} starting ${component.name}\n`);
  const child = spawn(process.execPath, [component.entry, ...component.args], {
    env: { ...env, ...component.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      log.end(`--- ${component.name} exited (${signal ?? `code ${code}`})\n`, () => resolve(code));
    });
  });
  return { component, child, logFile, exited };
}

/** node:http rather than fetch: undici would add ~15 MB to a process that stays up for the stack's lifetime. */
function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
  });
}

/** Resolves when the component answers 2xx on its ready URL; rejects when it exits first or takes too long. */
export async function waitReady(running: Running): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const { child } = running;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${running.component.name} exited while starting`);
    if (await answers(running.component.readyUrl)) return;
    await sleep(250);
  }
  throw new Error(
    `${running.component.name} did not answer ${running.component.readyUrl} within ${READY_TIMEOUT_MS / 1000} s`,
  );
}

/** SIGTERM (the components drain and close cleanly on it), then SIGKILL after a grace period. */
export async function stop(running: Running): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return;
  running.child.kill('SIGTERM');
  const killed = await Promise.race([
    running.exited.then(() => false),
    sleep(STOP_GRACE_MS).then(() => true),
  ]);
  if (killed) {
    running.child.kill('SIGKILL');
    await running.exited;
  }
}
