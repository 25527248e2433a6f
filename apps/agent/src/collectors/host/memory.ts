/**
 * /proc/meminfo (memory and swap levels) and /proc/vmstat (paging, swapping and OOM-kill counters), under
 * node_exporter's names: `node_memory_<Field>_bytes` for fields in kB, `node_memory_<Field>` for the unitless
 * HugePages counts, `Active(anon)` → `Active_anon`; `node_vmstat_<field>`.
 */
import { attributes, type MetricSet, type MetricSpec } from './metric-set.ts';

export interface MeminfoField {
  name: string;
  /** Bytes for kB fields, the plain count otherwise. */
  value: number;
  bytes: boolean;
}

export function parseMeminfo(text: string): MeminfoField[] {
  const out: MeminfoField[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const parts = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    const value = Number(parts[0]);
    if (parts[0] === '' || !Number.isFinite(value)) continue;
    const name = line.slice(0, colon).replace('(', '_').replace(')', '');
    const bytes = parts[1] === 'kB';
    out.push({ name, value: bytes ? value * 1024 : value, bytes });
  }
  return out;
}

/** node_exporter's default vmstat field selection. */
export const DEFAULT_VMSTAT_FIELDS = /^(oom_kill|pgpg|pswp|pg.*fault).*/;

export function parseVmstat(text: string, fields: RegExp): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ');
    if (space <= 0) continue;
    const name = line.slice(0, space);
    if (!fields.test(name)) continue;
    const value = Number(line.slice(space + 1));
    if (Number.isFinite(value)) out.set(name, value);
  }
  return out;
}

// Specs are made once per field name and reused, so a cycle allocates no spec objects.
const meminfoSpecs = new Map<string, MetricSpec>();
function meminfoSpec(field: MeminfoField): MetricSpec {
  const key = field.bytes ? `${field.name}_bytes` : field.name;
  let spec = meminfoSpecs.get(key);
  if (spec === undefined) {
    spec = {
      name: `node_memory_${key}`,
      unit: field.bytes ? 'By' : '',
      description: `Memory information field ${key}.`,
    };
    meminfoSpecs.set(key, spec);
  }
  return spec;
}

const vmstatSpecs = new Map<string, MetricSpec>();
function vmstatSpec(name: string): MetricSpec {
  let spec = vmstatSpecs.get(name);
  if (spec === undefined) {
    spec = { name: `node_vmstat_${name}`, unit: '', description: `/proc/vmstat information field ${name}.` };
    vmstatSpecs.set(name, spec);
  }
  return spec;
}

export function addMemoryMetrics(set: MetricSet, meminfo: readonly MeminfoField[]): void {
  for (const field of meminfo) set.gauge(meminfoSpec(field), field.value);
}

/** The vmstat fields are event counts since boot, so they are counters here (node_exporter: untyped). */
export function addVmstatMetrics(set: MetricSet, vmstat: ReadonlyMap<string, number>, boot: bigint): void {
  for (const [name, value] of vmstat) set.counter(vmstatSpec(name), value, attributes(), boot);
}
