import * as Popover from '@radix-ui/react-popover';
import { useState } from 'react';
import { useActiveConnection } from './active-connection.ts';
import { useConnection, type ConnectionStatus } from './data/connection.tsx';
import { ServerStatusPanel } from './server-status/server-status-panel.tsx';

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  connecting: 'Connecting',
  online: 'Connected',
  offline: 'Offline',
};

/**
 * The current server with its status (dot AND word: never colour alone); its popover shows the server's
 * status and, in the desktop app, the other saved connections to switch to (the bridge keeps the list).
 */
export function ServerSwitcher() {
  const connection = useConnection();
  const active = useActiveConnection();
  const [problem, setProblem] = useState<string | null>(null);
  const others = active.connections.filter((c) => c.id !== active.connection.id);
  const name = active.connection.name;
  return (
    <Popover.Root>
      <Popover.Trigger
        className="button toolbar-button server-switcher"
        aria-label={`Server ${name}: ${STATUS_TEXT[connection.status]}`}
      >
        <span className={`status-dot ${connection.status}`} aria-hidden="true" />
        <span className="server-host">{name}</span>
        <span className="muted small">{STATUS_TEXT[connection.status]}</span>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content className="popover server-popover" align="start" sideOffset={6}>
          <ServerStatusPanel serverUrl={connection.serverUrl} />
          {others.length > 0 && (
            <section className="panel" aria-label="Other servers">
              <h3>Switch to</h3>
              <ul className="plain-list">
                {others.map((c) => (
                  <li key={c.id}>
                    <button
                      type="button"
                      className="menu-item"
                      onClick={() => {
                        setProblem(null);
                        active.select(c.id).catch((err: unknown) => {
                          setProblem(err instanceof Error ? err.message : String(err));
                        });
                      }}
                    >
                      {c.name} <span className="muted small">{c.url}</span>
                    </button>
                  </li>
                ))}
              </ul>
              {problem !== null && (
                <p role="alert" className="field-error">
                  Could not switch: {problem}
                </p>
              )}
            </section>
          )}
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
