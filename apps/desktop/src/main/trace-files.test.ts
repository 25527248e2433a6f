import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TRACE_FILE_CHUNK, type MenuCommand } from '../preload/bridge-contract.ts';
import { createTraceFiles, type ShowOpenDialog } from './trace-files.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apo-trace-files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A stand-in for Electron's dialog: answers with the given paths, and records what it was asked. */
function fakeDialog(answers: { canceled: boolean; filePaths: string[] }[]) {
  const asked: Parameters<ShowOpenDialog>[0][] = [];
  const show: ShowOpenDialog = (options) => {
    asked.push(options);
    return Promise.resolve(answers.shift() ?? { canceled: true, filePaths: [] });
  };
  return { show, asked };
}

function setup(answers: { canceled: boolean; filePaths: string[] }[]) {
  const dialog = fakeDialog(answers);
  const sent: MenuCommand[] = [];
  const files = createTraceFiles({ showOpenDialog: dialog.show, send: (c) => sent.push(c) });
  return { files, sent, asked: dialog.asked };
}

/** Reads the chosen file as the renderer does: chunk after chunk until one comes back short. */
async function readAll(files: ReturnType<typeof createTraceFiles>, id: string, chunk: number) {
  const parts: Uint8Array[] = [];
  for (let offset = 0; ;) {
    const bytes = await files.read(id, offset, chunk);
    parts.push(bytes);
    offset += bytes.byteLength;
    if (bytes.byteLength < chunk) break;
  }
  return Buffer.concat(parts);
}

describe('File → Open trace file (main, with a stand-in dialog)', () => {
  it('asks for a JSON file, tells the renderer its id, name and size, and delivers its bytes in order', async () => {
    const path = join(dir, 'checkout.jaeger.json');
    // 20 MB: three chunks of at most 8 MB, the last one short.
    const content = Buffer.alloc(20 << 20);
    for (let i = 0; i < content.length; i++) content[i] = (i * 31) & 0xff;
    await writeFile(path, content);
    const { files, sent, asked } = setup([{ canceled: false, filePaths: [path] }]);
    await files.choose();
    expect(asked[0]?.properties).toEqual(['openFile']);
    expect(asked[0]?.filters[0]?.extensions).toEqual(['json', 'jsonl']);
    expect(sent).toHaveLength(1);
    const command = sent[0];
    if (command?.type !== 'open-trace-file' || !('file' in command)) throw new Error('no file sent');
    expect(command.file).toMatchObject({ name: 'checkout.jaeger.json', size: 20 << 20 });
    const back = await readAll(files, command.file.id, TRACE_FILE_CHUNK);
    expect(back.equals(content)).toBe(true);
    // A chunk never exceeds the bound, whatever is asked.
    expect((await files.read(command.file.id, 0, 64 << 20)).byteLength).toBe(TRACE_FILE_CHUNK);
    expect((await files.read(command.file.id, 20 << 20, 10)).byteLength).toBe(0);
  });

  it('sends nothing when the dialog is cancelled', async () => {
    const { files, sent } = setup([{ canceled: true, filePaths: [] }]);
    await files.choose();
    expect(sent).toEqual([]);
  });

  it('names an unreadable choice instead of opening it', async () => {
    const { files, sent } = setup([
      { canceled: false, filePaths: [join(dir, 'gone.json')] },
      { canceled: false, filePaths: [dir] },
    ]);
    await files.choose();
    await files.choose();
    expect(sent).toEqual([
      {
        type: 'open-trace-file',
        failed: { name: 'gone.json', message: `cannot read ${join(dir, 'gone.json')}: it no longer exists` },
      },
      { type: 'open-trace-file', failed: { name: basename(dir), message: `${dir} is not a file` } },
    ]);
  });

  it('reads only the file last chosen in the dialog, by the id it was given', async () => {
    const first = join(dir, 'a.json');
    const second = join(dir, 'b.json');
    await writeFile(first, '{"data":[]}');
    await writeFile(second, '{"resourceSpans":[]}');
    const { files, sent } = setup([
      { canceled: false, filePaths: [first] },
      { canceled: false, filePaths: [second] },
    ]);
    await expect(files.read('anything', 0, 10)).rejects.toThrow(
      'that trace file was not chosen in the Open dialog (or another was chosen since)',
    );
    await files.choose();
    await files.choose();
    const ids = sent.map((c) => (c.type === 'open-trace-file' && 'file' in c ? c.file.id : ''));
    expect(ids[0]).not.toBe(ids[1]);
    await expect(files.read(ids[0] ?? '', 0, 100)).rejects.toThrow('was not chosen in the Open dialog');
    expect(Buffer.from(await files.read(ids[1] ?? '', 0, 100)).toString()).toBe('{"resourceSpans":[]}');
  });
});
