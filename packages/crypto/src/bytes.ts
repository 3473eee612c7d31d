/**
 * Copies into a fresh ArrayBuffer-backed array. WebCrypto wants `BufferSource` over a plain
 * ArrayBuffer (not SharedArrayBuffer, not a view into someone else's buffer), and copying also
 * means later mutation of the caller's array cannot change what we derived or encrypted.
 */
export function own(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

export const ascii = (s: string): Uint8Array<ArrayBuffer> => own(new TextEncoder().encode(s));
