import type { ServiceHost } from '@apo/shared/console';
import { DataTable } from '../../ui/data-table/data-table.tsx';
import { formatValue } from '../../ui/format/units.ts';
import { EmptyState } from '../../ui/states/empty-state.tsx';

/** A share 0…1 as a percent, marked from `warn` up. */
function Share({ value, warn, title }: { value: number | null; warn: number; title?: string | undefined }) {
  if (value === null) return <span className="muted">—</span>;
  return (
    <span className={value >= warn ? 'warn-text' : undefined} title={title}>
      {formatValue(value, 'ratio')}
    </span>
  );
}

const rate = (v: number | null) => (v === null ? '—' : `${formatValue(v, 'bytes')}/s`);

/** The hosts the service runs on, with node_exporter's CPU, memory, disk, network and TCP figures. */
export function HostsTable({ rows }: { rows: readonly ServiceHost[] }) {
  if (rows.length === 0)
    return (
      <EmptyState title="No host metrics for this service in this range">
        Host figures come from the APO agent on each host the service's processes run on.
      </EmptyState>
    );
  return (
    <DataTable
      label="Hosts"
      rows={rows}
      rowKey={(h) => h.host}
      columns={[
        { id: 'host', header: 'Host', cell: (h) => h.host },
        { id: 'cpu', header: 'CPU', numeric: true, cell: (h) => <Share value={h.cpuBusy} warn={0.8} /> },
        {
          id: 'load',
          header: 'Load/core',
          numeric: true,
          cell: (h) => (h.load1PerCore === null ? '—' : h.load1PerCore.toFixed(2)),
        },
        {
          id: 'memory',
          header: 'Memory',
          numeric: true,
          cell: (h) => (
            <Share
              value={h.memoryUsed}
              warn={0.8}
              title={
                h.memoryTotalBytes === null ? undefined : `of ${formatValue(h.memoryTotalBytes, 'bytes')}`
              }
            />
          ),
        },
        {
          id: 'disk',
          header: 'Disk full',
          numeric: true,
          cell: (h) => <Share value={h.diskUsed} warn={0.8} title={h.diskMount ?? undefined} />,
        },
        {
          id: 'io',
          header: 'Disk busy',
          numeric: true,
          cell: (h) => <Share value={h.diskIoBusy} warn={0.5} />,
        },
        { id: 'rx', header: 'Net in', numeric: true, cell: (h) => rate(h.networkRxBytesPerS) },
        { id: 'tx', header: 'Net out', numeric: true, cell: (h) => rate(h.networkTxBytesPerS) },
        {
          id: 'retrans',
          header: 'TCP retrans',
          numeric: true,
          cell: (h) => <Share value={h.tcpRetransmitRatio} warn={0.01} />,
        },
        {
          id: 'resets',
          header: 'TCP resets',
          numeric: true,
          cell: (h) => (h.tcpResetsPerS === null ? '—' : `${formatValue(h.tcpResetsPerS, 'count')}/s`),
        },
        {
          id: 'estab',
          header: 'Established',
          numeric: true,
          cell: (h) => formatValue(h.tcpEstablished, 'count'),
        },
      ]}
    />
  );
}
