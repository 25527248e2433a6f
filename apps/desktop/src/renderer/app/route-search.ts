import { parseOverviewSearch, type OverviewSearch } from '../features/overview/overview-search.ts';
import { parseGlobalSearch, type GlobalSearch } from './global-search.ts';

/**
 * Route-level search validation keeps only the keys present in the URL, each validated (an invalid value is
 * dropped, so the view falls back to its default); defaults are applied where the state is read. That keeps
 * links short and lets a link name only what it changes.
 */
function presentOnly<T extends object>(raw: Record<string, unknown>, parsed: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(parsed) as (keyof T)[]) {
    const value = parsed[key];
    if (Object.hasOwn(raw, key) && value !== undefined) out[key] = value;
  }
  return out;
}

export function validateGlobalSearch(raw: Record<string, unknown>): Partial<GlobalSearch> {
  const parsed = parseGlobalSearch(raw);
  const out = presentOnly(raw, parsed);
  // A range is valid only as a pair; half of one read back as the default would change the other end.
  if (out.from === undefined || out.to === undefined) {
    delete out.from;
    delete out.to;
  }
  return out;
}

export function validateOverviewSearch(raw: Record<string, unknown>): Partial<OverviewSearch> {
  return presentOnly(raw, parseOverviewSearch(raw));
}

export interface ServiceSearch {
  endpoint?: string | undefined;
}

export function validateServiceSearch(raw: Record<string, unknown>): ServiceSearch {
  const endpoint =
    typeof raw.endpoint === 'string' && raw.endpoint !== '' ? raw.endpoint.slice(0, 1024) : undefined;
  return endpoint === undefined ? {} : { endpoint };
}

export interface SignInSearch {
  /** Where to go after signing in (a path inside the console). */
  redirect?: string | undefined;
}

export function validateSignInSearch(raw: Record<string, unknown>): SignInSearch {
  const r = raw.redirect;
  // Only in-app paths: a sign-in link must never send the user to another site.
  return typeof r === 'string' && r.startsWith('/') && !r.startsWith('//') ? { redirect: r } : {};
}

export function validateSetupSearch(raw: Record<string, unknown>): { token?: string } {
  return typeof raw.token === 'string' && raw.token !== '' ? { token: raw.token.slice(0, 512) } : {};
}

export function validateAdminSearch(raw: Record<string, unknown>): {
  tab?: 'users' | 'api-keys' | 'sessions' | 'server';
} {
  const tab = raw.tab;
  return tab === 'users' || tab === 'api-keys' || tab === 'sessions' || tab === 'server' ? { tab } : {};
}
