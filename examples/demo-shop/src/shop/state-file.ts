import { readFileSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * What runs where, for the fault CLI and for people: written by the supervisor at start and at every
 * (re)start of a child, removed when the shop stops.
 */
export interface ShopState {
  supervisorPid: number;
  startedAt: string;
  dataDir: string;
  agentUrl: string;
  database: 'sqlite' | 'postgres';
  cache: 'redis' | 'none';
  auditLog: string;
  services: {
    name: string;
    url: string;
    adminUrl: string;
    pid: number | null;
    version: string;
    restarts: number;
  }[];
  traffic: { pid: number | null; rps: number; dayMs: number } | null;
}

export function writeState(file: string, state: ShopState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n');
  renameSync(tmp, file);
}

export function removeState(file: string): void {
  rmSync(file, { force: true });
}

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The state of a running shop, or undefined when there is none (no file, or its supervisor is gone). */
export function readState(file: string): ShopState | undefined {
  let state: ShopState;
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as ShopState;
  } catch {
    return undefined;
  }
  return processAlive(state.supervisorPid) ? state : undefined;
}
