import { deflateSync } from 'node:zlib';

/** A minimal PNG-24-with-alpha encoder, enough to draw the app icons without binary files in git. */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  typed.copy(out, 4);
  out.writeUInt32BE(crc32(typed), 8 + data.length);
  return out;
}

export type Rgba = readonly [number, number, number, number];

/** Encodes a size×size RGBA image whose pixels come from `pixel(x, y)` (coordinates 0..1). */
export function encodePng(size: number, pixel: (x: number, y: number) => Rgba): Uint8Array {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y += 1) {
    const row = y * (size * 4 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < size; x += 1) {
      const [r, g, b, a] = pixel((x + 0.5) / size, (y + 0.5) / size);
      raw.set([r, g, b, a], row + 1 + x * 4);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit, RGBA, deflate, no filter, no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(
    Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array())]),
  );
}

/** Reads width and height from a PNG's IHDR, or null when the bytes are not a PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  const buffer = Buffer.from(bytes);
  if (buffer.length < 24 || buffer.readUInt32BE(0) !== 0x89504e47 || buffer.toString('ascii', 12, 16) !== 'IHDR') return null;
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) };
}

const BLUE: Rgba = [0x1f, 0x73, 0xb7, 255];
const WHITE: Rgba = [255, 255, 255, 255];

/** The Vouchsafe padlock (same drawing as logo.svg) on a square background: Zendesk rounds the corners itself. */
export function padlockPixel(x: number, y: number): Rgba {
  const [u, v] = [x * 32, y * 32];
  const isBody = u >= 8 && u <= 24 && v >= 14 && v <= 25;
  const distance = Math.hypot(u - 16, v - 11);
  const isShackle =
    (v <= 11 && distance >= 3.75 && distance <= 6.25) || (v > 11 && v < 14 && (Math.abs(u - 11) <= 1.25 || Math.abs(u - 21) <= 1.25));
  return isBody || isShackle ? WHITE : BLUE;
}
