/**
 * TCP and IP protocol counters from /proc/net/snmp and /proc/net/netstat (`node_netstat_<Proto>_<Field>`), and
 * socket counts by state from /proc/net/tcp and /proc/net/tcp6 (`node_tcp_connection_states{state}`).
 */
import { attributes, type MetricSet, type MetricSpec } from './metric-set.ts';

/**
 * node_exporter's default netstat selection, plus the TCP reset and abort counters that tell a refused or
 * torn-down connection (Tcp_EstabResets, Tcp_AttemptFails, TcpExt_TCPAbortOn*), the retransmission
 * breakdown and the receive-queue drops.
 */
export const DEFAULT_NETSTAT_FIELDS =
  /^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts|TCPOFOQueue|TCPAbortOn.*|TCPLostRetransmit|TCPFastRetrans|TCPSlowStartRetrans|TCPRcvQDrop|TCPBacklogDrop)|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab|EstabResets|AttemptFails)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$/;

/** Fields that are levels or settings, not event counts: gauges; every other field is a counter since boot. */
const GAUGE_FIELDS = new Set([
  'Ip_Forwarding',
  'Ip_DefaultTTL',
  'Tcp_RtoAlgorithm',
  'Tcp_RtoMin',
  'Tcp_RtoMax',
  'Tcp_MaxConn',
  'Tcp_CurrEstab',
]);

/**
 * The `Proto: name name …` / `Proto: value value …` line pairs of /proc/net/snmp and /proc/net/netstat, as
 * `Proto_name` → value, for the names `fields` selects.
 */
export function parseNetstatTables(
  text: string,
  fields: RegExp,
  into = new Map<string, number>(),
): Map<string, number> {
  const lines = text.split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const header = lines[i]!;
    const values = lines[i + 1]!;
    const colon = header.indexOf(':');
    if (colon <= 0 || values.slice(0, colon + 1) !== header.slice(0, colon + 1)) {
      i--; // out of step (a stray line): realign on the next line
      continue;
    }
    const proto = header.slice(0, colon);
    const names = header
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    const numbers = values
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    for (let j = 0; j < names.length; j++) {
      const key = `${proto}_${names[j]!}`;
      if (!fields.test(key)) continue;
      const value = Number(numbers[j]);
      if (numbers[j] !== undefined && Number.isFinite(value)) into.set(key, value);
    }
  }
  return into;
}

/** Kernel TCP states (include/net/tcp_states.h) by their hex code in /proc/net/tcp, named as node_exporter does. */
const TCP_STATES: readonly string[] = [
  '',
  'established',
  'syn_sent',
  'syn_recv',
  'fin_wait1',
  'fin_wait2',
  'time_wait',
  'close',
  'close_wait',
  'last_ack',
  'listen',
  'closing',
];

/**
 * Adds the sockets of one /proc/net/tcp{,6} table to `counts` (indexed by state code). The state is the
 * fourth field of each row (`sl local rem st …`); rows are scanned by position, not split, because a busy
 * host has tens of thousands of them.
 */
export function countTcpStates(text: string, counts: number[]): void {
  let lineStart = text.indexOf('\n') + 1; // skip the header
  while (lineStart > 0 && lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    let pos = lineStart;
    for (let field = 0; field < 3 && pos < lineEnd; field++) {
      while (pos < lineEnd && text.charCodeAt(pos) === 32) pos++;
      while (pos < lineEnd && text.charCodeAt(pos) !== 32) pos++;
    }
    while (pos < lineEnd && text.charCodeAt(pos) === 32) pos++;
    const state = Number.parseInt(text.slice(pos, pos + 2), 16);
    if (state > 0 && state < TCP_STATES.length) counts[state] = (counts[state] ?? 0) + 1;
    lineStart = lineEnd + 1;
  }
}

const netstatSpecs = new Map<string, MetricSpec>();
function netstatSpec(key: string): MetricSpec {
  let spec = netstatSpecs.get(key);
  if (spec === undefined) {
    spec = { name: `node_netstat_${key}`, unit: '', description: `Statistic ${key.replace('_', '')}.` };
    netstatSpecs.set(key, spec);
  }
  return spec;
}

const CONNECTION_STATES: MetricSpec = {
  name: 'node_tcp_connection_states',
  unit: '{connection}',
  description: 'Number of TCP sockets (IPv4 and IPv6) in each state.',
};

export function addNetstatMetrics(set: MetricSet, netstat: ReadonlyMap<string, number>, boot: bigint): void {
  for (const [key, value] of netstat) {
    if (GAUGE_FIELDS.has(key)) set.gauge(netstatSpec(key), value);
    else set.counter(netstatSpec(key), value, attributes(), boot);
  }
}

/** Every state is reported, zeros included, so a state's series does not appear and vanish. */
export function addTcpStateMetrics(set: MetricSet, counts: readonly number[]): void {
  for (let state = 1; state < TCP_STATES.length; state++) {
    set.gauge(CONNECTION_STATES, counts[state] ?? 0, attributes({ state: TCP_STATES[state]! }));
  }
}
