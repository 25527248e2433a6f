/**
 * The service's status lights for infrastructure, network and Kubernetes, each with its reasons (the
 * console shows them in the tooltip). Limits follow APO's built-in host and network alert rules
 * (PRODUCT.md §2.8): memory > 90 %, disk free < 20 %, load > 0.8 per core; a light is as bad as its worst
 * reason. Without data a light is `unknown`, never green.
 */
import type { LightLevel, ServiceHost, StatusLight } from '@apo/shared/console';

const RANK: Record<LightLevel, number> = { unknown: 0, ok: 1, warning: 2, critical: 3 };
const pct = (v: number) => `${(v * 100).toFixed(v < 0.1 ? 1 : 0)} %`;

interface Finding {
  level: LightLevel;
  reason: string;
}

function light(dimension: StatusLight['dimension'], findings: Finding[], okReason: string): StatusLight {
  if (findings.length === 0) return { dimension, level: 'ok', reasons: [okReason] };
  const level = findings.reduce<LightLevel>((a, f) => (RANK[f.level] > RANK[a] ? f.level : a), 'ok');
  return { dimension, level, reasons: findings.map((f) => f.reason) };
}

/** `value` against [warning, critical] limits, as a finding or none. */
function check(value: number | null, warn: number, crit: number, what: string): Finding[] {
  if (value === null || value < warn) return [];
  return [{ level: value >= crit ? 'critical' : 'warning', reason: what }];
}

export function infrastructureLight(
  hosts: readonly ServiceHost[],
  restarts: ReadonlyMap<string, number>,
): StatusLight {
  const findings = hosts.flatMap((h) => [
    ...check(h.cpuBusy, 0.8, 0.9, `${h.host}: CPU ${pct(h.cpuBusy ?? 0)} busy`),
    ...check(h.memoryUsed, 0.8, 0.9, `${h.host}: memory ${pct(h.memoryUsed ?? 0)} used`),
    ...check(h.diskUsed, 0.8, 0.9, `${h.host}: disk ${h.diskMount ?? ''} ${pct(h.diskUsed ?? 0)} full`),
    ...check(h.load1PerCore, 0.8, 2, `${h.host}: load ${(h.load1PerCore ?? 0).toFixed(2)} per core`),
  ]);
  for (const [instance, n] of [...restarts].sort(([x], [y]) => x.localeCompare(y)))
    if (n > 0) findings.push({ level: 'warning', reason: `${instance}: ${n} restart(s) in the range` });
  if (hosts.length === 0 && findings.length === 0)
    return { dimension: 'infrastructure', level: 'unknown', reasons: ['no host metrics in the range'] };
  return light(
    'infrastructure',
    findings,
    `${hosts.length} host(s): CPU, memory, disk and load within limits`,
  );
}

export function networkLight(hosts: readonly ServiceHost[]): StatusLight {
  const measured = hosts.filter((h) => h.tcpRetransmitRatio !== null || h.tcpResetsPerS !== null);
  if (measured.length === 0)
    return { dimension: 'network', level: 'unknown', reasons: ['no TCP figures in the range'] };
  const findings = measured.flatMap((h) => [
    ...check(
      h.tcpRetransmitRatio,
      0.01,
      0.05,
      `${h.host}: ${pct(h.tcpRetransmitRatio ?? 0)} of TCP segments retransmitted`,
    ),
    ...check(h.tcpResetsPerS, 10, 100, `${h.host}: ${(h.tcpResetsPerS ?? 0).toFixed(1)} TCP resets/s`),
  ]);
  return light('network', findings, 'TCP retransmissions under 1 % and resets under 10/s');
}

/** Reasons the kubelet reports when a container is dying or cannot run: critical. */
const CRITICAL_REASONS = new Set([
  'OOMKilled',
  'OOMKilling',
  'BackOff',
  'CrashLoopBackOff',
  'Evicted',
  'Failed',
]);

export function kubernetesLight(
  warnings: readonly { reason: string; count: number; lastMessage: string }[],
  inKubernetes: boolean,
): StatusLight {
  if (warnings.length === 0)
    return inKubernetes
      ? { dimension: 'kubernetes', level: 'ok', reasons: ['no warning events in the range'] }
      : {
          dimension: 'kubernetes',
          level: 'unknown',
          reasons: ['no Kubernetes pod or event seen for this service'],
        };
  return light(
    'kubernetes',
    warnings.map((w) => ({
      level: CRITICAL_REASONS.has(w.reason) ? 'critical' : 'warning',
      reason: `${w.reason} ×${w.count}${w.lastMessage === '' ? '' : `: ${w.lastMessage.slice(0, 120)}`}`,
    })),
    '',
  );
}
