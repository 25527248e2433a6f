/**
 * The server prints path-style links (`http://host:3300/setup?token=…`) and serves index.html for them; the
 * console routes in the hash. A page opened at such a path becomes the same route in the hash (the page's
 * `?server=` stays in the real query), so a printed setup link opens the setup page, not the overview.
 */
const PATH_ROUTES = ['setup', 'sign-in', 'admin', 'services'];

export function pathLinkToHashUrl(location: {
  pathname: string;
  search: string;
  hash: string;
}): string | null {
  if (location.hash.length > 1) return null;
  const match = new RegExp(`^(.*?/)((?:${PATH_ROUTES.join('|')})(?:/[^/]+)?)/?$`).exec(location.pathname);
  if (match === null) return null;
  const [, base = '/', route = ''] = match;
  const params = new URLSearchParams(location.search);
  const server = params.get('server');
  params.delete('server');
  const page = server === null ? base : `${base}?${new URLSearchParams({ server }).toString()}`;
  const query = params.toString();
  return `${page}#/${route}${query === '' ? '' : `?${query}`}`;
}
