import { describe, expect, it } from 'vitest';
import { warmUpFileReader } from './warm-up.ts';

describe('the trace worker warm-up', () => {
  it('reads its generated Jaeger and OTLP samples whole', () => {
    expect(warmUpFileReader()).toBe(4000);
  });
});
