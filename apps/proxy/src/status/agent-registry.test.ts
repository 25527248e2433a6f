import { describe, expect, it } from 'vitest';
import { AgentRegistry } from './agent-registry.ts';

describe('AgentRegistry', () => {
  it('names agents by header, then token, then "anonymous", ignoring unsafe header values', () => {
    const agents = new AgentRegistry(10);
    expect(agents.identify('host-a.example', 'web')).toBe('host-a.example');
    expect(agents.identify(undefined, 'web')).toBe('web');
    expect(agents.identify(undefined, undefined)).toBe('anonymous');
    expect(agents.identify('bad"name\n', undefined)).toBe('anonymous');
    expect(agents.identify('x'.repeat(129), 'web')).toBe('web');
  });

  it('counts agents past the bound together as "other", keeping those already known', () => {
    const agents = new AgentRegistry(2);
    expect(agents.identify('a', undefined)).toBe('a');
    expect(agents.identify('b', undefined)).toBe('b');
    expect(agents.identify('c', undefined)).toBe('other');
    expect(agents.identify('a', undefined)).toBe('a');
    agents.received('other', 'traces', 5);
    agents.settled('d', 'traces', 5, 'exported');
    const names = [...agents.entries()].map(([name]) => name).sort();
    expect(names).toEqual(['a', 'b', 'other']);
    expect(agents.counters('other').forwarded.traces).toEqual({ batches: 1, items: 5 });
  });
});
