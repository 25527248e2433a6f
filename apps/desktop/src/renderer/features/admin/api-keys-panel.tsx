import { useState } from 'react';
import { roleOf, type Role } from '../../app/auth/auth-api.ts';
import { QueryState, useNow } from '../../app/data/query-state.tsx';
import { DataTable } from '../../ui/data-table/data-table.tsx';
import { formatAgo, formatExactTime } from '../../ui/format/time.ts';
import { CopyButton } from '../../ui/primitives/copy-button.tsx';
import { TableSkeleton } from '../../ui/states/skeleton.tsx';
import type { Admin } from './use-admin.ts';

/** API keys for scripts and automation. A new key's secret is shown once, here, with a copy button. */
export function ApiKeysPanel({
  keys,
  create,
  revoke,
  offlineReason,
}: {
  keys: Admin['apiKeys'];
  create: Admin['createApiKey'];
  revoke: Admin['revokeApiKey'];
  offlineReason: string | undefined;
}) {
  const now = useNow();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [secret, setSecret] = useState<string | null>(null);
  const disabled = offlineReason !== undefined;
  return (
    <section className="panel" aria-label="API keys">
      <h3>API keys</h3>
      <form
        className="inline-form"
        aria-label="Create an API key"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(
            { name: name.trim(), role },
            {
              onSuccess: (r) => {
                setSecret(r.key);
                setName('');
              },
            },
          );
        }}
      >
        <label>
          Name (what uses it)
          <input
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="ci-deploy-markers"
          />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(roleOf(e.target.value) ?? 'viewer')}>
            <option>viewer</option>
            <option>editor</option>
            <option>admin</option>
          </select>
        </label>
        <button
          type="submit"
          className="button primary"
          disabled={disabled || create.isPending}
          title={offlineReason}
        >
          Create key
        </button>
        {create.isError && (
          <p role="alert" className="field-error">
            Could not create the key: {create.error.message}
          </p>
        )}
      </form>
      {secret !== null && (
        <div className="secret" role="status">
          <strong>Copy this key now: it is not shown again.</strong>
          <code>{secret}</code>
          <CopyButton text={secret} />
          <button type="button" className="button small" onClick={() => setSecret(null)}>
            Done
          </button>
        </div>
      )}
      <QueryState
        query={keys}
        what="the API keys"
        skeleton={<TableSkeleton columns={4} rows={3} label="Loading API keys" />}
      >
        {(rows) =>
          rows.length === 0 ? (
            <p className="muted">No API keys yet. Create one for each script or system that calls APO.</p>
          ) : (
            <DataTable
              label="API keys"
              rows={rows}
              rowKey={(k) => k.id}
              rowClassName={(k) => (k.revokedAt === null ? undefined : 'inactive')}
              columns={[
                {
                  id: 'name',
                  header: 'Name',
                  cell: (k) => (
                    <>
                      {k.name} <code>{k.prefix}…</code>
                    </>
                  ),
                },
                {
                  id: 'created',
                  header: 'Created',
                  cell: (k) => (
                    <span title={formatExactTime(k.createdAt)}>{formatAgo(k.createdAt, now)}</span>
                  ),
                },
                {
                  id: 'used',
                  header: 'Last used',
                  cell: (k) =>
                    k.lastUsedAt === null ? (
                      'never'
                    ) : (
                      <span title={formatExactTime(k.lastUsedAt)}>{formatAgo(k.lastUsedAt, now)}</span>
                    ),
                },
                {
                  id: 'actions',
                  header: 'Actions',
                  cell: (k) => (
                    <button
                      type="button"
                      className="button small danger"
                      disabled={disabled || revoke.isPending || k.revokedAt !== null}
                      onClick={() => {
                        if (window.confirm(`Revoke the key "${k.name}"? Anything using it stops working.`))
                          revoke.mutate({ id: k.id });
                      }}
                    >
                      Revoke
                    </button>
                  ),
                },
              ]}
            />
          )
        }
      </QueryState>
    </section>
  );
}
