import type { SavedInvestigation, SavedInvestigationSummary } from '@apo/shared/console';
import type { UseQueryResult } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { QueryState } from '../../app/data/query-state.tsx';
import { formatExactTime } from '../../ui/format/time.ts';
import { EmptyState } from '../../ui/states/empty-state.tsx';
import { TableSkeleton } from '../../ui/states/skeleton.tsx';
import { describeWindow } from './explain.ts';

/** "Saved investigations": open one (its saved copy) or remove it (its owner, or an admin). */
export function SavedList<E extends { message: string }>({
  list,
  onRemove,
  removing,
  removeError,
}: {
  list: UseQueryResult<SavedInvestigationSummary[], E>;
  onRemove: (id: string) => void;
  removing: string | null;
  removeError: string | null;
}) {
  return (
    <section className="panel saved-list" aria-label="Saved investigations">
      <h3>Saved investigations</h3>
      {removeError !== null && (
        <p role="alert" className="bad-text">
          Not removed: {removeError}
        </p>
      )}
      <QueryState
        query={list}
        what="the saved investigations"
        skeleton={<TableSkeleton columns={5} rows={3} label="Loading saved investigations" />}
      >
        {(rows) =>
          rows.length === 0 ? (
            <EmptyState title="None saved yet.">
              <p className="muted small">
                The last step of an investigation saves it here, with its evidence.
              </p>
            </EmptyState>
          ) : (
            <table className="plain-table">
              <thead>
                <tr>
                  <th>Title</th>
                  <th>Top hypothesis</th>
                  <th>Window</th>
                  <th>Saved by</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {rows.map((s) => (
                  <tr key={s.id}>
                    <td>
                      <Link to="/investigate" search={{ saved: s.id }}>
                        {s.title}
                      </Link>
                    </td>
                    <td>{s.headline ?? <span className="muted">nothing abnormal</span>}</td>
                    <td className="small">{describeWindow(s.from, s.to)}</td>
                    <td className="small">
                      {s.createdBy}, {formatExactTime(s.createdAt).slice(0, 16)}
                    </td>
                    <td>
                      {s.removable && (
                        <button
                          type="button"
                          className="button small"
                          aria-label={`Remove ${s.title}`}
                          disabled={removing === s.id}
                          onClick={() => onRemove(s.id)}
                        >
                          Remove
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </QueryState>
    </section>
  );
}

/** The last step of a reopened investigation: who saved it, when, their notes. */
export function SavedDetails({ saved }: { saved: SavedInvestigation }) {
  return (
    <div className="saved-details">
      <p className="why">
        <span className="why-label">Saved copy: </span>
        this is the investigation as it was saved — nothing was re-run.
      </p>
      <dl className="facts">
        <dt>Title</dt>
        <dd>{saved.title}</dd>
        <dt>Saved by</dt>
        <dd>
          {saved.createdBy}, {formatExactTime(saved.createdAt)}
        </dd>
        <dt>Notes</dt>
        <dd className="notes">{saved.notes === '' ? <span className="muted">none</span> : saved.notes}</dd>
      </dl>
      <p>
        <Link
          to="/investigate"
          search={{
            from: saved.from,
            to: saved.to,
            service: saved.service ?? undefined,
            endpoint: saved.endpoint ?? undefined,
            all: saved.service === null ? true : undefined,
          }}
        >
          Run it again on the current data
        </Link>
      </p>
    </div>
  );
}
