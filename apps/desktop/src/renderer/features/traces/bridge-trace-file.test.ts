import { describe, expect, it } from 'vitest';
import { openChosenTraceFile, readChosenTraceFile, type ReadChunk } from './bridge-trace-file.ts';
import { chosenTraceFile, setTraceFileOpening, traceFileOpening } from './file-store.ts';
import { TraceFileReader } from './model/trace-file.ts';

const TRACE = '0123456789abcdef0123456789abcdef';
const jaeger = JSON.stringify({
  data: [
    {
      traceID: TRACE,
      spans: Array.from({ length: 40 }, (_, i) => ({
        traceID: TRACE,
        spanID: (i + 1).toString(16).padStart(16, '0'),
        operationName: i === 0 ? 'GET /cart' : `query-${i}`,
        references: i === 0 ? [] : [{ refType: 'CHILD_OF', traceID: TRACE, spanID: '0000000000000001' }],
        startTime: 1_700_000_000_000_000 + i,
        duration: 100 - i,
        tags: [{ key: 'note', type: 'string', value: `ünïcode ${i}` }],
        processID: 'p1',
      })),
      processes: { p1: { serviceName: 'cart', tags: [] } },
    },
  ],
});
const bytes = new TextEncoder().encode(jaeger);

/** main's side as the bridge reaches it: chunks of the file by offset, each call recorded. */
function fakeMain(content: Uint8Array) {
  const calls: [number, number][] = [];
  const read: ReadChunk = (id, offset, length) => {
    if (id !== 'file-1')
      return Promise.reject(new Error('that trace file was not chosen in the Open dialog'));
    calls.push([offset, length]);
    return Promise.resolve(content.slice(offset, offset + length));
  };
  return { read, calls };
}

/** What the trace worker does with a File: reads it in slices into the file reader. */
async function open(file: File) {
  const reader = new TraceFileReader();
  for (let at = 0; at < file.size; at += 1000) {
    reader.push(new Uint8Array(await file.slice(at, at + 1000).arrayBuffer()));
  }
  return reader.finish();
}

describe('a trace file chosen in the desktop app’s File → Open', () => {
  it('arrives chunk by chunk, in order, as a File the loader opens', async () => {
    const main = fakeMain(bytes);
    const seen: number[] = [];
    const file = await readChosenTraceFile(
      main.read,
      { id: 'file-1', name: 'cart.jaeger.json', size: bytes.byteLength },
      (n) => seen.push(n),
      1024,
    );
    expect(main.calls.map(([offset]) => offset)).toEqual(
      Array.from({ length: Math.ceil(bytes.byteLength / 1024) }, (_, i) => i * 1024),
    );
    expect(seen.at(-1)).toBe(bytes.byteLength);
    expect([file.name, file.size, file.type]).toEqual([
      'cart.jaeger.json',
      bytes.byteLength,
      'application/json',
    ]);
    const traces = await open(file);
    expect(traces.traces.map((t) => [t.traceId, t.format, t.columns.count])).toEqual([[TRACE, 'jaeger', 40]]);
    const t = traces.traces[0]!;
    expect(traces.strings[t.columns.name[0]!]).toBe('GET /cart');
    expect(traces.strings[t.columns.service[39]!]).toBe('cart');
  });

  it('hands the File to the file view, or says why it could not be read', async () => {
    setTraceFileOpening(null);
    await openChosenTraceFile(fakeMain(bytes).read, {
      id: 'file-1',
      name: 'cart.json',
      size: bytes.byteLength,
    });
    expect(chosenTraceFile()?.name).toBe('cart.json');
    expect(chosenTraceFile()?.size).toBe(bytes.byteLength);
    expect(traceFileOpening()).toBeNull();
    const failing: ReadChunk = () =>
      Promise.reject(new Error('cannot read /tmp/other.json: permission denied'));
    await openChosenTraceFile(failing, { id: 'file-2', name: 'other.json', size: 10 });
    expect(traceFileOpening()).toEqual({
      state: 'failed',
      name: 'other.json',
      message: 'cannot read /tmp/other.json: permission denied',
    });
    // The file already open stays open; the failure shows above it.
    expect(chosenTraceFile()?.name).toBe('cart.json');
  });
});
