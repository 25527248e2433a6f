import { describe, expect, it } from 'vitest';
import { encodeRpcStatus } from '../receivers/rpc-status.ts';
import { answerMessage } from './answer-message.ts';

describe('answerMessage', () => {
  it('reads google.rpc.Status.message from a protobuf answer (as the server encodes it)', () => {
    const body = encodeRpcStatus(3, 'X-APO-Batch-Id must be 1–128 characters');
    expect(answerMessage(body, 'application/x-protobuf')).toBe('X-APO-Batch-Id must be 1–128 characters');
    const long = encodeRpcStatus(8, 'x'.repeat(300));
    expect(answerMessage(long, 'application/x-protobuf')).toBe('x'.repeat(300));
  });

  it('reads message from a JSON answer and falls back to the text', () => {
    const json = new TextEncoder().encode('{"code":14,"message":"storage unavailable"}');
    expect(answerMessage(json, 'application/json; charset=utf-8')).toBe('storage unavailable');
    const text = new TextEncoder().encode('  upstream\nconnect error  ');
    expect(answerMessage(text, 'text/plain')).toBe('upstream connect error');
    expect(answerMessage(new TextEncoder().encode('{oops'), 'application/json')).toBe('{oops');
    expect(answerMessage(new Uint8Array(), 'application/json')).toBe('');
  });

  it('cuts long messages and survives a truncated protobuf', () => {
    expect(answerMessage(new TextEncoder().encode('y'.repeat(2000)), undefined)).toHaveLength(501);
    expect(answerMessage(Uint8Array.of(0x08, 0x03, 0x12, 0x40, 0x41), 'application/x-protobuf')).toBe('');
  });
});
