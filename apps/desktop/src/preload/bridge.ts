/**
 * The whole surface the renderer gets from the OS side. Kept free of `electron` and Node imports so the
 * renderer's type-check (DOM only) can import `ApoBridge` without pulling Node types in; preload/index.ts
 * wires it to ipcRenderer. Add a capability here, in the main process IPC handlers, and nowhere else.
 */
export const ipcChannels = {
  getServerUrl: 'apo:get-server-url',
} as const;

export type Invoke = (channel: string, ...args: unknown[]) => Promise<unknown>;

export function createBridge(invoke: Invoke, platform: string) {
  const bridge = {
    /** `process.platform` in Electron (`linux`, `darwin`, `win32`), `web` in a plain browser. */
    platform,
    /** Base URL of the APO server the console talks to, without a trailing slash. */
    async getServerUrl(): Promise<string> {
      const url = await invoke(ipcChannels.getServerUrl);
      // The renderer must not trust whatever crosses IPC either.
      if (typeof url !== 'string' || !/^https?:\/\//.test(url))
        throw new Error(`the main process returned no usable server URL (got ${JSON.stringify(url)})`);
      return url;
    },
  };
  return bridge;
}

/** Inferred from the object above, so the type and the implementation cannot drift apart. */
export type ApoBridge = ReturnType<typeof createBridge>;
