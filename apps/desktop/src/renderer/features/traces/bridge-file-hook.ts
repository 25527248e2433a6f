/**
 * `window.__apoOpenTraceFileBytes`: the desktop app's File → Open path (bridge-trace-file.ts), driven from an
 * end-to-end test in a browser, where there is no File menu and no main process.
 */
import { openChosenTraceFile, type ReadChunk } from './bridge-trace-file.ts';

declare global {
  interface Window {
    /**
     * For end-to-end tests in a browser, where no File menu exists: opens `text` as if main had sent it
     * for File → Open — the same chunked reads, File and file view — or fails the read with `failWith`.
     */
    __apoOpenTraceFileBytes?: (name: string, text: string, failWith?: string) => Promise<void>;
  }
}

export function exposeBridgeFileHook(): () => void {
  window.__apoOpenTraceFileBytes = (name, text, failWith) => {
    const bytes = new TextEncoder().encode(text);
    const read: ReadChunk = (_id, offset, length) =>
      failWith === undefined
        ? Promise.resolve(bytes.slice(offset, offset + length))
        : Promise.reject(new Error(failWith));
    return openChosenTraceFile(read, { id: 'test', name, size: bytes.byteLength });
  };
  return () => {
    delete window.__apoOpenTraceFileBytes;
  };
}
