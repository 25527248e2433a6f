import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { dataPaths } from '../topology.ts';
import { isFaultKind, type ActiveFault, type FaultParams } from './catalog.ts';

/**
 * Active faults persist in the data directory (one JSON file per service) so a restarted process keeps its
 * faults — crash-loop depends on it — and `--for` expiry survives restarts. Every change is also appended to
 * the audit log, the ground truth a root-cause benchmark scores against.
 */

export function readFaults(dataDir: string, service: string): ActiveFault[] {
  let text: string;
  try {
    text = readFileSync(dataPaths(dataDir).faultFile(service), 'utf8');
  } catch {
    return [];
  }
  try {
    const parsed = JSON.parse(text) as { faults?: unknown };
    if (!Array.isArray(parsed.faults)) return [];
    return parsed.faults.filter(
      (f): f is ActiveFault =>
        typeof f === 'object' &&
        f !== null &&
        typeof (f as { kind?: unknown }).kind === 'string' &&
        isFaultKind((f as ActiveFault).kind) &&
        typeof (f as ActiveFault).since === 'number',
    );
  } catch {
    // A torn or hand-edited file must not keep a service from starting.
    return [];
  }
}

export function writeFaults(dataDir: string, service: string, faults: readonly ActiveFault[]): void {
  const file = dataPaths(dataDir).faultFile(service);
  mkdirSync(dirname(file), { recursive: true });
  // Write-then-rename: a process starting at the same moment reads the old or the new file, never half.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ service, faults }, null, 2) + '\n');
  renameSync(tmp, file);
}

export type AuditAction = 'inject' | 'clear' | 'expire';

export interface AuditEntry {
  /** ISO 8601, milliseconds, UTC. */
  time: string;
  service: string;
  kind: string;
  params: FaultParams;
  action: AuditAction;
  /** When an injected fault ends by itself (ISO 8601), null when it lasts until cleared. */
  until: string | null;
  /** Who wrote the entry: the service's admin endpoint, its expiry timer, or the CLI while the service was down. */
  by: 'admin' | 'expiry' | 'cli';
}

export function appendAudit(
  dataDir: string,
  fault: Pick<ActiveFault, 'kind' | 'params' | 'until'>,
  service: string,
  action: AuditAction,
  by: AuditEntry['by'],
  now = Date.now(),
): AuditEntry {
  const entry: AuditEntry = {
    time: new Date(now).toISOString(),
    service,
    kind: fault.kind,
    params: fault.params,
    action,
    until: fault.until === null ? null : new Date(fault.until).toISOString(),
    by,
  };
  const file = dataPaths(dataDir).auditLog;
  mkdirSync(dirname(file), { recursive: true });
  // One short line per append (O_APPEND): lines from several processes never interleave.
  appendFileSync(file, JSON.stringify(entry) + '\n');
  return entry;
}

export function readAudit(dataDir: string): AuditEntry[] {
  let text: string;
  try {
    text = readFileSync(dataPaths(dataDir).auditLog, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as AuditEntry);
}
