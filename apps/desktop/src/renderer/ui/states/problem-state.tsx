import type { ReactNode } from 'react';

/** Error state: what failed in words, what to do, the raw detail for bug reports, and a Retry. */
export function ProblemState({
  title,
  detail,
  hint,
  onRetry,
  retrying = false,
  retryDisabledReason,
  children,
}: {
  title: string;
  detail?: string | undefined;
  hint?: ReactNode;
  onRetry?: () => void;
  retrying?: boolean;
  /** Why Retry cannot work right now (offline); shown instead of enabling a button that would fail. */
  retryDisabledReason?: string | undefined;
  children?: ReactNode;
}) {
  return (
    <div role="alert" className="state state-problem">
      <p className="state-title">
        <span aria-hidden="true" className="state-icon">
          ⚠
        </span>{' '}
        {title}
      </p>
      {hint !== undefined && <div className="state-hint">{hint}</div>}
      {children}
      {detail !== undefined && <p className="muted small">Details: {detail}</p>}
      {onRetry !== undefined && (
        <button type="button" className="button" disabled={retrying} onClick={onRetry}>
          {retrying ? 'Retrying…' : 'Retry'}
        </button>
      )}
      {retryDisabledReason !== undefined && <p className="muted small">{retryDisabledReason}</p>}
    </div>
  );
}
