/**
 * File → Open trace file… in the desktop app. Chromium shows a page's file chooser only on a user gesture
 * inside the page, and a menu click is not one: so main shows the native Open dialog itself, and the
 * renderer then pulls the chosen file's bytes over IPC in chunks (`read`, at most TRACE_FILE_CHUNK bytes a call)
 * and builds a File from them, which the trace file page opens like any chosen or dropped file.
 *
 * The guard: main only ever reads a path the user chose in this dialog. The renderer never names a path;
 * it names the id main gave the chosen file, and only the last chosen file is readable. A page that
 * somehow called `read` with anything else gets a refusal, never another file's bytes.
 */
import { randomUUID } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { TRACE_FILE_CHUNK, type MenuCommand } from '../preload/bridge-contract.ts';

/** The part of Electron's dialog.showOpenDialog used here (a stand-in in tests). */
export type ShowOpenDialog = (options: {
  title: string;
  properties: 'openFile'[];
  filters: { name: string; extensions: string[] }[];
}) => Promise<{ canceled: boolean; filePaths: string[] }>;

class TraceFileError extends Error {
  override readonly name = 'TraceFileError';
}

interface Chosen {
  id: string;
  path: string;
  size: number;
}

export interface TraceFiles {
  /** Shows the Open dialog; sends the renderer the chosen file (or why it cannot be read). */
  choose(): Promise<void>;
  /** `length` bytes of the chosen file `id` from `offset` (fewer at its end). */
  read(id: string, offset: number, length: number): Promise<Uint8Array>;
}

async function sizeOf(path: string): Promise<number> {
  let handle: FileHandle | undefined;
  try {
    // Opened, not only stat-ed: a file the user may not read is named now, not half way through.
    handle = await open(path, 'r');
    const stat = await handle.stat();
    if (!stat.isFile()) throw new TraceFileError(`${path} is not a file`);
    return stat.size;
  } catch (err) {
    if (err instanceof TraceFileError) throw err;
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
    const why =
      code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'ENOENT'
          ? 'it no longer exists'
          : String(err);
    throw new TraceFileError(`cannot read ${path}: ${why}`);
  } finally {
    await handle?.close();
  }
}

export function createTraceFiles(deps: {
  showOpenDialog: ShowOpenDialog;
  send: (command: MenuCommand) => void;
}): TraceFiles {
  let chosen: Chosen | null = null;
  return {
    async choose() {
      const answer = await deps.showOpenDialog({
        title: 'Open a trace file',
        properties: ['openFile'],
        filters: [
          { name: 'Trace files (OTLP or Jaeger JSON)', extensions: ['json', 'jsonl'] },
          { name: 'All files', extensions: ['*'] },
        ],
      });
      const path = answer.filePaths[0];
      if (answer.canceled || path === undefined) return;
      const name = basename(path);
      try {
        chosen = { id: randomUUID(), path, size: await sizeOf(path) };
        deps.send({ type: 'open-trace-file', file: { id: chosen.id, name, size: chosen.size } });
      } catch (err) {
        chosen = null;
        deps.send({
          type: 'open-trace-file',
          failed: { name, message: err instanceof Error ? err.message : String(err) },
        });
      }
    },

    async read(id, offset, length) {
      // The one path this reads: the file the user chose in the dialog above, by the id it was given.
      if (chosen === null || chosen.id !== id)
        throw new TraceFileError(
          'that trace file was not chosen in the Open dialog (or another was chosen since)',
        );
      const size = Math.max(0, Math.min(length, TRACE_FILE_CHUNK, chosen.size - offset));
      const bytes = new Uint8Array(size);
      if (size === 0) return bytes;
      const handle = await open(chosen.path, 'r').catch((err: unknown) => {
        throw new TraceFileError(`cannot read ${chosen?.path ?? ''}: ${String(err)}`);
      });
      try {
        const { bytesRead } = await handle.read(bytes, 0, size, offset);
        return bytesRead === size ? bytes : bytes.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
  };
}
