import { describe, expect, it } from 'vitest';
import { logsTable } from '../tables/logs.ts';
import { metricsTable } from '../tables/metrics.ts';
import { spansTable } from '../tables/spans.ts';
import { array, attributeList, nullable, float64, string, uint64, uint8 } from './column-types.ts';
import { tableColumns } from './table-columns.ts';

const spans = tableColumns(spansTable);

describe('tableColumns', () => {
  it('names stored columns the definition has, and refuses others', () => {
    expect(spans.name('duration_ns')).toBe('duration_ns');
    expect(() => spans.name('duration')).toThrow('table spans has no column "duration"');
  });

  it('reads a stored column as a type that fits its stored type', () => {
    expect(spans.read('duration_ns', uint64)).toEqual({ sql: 'duration_ns', type: uint64 });
    // LowCardinality is a storage detail: it reads as a String.
    expect(spans.read('service', string).sql).toBe('service');
    expect(spans.read('event_names', array(string)).sql).toBe('event_names');
    expect(tableColumns(metricsTable).read('sum', nullable(float64)).sql).toBe('sum');
    expect(() => spans.read('duration_ns', string)).toThrow(
      'spans.duration_ns is stored as UInt64; it cannot be read as String',
    );
    expect(() => spans.read('kind', uint64)).toThrow('spans.kind is stored as UInt8');
    expect(() => tableColumns(metricsTable).read('sum', float64)).toThrow('stored as Nullable(Float64)');
    expect(() => spans.read('status_code', uint8)).not.toThrow();
  });

  it('reads a map column only as an attribute list', () => {
    expect(tableColumns(logsTable).attributes('attributes')).toEqual({
      sql: "CAST(attributes, 'Array(Tuple(String, String))')",
      type: attributeList,
    });
    expect(() => spans.read('attributes', attributeList)).toThrow(
      'cannot be read as Array(Tuple(String, String))',
    );
    expect(() => spans.attributes('event_attributes')).toThrow(
      'spans.event_attributes is stored as Array(Map(LowCardinality(String), String)), not as a Map(…, String)',
    );
  });
});
