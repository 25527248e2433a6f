/**
 * What global-setup started, handed to the test workers through environment variables (workers are
 * spawned after global setup and inherit them).
 */

// Linted in typescript-eslint's default project (e2e/*.ts), which under TypeScript 6 loads no @types
export interface E2eEnv {
  /** The real APO server under test. */
  serverUrl: string;
  /** The built web console, served by `vite preview` (which also forwards /trpc to the server). */
  consoleUrl: string;
}

const SERVER = 'APO_E2E_SERVER_URL';
const CONSOLE = 'APO_E2E_CONSOLE_URL';

export function publishE2eEnv(env: E2eEnv): void {
  process.env[SERVER] = env.serverUrl;
  process.env[CONSOLE] = env.consoleUrl;
}

export function e2eEnv(): E2eEnv {
  const serverUrl = process.env[SERVER];
  const consoleUrl = process.env[CONSOLE];
  if (serverUrl === undefined || consoleUrl === undefined) {
    throw new Error(
      `${SERVER} / ${CONSOLE} are not set: run the specs through \`pnpm exec playwright test\` so e2e/global-setup.ts runs`,
    );
  }
  return { serverUrl, consoleUrl };
}
