/**
 * Byte helpers for the browser (no Buffer): hex, UTF-8 and a big-endian writer that produces the same canonical
 * bytes as the node's `src/ledger/codec.ts` Writer.
 */

const HEX_PATTERN = /^(?:[0-9a-fA-F]{2})*$/;

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

/** @throws Error naming `field` when `hex` is not even-length hex (or not `length` bytes when given). */
export function fromHex(hex: string, field = 'hex', length?: number): Uint8Array {
  const clean = hex.trim();
  if (!HEX_PATTERN.test(clean)) throw new Error(`${field} must be hexadecimal (an even number of 0-9 a-f digits)`);
  const bytes = new Uint8Array(clean.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  if (length !== undefined && bytes.length !== length) {
    throw new Error(`${field} must be ${length} bytes (${length * 2} hex digits), got ${bytes.length}`);
  }
  return bytes;
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, p) => sum + p.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const U64_MAX = (1n << 64n) - 1n;

/** Growable big-endian writer (the layout rules of the node's canonical codec). */
export class ByteWriter {
  private buffer: Uint8Array;
  private view: DataView;
  private length = 0;

  constructor(initialBytes = 256) {
    this.buffer = new Uint8Array(initialBytes);
    this.view = new DataView(this.buffer.buffer);
  }

  private ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    const next = new Uint8Array(Math.max(needed, this.buffer.length * 2));
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }

  private checkInt(value: number, max: number, what: string): void {
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new Error(`${what} must be an integer from 0 to ${max}, got ${value}`);
    }
  }

  u8(value: number, field = 'u8'): this {
    this.checkInt(value, 0xff, field);
    this.ensure(1);
    this.view.setUint8(this.length, value);
    this.length += 1;
    return this;
  }

  u16(value: number, field = 'u16'): this {
    this.checkInt(value, 0xffff, field);
    this.ensure(2);
    this.view.setUint16(this.length, value, false);
    this.length += 2;
    return this;
  }

  u32(value: number, field = 'u32'): this {
    this.checkInt(value, 0xffffffff, field);
    this.ensure(4);
    this.view.setUint32(this.length, value, false);
    this.length += 4;
    return this;
  }

  u64(value: bigint, field = 'u64'): this {
    if (value < 0n || value > U64_MAX) throw new Error(`${field} must be from 0 to 2^64-1, got ${value}`);
    this.ensure(8);
    this.view.setBigUint64(this.length, value, false);
    this.length += 8;
    return this;
  }

  /** A u64 from a safe-integer number (Wh, ms). */
  u64n(value: number, field = 'u64'): this {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${field} must be a non-negative integer`);
    return this.u64(BigInt(value), field);
  }

  fixed(bytes: Uint8Array, expectedLength: number, field = 'bytes'): this {
    if (bytes.length !== expectedLength)
      throw new Error(`${field}: expected ${expectedLength} bytes, got ${bytes.length}`);
    return this.raw(bytes);
  }

  /** u8 length prefix. */
  bytes8(bytes: Uint8Array, field = 'bytes'): this {
    if (bytes.length > 0xff) throw new Error(`${field} is longer than 255 bytes (${bytes.length})`);
    return this.u8(bytes.length).raw(bytes);
  }

  /** u32 length prefix. */
  bytes32(bytes: Uint8Array): this {
    return this.u32(bytes.length).raw(bytes);
  }

  raw(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
    return this;
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
