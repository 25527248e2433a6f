import { z } from 'zod';

/** The one place the desktop main process reads `process.env`; bad values stop the start with the value quoted. */
export class EnvError extends Error {
  override readonly name = 'EnvError';
}

type Env = Record<string, string | undefined>;

const unsetIfEmpty = (value: unknown): unknown => (value === '' ? undefined : value);
const httpUrl = z
  .string()
  .refine((value) => /^https?:$/.test(URL.parse(value)?.protocol ?? ''), 'must be an http:// or https:// URL')
  .transform((value) => value.replace(/\/+$/, ''));

const desktopEnvSchema = z.object({
  /** The APO server the console talks to. */
  APO_SERVER_URL: z.preprocess(unsetIfEmpty, httpUrl.default('http://127.0.0.1:3300')),
  /** Set by `electron-vite dev`: the renderer then comes from its dev server instead of out/renderer. */
  ELECTRON_RENDERER_URL: z.preprocess(unsetIfEmpty, httpUrl.optional()),
});

export interface DesktopConfig {
  serverUrl: string;
  rendererDevUrl: string | undefined;
}

export function loadDesktopEnv(env: Env = process.env): DesktopConfig {
  const result = desktopEnvSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const value = env[name];
      return `${name}: ${issue.message}${value === undefined ? '' : ` (got ${JSON.stringify(value)})`}`;
    });
    throw new EnvError(`invalid desktop environment:\n  ${problems.join('\n  ')}`);
  }
  return { serverUrl: result.data.APO_SERVER_URL, rendererDevUrl: result.data.ELECTRON_RENDERER_URL };
}
