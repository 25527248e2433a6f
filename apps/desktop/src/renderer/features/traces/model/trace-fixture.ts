/**
 * Small traces for the model's unit tests, written as spans with millisecond times: the columns and the
 * string dictionary a server or file reader would produce.
 */
import { StringDictionary, writeHexId } from '@apo/shared/console';
import { ColumnsBuilder } from './columns-builder.ts';
import { buildFlameGraph, flameInputs } from './flame-graph.ts';
import { buildTraceModel, type FlamedModel } from './trace-model.ts';

export interface FixtureSpan {
  id: string;
  parent: string;
  name: string;
  service: string;
  startMs: number;
  endMs: number;
  error?: boolean;
  kind?: number;
}

export const MS = 1e6;

/** A model with its flame graph attached, as the view has it once the worker sent both. */
export function fixtureModel(spans: readonly FixtureSpan[], traceId = 't', baseNs = '1000'): FlamedModel {
  const b = new ColumnsBuilder();
  const dict = new StringDictionary();
  for (const s of spans) {
    const i = b.reserve(1);
    const c = b.columns;
    writeHexId(s.id, c.spanIds, 2 * i);
    writeHexId(s.parent, c.parentIds, 2 * i);
    c.name[i] = dict.add(s.name);
    c.service[i] = dict.add(s.service);
    c.startNs[i] = s.startMs * MS;
    c.durationNs[i] = (s.endMs - s.startMs) * MS;
    c.status[i] = s.error === true ? 2 : 0;
    c.kind[i] = s.kind ?? 0;
  }
  const m = buildTraceModel({ traceId, baseNs, strings: dict.strings, columns: b.finish() });
  return { ...m, flame: buildFlameGraph(flameInputs(m)) };
}

/** The e2e seed's checkout (e2e/seed/trace-seed.ts): self times 15, 20, 20, 15, 45, 15 ms. */
export const SHOP: readonly FixtureSpan[] = [
  { id: 'a01', parent: '', name: 'GET /checkout', service: 'shop-web', startMs: 0, endMs: 120, error: true },
  { id: 'a02', parent: 'a01', name: 'get cart', service: 'shop-basket', startMs: 5, endMs: 25 },
  {
    id: 'a03',
    parent: 'a01',
    name: 'place order',
    service: 'shop-orders',
    startMs: 30,
    endMs: 115,
    error: true,
  },
  { id: 'a04', parent: 'a03', name: 'reserve stock', service: 'shop-stock', startMs: 35, endMs: 50 },
  {
    id: 'a05',
    parent: 'a03',
    name: 'charge card',
    service: 'shop-payments',
    startMs: 40,
    endMs: 100,
    error: true,
  },
  {
    id: 'a06',
    parent: 'a05',
    name: 'INSERT payments',
    service: 'shop-db',
    startMs: 45,
    endMs: 60,
    error: true,
  },
];
