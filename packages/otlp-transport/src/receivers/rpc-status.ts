/** google.rpc.Status { int32 code = 1; string message = 2; } — the OTLP/HTTP error body for protobuf clients. */
export function encodeRpcStatus(code: number, message: string): Uint8Array {
  const text = new TextEncoder().encode(message);
  const out: number[] = [0x08, code, 0x12];
  for (let n = text.length; ; n >>>= 7) {
    if (n < 0x80) {
      out.push(n);
      break;
    }
    out.push((n & 0x7f) | 0x80);
  }
  const bytes = new Uint8Array(out.length + text.length);
  bytes.set(out);
  bytes.set(text, out.length);
  return bytes;
}
