import * as Popover from '@radix-ui/react-popover';
import { useConnection, type ConnectionStatus } from './data/connection.tsx';
import { ServerStatusPanel } from './server-status/server-status-panel.tsx';

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  connecting: 'Connecting',
  online: 'Connected',
  offline: 'Offline',
};

function hostOf(url: string): string {
  return URL.parse(url)?.host ?? url;
}

/**
 * The current server with its status (dot AND word: never colour alone). Today it shows the one server
 * the bridge names; choosing among saved connections plugs in here when the bridge offers them.
 */
export function ServerSwitcher() {
  const connection = useConnection();
  return (
    <Popover.Root>
      <Popover.Trigger
        className="button toolbar-button server-switcher"
        aria-label={`Server ${hostOf(connection.serverUrl)}: ${STATUS_TEXT[connection.status]}`}
      >
        <span className={`status-dot ${connection.status}`} aria-hidden="true" />
        <span className="server-host">{hostOf(connection.serverUrl)}</span>
        <span className="muted small">{STATUS_TEXT[connection.status]}</span>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content className="popover server-popover" align="start" sideOffset={6}>
          <ServerStatusPanel serverUrl={connection.serverUrl} />
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
