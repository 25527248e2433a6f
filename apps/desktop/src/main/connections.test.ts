import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectionInputSchema } from '../preload/bridge-contract.ts';
import { MAX_CONNECTIONS, openConnectionStore } from './connections.ts';

let dir: string;
let file: string;
let warnings: string[];
let forgotten: string[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apo-connections-'));
  file = join(dir, 'connections.json');
  warnings = [];
  forgotten = [];
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const open = () => {
  let next = 0;
  return openConnectionStore({
    file,
    defaultServerUrl: 'http://127.0.0.1:3300',
    forgetCredential: (id) => {
      forgotten.push(id);
      return Promise.resolve();
    },
    warn: (message) => warnings.push(message),
    newId: () => `id-${++next}`,
  });
};
const input = (name: string, url: string, credentialKind: 'none' | 'token' = 'token') =>
  connectionInputSchema.parse({ name, url, credentialKind });

describe('openConnectionStore', () => {
  it('starts with the configured server, active, when there is no file', async () => {
    const store = await open();
    expect(store.list()).toEqual({
      activeId: 'id-1',
      connections: [
        { id: 'id-1', name: 'Local (127.0.0.1:3300)', url: 'http://127.0.0.1:3300', credentialKind: 'none' },
      ],
    });
    expect(warnings).toEqual([]);
  });

  it('adds, updates, selects and removes, and a new run reads the same list', async () => {
    const store = await open();
    const prod = await store.add(input('Production', 'https://apo.example.com/'));
    expect(prod).toEqual({
      id: 'id-2',
      name: 'Production',
      url: 'https://apo.example.com',
      credentialKind: 'token',
    });
    await store.update(prod.id, { name: 'Prod EU' });
    await store.select(prod.id);
    expect(store.active()?.name).toBe('Prod EU');

    const reopened = await open();
    expect(reopened.list()).toEqual(store.list());
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ version: 1, activeId: 'id-2' });

    const afterRemove = await store.remove(prod.id);
    expect(afterRemove.activeId).toBe('id-1');
    expect(afterRemove.connections.map((c) => c.id)).toEqual(['id-1']);
    expect(forgotten).toEqual(['id-2']);
  });

  it('forgets the token when a connection moves to another URL or stops using a token', async () => {
    const store = await open();
    const c = await store.add(input('Staging', 'https://staging.example.com'));
    await store.update(c.id, { name: 'Staging 2' });
    expect(forgotten).toEqual([]);
    await store.update(c.id, { url: 'https://elsewhere.example.com' });
    expect(forgotten).toEqual([c.id]);
    await store.update(c.id, { credentialKind: 'none' });
    expect(forgotten).toEqual([c.id, c.id]);
  });

  it('refuses duplicate names (deep links pick by name), unknown ids and an endless list, clearly', async () => {
    const store = await open();
    await store.add(input('Production', 'https://a.example.com'));
    await expect(store.add(input('production', 'https://b.example.com'))).rejects.toThrow(
      'a connection named "Production" already exists',
    );
    await expect(store.select('nope')).rejects.toThrow('no connection with id "nope"');
    await expect(store.update('nope', { name: 'x' })).rejects.toThrow('no connection with id');
    await expect(store.remove('nope')).rejects.toThrow('no connection with id');
    for (let i = store.list().connections.length; i < MAX_CONNECTIONS; i++)
      await store.add(input(`c${i}`, 'https://a.example.com'));
    await expect(store.add(input('one more', 'https://a.example.com'))).rejects.toThrow(
      `at most ${MAX_CONNECTIONS} connections`,
    );
  });

  it('removing the last connection leaves an empty list with no active id; adding makes it active', async () => {
    const store = await open();
    await store.remove('id-1');
    expect(store.list()).toEqual({ connections: [], activeId: null });
    expect(store.active()).toBeUndefined();
    const c = await store.add(input('New', 'http://10.0.0.5:3300'));
    expect(store.list().activeId).toBe(c.id);
  });

  it('lists each origin once for the Content-Security-Policy', async () => {
    const store = await open();
    await store.add(input('A', 'https://gw.example.com/apo'));
    await store.add(input('B', 'https://gw.example.com/apo-staging'));
    expect(store.origins()).toEqual(['http://127.0.0.1:3300', 'https://gw.example.com']);
  });

  it.each([
    ['corrupt JSON', '{"version":1,'],
    ['a foreign file', '{"servers":["x"]}'],
    [
      'a javascript: URL',
      JSON.stringify({
        version: 1,
        activeId: 'a',
        connections: [{ id: 'a', name: 'A', url: 'javascript:alert(1)', credentialKind: 'none' }],
      }),
    ],
  ])('starts from the default list with a warning on %s', async (_what, content) => {
    await writeFile(file, content);
    const store = await open();
    expect(store.list().connections.map((c) => c.url)).toEqual(['http://127.0.0.1:3300']);
    expect(warnings).toHaveLength(1);
  });

  it('keeps a change for this run and says so when the list cannot be saved', async () => {
    // A non-empty directory where the file should be: every write's rename fails.
    await mkdir(join(file, 'occupied'), { recursive: true });
    const store = await open();
    expect(warnings[0]).toContain('cannot be read');
    await expect(store.add(input('Prod', 'https://apo.example.com'))).rejects.toThrow(
      /^the change applies until you quit, but the connection list could not be saved \(/,
    );
    expect(store.list().connections.map((c) => c.name)).toContain('Prod');
  });

  it('repairs an active id that names no connection', async () => {
    await writeFile(
      file,
      JSON.stringify({
        version: 1,
        activeId: 'gone',
        connections: [{ id: 'a', name: 'A', url: 'http://h:1', credentialKind: 'none' }],
      }),
    );
    expect((await open()).list().activeId).toBe('a');
  });

  it('hands out copies, so a caller cannot change the store behind its back', async () => {
    const store = await open();
    const listed = store.list();
    listed.connections[0]!.url = 'http://evil.example.com';
    store.active()!.name = 'changed';
    expect(store.list().connections[0]).toMatchObject({
      url: 'http://127.0.0.1:3300',
      name: 'Local (127.0.0.1:3300)',
    });
  });
});

describe('connection input schema', () => {
  it.each([
    ['ftp://host', 'must be an http:// or https:// URL'],
    ['host:3300', 'must be an http:// or https:// URL'],
    ['https://user:pw@host', 'must not contain a user name or password'],
    [`https://h/${'a'.repeat(2100)}`, 'at most 2048'],
  ])('refuses the URL %s', (url, message) => {
    const result = connectionInputSchema.safeParse({ name: 'n', url, credentialKind: 'none' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain(message);
  });

  it('refuses empty, control-character and overlong names, and unknown fields', () => {
    for (const name of ['  ', 'a\u0007b', 'x'.repeat(65)])
      expect(connectionInputSchema.safeParse({ name, url: 'http://h', credentialKind: 'none' }).success).toBe(
        false,
      );
    expect(
      connectionInputSchema.safeParse({ name: 'n', url: 'http://h', credentialKind: 'none', admin: true })
        .success,
    ).toBe(false);
  });

  it('normalises the URL: no trailing slash, query or fragment; path prefix kept', () => {
    expect(
      connectionInputSchema.parse({
        name: ' n ',
        url: ' https://gw.example.com/apo/?a=1#b ',
        credentialKind: 'token',
      }),
    ).toEqual({ name: 'n', url: 'https://gw.example.com/apo', credentialKind: 'token' });
  });
});
