import type { ServiceCalls, ServiceErrors, ServiceInstances } from '@apo/shared/console';
import { useTRPCClient } from '../../trpc/trpc.ts';
import { CallsTable } from './calls-table.tsx';
import { ErrorsPanel } from './errors-panel.tsx';
import { InstancesTable } from './instances-table.tsx';
import { LoadMore, usePagedRows } from './more-rows.tsx';

/** The range the first page was read for: later pages must read the same one, or rows shift between them. */
interface Range {
  fromMs: number;
  toMs: number;
}

/** Database and external calls, a page at a time. */
export function PagedCalls({ service, data, range }: { service: string; data: ServiceCalls; range: Range }) {
  const client = useTRPCClient();
  const paged = usePagedRows(data, { rows: data.calls, nextCursor: data.nextCursor }, async (cursor) => {
    const page = await client.services.calls.query({
      service,
      compareWith: data.compareWith,
      from: range.fromMs,
      to: range.toMs,
      cursor,
    });
    return { rows: page.calls, nextCursor: page.nextCursor };
  });
  return (
    <>
      <CallsTable rows={paged.rows} compareWith={data.compareWith} />
      <LoadMore paged={paged} what="calls" />
    </>
  );
}

/** Instances by name, a page at a time; a row narrows the charts to it. */
export function PagedInstances({
  service,
  data,
  range,
  selected,
  onSelect,
}: {
  service: string;
  data: ServiceInstances;
  range: Range;
  selected: string | undefined;
  onSelect: (instance: string) => void;
}) {
  const client = useTRPCClient();
  const paged = usePagedRows(data, { rows: data.instances, nextCursor: data.nextCursor }, async (cursor) => {
    const page = await client.services.instances.query({
      service,
      from: range.fromMs,
      to: range.toMs,
      cursor,
    });
    return { rows: page.instances, nextCursor: page.nextCursor };
  });
  return (
    <>
      <InstancesTable service={service} rows={paged.rows} selected={selected} onSelect={onSelect} />
      <LoadMore paged={paged} what="instances" />
    </>
  );
}

/** Error groups, a page at a time, with the error logs per instance of the first page. */
export function PagedErrors({
  service,
  data,
  range,
}: {
  service: string;
  data: ServiceErrors;
  range: Range;
}) {
  const client = useTRPCClient();
  const paged = usePagedRows(data, { rows: data.groups, nextCursor: data.nextCursor }, async (cursor) => {
    const page = await client.services.errors.query({ service, from: range.fromMs, to: range.toMs, cursor });
    return { rows: page.groups, nextCursor: page.nextCursor };
  });
  return (
    <ErrorsPanel
      service={service}
      groups={paged.rows}
      logErrors={data.logErrors}
      more={<LoadMore paged={paged} what="error groups" />}
    />
  );
}
