import { useSearch } from '@tanstack/react-router';
import { useConnection } from '../../app/data/connection.tsx';
import { ServerStatusPanel } from '../../app/server-status/server-status-panel.tsx';
import { useSetSearch } from '../../app/use-view-search.ts';
import { PanelBoundary } from '../../ui/states/panel-boundary.tsx';
import { ApiKeysPanel } from './api-keys-panel.tsx';
import { SessionsPanel } from './sessions-panel.tsx';
import { UsersPanel } from './users-panel.tsx';
import { useAdmin } from './use-admin.ts';

const TABS = [
  ['users', 'Users'],
  ['api-keys', 'API keys'],
  ['sessions', 'Sessions'],
  ['server', 'Server'],
] as const;

/** Users, API keys, sessions and the server's status; each tab's state is in the URL (`tab=`). */
export function AdminPage() {
  const { tab = 'users' } = useSearch({ from: '/shell/admin' });
  const setSearch = useSetSearch();
  const connection = useConnection();
  const admin = useAdmin(tab);
  const offlineReason =
    connection.status === 'offline' ? 'The server is offline: changes need it.' : undefined;
  return (
    <div className="page admin-page">
      <div className="page-header">
        <h2>Admin</h2>
      </div>
      <div role="tablist" aria-label="Admin sections" className="tabs">
        {TABS.map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            className="tab"
            aria-selected={tab === id}
            onClick={() => setSearch({ tab: id })}
          >
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-label={TABS.find(([id]) => id === tab)?.[1]}>
        {tab === 'users' && (
          <PanelBoundary name="Users">
            <UsersPanel
              users={admin.users}
              create={admin.createUser}
              update={admin.updateUser}
              resetPassword={admin.resetPassword}
              offlineReason={offlineReason}
            />
          </PanelBoundary>
        )}
        {tab === 'api-keys' && (
          <PanelBoundary name="API keys">
            <ApiKeysPanel
              keys={admin.apiKeys}
              create={admin.createApiKey}
              revoke={admin.revokeApiKey}
              offlineReason={offlineReason}
            />
          </PanelBoundary>
        )}
        {tab === 'sessions' && (
          <PanelBoundary name="Sessions">
            <SessionsPanel
              sessions={admin.sessions}
              revoke={admin.revokeSession}
              offlineReason={offlineReason}
            />
          </PanelBoundary>
        )}
        {tab === 'server' && <ServerStatusPanel serverUrl={connection.serverUrl} />}
      </div>
    </div>
  );
}
