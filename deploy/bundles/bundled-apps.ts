/**
 * What a runnable bundle holds for each headless component: the entry bundled with rolldown, and the few
 * packages that cannot be bundled, installed beside it as production dependencies.
 */
export type AppName = 'agent' | 'proxy' | 'server';

export interface BundledApp {
  app: AppName;
  /** The command, the bundle directory's name and the systemd unit's. */
  command: `apo-${AppName}`;
  /** Relative to the app's directory. */
  entry: string;
  /**
   * Packages left out of the bundle and copied into its node_modules with their dependencies. chDB is a
   * native addon plus a 566 MB shared library that it loads by path: neither can be inlined.
   */
  external: string[];
  /** Ships the web console's build in `console/`, served at `/` (the server only). */
  withConsole: boolean;
}

export const bundledApps: Record<AppName, BundledApp> = {
  agent: { app: 'agent', command: 'apo-agent', entry: 'src/main.ts', external: [], withConsole: false },
  proxy: { app: 'proxy', command: 'apo-proxy', entry: 'src/main.ts', external: [], withConsole: false },
  server: {
    app: 'server',
    command: 'apo-server',
    entry: 'src/main.ts',
    external: ['chdb'],
    withConsole: true,
  },
};

export const appNames = Object.keys(bundledApps) as AppName[];
