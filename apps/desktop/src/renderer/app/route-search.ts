/**
 * Route-level search validation keeps only the keys present in the URL, each validated (an invalid value
 * falls back to its default); defaults are applied where the state is read. That keeps links short and lets
 * a link name only what it changes.
 */
import { parseOverviewSearch, type OverviewSearch } from '../features/overview/overview-search.ts';
import { urlTimeEnd } from '../ui/time-picker/time-range.ts';
import { parseGlobalSearch, type GlobalSearch } from './global-search.ts';

/** Absolute ends travel as plain numbers: the router quotes a string that looks like one (`from="17…"`). */
type UrlGlobalSearch = Partial<Omit<GlobalSearch, 'from' | 'to'>> & {
  from?: string | number;
  to?: string | number;
};

export function validateGlobalSearch(raw: Record<string, unknown>): UrlGlobalSearch {
  const parsed = parseGlobalSearch(raw);
  const has = (key: string) => Object.hasOwn(raw, key);
  const out: UrlGlobalSearch = {};
  // A range is valid only as a pair; half of one read back as the default would change the other end.
  if (has('from') && has('to')) {
    out.from = urlTimeEnd(parsed.from);
    out.to = urlTimeEnd(parsed.to);
  }
  if (has('compare')) out.compare = parsed.compare;
  if (has('refresh')) out.refresh = parsed.refresh;
  return out;
}

export function validateOverviewSearch(raw: Record<string, unknown>): Partial<OverviewSearch> {
  const parsed = parseOverviewSearch(raw);
  const out: Partial<OverviewSearch> = {};
  if (parsed.cluster !== undefined) out.cluster = parsed.cluster;
  if (parsed.namespace !== undefined) out.namespace = parsed.namespace;
  if (parsed.q !== undefined) out.q = parsed.q;
  if (parsed.open !== undefined) out.open = parsed.open;
  if (Object.hasOwn(raw, 'sort')) out.sort = parsed.sort;
  if (Object.hasOwn(raw, 'dir')) out.dir = parsed.dir;
  return out;
}

export interface ServiceSearch {
  endpoint?: string | undefined;
  /** One instance's RED charts. */
  instance?: string | undefined;
  /** The comparison series overlaid on the RED charts, when asked for. */
  overlay?: 'day' | 'week' | undefined;
}

export function validateServiceSearch(raw: Record<string, unknown>): ServiceSearch {
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v.slice(0, 1024) : undefined);
  const out: ServiceSearch = {};
  const endpoint = text(raw.endpoint);
  const instance = text(raw.instance);
  if (endpoint !== undefined) out.endpoint = endpoint;
  if (instance !== undefined) out.instance = instance;
  if (raw.overlay === 'day' || raw.overlay === 'week') out.overlay = raw.overlay;
  return out;
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
