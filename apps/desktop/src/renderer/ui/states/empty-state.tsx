import type { ReactNode } from 'react';

/** Empty state: why there is nothing, and the next step. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div role="status" className="state state-empty">
      <p className="state-title">{title}</p>
      {children}
    </div>
  );
}
