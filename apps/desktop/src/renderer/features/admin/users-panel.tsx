import { useState, type SyntheticEvent } from 'react';
import { ROLES, roleOf, type Role } from '../../app/auth/auth-api.ts';
import { QueryState, useNow } from '../../app/data/query-state.tsx';
import { DataTable } from '../../ui/data-table/data-table.tsx';
import { formatAgo } from '../../ui/format/time.ts';
import { TableSkeleton } from '../../ui/states/skeleton.tsx';
import type { Admin } from './use-admin.ts';

const ROLE_VIEWER: Role = 'viewer';

export function UsersPanel({
  users,
  create,
  update,
  resetPassword,
  offlineReason,
}: {
  users: Admin['users'];
  create: Admin['createUser'];
  update: Admin['updateUser'];
  resetPassword: Admin['resetPassword'];
  /** Why changes are disabled (offline), or undefined. */
  offlineReason: string | undefined;
}) {
  const now = useNow();
  const [form, setForm] = useState({ username: '', displayName: '', password: '', role: ROLE_VIEWER });
  const [reset, setReset] = useState<{ username: string; password: string } | null>(null);
  const disabled = offlineReason !== undefined;
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    create.mutate(form, {
      onSuccess: () => setForm({ username: '', displayName: '', password: '', role: 'viewer' }),
    });
  };
  return (
    <section className="panel" aria-label="Users">
      <h3>Users</h3>
      <form className="inline-form" onSubmit={submit} aria-label="Create a user">
        <label>
          Username
          <input
            required
            value={form.username}
            onChange={(e) => setForm({ ...form, username: e.target.value })}
          />
        </label>
        <label>
          Display name
          <input
            required
            value={form.displayName}
            onChange={(e) => setForm({ ...form, displayName: e.target.value })}
          />
        </label>
        <label>
          Initial password
          <input
            type="password"
            required
            minLength={12}
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
          />
        </label>
        <label>
          Role
          <select
            value={form.role}
            onChange={(e) => setForm({ ...form, role: roleOf(e.target.value) ?? form.role })}
          >
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <button
          type="submit"
          className="button primary"
          disabled={disabled || create.isPending}
          title={offlineReason}
        >
          Create user
        </button>
        {create.isError && (
          <p role="alert" className="field-error">
            Could not create the user: {create.error.message}
          </p>
        )}
      </form>
      {reset !== null && (
        <form
          className="inline-form"
          aria-label="Reset password"
          onSubmit={(e) => {
            e.preventDefault();
            resetPassword.mutate(reset, { onSuccess: () => setReset(null) });
          }}
        >
          <label>
            New password
            <input
              type="password"
              required
              minLength={12}
              autoComplete="new-password"
              value={reset.password}
              onChange={(e) => setReset({ ...reset, password: e.target.value })}
            />
          </label>
          <button type="submit" className="button primary" disabled={disabled}>
            Set password
          </button>
          <button type="button" className="button" onClick={() => setReset(null)}>
            Cancel
          </button>
        </form>
      )}
      {update.isError && (
        <p role="alert" className="field-error">
          The change was not saved: {update.error.message}
        </p>
      )}
      <QueryState
        query={users}
        what="the users"
        skeleton={<TableSkeleton columns={5} rows={4} label="Loading users" />}
      >
        {(rows) => (
          <DataTable
            label="Users"
            rows={rows}
            rowKey={(u) => u.username}
            rowClassName={(u) => (u.disabled ? 'inactive' : undefined)}
            columns={[
              { id: 'username', header: 'Username', cell: (u) => u.username },
              { id: 'displayName', header: 'Name', cell: (u) => u.displayName },
              {
                id: 'role',
                header: 'Role',
                cell: (u) => (
                  <select
                    aria-label={`Role of ${u.username}`}
                    value={u.role}
                    disabled={disabled}
                    onChange={(e) =>
                      update.mutate({ username: u.username, role: roleOf(e.target.value) ?? u.role })
                    }
                  >
                    {ROLES.map((r) => (
                      <option key={r}>{r}</option>
                    ))}
                  </select>
                ),
              },
              { id: 'status', header: 'Status', cell: (u) => (u.disabled ? 'disabled' : 'active') },
              { id: 'created', header: 'Created', cell: (u) => formatAgo(u.createdAt, now) },
              {
                id: 'actions',
                header: 'Actions',
                cell: (u) => (
                  <span className="code-line">
                    <button
                      type="button"
                      className="button small"
                      disabled={disabled}
                      onClick={() => setReset({ username: u.username, password: '' })}
                    >
                      Reset password
                    </button>
                    <button
                      type="button"
                      className="button small danger"
                      disabled={disabled}
                      onClick={() => update.mutate({ username: u.username, disabled: !u.disabled })}
                    >
                      {u.disabled ? 'Enable' : 'Disable'}
                    </button>
                  </span>
                ),
              },
            ]}
          />
        )}
      </QueryState>
    </section>
  );
}
