import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { Command } from 'cmdk';
import { useState } from 'react';
import { useTRPCClient } from '../trpc/trpc.ts';
import { rangeQueryOptions } from './data/range-query.ts';
import { useGlobalSearch } from './use-view-search.ts';

const TRACE_ID = /^[0-9a-f]{16,32}$/i;

const VIEWS = [
  { label: 'Overview', to: '/' as const },
  { label: 'Investigate', to: '/investigate' as const },
  { label: 'Admin', to: '/admin' as const },
];
const LATER_VIEWS = ['Service map', 'Traces', 'Logs', 'Metrics', 'Alerts'];

/** Ctrl/Cmd-K: jump to a service, a view, or (later) a trace by id. */
export function CommandPalette({
  open,
  onOpenChange,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const [text, setText] = useState('');
  const navigate = useNavigate();
  const client = useTRPCClient();
  const view = useGlobalSearch();
  const services = useQuery({
    ...rangeQueryOptions({
      procedure: 'services.list',
      input: {},
      view: { ...view, refresh: 'off' },
      fetch: (input, signal) => client.services.list.query(input, { signal }),
    }),
    enabled: open,
  });
  const close = () => {
    onOpenChange(false);
    setText('');
  };
  const traceId = text.trim();
  return (
    <Command.Dialog
      open={open}
      onOpenChange={onOpenChange}
      label="Command palette"
      className="command-palette"
      overlayClassName="dialog-overlay"
      contentClassName="dialog command-dialog"
    >
      <Command.Input
        value={text}
        onValueChange={setText}
        placeholder="Jump to a service, a view or a trace id…"
      />
      <Command.List>
        <Command.Empty>Nothing matches “{text}”.</Command.Empty>
        {TRACE_ID.test(traceId) && (
          <Command.Group heading="Trace">
            <Command.Item value={`trace ${traceId}`} disabled>
              Trace {traceId} <span className="muted">— the trace view arrives later</span>
            </Command.Item>
          </Command.Group>
        )}
        <Command.Group heading="Services">
          {services.isPending && <Command.Loading>Loading services…</Command.Loading>}
          {services.isError && services.data === undefined && (
            <Command.Item disabled value="services-error">
              Services could not be loaded: {services.error.message}
            </Command.Item>
          )}
          {services.data?.result.map((s) => (
            <Command.Item
              key={s.name}
              value={`service ${s.name}`}
              onSelect={() => {
                close();
                void navigate({ to: '/services/$name', params: { name: s.name } });
              }}
            >
              <span aria-hidden="true" className="muted">
                ◆
              </span>{' '}
              {s.name}
            </Command.Item>
          ))}
        </Command.Group>
        <Command.Group heading="Views">
          {VIEWS.map((v) => (
            <Command.Item
              key={v.label}
              value={`view ${v.label}`}
              onSelect={() => {
                close();
                void navigate({ to: v.to });
              }}
            >
              {v.label}
            </Command.Item>
          ))}
          {LATER_VIEWS.map((label) => (
            <Command.Item key={label} value={`view ${label}`} disabled>
              {label} <span className="muted">— coming in a later release</span>
            </Command.Item>
          ))}
        </Command.Group>
      </Command.List>
    </Command.Dialog>
  );
}
