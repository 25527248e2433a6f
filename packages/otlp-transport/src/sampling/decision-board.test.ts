import { describe, expect, it } from 'vitest';
import { DecisionBoard } from './decision-board.ts';

const id = (n: number) => n.toString(16).padStart(32, '0');

describe('DecisionBoard', () => {
  it('gives a new reader only what is posted after it first asked, then what follows its cursor', async () => {
    const board = new DecisionBoard({ retainMs: 60_000, maxDecisions: 100 });
    board.post([id(1)]);
    const first = await board.read(undefined, 0);
    expect(first.traceIds).toEqual([]);
    board.post([id(2), id(3)]);
    const second = await board.read(first.cursor, 0);
    expect(second.traceIds).toEqual([id(2), id(3)]);
    expect((await board.read(second.cursor, 0)).traceIds).toEqual([]);
  });

  it('wakes a long poll as soon as a decision arrives', async () => {
    const board = new DecisionBoard({ retainMs: 60_000, maxDecisions: 100 });
    const { cursor } = await board.read(undefined, 0);
    const pending = board.read(cursor, 30_000);
    board.post([id(7)]);
    expect((await pending).traceIds).toEqual([id(7)]);
  });

  it('forgets decisions past their retention or beyond the bound, and never repeats them', async () => {
    let now = 1_000_000;
    const board = new DecisionBoard({ retainMs: 10_000, maxDecisions: 3, now: () => now });
    const { cursor } = await board.read(undefined, 0);
    board.post([id(1), id(2), id(3), id(4)]);
    expect(board.size).toBe(3);
    const page = await board.read(cursor, 0);
    expect(page.traceIds).toEqual([id(2), id(3), id(4)]);
    now += 10_001;
    expect((await board.read(cursor, 0)).traceIds).toEqual([]);
    expect(board.size).toBe(0);
  });

  it('treats a cursor from another server run as "from the oldest retained"', async () => {
    const board = new DecisionBoard({ retainMs: 60_000, maxDecisions: 100 });
    board.post([id(5)]);
    expect((await board.read('otherrun:999', 0)).traceIds).toEqual([id(5)]);
  });

  it('validates trace ids', () => {
    expect(DecisionBoard.isTraceId(id(1))).toBe(true);
    expect(DecisionBoard.isTraceId('ABC')).toBe(false);
    expect(DecisionBoard.isTraceId(id(1).toUpperCase().replace(/0/g, 'A'))).toBe(false);
  });
});
