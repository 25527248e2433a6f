import { describe, expect, it } from 'vitest';
import { loadDesktopEnv } from './env.ts';

describe('loadDesktopEnv', () => {
  it('defaults to the local server and no dev renderer', () => {
    expect(loadDesktopEnv({})).toEqual({ serverUrl: 'http://127.0.0.1:3300', rendererDevUrl: undefined });
  });

  it('accepts overrides and rejects a non-http server URL, quoting it', () => {
    expect(
      loadDesktopEnv({
        APO_SERVER_URL: 'https://apo.example.com/',
        ELECTRON_RENDERER_URL: 'http://localhost:5173',
      }),
    ).toEqual({
      serverUrl: 'https://apo.example.com',
      rendererDevUrl: 'http://localhost:5173',
    });
    expect(() => loadDesktopEnv({ APO_SERVER_URL: 'apo.example.com' })).toThrow(
      'APO_SERVER_URL: must be an http:// or https:// URL (got "apo.example.com")',
    );
  });
});
