/** /proc/net/dev, under node_exporter's `node_network_{receive,transmit}_*_total{device}` names. */
import { attributes, type MetricSet, type MetricSpec } from './metric-set.ts';

/** Debian's node_exporter default: loopback traffic is left out. */
export const DEFAULT_NETWORK_DEVICE_EXCLUDE = /^lo$/;

const RECEIVE = ['bytes', 'packets', 'errs', 'drop', 'fifo', 'frame', 'compressed', 'multicast'] as const;
const TRANSMIT = ['bytes', 'packets', 'errs', 'drop', 'fifo', 'colls', 'carrier', 'compressed'] as const;

export interface NetDevStats {
  device: string;
  /** In `RECEIVE` order. */
  receive: number[];
  /** In `TRANSMIT` order. */
  transmit: number[];
}

export function parseNetDev(text: string, exclude: RegExp): NetDevStats[] {
  const out: NetDevStats[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue; // the two header lines have no colon (`Inter-|`, ` face |`)
    const device = line.slice(0, colon).trim();
    if (device === '' || exclude.test(device)) continue;
    const values = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    if (values.length < 16) continue;
    out.push({ device, receive: values.slice(0, 8), transmit: values.slice(8, 16) });
  }
  return out;
}

function specs(direction: 'receive' | 'transmit', names: readonly string[]): MetricSpec[] {
  return names.map((name) => ({
    name: `node_network_${direction}_${name}_total`,
    unit: name === 'bytes' ? 'By' : name === 'packets' ? '{packet}' : '',
    description: `Network device statistic ${direction}_${name}.`,
  }));
}
const RECEIVE_SPECS = specs('receive', RECEIVE);
const TRANSMIT_SPECS = specs('transmit', TRANSMIT);

export function addNetworkDeviceMetrics(set: MetricSet, devices: readonly NetDevStats[], boot: bigint): void {
  for (const { device, receive, transmit } of devices) {
    for (let i = 0; i < 8; i++) {
      if (Number.isFinite(receive[i]))
        set.counter(RECEIVE_SPECS[i]!, receive[i]!, attributes({ device }), boot);
      if (Number.isFinite(transmit[i])) {
        set.counter(TRANSMIT_SPECS[i]!, transmit[i]!, attributes({ device }), boot);
      }
    }
  }
}
