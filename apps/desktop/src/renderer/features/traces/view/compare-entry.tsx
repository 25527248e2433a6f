/**
 * "Compare with…": another trace's id, and the comparison opens with this trace as the first (`a`).
 * From a file trace the first is `file:<id>`; the second is a stored trace (or another trace of the file).
 */
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { parseTraceRef } from '../trace-compare-search.ts';

export function CompareEntry({ self }: { self: string }) {
  const navigate = useNavigate();
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <form
      className="trace-compare-entry"
      onSubmit={(e) => {
        e.preventDefault();
        const ref = parseTraceRef(text);
        if (ref === null) {
          setProblem('A trace id is 32 hex digits (or file:<id> for a trace of the open file)');
          return;
        }
        setProblem(null);
        void navigate({
          to: '/traces/compare',
          search: { a: self, b: `${ref.file ? 'file:' : ''}${ref.traceId}` },
        });
      }}
    >
      <input
        type="text"
        aria-label="Compare with trace id"
        placeholder="Compare with trace id…"
        spellCheck={false}
        value={text}
        aria-invalid={problem !== null}
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit" className="button small">
        Compare
      </button>
      {problem !== null && (
        <span className="small bad" role="alert">
          ⚠ {problem}
        </span>
      )}
    </form>
  );
}
