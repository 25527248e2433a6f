import type { EndpointDelaySource } from '@apo/shared/console';
import { useMemo, useState } from 'react';
import { DataTable, type TableSort } from '../../ui/data-table/data-table.tsx';
import { formatValue } from '../../ui/format/units.ts';
import { EmptyState } from '../../ui/states/empty-state.tsx';
import { DelaySourceBadge } from './delay-source-badge.tsx';

interface EndpointRow {
  endpoint: string;
  count: number;
  errors: number;
  avg: number | null;
  p95: number | null;
}

/** A service's endpoints with their RED and delay source; Enter or a click narrows the page to one. */
export function EndpointsTable({
  rows,
  delaySources,
  selected,
  onSelect,
}: {
  rows: EndpointRow[];
  /** Undefined while loading or when it failed: the column shows dashes, the rest stays usable. */
  delaySources: readonly EndpointDelaySource[] | undefined;
  selected: string | undefined;
  onSelect: (endpoint: string) => void;
}) {
  const [sort, setSort] = useState<TableSort>({ column: 'count', dir: 'desc' });
  const sources = useMemo(() => new Map(delaySources?.map((d) => [d.endpoint, d])), [delaySources]);
  const sorted = useMemo(() => {
    const value = (r: EndpointRow): number | string | null => {
      switch (sort.column) {
        case 'endpoint':
          return r.endpoint;
        case 'errors':
          return r.errors;
        case 'avg':
          return r.avg;
        case 'p95':
          return r.p95;
        case 'delay':
          return sources.get(r.endpoint)?.dependencyShare ?? null;
        default:
          return r.count;
      }
    };
    const sign = sort.dir === 'asc' ? 1 : -1;
    return [...rows].sort((a, b) => {
      const x = value(a);
      const y = value(b);
      if (x === null || y === null) return (x === null ? 1 : 0) - (y === null ? 1 : 0);
      return typeof x === 'string' ? sign * x.localeCompare(String(y)) : sign * (x - Number(y));
    });
  }, [rows, sort, sources]);
  if (rows.length === 0)
    return <EmptyState title="No endpoint had requests in this range">Try a longer time range.</EmptyState>;
  return (
    <DataTable
      label="Endpoints"
      rows={sorted}
      rowKey={(r) => r.endpoint}
      sort={sort}
      onSort={(column) =>
        setSort((s) => ({ column, dir: s.column === column && s.dir === 'desc' ? 'asc' : 'desc' }))
      }
      onOpen={(r) => onSelect(r.endpoint)}
      rowClassName={(r) => (r.endpoint === selected ? 'selected' : undefined)}
      columns={[
        { id: 'endpoint', header: 'Endpoint', sortable: true, cell: (r) => r.endpoint },
        {
          id: 'count',
          header: 'Requests',
          numeric: true,
          sortable: true,
          cell: (r) => formatValue(r.count, 'count'),
        },
        {
          id: 'errors',
          header: 'Errors',
          numeric: true,
          sortable: true,
          cell: (r) => formatValue(r.errors, 'count'),
        },
        { id: 'avg', header: 'Avg', numeric: true, sortable: true, cell: (r) => formatValue(r.avg, 'ms') },
        { id: 'p95', header: 'p95', numeric: true, sortable: true, cell: (r) => formatValue(r.p95, 'ms') },
        {
          id: 'delay',
          header: 'Delay source',
          sortable: true,
          cell: (r) => <DelaySourceBadge source={sources.get(r.endpoint)} />,
        },
      ]}
    />
  );
}
