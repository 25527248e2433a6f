/** The resources and helpers the service detail seed's files share (service-detail-seed.ts). */
import type { Attributes } from '@apo/shared/model';

export const NS = 1_000_000n;

export function attrs(entries: Record<string, Attributes[string]>): Attributes {
  return Object.assign(Object.create(null) as Attributes, entries);
}
export const scope = {
  name: 'service-detail-seed',
  version: '',
  attributes: attrs({}),
  droppedAttributesCount: 0,
};
export const res = (entries: Record<string, Attributes[string]>) => ({
  attributes: attrs(entries),
  droppedAttributesCount: 0,
});

export const PAYMENTS_RESOURCE = {
  'service.name': 'payments',
  'service.instance.id': 'payments-1',
  'service.version': '2.1.0',
  'host.name': 'node-a',
  'process.pid': 4242n,
  'container.id': 'c0ffee',
  'k8s.pod.name': 'payments-7d9f',
  'process.creation.time': '2026-01-05T08:00:00.000Z',
};
