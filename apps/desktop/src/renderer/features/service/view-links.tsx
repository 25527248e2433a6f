import { useRouter } from '@tanstack/react-router';
import type { ReactNode } from 'react';

/**
 * A link to another view (a trace, an instance's logs) that degrades well: while that view's route does
 * not exist in this console, the target is shown as plain text with a title saying why, instead of a link
 * that lands on "not found".
 */
export function ViewLink({
  routePath,
  href,
  missing,
  label,
  children,
}: {
  /** The route's path pattern, e.g. `/traces/$traceId`. */
  routePath: string;
  /** The concrete path with its search, e.g. `/traces/abc?span=def`. */
  href: string;
  /** Why it is not a link yet, for the title. */
  missing: string;
  label: string;
  children: ReactNode;
}) {
  const router = useRouter();
  if (!Object.hasOwn(router.routesByPath, routePath))
    return (
      <span className="view-link missing" title={missing}>
        {children}
      </span>
    );
  return (
    <a className="view-link" href={router.history.createHref(href)} aria-label={label}>
      {children}
    </a>
  );
}
