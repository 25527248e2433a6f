import { ServerStatusPanel } from '../../app/server-status/server-status-panel.tsx';
import { useConnection } from '../../app/data/connection.tsx';

export function AdminPage() {
  const { serverUrl } = useConnection();
  return (
    <div className="page admin-page">
      <div className="page-header">
        <h2>Admin</h2>
      </div>
      <ServerStatusPanel serverUrl={serverUrl} />
    </div>
  );
}
