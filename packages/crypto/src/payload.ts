import { CryptoError } from './errors';

export type SecretPayload = { kind: 'text'; text: string } | { kind: 'file'; name: string; type: string; bytes: Uint8Array };

export const PAYLOAD_VERSION = 1;
/** Generous bound on the JSON header (kind, file name, media type); see LIMITS.envelopeOverheadBytes. */
export const MAX_HEADER_BYTES = 1024;

interface PayloadHeader {
  v: 1;
  kind: 'text' | 'file';
  name?: string;
  type?: string;
}

const utf8 = new TextEncoder();

function malformed(message: string, cause?: unknown): CryptoError {
  return new CryptoError('malformed_payload', message, cause === undefined ? undefined : { cause });
}

/** Layout: 4-byte big-endian header length, UTF-8 JSON header, body (text as UTF-8, or file bytes). */
export function encodePayload(p: SecretPayload): Uint8Array {
  const header: PayloadHeader = p.kind === 'text' ? { v: 1, kind: 'text' } : { v: 1, kind: 'file', name: p.name, type: p.type };
  const headerBytes = utf8.encode(JSON.stringify(header));
  if (headerBytes.length > MAX_HEADER_BYTES) throw malformed('File name or media type is too long');
  const body = p.kind === 'text' ? utf8.encode(p.text) : p.bytes;
  const out = new Uint8Array(4 + headerBytes.length + body.length);
  new DataView(out.buffer).setUint32(0, headerBytes.length, false);
  out.set(headerBytes, 4);
  out.set(body, 4 + headerBytes.length);
  return out;
}

export function decodePayload(b: Uint8Array): SecretPayload {
  if (b.length < 4) throw malformed('Payload is too short');
  const headerLength = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(0, false);
  if (headerLength === 0 || headerLength > MAX_HEADER_BYTES || 4 + headerLength > b.length) {
    throw malformed('Payload header length is out of range');
  }
  let header: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(4, 4 + headerLength));
    header = JSON.parse(text);
  } catch (err) {
    throw malformed('Payload header is not valid UTF-8 JSON', err);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw malformed('Payload header is not an object');
  }
  const h = header as Record<string, unknown>;
  if (h.v !== PAYLOAD_VERSION) throw malformed('Payload header version is not supported');
  const body = b.slice(4 + headerLength);
  if (h.kind === 'text') {
    if ('name' in h || 'type' in h) throw malformed('Text payload header has file fields');
    try {
      // ignoreBOM keeps a leading U+FEFF that the sender typed instead of silently dropping it.
      return { kind: 'text', text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body) };
    } catch (err) {
      throw malformed('Text payload is not valid UTF-8', err);
    }
  }
  if (h.kind === 'file') {
    if (typeof h.name !== 'string' || typeof h.type !== 'string') {
      throw malformed('File payload header needs a name and a type');
    }
    return { kind: 'file', name: h.name, type: h.type, bytes: body };
  }
  throw malformed('Payload kind is not supported');
}
