/**
 * The human-readable reason in an OTLP/HTTP error answer, for the log: `google.rpc.Status.message` of a
 * protobuf body, `message` of a JSON body, or the start of a text body.
 */
const MAX_MESSAGE_CHARS = 500;

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_MESSAGE_CHARS ? `${oneLine.slice(0, MAX_MESSAGE_CHARS)}…` : oneLine;
}

function readVarint(buf: Uint8Array, at: number): [value: number, next: number] | undefined {
  let value = 0;
  for (let shift = 0, i = at; i < buf.length && shift < 35; shift += 7, i++) {
    const byte = buf[i]!;
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, i + 1];
  }
  return undefined;
}

/** google.rpc.Status { int32 code = 1; string message = 2; details = 3 }: field 2, if it is there. */
function rpcStatusMessage(buf: Uint8Array): string | undefined {
  let at = 0;
  while (at < buf.length) {
    const tag = readVarint(buf, at);
    if (tag === undefined) return undefined;
    const [key, afterTag] = tag;
    const wireType = key & 7;
    if (wireType === 0) {
      const v = readVarint(buf, afterTag);
      if (v === undefined) return undefined;
      at = v[1];
    } else if (wireType === 2) {
      const len = readVarint(buf, afterTag);
      if (len === undefined || len[1] + len[0] > buf.length) return undefined;
      if (key >>> 3 === 2) return new TextDecoder().decode(buf.subarray(len[1], len[1] + len[0]));
      at = len[1] + len[0];
    } else {
      return undefined;
    }
  }
  return undefined;
}

export function answerMessage(body: Uint8Array, contentType: string | undefined): string {
  if (body.length === 0) return '';
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('protobuf')) return clip(rpcStatusMessage(body) ?? '');
  const text = new TextDecoder().decode(body);
  if (type.includes('json')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && 'message' in parsed) {
        const message = parsed.message;
        if (typeof message === 'string') return clip(message);
      }
    } catch {
      // not JSON after all: show the text
    }
  }
  return clip(text);
}
