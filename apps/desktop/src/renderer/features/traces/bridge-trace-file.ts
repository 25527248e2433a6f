/**
 * The desktop app's File → Open: main showed its Open dialog and sent the chosen file's id, name and size
 * (main/trace-files.ts). Its bytes come over the bridge in chunks of at most 8 MB, in order, and become a
 * File — the same thing the file input and a drop give — so the trace file page opens it the same way: the
 * trace worker reads it in slices, parses it and reads span details from it.
 */
import type { ChosenTraceFile } from '../../../preload/bridge-contract.ts';
import { chooseTraceFile, setTraceFileOpening } from './file-store.ts';

const CHUNK = 8 << 20;

export type ReadChunk = (id: string, offset: number, length: number) => Promise<Uint8Array>;

/** The chosen file's bytes as a File, read chunk after chunk. */
export async function readChosenTraceFile(
  read: ReadChunk,
  chosen: ChosenTraceFile,
  onBytes: (bytes: number) => void = () => undefined,
  chunk = CHUNK,
): Promise<File> {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let offset = 0;
  while (offset < chosen.size) {
    const bytes = await read(chosen.id, offset, Math.min(chunk, chosen.size - offset));
    // The file shrank while it was read: what there is, is what opens (the reader names a cut-off file).
    if (bytes.byteLength === 0) break;
    parts.push(
      bytes.buffer instanceof ArrayBuffer
        ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
        : bytes.slice(),
    );
    offset += bytes.byteLength;
    onBytes(offset);
  }
  return new File(parts, chosen.name, { type: 'application/json' });
}

/** Reads the chosen file into the file store, which the trace file page follows; failures are shown there. */
export async function openChosenTraceFile(read: ReadChunk, chosen: ChosenTraceFile): Promise<void> {
  const reading = (bytes: number) =>
    setTraceFileOpening({ state: 'reading', name: chosen.name, bytes, size: chosen.size });
  reading(0);
  try {
    chooseTraceFile(await readChosenTraceFile(read, chosen, reading));
  } catch (err) {
    setTraceFileOpening({
      state: 'failed',
      name: chosen.name,
      message: err instanceof Error ? err.message : String(err),
    });
  }
}
